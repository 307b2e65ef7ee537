"""The reports' tallies and the agencies' clocks as small tables the database keeps current itself
(schema.py, migration 7), so that the fleet's figures read thousands of rows, not every complaint.

A report's figures change by many paths: a batch, a status change, a merge, a verdict, an officer
correcting a row by hand. So the database follows the case table itself: its triggers take a
report's old contribution away and add its new one, in the transaction of the change, and the
triggers on the status changes and verdicts keep on the case table what the clocks read (the
first moment each clock stopped, the citizen's rating). On PostgreSQL they belong to the schema
and run once per statement, one grouped write in key order, so two batches never wait on each
other in turn. On SQLite they are each connection's own TEMP triggers: `hub_day` is a Python
function there, and a trigger in the file would leave any other program that opens it (a
backup tool, an older hub) unable to write. A hub writes with its one writer anyway.

Days are the hub's days: a report received on Friday evening in Jakarta counts on Friday. A clock
is kept as the pair of days it ran between, never as working days, which the admin's calendar
decides and can change after the fact: the reader counts them with the calendar it is given
(hub.storage.responsiveness), and keeps what it counted only beside the calendar and the pairs it
counted with. The zone is the hub's setting and can change too: the tables say which zone they
count in (`statistics_zone`), and `reading` rebuilds them in another when a reader counts in it.
"""

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from zoneinfo import ZoneInfo

from hub.storage.base import HubError, Storage
from hub.storage.sql import Run
from hub.workdays import local_day
from kiosk.records.protocol import COMPLETED, FOLLOWED_UP, VERIFIED

ZONE = "Asia/Jakarta"  # the zone migration 7 counts in: the hub's default (hub.settings.Console)
FACETS = ("by_classification", "by_category", "by_status", "by_channel")
CLOCKS = ("to_verification", "to_follow_up", "to_completion")
FIRSTS = (("verified_at", VERIFIED), ("followed_up_at", FOLLOWED_UP), ("completed_at", COMPLETED))
CASE_COLUMNS = (  # what a report's figures are made of, all on the case table
    "received_at",
    "province",
    "classification",
    "category",
    "status",
    "event_uuid",
    "merged_into",
    "agency",
    "disposed_at",
    *(column for column, _ in FIRSTS),
    "rating",
)
TABLES = ("report_days", "agency_days", "agency_clocks", "clock_months", "clock_counts")

# `place` is '' for the whole hub and the province for a province's own (a report naming none has
# only the first: a province filter is never empty). Each facet is a key of the reports' figures.
# `agency_days` counts the reports passed on, by the citizen's rating (0 for none), and
# `agency_clocks` their clocks, each as the day it started and the day it stopped.
#
# Pairs of days hardly repeat on a national hub (sixty agencies, a few dozen reports each a day),
# so the working days of a month's pairs are counted once and kept in `clock_counts`, for the
# calendar they were counted with: `clock_months` says how often each month's pairs changed (the
# triggers count), the span of days they fall in, and for which change and which calendar the
# counts were made (the reader writes). A month counted is read in a few hundred rows; a change to
# its pairs, or to a day off in its span, has it counted again when it is next read.
_TABLES = (
    "CREATE TABLE statistics_zone (name {text} NOT NULL)",
    f"INSERT INTO statistics_zone (name) VALUES ('{ZONE}')",
    """CREATE TABLE report_days (
        place {text} NOT NULL,
        day {text} NOT NULL,
        facet {text} NOT NULL,
        value {text} NOT NULL,
        n {count} NOT NULL,
        PRIMARY KEY (place, day, facet, value)
    )""",
    """CREATE TABLE agency_days (
        received_day {text} NOT NULL,
        agency {text} NOT NULL,
        rating {count} NOT NULL,
        n {count} NOT NULL,
        PRIMARY KEY (received_day, agency, rating)
    )""",
    """CREATE TABLE agency_clocks (
        received_day {text} NOT NULL,
        agency {text} NOT NULL,
        clock {text} NOT NULL,
        start_day {text} NOT NULL,
        end_day {text} NOT NULL,
        n {count} NOT NULL,
        PRIMARY KEY (received_day, agency, clock, start_day, end_day)
    )""",
    """CREATE TABLE clock_months (
        month {text} PRIMARY KEY,
        changes {count} NOT NULL,
        first_day {text} NOT NULL,
        last_day {text} NOT NULL,
        counted_changes {count},
        counted_calendar {text}
    )""",
    """CREATE TABLE clock_counts (
        month {text} NOT NULL,
        agency {text} NOT NULL,
        clock {text} NOT NULL,
        working_days {count} NOT NULL,
        n {count} NOT NULL,
        PRIMARY KEY (month, agency, clock, working_days)
    )""",
    # the tallies of one regency are read from the case table (a regency is small, and its name
    # alone may be shared by two provinces)
    "CREATE INDEX complaints_by_regency ON complaints (regency, received_at)",
)
_ADDED = "ALTER TABLE complaints ADD COLUMN {0} {1}"


