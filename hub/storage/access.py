"""One way for the console's storage modules to run SQL on either database.

Their statements are written once, with `?` placeholders and times passed as UTC text, which
SQLite keeps as text and PostgreSQL reads into timestamptz; times read back are UTC text on
both. Transactions go through the storage's own: on SQLite its one-writer lock.
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from hub.storage.base import Storage
from hub.storage.sqlite import SqliteStorage

Rows = list[tuple[Any, ...]]
Run = Callable[..., Rows]  # run(sql, params=()) -> rows (empty for a statement that returns none)


def text_time(value: object) -> Any:
    """A time as the hub writes every time (UTC, milliseconds, offset); other values unchanged."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="milliseconds")
    return value


def _texts(rows: Sequence[Sequence[Any]]) -> Rows:
    return [tuple(text_time(value) for value in row) for row in rows]


@contextmanager
def transaction(storage: Storage) -> Iterator[Run]:
    """Statements run in one transaction, committed when the block ends without an exception."""
    if isinstance(storage, SqliteStorage):
        with storage._write() as conn:

            def run_sqlite(sql: str, params: Sequence[Any] = ()) -> Rows:
                return _texts(conn.execute(sql, params).fetchall())

            yield run_sqlite
        return
    connection = storage.connection  # type: ignore[attr-defined]  # PostgresStorage, imported only with psycopg
    with connection() as conn:

        def run_postgres(sql: str, params: Sequence[Any] = ()) -> Rows:
            cursor = conn.execute(sql.replace("?", "%s"), params)
            return _texts(cursor.fetchall()) if cursor.description else []

        yield run_postgres
