"""The hub on SQLite: zero set-up, one file in the data folder, for an officer's laptop or a district.

WAL, synchronous=FULL, one connection per thread, write transactions taken at once (BEGIN
IMMEDIATE). The writers of one process queue on a lock: it hands over at once, where SQLite's
own busy wait sleeps and polls (1, 2, 5, 10 ms ...), leaving the disk idle between batches.
"""

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from itertools import groupby
from operator import itemgetter
from pathlib import Path

from hub.storage import cases, rules, statistics
from hub.storage.base import Also, Device, HubError, Record, Result, Row, StatusChange, StorageFull, now, status_change
from hub.storage.blobs import FolderBlobs, hashes_named, keep
from hub.storage.keys import sealing_key
from hub.storage.schema import SCHEMA_TABLE, pending, rebuild
from hub.storage.sql import Run, runner
from hub.storage.transfer import TABLES
from kiosk.records.protocol import RECEIVED, compact_json

DB_FILE = "hub.sqlite3"


class SqliteStorage:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.blobs = FolderBlobs(self.data_dir / "attachments")
        self.path = self.data_dir / DB_FILE
        self.sealing_key = sealing_key(self.data_dir)
        self._local = threading.local()
        self._one_writer = threading.Lock()
        self._tokens = rules.TokenCheck()
        self._statistics_kept = False
        self._conn().execute("PRAGMA journal_mode = WAL")
        self.applied = self._migrate()  # zero set-up: an SQLite hub is always at this hub's version
        self._statistics_kept = True
        statistics.keep_on_sqlite(self._conn())

    def close(self) -> None:
        """Connections close with their threads; nothing is held open across requests."""

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(str(self.path), timeout=15, isolation_level=None, check_same_thread=True)
            for pragma in ("busy_timeout = 15000", "synchronous = FULL", "foreign_keys = ON", "secure_delete = ON"):
                conn.execute(f"PRAGMA {pragma}")
            conn.create_function("hub_day", 2, statistics.hub_day, deterministic=True)
            if self._statistics_kept:  # once the tables they write exist
                statistics.keep_on_sqlite(conn)
            self._local.conn = conn
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; a full disk (SQLite says SQLITE_FULL, at any statement or at the
        commit) rolls it all back and is said as StorageFull."""
        conn = self._conn()
        with self._one_writer:
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:  # SQLite may have rolled back already
                        conn.execute("ROLLBACK")
                    raise
            except sqlite3.OperationalError as exc:
                if exc.sqlite_errorcode == sqlite3.SQLITE_FULL:
                    raise StorageFull(str(exc)) from exc
                raise

    def _migrate(self) -> list[str]:
        """Apply the pending migrations; the names of those applied."""
        with self._write() as conn:
            conn.execute(SCHEMA_TABLE)
            _adopt_sqlite_utils_history(conn)
            applied = {version for (version,) in conn.execute("SELECT version FROM hub_schema")}
            done = []
            for migration in pending(applied):
                for statement in migration.sqlite:
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO hub_schema (version, name) VALUES (?, ?)", [migration.version, migration.name]
                )
                done.append(migration.name)
        return done

    # enrollment and authentication
    def create_enrollment_code(self, valid_for: timedelta = timedelta(hours=24), device_id: str | None = None) -> str:
        if (
            device_id is not None
            and not self._conn().execute("SELECT 1 FROM devices WHERE device_id = ?", [device_id]).fetchone()
        ):
            raise HubError("unknown_device", f"no device {device_id}")
        code = rules.new_code()
        created = datetime.now(UTC)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO enrollment_codes (code_hash, device_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                [rules.code_hash(code), device_id, created.isoformat(), (created + valid_for).isoformat()],
            )
        return code

    def enroll(self, code: str) -> tuple[str, str]:
        secret, salt, token_hash = rules.new_secret()
        with self._write() as conn:
            row = conn.execute(
                "UPDATE enrollment_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?"
                " RETURNING device_id",
                [now(), rules.code_hash(code), datetime.now(UTC).isoformat()],
            ).fetchone()
            if row is None:
                raise HubError("bad_code", rules.BAD_CODE)
            device_id = row[0] or rules.new_device_id()
            conn.execute(
                "INSERT INTO devices (device_id, salt, token_hash, enrolled_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (device_id) DO UPDATE SET salt = excluded.salt, token_hash = excluded.token_hash,"
                " enrolled_at = excluded.enrolled_at, revoked_at = NULL",
                [device_id, salt, token_hash, now()],
            )
        return device_id, f"{device_id}.{secret}"

    def authenticate(self, token: str) -> str | None:
        parts = rules.token_parts(token)
        if parts is None:
            return None
        device_id, secret = parts
        row = (
            self._conn()
            .execute("SELECT salt, token_hash FROM devices WHERE device_id = ? AND revoked_at IS NULL", [device_id])
            .fetchone()
        )
        if row is None or not self._tokens.matches(token, secret, *row):
            return None
        return device_id

    def revoke(self, device_id: str) -> None:
        with self._write() as conn:
            if not conn.execute("UPDATE devices SET revoked_at = ? WHERE device_id = ?", [now(), device_id]).rowcount:
                raise HubError("unknown_device", f"no device {device_id}")

    def devices(self) -> list[Device]:
        rows = (
            self._conn()
            .execute("SELECT device_id, enrolled_at, revoked_at, records FROM devices ORDER BY enrolled_at, device_id")
            .fetchall()
        )
        return [
            {"device_id": device_id, "enrolled_at": enrolled_at, "revoked_at": revoked_at, "records": records}
            for device_id, enrolled_at, revoked_at, records in rows
        ]

    # records
    def store_records(self, device_id: str, records: list[tuple[Record, str]]) -> list[Result]:
        """The batch goes to SQLite as one JSON array, inserted by one statement, and one query
        tells which rows are new (the writer lock makes `seq > before` this batch's rows). A
        statement per record gave Python's lock back and waited for it again each time, while
        the event loop checking the next batch held it."""
        received = now()
        refused = [rules.missing_attachments(record, self.has_attachment) for record, _ in records]
        rows = [
            (record["uuid"], record["kind"], fingerprint, compact_json(record), record["created_at"])
            for (record, fingerprint), refusal in zip(records, refused, strict=True)
            if refusal is None
        ]
        if not rows:  # then every record was refused
            return [refusal for refusal in refused if refusal is not None]
        with self._write() as conn:
            (before,) = conn.execute("SELECT coalesce(max(seq), 0) FROM records").fetchone()
            conn.execute(
                "INSERT INTO records (uuid, kind, device_id, digest, body, device_created_at, received_at)"
                " SELECT value ->> 0, value ->> 1, ?, value ->> 2, value ->> 3, value ->> 4, ?"
                " FROM json_each(?) WHERE true ON CONFLICT (uuid) DO NOTHING",
                [device_id, received, compact_json(rows)],
            )
            if any(row[1] == "complaint" for row in rows):
                conn.execute(
                    "UPDATE records SET tracking_id = printf('LPR-%s-%07d', ?, seq)"
                    " WHERE seq > ? AND kind = 'complaint'",
                    [received[:4], before],
                )
                conn.execute(
                    "INSERT INTO status_changes (uuid, status, updated_at) SELECT uuid, ?, ?"
                    " FROM records WHERE seq > ? AND kind = 'complaint' ORDER BY seq",
                    [RECEIVED, received, before],
                )
            (added,) = conn.execute(
                "SELECT json_group_object(uuid, tracking_id) FROM records WHERE seq > ?", [before]
            ).fetchone()
            new: dict[str, str | None] = json.loads(added)  # uuid -> tracking id, for the rows this batch added
            conn.execute(
                "UPDATE devices SET records = records + (SELECT count(*) FROM records WHERE seq > ?)"
                " WHERE device_id = ?",
                [before, device_id],
            )
            first = {record["uuid"]: record for record, _ in reversed(records)}  # the one stored, when sent twice
            cases.add(
                runner(conn),
                device_id,
                received,
                (
                    (seq, uuid, first[uuid])
                    for seq, uuid in conn.execute(
                        "SELECT seq, uuid FROM records WHERE seq > ? ORDER BY seq",
                        [before],
                    )
                ),
            )
            return [
                refusal or rules.answer(record["uuid"], fingerprint, new, lambda uuid: _kept(conn, uuid))
                for (record, fingerprint), refusal in zip(records, refused, strict=True)
            ]

    def withdraw(self, device_id: str, uuids: list[str]) -> int:
        """The personal fields go from the body, and the attachment bytes from the blob store
        unless a record not withdrawn names the same hash. Files go after the commit: a crash in
        between leaves a sealed file no row names, never a row whose bytes are gone."""
        from kiosk.records.personal import split

        erased = 0
        named: set[str] = set()
        with self._write() as conn:
            for uuid in uuids:
                row = conn.execute(
                    "SELECT body FROM records WHERE uuid = ? AND device_id = ? AND withdrawn_at IS NULL",
                    [uuid, device_id],
                ).fetchone()
                if row is None:
                    continue
                record = json.loads(row[0])
                public, _personal = split(record)
                conn.execute(
                    "UPDATE records SET body = ?, withdrawn_at = ? WHERE uuid = ?", [compact_json(public), now(), uuid]
                )
                named |= hashes_named(record)
                erased += 1
            unneeded = [sha256 for sha256 in sorted(named) if not _still_named(conn, sha256)]
            conn.executemany("DELETE FROM attachments WHERE sha256 = ?", [[sha256] for sha256 in unneeded])
        for sha256 in unneeded:
            self.blobs.erase(sha256)
        if erased:  # the write-ahead log still holds the pages as they were
            self._conn().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return erased

    def record_lines(self) -> Iterator[str]:
        cursor = self._conn().execute("SELECT body FROM records ORDER BY seq")
        while rows := cursor.fetchmany(1000):
            for (body,) in rows:
                yield body

    def count(self) -> int:
        count: int = self._conn().execute("SELECT count(*) FROM records").fetchone()[0]
        return count

    def attachment_count(self) -> int:
        count: int = self._conn().execute("SELECT count(*) FROM attachments").fetchone()[0]
        return count

    # attachments
    def has_attachment(self, sha256: str) -> bool:
        return self._conn().execute("SELECT 1 FROM attachments WHERE sha256 = ?", [sha256]).fetchone() is not None

    def put_attachment(self, sha256: str, data: bytes) -> bool:
        return keep(self, sha256, data)

    def read_only(self) -> bool:
        """A hub's SQLite file is its own: always written, never a replica."""
        return False

    # complaint status
    @contextmanager
    def writing(self) -> Iterator[Run]:
        with self._write() as conn:
            yield runner(conn)

    def changing(self) -> AbstractContextManager[Run]:
        """The one writer already numbers status changes in the order they commit."""
        return self.writing()

    def set_status(
        self, uuid: str, status: str, note: str | None = None, agency: str | None = None, also: Also | None = None
    ) -> str:
        with self.changing() as run:
            return cases.set_status(run, uuid, status, note, agency, also)

    def changes(self, device_id: str, cursor: int, limit: int) -> tuple[list[StatusChange], int, bool]:
        rows = (
            self._conn()
            .execute(
                "SELECT c.seq, c.uuid, r.tracking_id, c.status, c.note, c.updated_at, f.national_id"
                " FROM status_changes c"
                " JOIN records r ON r.uuid = c.uuid LEFT JOIN complaints k ON k.uuid = c.uuid"
                " LEFT JOIN forwards f ON f.uuid = coalesce(k.merged_into, c.uuid)"
                " WHERE c.seq > ? AND r.device_id = ? ORDER BY c.seq LIMIT ?",
                [cursor, device_id, limit + 1],
            )
            .fetchall()
        )
        more = len(rows) > limit
        rows = rows[:limit]
        found: list[StatusChange] = [
            status_change(uuid, tracking_id, status, note, updated_at, national)
            for _seq, uuid, tracking_id, status, note, updated_at, national in rows
        ]
        next_cursor: int = rows[-1][0] if rows else cursor
        return found, next_cursor, more

    # the database whole
    def rows(self) -> Iterator[Row]:
        conn = self._conn()
        conn.execute("BEGIN")  # one snapshot of every table
        try:
            for table, columns in TABLES.items():
                cursor = conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {columns[0]}")
                while batch := cursor.fetchmany(1000):
                    for values in batch:
                        yield table, values
        finally:
            conn.execute("COMMIT")

    def load(self, rows: Iterable[Row]) -> None:
        """This connection's statistics triggers stand aside while the rows go in, one by one: the
        rebuild counts them once, whole."""
        with self._write() as conn:
            for name in statistics.SQLITE_TRIGGERS:
                conn.execute(f"DROP TRIGGER temp.{name}")
            for table, group in groupby(rows, key=itemgetter(0)):
                columns = TABLES[table]
                conn.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                    (values for _, values in group),
                )
            for statement in rebuild("sqlite"):
                conn.execute(statement)
            statistics.keep_on_sqlite(conn)

    def counts(self) -> dict[str, int]:
        conn = self._conn()
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}