def _one_of(values: tuple[str, ...], name: str) -> str:
    """`values` as rows of one column `name`, written as both databases read it."""
    return " UNION ALL ".join(f"SELECT '{value}' AS {name}" for value in values)


def _day(moment: str) -> str:
    return f"hub_day({moment}, z.name)"


# A case `c` once per facet `f`, and its value there.
FACET_ROWS = f"({_one_of(FACETS, 'facet')}) f"
FACET_VALUE = (
    "CASE f.facet WHEN 'by_classification' THEN c.classification WHEN 'by_category' THEN c.category"
    " WHEN 'by_status' THEN c.status ELSE CASE WHEN c.event_uuid <> '' THEN 'event' ELSE 'kiosk' END END"
)
_START = "CASE k.clock WHEN 'to_follow_up' THEN c.disposed_at ELSE c.received_at END"
_END = (
    "CASE k.clock WHEN 'to_verification' THEN c.verified_at"
    " WHEN 'to_follow_up' THEN coalesce(c.followed_up_at, c.completed_at) ELSE c.completed_at END"
)


def _kept(source: str) -> tuple[str, ...]:
    """What the rows of `source` (the case table's columns and a `sign`, +1 for a report's figures
    to add and -1 for those to take away) change in each table, written in key order."""
    rows = f"({source}) c CROSS JOIN statistics_zone z"
    clocks = (  # the pairs' changes, those that do not cancel out
        "SELECT received_day, agency, clock, start_day, end_day, sum(sign) AS n FROM"
        f" (SELECT {_day('c.received_at')} AS received_day, c.agency, k.clock, {_day(_START)} AS start_day,"
        f" {_day(_END)} AS end_day, c.sign FROM {rows} CROSS JOIN ({_one_of(CLOCKS, 'clock')}) k"
        " WHERE c.merged_into IS NULL AND c.agency IS NOT NULL) t"
        " WHERE start_day IS NOT NULL AND end_day IS NOT NULL"
        " GROUP BY 1, 2, 3, 4, 5 HAVING sum(sign) <> 0"
    )
    return (
        "INSERT INTO report_days (place, day, facet, value, n)"
        f" SELECT CASE WHEN l.level = 0 THEN '' ELSE c.province END, {_day('c.received_at')}, f.facet,"
        f" {FACET_VALUE}, sum(c.sign) FROM {rows} CROSS JOIN {FACET_ROWS}"
        " CROSS JOIN (SELECT 0 AS level UNION ALL SELECT 1) l"
        " WHERE c.merged_into IS NULL AND (l.level = 0 OR c.province <> '')"
        " GROUP BY 1, 2, 3, 4 HAVING sum(c.sign) <> 0 ORDER BY 1, 2, 3, 4"
        " ON CONFLICT (place, day, facet, value) DO UPDATE SET n = report_days.n + excluded.n",
        "INSERT INTO agency_days (received_day, agency, rating, n)"
        f" SELECT {_day('c.received_at')}, c.agency, coalesce(c.rating, 0), sum(c.sign) FROM {rows}"
        " WHERE c.merged_into IS NULL AND c.agency IS NOT NULL"
        " GROUP BY 1, 2, 3 HAVING sum(c.sign) <> 0 ORDER BY 1, 2, 3"
        " ON CONFLICT (received_day, agency, rating) DO UPDATE SET n = agency_days.n + excluded.n",
        "INSERT INTO agency_clocks (received_day, agency, clock, start_day, end_day, n)"
        f" {clocks} ORDER BY 1, 2, 3, 4, 5"
        " ON CONFLICT (received_day, agency, clock, start_day, end_day) DO UPDATE SET n = agency_clocks.n + excluded.n",
        "INSERT INTO clock_months (month, changes, first_day, last_day) SELECT substr(received_day, 1, 7), 1,"
        " min(CASE WHEN start_day < end_day THEN start_day ELSE end_day END),"
        f" max(CASE WHEN start_day > end_day THEN start_day ELSE end_day END) FROM ({clocks}) t GROUP BY 1 ORDER BY 1"
        " ON CONFLICT (month) DO UPDATE SET changes = clock_months.changes + 1,"
        " first_day = CASE WHEN excluded.first_day < clock_months.first_day THEN excluded.first_day"
        " ELSE clock_months.first_day END,"
        " last_day = CASE WHEN excluded.last_day > clock_months.last_day THEN excluded.last_day"
        " ELSE clock_months.last_day END",
    )


