"""The attendance counts and events the hub's participation figures read (hub.reports).

The counts are kept with each batch (schema.py, migrations 6 and 7; cases.add): per kiosk and
answer, and, for the figures of the whole fleet, by day across events and per event and day in
four numbers, so that a national hub sums thousands of rows, not millions of records. The events
are kept as the few fields the figures read of them, and read whole.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hub.storage.base import Storage
from kiosk.records.statistics import FactRow

DayRow = tuple[str, str, str, str, int, int]  # event, day, gender, age band, worst WG-SS answer, count
Headline = tuple[int, int, int, int]  # registrations; of them women, youth, with a disability
MonthRow = tuple[str, str, Headline]  # event, month (YYYY-MM), headline


@dataclass(frozen=True)
class Event:
    uuid: str
    name: str
    type: str
    starts_on: str
    province: str  # '' where the event named none
    regency: str


def events(storage: Storage) -> dict[str, Event]:
    """Every event the kiosks announced, by uuid, in the order they arrived."""
    with storage.writing() as run:
        rows = run("SELECT uuid, name, type, starts_on, province, regency FROM outreach_events ORDER BY seq")
    return {row[0]: Event(*row) for row in rows}


def _where(date_from: date | None, date_to: date | None, event_uuids: list[str] | None) -> tuple[str, list[Any]]:
    """Days compared as the kiosks' are (their own clocks' days), and the events chosen (None: all)."""
    clauses, params = ["1 = 1"], list[Any]()
    if date_from:
        clauses.append("day >= ?")
        params.append(date_from.isoformat())
    if date_to:
        clauses.append("day < ?")
        params.append((date_to + timedelta(days=1)).isoformat())
    if event_uuids is not None:
        clauses.append(f"event_uuid IN ({', '.join('?' * len(event_uuids))})" if event_uuids else "1 = 0")
        params += event_uuids
    return " AND ".join(clauses), params


def attendance(
    storage: Storage, date_from: date | None, date_to: date | None, event_uuids: list[str] | None
) -> list[DayRow]:
    """Counts per event, day (the device's), gender, age band and worst WG-SS answer, every kiosk
    together; `event_uuids` narrows to those events (None: all). Days compare as the kiosks' do."""
    where, params = _where(date_from, date_to, event_uuids)
    with storage.writing() as run:
        rows = run(
            "SELECT event_uuid, day, gender, age_band, wgss_worst, sum(n) FROM attendance_counts"
            f" WHERE {where} GROUP BY event_uuid, day, gender, age_band, wgss_worst",
            params,
        )
    return [(event, day, gender, band, int(worst), int(n)) for event, day, gender, band, worst, n in rows]


def facts(rows: list[DayRow]) -> list[FactRow]:
    """The rows without their day, as kiosk.records.statistics sums them."""
    return [(event, gender, band, worst, n) for event, _day, gender, band, worst, n in rows]


def cube(
    storage: Storage, date_from: date | None, date_to: date | None, event_uuids: list[str] | None
) -> list[FactRow]:
    """`facts` of every event chosen together (its event left ''), summed by the database: from the
    attendance by day when every event counts, else from the chosen events' own counts."""
    where, params = _where(date_from, date_to, event_uuids)
    table = "attendance_days" if event_uuids is None else "attendance_counts"
    with storage.writing() as run:
        rows = run(f"SELECT gender, age_band, wgss_worst, sum(n) FROM {table} WHERE {where} GROUP BY 1, 2, 3", params)
    return [("", gender, band, int(worst), int(n)) for gender, band, worst, n in rows]


def headlines(
    storage: Storage, date_from: date | None, date_to: date | None, event_uuids: list[str] | None
) -> list[MonthRow]:
    """Per event and month (the device's), the registrations and how many were women, young or with
    a disability: what a breakdown of the figures shows of each group."""
    where, params = _where(date_from, date_to, event_uuids)
    with storage.writing() as run:
        rows = run(
            "SELECT event_uuid, substr(day, 1, 7), sum(n), sum(female), sum(youth), sum(with_disability)"
            f" FROM event_days WHERE {where} GROUP BY 1, 2",
            params,
        )
    return [
        (event, month, (int(n), int(female), int(young), int(disabled)))
        for event, month, n, female, young, disabled in rows
    ]
