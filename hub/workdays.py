"""Working-day deadlines (SP4N-LAPOR!): verification within 3 working days of receipt at the
hub, follow-up within 5 working days of disposition.

A working day is Monday to Friday outside Indonesia's national holidays and its joint leave
(cuti bersama), both from the `holidays` package (its "public" and "government" categories),
as the admin's overrides correct them. Joint leave is decreed year by year, and sometimes
cancelled, after the package's release; regions and offices close on days of their own. So an
override adds a day off the package does not know, or makes one it lists a working day. This
module is handed the overrides; the hub's database keeps them (hub.storage.calendar).
Days are counted in the hub's time zone: a report received on Friday evening in Jakarta was
received on Friday, whatever UTC says.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

from kiosk.records.protocol import FORWARDED, RECEIVED, VERIFIED

VERIFY_WITHIN = 3
FOLLOW_UP_WITHIN = 5
SATURDAY = 5
NO_OVERRIDES: Mapping[date, bool] = MappingProxyType({})
HOLIDAY_LANGUAGES = {"id": "id", "en": "en_US"}  # the console's languages as the package names them


@lru_cache(maxsize=16)  # each year in each language
def holiday_names(year: int, language: str) -> tuple[tuple[date, str], ...]:
    """Indonesia's national holidays and joint leave days of `year` in date order, each with
    its name in the console's `language` (two on one day share it, joined by "; ")."""
    import holidays

    known = holidays.country_holidays(
        "ID", years=year, categories=("public", "government"), language=HOLIDAY_LANGUAGES[language]
    )
    return tuple(sorted(known.items()))


@lru_cache(maxsize=8)
def days_off(year: int) -> frozenset[date]:
    """Indonesia's national holidays and joint leave days of `year`."""
    return frozenset(day for day, _name in holiday_names(year, "id"))


def days_off_around(today: date, overrides: Mapping[date, bool] = NO_OVERRIDES) -> frozenset[date]:
    """Enough years for any deadline the console shows (last year's receipts to next year's)."""
    return days_off_in(today.year - 1, today.year + 1, overrides)


def days_off_in(first_year: int, last_year: int, overrides: Mapping[date, bool] = NO_OVERRIDES) -> frozenset[date]:
    """The days off of these years, as the admin's `overrides` correct the package: each tells of a
    day whether it is a working day (True) or a day off (False), whatever the package says of it."""
    listed = frozenset[date]().union(*(days_off(year) for year in range(first_year, last_year + 1)))
    return listed.union(overrides).difference(day for day, working in overrides.items() if working)


def is_working_day(day: date, holidays: frozenset[date] = frozenset()) -> bool:
    return day.weekday() < SATURDAY and day not in holidays


def add_working_days(start: date, days: int, holidays: frozenset[date] = frozenset()) -> date:
    """The day `days` working days after `start` (which itself does not count)."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        days -= is_working_day(day, holidays)
    return day


def working_days_between(start: date, end: date, holidays: frozenset[date] = frozenset()) -> int:
    """Working days after `start` up to and including `end`; negative when `end` comes first."""
    if end < start:
        return -working_days_between(end, start, holidays)
    return sum(is_working_day(start + timedelta(days=n), holidays) for n in range(1, (end - start).days + 1))


def local_day(moment: str, zone: ZoneInfo) -> date:
    return datetime.fromisoformat(moment).astimezone(zone).date()


def overdue_before(today: date, within: int, zone: ZoneInfo, holidays: frozenset[date] = frozenset()) -> str:
    """The moment (UTC text) before which a clock that started is overdue on `today`. A deadline
    falls `within` working days after the day its clock started, never earlier for a later day,
    so one moment divides the overdue from the rest and the database finds them by index."""
    day = today
    while add_working_days(day - timedelta(days=1), within, holidays) >= today:
        day -= timedelta(days=1)
    return datetime.combine(day, time(), zone).astimezone(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Clock:
    """A complaint's deadline and how it stands on `today`: `left` working days to go, or overdue when negative."""

    due: date
    left: int

    @property
    def overdue(self) -> bool:
        return self.left < 0


def clock(
    status: str,
    received_at: str,
    disposed_at: str | None,
    today: date,
    zone: ZoneInfo,
    holidays: frozenset[date] = frozenset(),
) -> Clock | None:
    """The deadline running for a complaint in this status: the coordinator's (verify and pass
    on) until it is passed to an agency, then the agency's; None once followed up or closed."""
    if status in (RECEIVED, VERIFIED):
        due = add_working_days(local_day(received_at, zone), VERIFY_WITHIN, holidays)
    elif status == FORWARDED and disposed_at is not None:
        due = add_working_days(local_day(disposed_at, zone), FOLLOW_UP_WITHIN, holidays)
    else:
        return None
    if today <= due:
        return Clock(due, working_days_between(today, due, holidays))
    return Clock(due, -max(1, working_days_between(due, today, holidays)))  # a weekend past the day is late too
