"""What the agencies' responsiveness and the reports' tallies are read from: the statistics tables
(hub.storage.statistics), by the hub's days, duplicates merged into another report left out (the
report they joined is counted once).

A clock is read as the working days it ran, by the calendar the caller gives: the days its pairs
fall on are numbered by working day, and the database counts the pairs by the difference of their
numbers. Those counts are kept per month received, for the calendar and the pairs they were made
with, so that a question over months already counted reads a few hundred rows."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hub.storage.base import Storage
from hub.storage.sql import Run
from hub.storage.statistics import FACET_ROWS, FACET_VALUE, reading
from hub.workdays import is_working_day


@dataclass
class Agency:
    """The reports passed to one agency, received in the days asked."""

    passed_on: int = 0
    ratings: dict[int, int] = field(default_factory=dict)  # the citizen's rating (0: none) -> reports
    clocks: dict[str, dict[int, int]] = field(default_factory=dict)  # clock -> working days it ran -> reports


@dataclass(frozen=True)
class _Month:
    name: str  # YYYY-MM
    first: date  # its first day
    last: date  # its last day
    counted: bool  # whether its counts hold for its pairs as they are (by some calendar)
    calendar: str | None  # the calendar they were counted by
    span: tuple[date, date]  # the first and last days its pairs fall on


def _within(day: str, first: date | None, last: date | None, *before: Any) -> tuple[list[str], list[Any]]:
    """Conditions that the day `day` (SQL, its parameters `before`) falls from `first` to `last`."""
    clauses, params = [], list[Any]()
    for operator, bound in ((">=", first), ("<=", last)):
        if bound:
            clauses.append(f"{day} {operator} ?")
            params += [*before, bound.isoformat()]
    return clauses, params


def _calendar(off: frozenset[date], span: tuple[date, date]) -> str:
    """What a month's counts depend on of the calendar: the days off among the days its pairs fall on."""
    days = ",".join(sorted(day.isoformat() for day in off if span[0] <= day <= span[1]))
    return hashlib.sha256(days.encode()).hexdigest()[:16]


def _ran(first: date, last: date, span: tuple[date, date], off: frozenset[date]) -> tuple[str, list[Any]]:
    """How long the clocks of reports received from day `first` to day `last` ran, their days all in
    `span`: SQL giving (month received, agency, clock, working days, reports), after the days of
    `span` numbered by working day in a WITH clause, and its parameters."""
    days = [span[0] + timedelta(days=n) for n in range((span[1] - span[0]).days + 1)]
    numbers, count = list[Any](), 0
    for day in days:
        count += is_working_day(day, off)
        numbers += [day.isoformat(), count]
    return (
        f"WITH numbered (day, n) AS NOT MATERIALIZED (VALUES {', '.join(['(?, ?)'] * len(days))})"
        " {insert} SELECT substr(a.received_day, 1, 7), a.agency, a.clock,"
        " CASE WHEN e.n > s.n THEN e.n - s.n ELSE 0 END, sum(a.n)"
        " FROM agency_clocks a JOIN numbered s ON s.day = a.start_day JOIN numbered e ON e.day = a.end_day"
        " WHERE a.received_day >= ? AND a.received_day <= ? GROUP BY 1, 2, 3, 4 HAVING sum(a.n) <> 0",
        [*numbers, first.isoformat(), last.isoformat()],
    )


def _months(run: Run, first: date | None, last: date | None) -> list[_Month]:
    """The months reports received from day `first` to day `last` were passed on in, in order."""
    found = []
    for name, changes, counted_changes, calendar, first_day, last_day in run(
        "SELECT month, changes, counted_changes, counted_calendar, first_day, last_day FROM clock_months ORDER BY month"
    ):
        start = date.fromisoformat(f"{name}-01")
        end = (start + timedelta(days=31)).replace(day=1) - timedelta(days=1)
        if not ((first and end < first) or (last and start > last)):
            span = (date.fromisoformat(first_day), date.fromisoformat(last_day))
            found.append(_Month(name, start, end, changes == counted_changes, calendar, span))
    return found


def _held(run: Run, month: str, counting: bool = False) -> tuple[date, date]:
    """A month's row held until the transaction ends, so that no change to its pairs commits while
    they are read (`counting`: to be counted, the counts to hold for them as they are now); the
    span of days they fall on, as it is then. Months are held in their order, as the triggers
    count them, so a reader and a writer never wait on each other in turn."""
    ((first_day, last_day),) = run(
        f"UPDATE clock_months SET counted_changes = {'changes' if counting else 'counted_changes'} WHERE month = ?"
        " RETURNING first_day, last_day",
        [month],
    )
    return date.fromisoformat(first_day), date.fromisoformat(last_day)


