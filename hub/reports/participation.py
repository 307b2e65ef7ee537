"""Participation across the whole fleet: the keys of `kiosk stats --format json`, summed over every
kiosk's registrations by the same code (kiosk.records.statistics), plus where and when: each
group's few figures from the counts the hub keeps per event and day (hub.storage.participation),
women, youth and disability as the kiosks count them.

The numbers are registrations, not people: one person registered at two kiosks of one event
cannot be told apart without names, which the hub does not count by.
"""

from collections import defaultdict
from collections.abc import Sequence
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


def _headline(counted: list[int]) -> dict[str, Any]:
    """The few figures a breakdown by place or month carries (registrations, women, youth, with a
    disability: participation.Headline), with their shares."""
    total, female, youth, with_disability = counted
    return {
        "total": total,
        "female": female,
        "youth": youth,
        "with_disability": with_disability,
        "percent": {
            "female": share(female, total),
            "youth": share(youth, total),
            "with_disability": share(with_disability, total),
        },
    }


class _Groups:
    """Headlines summed per group, and the events counted in each."""

    def __init__(self) -> None:
        self.counted: dict[str, list[int]] = {}
        self.events: dict[str, set[str]] = defaultdict(set)

    def add(self, key: str, event_uuid: str, counted: Sequence[int]) -> None:
        total = self.counted.get(key)
        if total is None:
            self.counted[key] = list(counted)
        else:  # written out: a national hub adds a hundred thousand of these per answer
            total[0] += counted[0]
            total[1] += counted[1]
            total[2] += counted[2]
            total[3] += counted[3]
        self.events[key].add(event_uuid)

    def figures(self) -> dict[str, Any]:
        return {key: {**_headline(self.counted[key]), "events": len(self.events[key])} for key in sorted(self.counted)}


def figures(storage: Storage, filters: Filters) -> dict[str, Any]:
    """Every kiosk's registrations in `filters`, as `kiosk stats` reports one kiosk's, plus
    `by_province`, `by_regency`, `by_event_type` and `by_month` (registrations and events each)."""
    known = participation.events(storage)
    placed = filters.province or filters.regency or filters.event_uuid
    narrowed = [uuid for uuid, event in known.items() if filters.chosen(event)] if placed else None
    result = people(participation.cube(storage, filters.date_from, filters.date_to, narrowed))
    by_event, by_month = _Groups(), _Groups()
    for event_uuid, month, counted in participation.headlines(storage, filters.date_from, filters.date_to, narrowed):
        by_event.add(event_uuid, event_uuid, counted)
        by_month.add(month, event_uuid, counted)
    shown = [
        event
        for event in sorted(known.values(), key=lambda e: (e.starts_on, e.uuid))
        if filters.chosen(event) and (event.uuid in by_event.counted or filters.starts_inside(event))
    ]
    result["event_list"] = [
        {
            "uuid": event.uuid,
            "name": event.name,
            "starts_on": event.starts_on,
            **_headline(by_event.counted.get(event.uuid, [0, 0, 0, 0])),
        }
        for event in shown
    ]
    if not filters.event_uuid:
        result["events"] = len(shown)
    groups = {name: _Groups() for name in ("by_province", "by_regency", "by_event_type")}
    for event_uuid, summed in by_event.counted.items():
        event = known.get(event_uuid)
        groups["by_province"].add((event.province if event else "") or UNSPECIFIED, event_uuid, summed)
        groups["by_regency"].add((event.regency if event else "") or UNSPECIFIED, event_uuid, summed)
        groups["by_event_type"].add(event.type if event else UNSPECIFIED, event_uuid, summed)
    for name, grouped in (*groups.items(), ("by_month", by_month)):
        result[name] = grouped.figures()
    result["filters"] = {
        "event": filters.event_uuid,
        "from": filters.date_from.isoformat() if filters.date_from else None,
        "to": filters.date_to.isoformat() if filters.date_to else None,
        "province": filters.province,
        "regency": filters.regency,
    }
    result["counted"] = "registrations"
    return result
