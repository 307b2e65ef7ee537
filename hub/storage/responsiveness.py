"""What the agencies' responsiveness is read from: each report passed on, with the moments its
clocks started and stopped (received, first verified, passed on, first followed up, first
completed), and the citizens' verdicts. Duplicates merged into another report are left out: the
report they joined is counted once."""

from dataclasses import dataclass

from hub.storage.base import Storage
from kiosk.records.protocol import COMPLETED, FOLLOWED_UP, VERIFIED


@dataclass(frozen=True)
class Passed:
    agency: str
    received_at: str
    disposed_at: str
    verified_at: str | None
    followed_up_at: str | None
    completed_at: str | None
    rating: int | None


def passed_on(storage: Storage, received_from: str | None, received_before: str | None) -> list[Passed]:
    """Every report passed to an agency, received at the hub within the bounds (UTC text)."""
    clauses, params = ["c.agency IS NOT NULL", "c.merged_into IS NULL"], [VERIFIED, FOLLOWED_UP, COMPLETED]
    if received_from:
        clauses.append("c.received_at >= ?")
        params.append(received_from)
    if received_before:
        clauses.append("c.received_at < ?")
        params.append(received_before)
    with storage.writing() as run:
        rows = run(
            "SELECT c.agency, c.received_at, c.disposed_at,"
            " min(CASE WHEN s.status = ? THEN s.updated_at END), min(CASE WHEN s.status = ? THEN s.updated_at END),"
            " min(CASE WHEN s.status = ? THEN s.updated_at END), v.rating"
            " FROM complaints c JOIN status_changes s ON s.uuid = c.uuid"
            " LEFT JOIN verdicts v ON v.complaint_uuid = c.uuid"
            f" WHERE {' AND '.join(clauses)}"
            " GROUP BY c.uuid, c.agency, c.received_at, c.disposed_at, v.rating",
            params,
        )
    return [
        Passed(agency, received, disposed, verified, followed, completed, None if rating is None else int(rating))
        for agency, received, disposed, verified, followed, completed, rating in rows
    ]
