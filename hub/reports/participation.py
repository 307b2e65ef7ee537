"""Participation across the whole fleet: the keys of `kiosk stats --format json`, summed over every
kiosk's registrations by the same code (kiosk.records.statistics), plus where and when.

The numbers are registrations, not people: one person registered at two kiosks of one event
cannot be told apart without names, which the hub does not count by.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from hub.storage import participation
from hub.storage.base import Storage
from kiosk.records.statistics import people, share

UNSPECIFIED = "unspecified"  # an event that named no province or regency


@dataclass(frozen=True)
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    event_uuid: str | None = None
    province: str | None = None
    regency: str | None = None

    def chosen(self, event: participation.Event) -> bool:
        return (
            (not self.event_uuid or event.uuid == self.event_uuid)
            and (not self.province or event.province == self.province)
            and (not self.regency or event.regency == self.regency)
        )

    def starts_inside(self, event: participation.Event) -> bool:
        return (not self.date_from or event.starts_on >= self.date_from.isoformat()) and (
            not self.date_to or event.starts_on <= self.date_to.isoformat()
        )


def _headline(counted: dict[str, Any]) -> dict[str, Any]:
    """The few figures a breakdown by place or month carries, with their shares."""
    total = counted["total"]
    return {
        "total": total,
        "female": counted["by_gender"]["female"],
        "youth": counted["youth"],
        "with_disability": counted["with_disability"],
        "percent": {
            "female": share(counted["by_gender"]["female"], total),
            "youth": share(counted["youth"], total),
            "with_disability": share(counted["with_disability"], total),
        },
    }


def figures(storage: Storage, filters: Filters) -> dict[str, Any]:
    """Every kiosk's registrations in `filters`, as `kiosk stats` reports one kiosk's, plus
    `by_province`, `by_regency`, `by_event_type` and `by_month` (registrations and events each)."""
    known = participation.events(storage)
    placed = filters.province or filters.regency or filters.event_uuid
    narrowed = [uuid for uuid, event in known.items() if filters.chosen(event)] if placed else None
    rows = participation.attendance(storage, filters.date_from, filters.date_to, narrowed)
    result = people(participation.facts(rows))
    by_event: dict[str, list[participation.DayRow]] = defaultdict(list)
    for row in rows:
        by_event[row[0]].append(row)
    shown = [
        event
        for event in sorted(known.values(), key=lambda e: (e.starts_on, e.uuid))
        if filters.chosen(event) and (event.uuid in by_event or filters.starts_inside(event))
    ]
    result["event_list"] = [
        {
            "uuid": event.uuid,
            "name": event.name,
            "starts_on": event.starts_on,
            **_headline(people(participation.facts(by_event.get(event.uuid, [])))),
        }
        for event in shown
    ]
    if not filters.event_uuid:
        result["events"] = len(shown)
    groups: dict[str, dict[str, list[participation.DayRow]]] = {
        name: defaultdict(list) for name in ("by_province", "by_regency", "by_event_type", "by_month")
    }
    counted_events: dict[str, dict[str, set[str]]] = {name: defaultdict(set) for name in groups}
    for event_uuid, event_rows in by_event.items():
        event = known.get(event_uuid)
        for row in event_rows:
            keys = {
                "by_province": (event.province if event else "") or UNSPECIFIED,
                "by_regency": (event.regency if event else "") or UNSPECIFIED,
                "by_event_type": event.type if event else UNSPECIFIED,
                "by_month": row[1][:7],
            }
            for name, key in keys.items():
                groups[name][key].append(row)
                counted_events[name][key].add(event_uuid)
    for name, grouped in groups.items():
        result[name] = {
            key: {**_headline(people(participation.facts(grouped[key]))), "events": len(counted_events[name][key])}
            for key in sorted(grouped)
        }
    result["filters"] = {
        "event": filters.event_uuid,
        "from": filters.date_from.isoformat() if filters.date_from else None,
        "to": filters.date_to.isoformat() if filters.date_to else None,
        "province": filters.province,
        "regency": filters.regency,
    }
    result["counted"] = "registrations"
    return result
