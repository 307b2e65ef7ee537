"""Statements written once for both databases: `?` placeholders and times passed as UTC text,
which SQLite keeps as text and PostgreSQL reads into timestamptz; times read back are UTC text
on both. A storage hands its own connection to `runner` inside its own transaction, so shared
statements commit or roll back with the storage's."""

import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

Rows = list[tuple[Any, ...]]
Run = Callable[..., Rows]  # run(sql, params=()) -> rows (empty for a statement that returns none)


def text_time(value: object) -> Any:
    """A time as the hub writes every time (UTC, milliseconds, offset), a day as ISO text; other
    values unchanged."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="milliseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


# What PostgreSQL hands back as Python dates and datetimes (date, timestamp, timestamptz): only
# those columns are turned to text, so that a query of many rows pays nothing for the others.
# SQLite hands back text as it was written.
_TIMES = frozenset({1082, 1114, 1184})


def runner(conn: Any) -> Run:
    """`run` on an SQLite connection or a psycopg one (typed Any: psycopg is imported only by a
    PostgreSQL hub)."""
    if isinstance(conn, sqlite3.Connection):

        def run_sqlite(sql: str, params: Sequence[Any] = ()) -> Rows:
            rows: Rows = conn.execute(sql, params).fetchall()
            return rows

        return run_sqlite

    def run_postgres(sql: str, params: Sequence[Any] = ()) -> Rows:
        cursor = conn.execute(sql.replace("?", "%s"), params)
        if not cursor.description:
            return []
        rows: Rows = cursor.fetchall()
        timed = [index for index, column in enumerate(cursor.description) if column.type_code in _TIMES]
        if not timed:
            return rows
        texts = []
        for row in rows:
            values = list(row)
            for index in timed:
                values[index] = text_time(values[index])
            texts.append(tuple(values))
        return texts

    return run_postgres
