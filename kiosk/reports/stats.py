"""Participation statistics for organizers: who the outreach reached, and what was reported.

SQLite does the counting: one GROUP BY over attendance gives a small cube (event x gender
x age band x worst WG-SS answer), and every breakdown is summed from that cube by
kiosk.records.statistics, the code the hub sums every kiosk's cube with. Dates filter on the
day a record was made on the device.
"""

from typing import Any

from kiosk.records.models import CLASSIFICATIONS
from kiosk.records.protocol import COMPLAINT_STATUSES
from kiosk.records.statistics import FactRow, people
from kiosk.store import Store, statistics
from kiosk.store.statistics import NOT_SENT, WAITING, Filters

__all__ = ["NOT_SENT", "SMALL", "WAITING", "Filters", "compute", "open_data"]

SMALL = 5  # open data: counts of 1 to 4 could single a person out


def _events(store: Store, filters: Filters, cube: list[FactRow]) -> list[dict[str, Any]]:
    """Each event with attendance in the filters (or starting in the date range), with its headline shares."""
    by_event: dict[str, list[FactRow]] = {}
    for row in cube:
        by_event.setdefault(row[0], []).append(row)
    events = []
    for uuid, name, starts_on in statistics.events(store, filters.event_uuid):
        in_range = (not filters.date_from or starts_on >= filters.date_from.isoformat()) and (
            not filters.date_to or starts_on <= filters.date_to.isoformat()
        )
        if uuid not in by_event and not in_range:
            continue
        counted = people(by_event.get(uuid, []))
        events.append(
            {
                "uuid": uuid,
                "name": name,
                "starts_on": starts_on,
                "total": counted["total"],
                "female": counted["by_gender"]["female"],
                "youth": counted["youth"],
                "with_disability": counted["with_disability"],
            }
        )
    return events


def _median_days(store: Store, filters: Filters) -> dict[str, float]:
    """Median days from filing to the first time each status was reached (SQL window functions)."""
    rows = statistics.median_days(store, filters)
    return {status: round(max(days, 0.0), 1) for status, days in rows}


def _complaints(store: Store, filters: Filters) -> dict[str, Any]:
    rows = statistics.complaint_counts(store, filters)
    result: dict[str, Any] = {
        "total": 0,
        "by_classification": dict.fromkeys(CLASSIFICATIONS, 0),
        "by_category": {},
        "by_status": dict.fromkeys((NOT_SENT, WAITING, *COMPLAINT_STATUSES), 0),
    }
    for classification, category, status, count in rows:
        result["total"] += count
        result["by_classification"][classification] += count
        result["by_category"][category] = result["by_category"].get(category, 0) + count
        result["by_status"][status] += count
    result["median_days_to_status"] = _median_days(store, filters)
    return result


def compute(store: Store, filters: Filters | None = None) -> dict[str, Any]:
    """Every figure of the report, in DESIGN.md's JSON keys (plus events and complaints)."""
    filters = filters or Filters()
    cube = statistics.attendance_facts(store, filters)
    result = people(cube)
    result["event_list"] = _events(store, filters, cube)
    if not filters.event_uuid:
        result["events"] = len(result["event_list"])
    result["complaints"] = _complaints(store, filters)
    result["filters"] = {
        "event": filters.event_uuid,
        "from": filters.date_from.isoformat() if filters.date_from else None,
        "to": filters.date_to.isoformat() if filters.date_to else None,
    }
    return result


def open_data(stats: dict[str, Any]) -> dict[str, Any]:
    """Safe to publish: no free text (categories typed by citizens), no count of 1 to 4.

    A count of 1 to 4 and its percentage show as "<5"; when a breakdown has just one such
    cell, the next smallest is hidden too, so it cannot be worked out from the total."""

    def suppress(counts: dict[str, Any]) -> dict[str, Any]:
        hidden = {key for key, value in counts.items() if isinstance(value, int) and 0 < value < SMALL}
        if len(hidden) == 1:
            others = sorted((v, k) for k, v in counts.items() if isinstance(v, int) and v > 0 and k not in hidden)
            if others:
                hidden.add(others[0][1])
        return {key: "<5" if key in hidden else value for key, value in counts.items()}

    def shown(value: Any) -> Any:
        return "<5" if isinstance(value, int) and 0 < value < SMALL else value

    safe = {key: shown(stats[key]) for key in ("total", "youth", "with_disability", "wgss_answered")}
    for key in ("by_gender", "by_age_band", "by_gender_disability", "by_gender_youth"):
        safe[key] = suppress(stats[key])
    safe["percent"] = {}
    for key, value in stats["percent"].items():
        if isinstance(value, dict):
            safe["percent"][key] = {k: "<5" if safe[key][k] == "<5" else v for k, v in value.items()}
        else:
            safe["percent"][key] = "<5" if safe[key] == "<5" else value
    if "events" in stats:
        safe["events"] = stats["events"]
    safe["event_list"] = [
        {
            **{k: event[k] for k in ("uuid", "name", "starts_on")},
            **{k: shown(event[k]) for k in ("total", "female", "youth", "with_disability")},
        }
        for event in stats["event_list"]
    ]
    complaints = stats["complaints"]
    safe["complaints"] = {
        "total": shown(complaints["total"]),
        "by_classification": suppress(complaints["by_classification"]),
        "by_status": suppress(complaints["by_status"]),
        "median_days_to_status": complaints["median_days_to_status"],
    }
    safe["filters"] = stats["filters"]
    safe["open_data"] = True
    return safe