# The tables from the case table whole: migration 7, a restore, a change of zone.
REFILL = (
    *(f"DELETE FROM {table}" for table in TABLES),
    *_kept(f"SELECT 1 AS sign, {', '.join(CASE_COLUMNS)} FROM complaints"),
)


def first_moments() -> list[str]:
    """The case table's clock columns as aggregates of one report's status changes."""
    return [f"min(CASE WHEN status = '{status}' THEN updated_at END) AS {column}" for column, status in FIRSTS]


# The case table's clocks and ratings from the hub's history: migration 7 (a restore rebuilds the
# case table with them).
CLOCKS_FROM_HISTORY = (
    f"UPDATE complaints SET {', '.join(f'{column} = f.{column}' for column, _ in FIRSTS)} FROM"
    f" (SELECT uuid, {', '.join(first_moments())} FROM status_changes GROUP BY uuid) f"
    " WHERE f.uuid = complaints.uuid",
    "UPDATE complaints SET rating = v.rating FROM verdicts v WHERE v.complaint_uuid = complaints.uuid",
)


def _clock_columns(time: str, count: str) -> tuple[str, ...]:
    return (
        *(_ADDED.format(column, time) for column, _ in FIRSTS),
        _ADDED.format("rating", count),
        *CLOCKS_FROM_HISTORY,
    )


# The triggers: for each table followed, the columns they read of the rows a statement changed,
# and what they do given those rows, each set as (the rows, as SQL; +1 if new, -1 if gone).
Changed = list[tuple[str, int]]
_STOPPING = f"({', '.join(repr(status) for _, status in FIRSTS)})"  # the statuses that stop a clock
_FOLLOWED: dict[str, tuple[tuple[str, ...], Callable[[Changed], tuple[str, ...]]]] = {
    "complaints": (
        CASE_COLUMNS,
        lambda changed: _kept(
            " UNION ALL ".join(
                f"SELECT {sign} AS sign, {', '.join(CASE_COLUMNS)} FROM {rows}" for rows, sign in changed
            )
        ),
    ),
    "status_changes": (
        ("uuid", "status"),
        lambda changed: (
            "UPDATE complaints SET "
            + ", ".join(
                f"{column} = (SELECT min(s.updated_at) FROM status_changes s WHERE s.uuid = complaints.uuid"
                f" AND s.status = '{status}')"
                for column, status in FIRSTS
            )
            + " WHERE uuid IN ("
            + " UNION ".join(f"SELECT uuid FROM {rows} WHERE status IN {_STOPPING}" for rows, _ in changed)
            + ")",
        ),
    ),
    "verdicts": (
        ("complaint_uuid",),
        lambda changed: (
            "UPDATE complaints SET rating = (SELECT v.rating FROM verdicts v WHERE v.complaint_uuid = complaints.uuid)"
            f" WHERE uuid IN ({' UNION '.join(f'SELECT complaint_uuid FROM {rows}' for rows, _ in changed)})",
        ),
    ),
}
_OPERATIONS = {"INSERT": (("new", 1),), "UPDATE": (("old", -1), ("new", 1)), "DELETE": (("old", -1),)}


def _body(statements: tuple[str, ...]) -> str:
    return " ".join(f"{statement};" for statement in statements)


