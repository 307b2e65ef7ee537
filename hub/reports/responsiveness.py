"""Whether agencies answered, and in time: per agency the reports passed to it, the share followed
up (the open-government commitment asks for at least 45%), the share followed up within the
5 working days SP4N-LAPOR! allows, the median working days from receipt to verification, from
being passed on to the first follow-up, and from receipt to completion, the share completed, and
the citizens' verdicts. Working days are the console's (hub.workdays): the hub's time zone, its
calendar of holidays and the admin's days off; completing a report follows it up too."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hub.storage import responsiveness
from hub.storage.base import Storage
from hub.storage.calendar import DaysOff
from hub.storage.statistics import CLOCKS
from hub.workdays import FOLLOW_UP_WITHIN, days_off_in, local_day
from kiosk.records.models import CLASSIFICATIONS
from kiosk.records.protocol import COMPLAINT_STATUSES, NOT_SOLVED, PARTLY_SOLVED, SOLVED
from kiosk.records.statistics import share

RATING_KEYS = {SOLVED: "solved", PARTLY_SOLVED: "partly_solved", NOT_SOLVED: "not_solved"}


def _median(counted: dict[int, int]) -> float | None:
    """The median of the values counted (value -> how many times), as statistics.median gives it of
    the values listed, one decimal."""
    total = sum(counted.values())
    if not total:
        return None
    middle, seen = [], 0
    for value in sorted(counted):
        middle += [value for position in {(total - 1) // 2, total // 2} if seen <= position < seen + counted[value]]
        seen += counted[value]
    return round(sum(middle) / len(middle), 1)


def by_agency(
    storage: Storage,
    zone: ZoneInfo,
    off: frozenset[date],
    received_from: str | None = None,
    received_before: str | None = None,
) -> dict[str, dict[str, Any]]:
    """The figures of each agency reports were passed to, by its code; the bounds (UTC text) are
    the starts of days in `zone`, as `received_between` gives them."""
    first = local_day(received_from, zone) if received_from else None
    last = local_day(received_before, zone) - timedelta(days=1) if received_before else None
    found = responsiveness.agencies(storage, zone, first, last, off)
    figures = {}
    for code in sorted(found):
        agency = found[code]
        answered = agency.clocks.get("to_follow_up", {})
        followed_up = sum(answered.values())
        in_time = sum(n for days, n in answered.items() if days <= FOLLOW_UP_WITHIN)
        completed = sum(agency.clocks.get("to_completion", {}).values())
        figures[code] = {
            "passed_on": agency.passed_on,
            "followed_up": followed_up,
            "followed_up_in_time": in_time,
            "completed": completed,
            "median_working_days": {clock: _median(agency.clocks.get(clock, {})) for clock in CLOCKS},
            "verdicts": {key: agency.ratings.get(rating, 0) for rating, key in RATING_KEYS.items()},
            "percent": {
                "followed_up": share(followed_up, agency.passed_on),
                "followed_up_in_time": share(in_time, agency.passed_on),
                "completed": share(completed, agency.passed_on),
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
    tallied = responsiveness.tallies(storage, zone, first, last, province, regency)
    return {
        "total": sum(tallied.get("by_status", {}).values()),
        "by_classification": dict.fromkeys(CLASSIFICATIONS, 0) | tallied.get("by_classification", {}),
        "by_category": dict(sorted(tallied.get("by_category", {}).items())),
        "by_status": dict.fromkeys(COMPLAINT_STATUSES, 0) | tallied.get("by_status", {}),
        "by_channel": {"kiosk": 0, "event": 0} | tallied.get("by_channel", {}),
    }


def received_between(
    storage: Storage, zone: ZoneInfo, first: date | None, last: date | None
) -> dict[str, dict[str, Any]]:
    """`by_agency` for reports received at the hub from day `first` to day `last` (the hub's days),
    counted with the holidays of every year reports were received in and the admin's days off."""
    earliest = responsiveness.first_day(storage, zone)
    this_year = datetime.now(zone).year
    first_year = earliest.year if earliest else this_year
    off = days_off_in(min(first_year, this_year), this_year + 1, DaysOff(storage).working_by_day())
    return by_agency(storage, zone, off, *_bounds(zone, first, last))