def _count(run: Run, month: _Month, off: frozenset[date]) -> None:
    """Count a month's pairs again by working days, for the calendar `off`."""
    span = _held(run, month.name, counting=True)
    run("UPDATE clock_months SET counted_calendar = ? WHERE month = ?", [_calendar(off, span), month.name])
    run("DELETE FROM clock_counts WHERE month = ?", [month.name])
    sql, params = _ran(month.first, month.last, span, off)
    run(sql.format(insert="INSERT INTO clock_counts (month, agency, clock, working_days, n)"), params)


def agencies(
    storage: Storage, zone: ZoneInfo, first: date | None, last: date | None, off: frozenset[date]
) -> dict[str, Agency]:
    """Each agency reports received from day `first` to day `last` (None: no bound) were passed
    to, by its code; a clock's working days are counted with the days off `off`, never below 0.

    A month covered whole is read from its counts, counted again first when they were made before
    a change to its pairs or with other days off in its span; the days of a month covered in part
    are read pair by pair. A read replica keeps no counts: there a month whose counts do not hold
    is read pair by pair too."""
    found: dict[str, Agency] = defaultdict(Agency)
    rows: list[tuple[Any, ...]] = []
    whole = []
    with reading(storage, zone) as (run, keep):
        for month in _months(run, first, last):
            within = (max(month.first, first or month.first), min(month.last, last or month.last))
            covered = within == (month.first, month.last)
            if covered and month.counted and month.calendar == _calendar(off, month.span):
                whole.append(month.name)
            elif covered and keep:
                _count(run, month, off)
                whole.append(month.name)
            else:
                sql, params = _ran(*within, _held(run, month.name) if keep else month.span, off)
                rows += run(sql.format(insert=""), params)
        if whole:
            rows += run(
                "SELECT min(month), agency, clock, working_days, sum(n) FROM clock_counts"
                f" WHERE month IN ({', '.join('?' * len(whole))}) GROUP BY agency, clock, working_days",
                whole,
            )
        passed, params = _within("received_day", first, last)
        for agency, rating, n in run(
            "SELECT agency, rating, sum(n) FROM agency_days"
            f" WHERE {' AND '.join(['1 = 1', *passed])} GROUP BY agency, rating HAVING sum(n) <> 0",
            params,
        ):
            found[agency].passed_on += int(n)
            found[agency].ratings[int(rating)] = int(n)
    for _month, agency, clock, working_days, n in rows:
        clocks = found[agency].clocks.setdefault(clock, {})
        clocks[int(working_days)] = clocks.get(int(working_days), 0) + int(n)
    return dict(found)


def first_day(storage: Storage, zone: ZoneInfo) -> date | None:
    """The earliest day a clock of a report passed on started or stopped on."""
    with reading(storage, zone) as (run, _keep):
        (day,) = run("SELECT min(first_day) FROM clock_months")[0]
    return date.fromisoformat(day) if day else None


def tallies(
    storage: Storage, zone: ZoneInfo, first: date | None, last: date | None, province: str | None, regency: str | None
) -> dict[str, dict[str, int]]:
    """The reports received from day `first` to day `last`, in the province and regency the citizen
    named (None: anywhere), by facet (statistics.FACETS) and value. A regency's are counted from the
    case table: few reports, and a name two provinces may share."""
    if regency:
        clauses, params = _within("hub_day(c.received_at, ?)", first, last, str(zone))
        if province:
            clauses, params = [*clauses, "c.province = ?"], [*params, province]
        counted, params = "count(*)", [regency, *params]
        sql = (
            f"SELECT f.facet, {FACET_VALUE}, {counted} FROM complaints c CROSS JOIN {FACET_ROWS}"
            f" WHERE {' AND '.join(['c.merged_into IS NULL', 'c.regency = ?', *clauses])}"
        )
    else:
        clauses, params = _within("day", first, last)
        counted, params = "sum(n)", [province or "", *params]
        sql = f"SELECT facet, value, {counted} FROM report_days WHERE {' AND '.join(['place = ?', *clauses])}"
    found: dict[str, dict[str, int]] = defaultdict(dict)
    with reading(storage, zone) as (run, _keep):
        for facet, value, n in run(f"{sql} GROUP BY 1, 2 HAVING {counted} <> 0", params):
            found[facet][value] = int(n)
    return dict(found)
