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


def _texts(rows: Sequence[Sequence[Any]]) -> Rows:
    return [tuple(text_time(value) for value in row) for row in rows]


def runner(conn: Any) -> Run:
    """`run` on an SQLite connection or a psycopg one (typed Any: psycopg is imported only by a
    PostgreSQL hub)."""
    if isinstance(conn, sqlite3.Connection):

        def run_sqlite(sql: str, params: Sequence[Any] = ()) -> Rows:
            return _texts(conn.execute(sql, params).fetchall())

        return run_sqlite

    def run_postgres(sql: str, params: Sequence[Any] = ()) -> Rows:
        cursor = conn.execute(sql.replace("?", "%s"), params)
        return _texts(cursor.fetchall()) if cursor.description else []

    return run_postgres
