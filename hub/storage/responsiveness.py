"""What the agencies' responsiveness and the reports' tallies are read from: each report passed on, with the moments its
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


def complaint_tallies(
    storage: Storage, province: str | None, regency: str | None, received_from: str | None, received_before: str | None
) -> list[tuple[str, str, str, bool, int]]:
    """(classification, category, status, at an event, count) of the reports received within the
    bounds (UTC text), in the province and regency the citizen named; duplicates merged left out."""
    clauses, params = ["merged_into IS NULL"], list[str]()
    for column, value in (("province", province), ("regency", regency)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if received_from:
        clauses.append("received_at >= ?")
        params.append(received_from)
    if received_before:
        clauses.append("received_at < ?")
        params.append(received_before)
    with storage.writing() as run:
        rows = run(
            "SELECT classification, category, status, event_uuid <> '', count(*) FROM complaints"
            f" WHERE {' AND '.join(clauses)} GROUP BY classification, category, status, event_uuid <> ''",
            params,
        )
    return [(kind, category, status, bool(at_event), int(n)) for kind, category, status, at_event, n in rows]
