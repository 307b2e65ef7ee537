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


def _where(received_from: str | None, received_before: str | None, **equal: str | None) -> tuple[str, list[str]]:
    """Conditions on the case table `c`: not merged into another, received within the bounds (UTC
    text), and each column of `equal` given a value holding it."""
    clauses, params = ["c.merged_into IS NULL"], list[str]()
    for clause, value in (
        *((f"c.{column} = ?", given) for column, given in equal.items()),
        ("c.received_at >= ?", received_from),
        ("c.received_at < ?", received_before),
    ):
        if value:
            clauses.append(clause)
            params.append(value)
    return " AND ".join(clauses), params


def passed_on(storage: Storage, received_from: str | None, received_before: str | None) -> list[Passed]:
    """Every report passed to an agency, received at the hub within the bounds (UTC text)."""
    where, params = _where(received_from, received_before)
    with storage.writing() as run:
        rows = run(
            "SELECT c.agency, c.received_at, c.disposed_at,"
            " min(CASE WHEN s.status = ? THEN s.updated_at END), min(CASE WHEN s.status = ? THEN s.updated_at END),"
            " min(CASE WHEN s.status = ? THEN s.updated_at END), v.rating"
            " FROM complaints c JOIN status_changes s ON s.uuid = c.uuid"
            " LEFT JOIN verdicts v ON v.complaint_uuid = c.uuid"
            f" WHERE c.agency IS NOT NULL AND {where}"
            " GROUP BY c.uuid, c.agency, c.received_at, c.disposed_at, v.rating",
            [VERIFIED, FOLLOWED_UP, COMPLETED, *params],
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
    where, params = _where(received_from, received_before, province=province, regency=regency)
    with storage.writing() as run:
        rows = run(
            "SELECT c.classification, c.category, c.status, c.event_uuid <> '', count(*) FROM complaints c"
            f" WHERE {where} GROUP BY c.classification, c.category, c.status, c.event_uuid <> ''",
            params,
        )
    return [(kind, category, status, bool(at_event), int(n)) for kind, category, status, at_event, n in rows]
