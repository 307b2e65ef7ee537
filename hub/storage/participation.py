"""The attendance counts and events the hub's participation figures read (hub.reports).

The counts are a small table kept with each batch (schema.py, migration 6), so a national hub
sums thousands of rows, not millions of records; events are few and read whole.
"""

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hub.storage.base import Storage
from kiosk.records.statistics import FactRow

DayRow = tuple[str, str, str, str, int, int]  # event, day, gender, age band, worst WG-SS answer, count


@dataclass(frozen=True)
class Event:
    uuid: str
    name: str
    type: str
    starts_on: str
    province: str  # '' where the event named none
    regency: str


def events(storage: Storage) -> dict[str, Event]:
    """Every event the kiosks announced, by uuid."""
    with storage.writing() as run:
        rows = run("SELECT uuid, body FROM records WHERE kind = 'event' ORDER BY seq")
    found = {}
    for uuid, body in rows:
        record: dict[str, Any] = json.loads(body)
        place = record.get("location") or {}
        found[uuid] = Event(
            uuid,
            record["name"],
            record["type"],
            record["starts_on"],
            place.get("province") or "",
            place.get("regency") or "",
        )
    return found


def attendance(
    storage: Storage, date_from: date | None, date_to: date | None, event_uuids: list[str] | None
) -> list[DayRow]:
    """Counts per event, day (the device's), gender, age band and worst WG-SS answer, every kiosk
    together; `event_uuids` narrows to those events (None: all). Days compare as the kiosks' do."""
    clauses, params = ["1 = 1"], list[Any]()
    if date_from:
        clauses.append("day >= ?")
        params.append(date_from.isoformat())
    if date_to:
        clauses.append("day < ?")
        params.append((date_to + timedelta(days=1)).isoformat())
    if event_uuids is not None:
        if not event_uuids:
            return []
        clauses.append(f"event_uuid IN ({', '.join('?' * len(event_uuids))})")
        params += event_uuids
    with storage.writing() as run:
        rows = run(
            "SELECT event_uuid, day, gender, age_band, wgss_worst, sum(n) FROM attendance_counts"
            f" WHERE {' AND '.join(clauses)} GROUP BY event_uuid, day, gender, age_band, wgss_worst",
            params,
        )
    return [(event, day, gender, band, int(worst), int(n)) for event, day, gender, band, worst, n in rows]


def facts(rows: list[DayRow]) -> list[FactRow]:
    """The rows without their day, as kiosk.records.statistics sums them."""
    return [(event, gender, band, worst, n) for event, _day, gender, band, worst, n in rows]
