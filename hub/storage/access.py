"""One way for the console's storage modules to run SQL on either database, in a transaction
of the storage's own (on SQLite, behind its one-writer lock)."""

from collections.abc import Iterator
from contextlib import contextmanager

from hub.storage.base import Storage
from hub.storage.sql import Run, runner
from hub.storage.sqlite import SqliteStorage


@contextmanager
def transaction(storage: Storage) -> Iterator[Run]:
    """Statements run in one transaction, committed when the block ends without an exception."""
    if isinstance(storage, SqliteStorage):
        with storage._write() as conn:
            yield runner(conn)
        return
    connection = storage.connection  # type: ignore[attr-defined]  # PostgresStorage, imported only with psycopg
    with connection() as conn:
        yield runner(conn)