def _kept(conn: sqlite3.Connection, uuid: str) -> tuple[str, str | None]:
    sql = "SELECT digest, tracking_id FROM records WHERE uuid = ?"
    kept: tuple[str, str | None] = conn.execute(sql, [uuid]).fetchone()
    return kept


def _still_named(conn: sqlite3.Connection, sha256: str) -> bool:
    """Whether a record not withdrawn names this attachment (the text match only narrows the scan)."""
    sql = (
        "SELECT 1 FROM records r, json_each(r.body, '$.attachments') a WHERE r.withdrawn_at IS NULL"
        " AND r.body LIKE ? AND a.value ->> 'sha256' = ? LIMIT 1"
    )
    return conn.execute(sql, [f"%{sha256}%", sha256]).fetchone() is not None


def _adopt_sqlite_utils_history(conn: sqlite3.Connection) -> None:
    """Hubs made before the PostgreSQL work recorded migrations in sqlite-utils' own table
    (`m001_initial`, `m002_withdrawals`): count those as versions 1 and 2."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = '_sqlite_migrations'").fetchone() is None:
        return
    conn.execute(
        "INSERT INTO hub_schema (version, name) SELECT CAST(substr(name, 2, 3) AS INTEGER), substr(name, 6)"
        " FROM _sqlite_migrations WHERE migration_set = 'hub' AND true ON CONFLICT (version) DO NOTHING"
    )
