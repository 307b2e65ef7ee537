"""The store's connection: each statement commits on its own, `atomic()` groups them.

A few lines over `sqlite3` rather than sqlite-utils' `Database`: every write transaction
must take the write lock at its start (BEGIN IMMEDIATE), nested ones must be savepoints, and
the switch to write-ahead logging must wait out other processes; sqlite-utils does none of
these.
"""

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import count

_savepoints = count()


class Database:
    def __init__(self, conn: sqlite3.Connection):
        conn.isolation_level = None  # no implicit transactions: a write outside atomic() commits at once
        self.conn = conn

    def execute(self, sql: str, parameters: Sequence[object] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, parameters)

    @contextmanager
    def atomic(self) -> Iterator["Database"]:
        """One transaction; inside another, a savepoint, so an inner failure undoes only its part.

        It takes the write lock at once (BEGIN IMMEDIATE), waiting its turn behind other writers.
        A transaction that read before its first write would otherwise be refused outright
        ("database is locked") whenever another connection wrote in between: SQLite cannot let
        it write over what it did not see, and waiting would not help.
        """
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                self.rollback()
                raise
            self.conn.execute("COMMIT")
            return
        savepoint = f"kiosk_{next(_savepoints)}"
        self.conn.execute(f"SAVEPOINT {savepoint}")
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:  # a RAISE(ROLLBACK) trigger may have ended it all already
                self.conn.execute(f"ROLLBACK TO {savepoint}")
                self.conn.execute(f"RELEASE {savepoint}")
            raise
        self.conn.execute(f"RELEASE {savepoint}")

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    @property
    def journal_mode(self) -> str:
        (mode,) = self.conn.execute("PRAGMA journal_mode").fetchone()
        return str(mode)

    def enable_wal(self, timeout: float) -> None:
        """Write-ahead logging, even when other processes open the same new file at the same moment.

        Switching needs an exclusive lock taken up from a shared one. Two connections doing that
        at once would wait on each other for ever, so SQLite answers the second "database is
        locked" at once instead of calling its busy handler: that one waits here and tries again.
        """
        deadline = time.monotonic() + timeout
        while self.journal_mode != "wal":
            try:
                self.conn.execute("PRAGMA journal_mode = wal")
            except sqlite3.OperationalError as exc:
                busy = exc.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY  # any of its extended codes too
                if not busy or time.monotonic() > deadline:
                    raise
                time.sleep(0.005)

    def close(self) -> None:
        self.conn.close()