# PostgreSQL: a function per table, run once per statement on its transition tables. A writer holds
# the zone's row (FOR SHARE) until it commits, so a change of zone waits for every writer that
# counted in the old one, and a writer that comes after it counts in the new one.
def _postgres_triggers(table: str) -> tuple[str, ...]:
    function, act = f"statistics_of_{table}", _FOLLOWED[table][1]
    branches = " ELSIF ".join(
        f"TG_OP = '{operation}' THEN {_body(act([(f'{which}_rows', sign) for which, sign in changed]))}"
        for operation, changed in _OPERATIONS.items()
    )
    lock = "PERFORM 1 FROM statistics_zone FOR SHARE; " if table == "complaints" else ""
    return (
        f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {lock}"
        f"IF {branches} END IF; RETURN NULL; END $$",
        *(
            f"CREATE TRIGGER {function}_{operation.lower()} AFTER {operation} ON {table} REFERENCING "
            + " ".join(f"{which.upper()} TABLE AS {which}_rows" for which, _ in changed)
            + f" FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            for operation, changed in _OPERATIONS.items()
        ),
    )


_HUB_DAY = (
    "CREATE FUNCTION hub_day(moment timestamptz, zone text) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE"
    " AS $$ SELECT to_char(moment AT TIME ZONE zone, 'YYYY-MM-DD') $$"
)


def _sqlite_rows(which: str, columns: tuple[str, ...]) -> str:
    """The row OLD or NEW as a one-row table."""
    return f"(SELECT {', '.join(f'{which.upper()}.{column} AS {column}' for column in columns)}) AS {which}_rows"


# SQLite: the same statements once per row, the row OLD or NEW standing for a transition table. By
# name: each connection creates them (`keep_on_sqlite`), a restore drops them while it rebuilds.
SQLITE_TRIGGERS = {
    f"statistics_of_{table}_{operation.lower()}": f"AFTER {operation} ON main.{table} BEGIN "
    + _body(act([(_sqlite_rows(which, columns), sign) for which, sign in changed]))
    + " END"
    for table, (columns, act) in _FOLLOWED.items()
    for operation, changed in _OPERATIONS.items()
}

MIGRATION = {
    "sqlite": (
        *_clock_columns("TEXT", "INTEGER"),
        *(statement.format(text="TEXT", count="INTEGER") for statement in _TABLES),
        *REFILL,
    ),
    "postgresql": (
        *_clock_columns("timestamptz", "integer"),
        *(statement.format(text="text", count="bigint") for statement in _TABLES),
        _HUB_DAY,
        *REFILL,
        *(trigger for table in _FOLLOWED for trigger in _postgres_triggers(table)),
    ),
}


@lru_cache(maxsize=4096)
def hub_day(moment: str | None, zone: str | None) -> str | None:
    """SQLite's `hub_day`: the day of a moment (UTC text) in the zone named, as ISO text. Kept for
    the moments last asked: a report's triggers ask for the same few moments eight times over."""
    if moment is None or zone is None:
        return None
    return local_day(moment, ZoneInfo(zone)).isoformat()


def keep_on_sqlite(conn: sqlite3.Connection) -> None:
    """This connection's triggers keeping the tables (they count days with `hub_day`, which every
    connection of the hub has, migrations included)."""
    for name, trigger in SQLITE_TRIGGERS.items():
        conn.execute(f"CREATE TEMP TRIGGER IF NOT EXISTS {name} {trigger}")


@contextmanager
def reading(storage: Storage, zone: ZoneInfo) -> Iterator[tuple[Run, bool]]:
    """A transaction on the tables counted in `zone`, and whether the reader may keep in it what it
    counts: rebuilt in `zone` first when they count in another (the hub's zone was changed), once,
    whichever process gets there first.

    A read replica (DESIGN.md lets the statistics read one, so that reports never slow intake) is
    read in one snapshot, as it replays the primary's changes, and cannot rebuild: a zone its
    tables do not count in is refused until the primary has counted in it once."""
    name = str(zone)
    if storage.read_only():
        with storage.writing() as run:
            run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")  # only PostgreSQL is ever read-only
            ((counted_in,),) = run("SELECT name FROM statistics_zone")
            if counted_in != name:
                raise HubError(
                    "statistics_zone",
                    f"this read-only database counts the statistics in the days of {counted_in}, not {name}:"
                    " ask for them once on the primary database (kiosk-hub stats) to count them again",
                )
            yield run, False
        return
    with storage.writing() as run:
        if run("SELECT name FROM statistics_zone")[0][0] == name:
            yield run, True
            return
    with storage.writing() as run:
        if run("UPDATE statistics_zone SET name = ? WHERE name <> ? RETURNING name", [name, name]):
            for statement in REFILL:
                run(statement)
        yield run, True
