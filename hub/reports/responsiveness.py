"""Whether agencies answered, and in time: per agency the reports passed to it, the share followed
up (the open-government commitment asks for at least 45%), the share followed up within the
5 working days SP4N-LAPOR! allows, the median working days from receipt to verification, from
being passed on to the first follow-up, and from receipt to completion, the share completed, and
the citizens' verdicts. Working days are the console's (hub.workdays): the hub's time zone, its
calendar of holidays and the admin's days off; completing a report follows it up too."""

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from statistics import median
from typing import Any
from zoneinfo import ZoneInfo

from hub.storage import responsiveness
from hub.storage.base import Storage
from hub.storage.calendar import DaysOff
from hub.workdays import FOLLOW_UP_WITHIN, days_off_in, local_day, working_days_between
from kiosk.records.models import CLASSIFICATIONS
from kiosk.records.protocol import COMPLAINT_STATUSES, NOT_SOLVED, PARTLY_SOLVED, RATINGS, SOLVED
from kiosk.records.statistics import share

RATING_KEYS = {SOLVED: "solved", PARTLY_SOLVED: "partly_solved", NOT_SOLVED: "not_solved"}


def _days(start: str, end: str | None, zone: ZoneInfo, off: frozenset[date]) -> int | None:
    if end is None:
        return None
    return max(working_days_between(local_day(start, zone), local_day(end, zone), off), 0)


def _median(values: list[int]) -> float | None:
    return round(float(median(values)), 1) if values else None


def by_agency(
    storage: Storage,
    zone: ZoneInfo,
    off: frozenset[date],
    received_from: str | None = None,
    received_before: str | None = None,
) -> dict[str, dict[str, Any]]:
    """The figures of each agency reports were passed to, by its code."""
    grouped: dict[str, list[responsiveness.Passed]] = defaultdict(list)
    for report in responsiveness.passed_on(storage, received_from, received_before):
        grouped[report.agency].append(report)
    figures = {}
    for agency in sorted(grouped):
        reports = grouped[agency]
        follow = [_days(r.disposed_at, r.followed_up_at or r.completed_at, zone, off) for r in reports]
        answered = [days for days in follow if days is not None]
        verified = [_days(r.received_at, r.verified_at, zone, off) for r in reports]
        completed = [_days(r.received_at, r.completed_at, zone, off) for r in reports]
        done = [days for days in completed if days is not None]
        ratings = [r.rating for r in reports if r.rating in RATINGS]
        figures[agency] = {
            "passed_on": len(reports),
            "followed_up": len(answered),
            "followed_up_in_time": sum(days <= FOLLOW_UP_WITHIN for days in answered),
            "completed": len(done),
            "median_working_days": {
                "to_verification": _median([days for days in verified if days is not None]),
                "to_follow_up": _median(answered),
                "to_completion": _median(done),
            },
            "verdicts": {key: ratings.count(rating) for rating, key in RATING_KEYS.items()},
            "percent": {
                "followed_up": share(len(answered), len(reports)),
                "followed_up_in_time": share(sum(days <= FOLLOW_UP_WITHIN for days in answered), len(reports)),
                "completed": share(len(done), len(reports)),
            },
        }
    return figures


def _bounds(zone: ZoneInfo, first: date | None, last: date | None) -> list[str | None]:
    """From the start of day `first` to the end of day `last` in the hub's zone, as UTC text."""
    return [
        datetime.combine(day, time(), zone).astimezone(UTC).isoformat(timespec="milliseconds") if day else None
        for day in (first, last + timedelta(days=1) if last else None)
    ]


def complaints(
    storage: Storage, zone: ZoneInfo, first: date | None, last: date | None, province: str | None, regency: str | None
) -> dict[str, Any]:
    """The reports received at the hub in these days: by type, category (as the citizen chose or
    typed it; '' for none), status, and channel (at a kiosk, or at an outreach event)."""
    found: dict[str, Any] = {
        "total": 0,
        "by_classification": dict.fromkeys(CLASSIFICATIONS, 0),
        "by_category": {},
        "by_status": dict.fromkeys(COMPLAINT_STATUSES, 0),
        "by_channel": {"kiosk": 0, "event": 0},
    }
    for kind, category, status, at_event, n in responsiveness.complaint_tallies(
        storage, province, regency, *_bounds(zone, first, last)
    ):
        found["total"] += n
        found["by_classification"][kind] += n
        found["by_category"][category] = found["by_category"].get(category, 0) + n
        found["by_status"][status] += n
        found["by_channel"]["event" if at_event else "kiosk"] += n
    return found


def received_between(
    storage: Storage, zone: ZoneInfo, first: date | None, last: date | None
) -> dict[str, dict[str, Any]]:
    """`by_agency` for reports received at the hub from day `first` to day `last` (the hub's days),
    counted with the holidays of every year reports were received in and the admin's days off."""
    bounds = _bounds(zone, first, last)
    with storage.writing() as run:
        (earliest,) = run("SELECT min(received_at) FROM complaints")[0]
    this_year = datetime.now(zone).year
    first_year = datetime.fromisoformat(earliest).astimezone(zone).year if earliest else this_year
    off = days_off_in(min(first_year, this_year), this_year + 1, DaysOff(storage).working_by_day())
    return by_agency(storage, zone, off, *bounds)
