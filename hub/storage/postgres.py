"""The hub on PostgreSQL (psycopg 3 with a connection pool), for an agency's fleet.

Several hub processes, on one host or several, may serve one database: every rule that must
hold across them is the database's. A record's uuid is unique by constraint (INSERT … ON
CONFLICT DO NOTHING), a code is used once by a conditional UPDATE, and status changes are
numbered under a transaction lock, so a change's number is taken only after every earlier
one is committed and a kiosk's cursor can never pass a change not yet visible.
"""

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from hub.storage import cases, rules
from hub.storage.base import (
    Also,
    DatabaseUnavailable,
    Device,
    HubError,
    Record,
    Result,
    Row,
    SchemaBehind,
    StatusChange,
    StorageFull,
    now,
    status_change,
)
from hub.storage.blobs import FolderBlobs, hashes_named, keep
from hub.storage.keys import sealing_key
from hub.storage.schema import LATEST, SCHEMA_TABLE, behind_message, pending, rebuild
from hub.storage.sql import Run, runner, text_time
from hub.storage.transfer import TABLES
from kiosk.records.protocol import RECEIVED, compact_json

CHANGES_LOCK = 0x4C50_5201  # advisory lock: one transaction at a time numbers status changes
MIGRATE_LOCK = 0x4C50_5202  # advisory lock: one process at a time migrates
POOL_SIZE = 10
CONNECT_TIMEOUT = 10  # seconds
POOL_WAIT_S = 10  # how long a request waits for a connection (a restarting database) before 503


def _text(moment: datetime | None) -> str | None:
    """A time as the API writes every time: UTC, milliseconds, with its offset."""
    return None if moment is None else moment.astimezone(UTC).isoformat(timespec="milliseconds")


def _storable(text: str) -> bool:
    """PostgreSQL text cannot hold NUL: a name with one (from a request) is a name the hub never gave."""
    return "\x00" not in text


def connect(url: str) -> psycopg.Connection[Any]:
    try:
        return psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT)
    except psycopg.Error as exc:
        raise DatabaseUnavailable(" ".join(str(exc).split())) from None


def schema_version(conn: psycopg.Connection[Any]) -> int:
    row = conn.execute("SELECT to_regclass('hub_schema') IS NOT NULL").fetchone()
    if row is None or not row[0]:
        return 0
    version = conn.execute("SELECT coalesce(max(version), 0) FROM hub_schema").fetchone()
    return int(version[0]) if version else 0


def migrate(url: str) -> list[str]:
    """Apply the pending migrations in one transaction; the names of those applied."""
    with connect(url) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [MIGRATE_LOCK])
        conn.execute(SCHEMA_TABLE)
        applied = {version for (version,) in conn.execute("SELECT version FROM hub_schema")}
        done = []
        for migration in pending(applied):
            for statement in migration.postgresql:
                conn.execute(statement)
            conn.execute("INSERT INTO hub_schema (version, name) VALUES (%s, %s)", [migration.version, migration.name])
            done.append(migration.name)
    return done


class PostgresStorage:
    def __init__(self, data_dir: Path, url: str, pool_size: int = POOL_SIZE) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.blobs = FolderBlobs(self.data_dir / "attachments")
        self.sealing_key = sealing_key(self.data_dir)
        with connect(url) as conn:
            version = schema_version(conn)
        if version < LATEST:
            raise SchemaBehind(behind_message(version))
        # `check`: a connection is tried before it is lent, so after a database restart the pool
        # hands out new ones instead of failing once per connection it held.
        self.pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            kwargs={"connect_timeout": CONNECT_TIMEOUT},
            check=ConnectionPool.check_connection,
            timeout=POOL_WAIT_S,
            open=True,
            name="hub",
        )
        self._tokens = rules.TokenCheck()

    def close(self) -> None:
        self.pool.close()

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        """A pooled connection; the database gone away (restarting, unreachable) is said as
        DatabaseUnavailable, which the API answers with 503 and Retry-After, never a stack trace."""
        try:
            with self.pool.connection() as conn:
                yield conn
        except psycopg.errors.DiskFull as exc:  # "could not extend file": the transaction is rolled back
            raise StorageFull(" ".join(str(exc).split())) from exc
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise DatabaseUnavailable(type(exc).__name__) from exc

    # enrollment and authentication
    def create_enrollment_code(self, valid_for: timedelta = timedelta(hours=24), device_id: str | None = None) -> str:
        code = rules.new_code()
        created = datetime.now(UTC)
        with self.connection() as conn:
            if (
                device_id is not None
                and not conn.execute("SELECT 1 FROM devices WHERE device_id = %s", [device_id]).fetchone()
            ):
                raise HubError("unknown_device", f"no device {device_id}")
            conn.execute(
                "INSERT INTO enrollment_codes (code_hash, device_id, created_at, expires_at) VALUES (%s, %s, %s, %s)",
                [rules.code_hash(code), device_id, created, created + valid_for],
            )
        return code

    def enroll(self, code: str) -> tuple[str, str]:
        secret, salt, token_hash = rules.new_secret()
        with self.connection() as conn:
            row = conn.execute(
                "UPDATE enrollment_codes SET used_at = now() WHERE code_hash = %s AND used_at IS NULL"
                " AND expires_at > now() RETURNING device_id",
                [rules.code_hash(code)],
            ).fetchone()
            if row is None:
                raise HubError("bad_code", rules.BAD_CODE)
            device_id: str = row[0] or rules.new_device_id()
            conn.execute(
                "INSERT INTO devices (device_id, salt, token_hash, enrolled_at) VALUES (%s, %s, %s, now())"
                " ON CONFLICT (device_id) DO UPDATE SET salt = excluded.salt, token_hash = excluded.token_hash,"
                " enrolled_at = excluded.enrolled_at, revoked_at = NULL",
                [device_id, salt, token_hash],
            )
        return device_id, f"{device_id}.{secret}"

    def authenticate(self, token: str) -> str | None:
        parts = rules.token_parts(token)
        if parts is None:
            return None
        device_id, secret = parts
        if not _storable(device_id):
            return None
        with self.connection() as conn:
            row = conn.execute(
                "SELECT salt, token_hash FROM devices WHERE device_id = %s AND revoked_at IS NULL", [device_id]
            ).fetchone()
        if row is None or not self._tokens.matches(token, secret, row[0], row[1]):
            return None
        return device_id

    def revoke(self, device_id: str) -> None:
        with self.connection() as conn:
            if not conn.execute("UPDATE devices SET revoked_at = now() WHERE device_id = %s", [device_id]).rowcount:
                raise HubError("unknown_device", f"no device {device_id}")

    def devices(self) -> list[Device]:
        with self.connection() as conn:
            rows = conn.execute(
                "SELECT device_id, enrolled_at, revoked_at, records FROM devices ORDER BY enrolled_at, device_id"
            ).fetchall()
        return [
            {"device_id": device_id, "enrolled_at": _text(enrolled) or "", "revoked_at": _text(revoked), "records": n}
            for device_id, enrolled, revoked, n in rows
        ]

    # records
    def store_records(self, device_id: str, records: list[tuple[Record, str]]) -> list[Result]:
        """The batch goes in as arrays, inserted by one statement that returns the rows it
        added. Numbers are drawn first, so tracking ids follow the batch's order; a uuid another
        process is storing at the same moment waits for it and is then a duplicate or conflict."""
        received = datetime.fromisoformat(now())  # milliseconds, as every time the hub writes and reads back
        refused = [rules.missing_attachments(record, self.has_attachment) for record, _ in records]
        kept_rows = [pair for pair, refusal in zip(records, refused, strict=True) if refusal is None]
        if not kept_rows:  # then every record was refused
            return [refusal for refusal in refused if refusal is not None]
        with self.connection() as conn:
            seqs = [
                seq
                for (seq,) in conn.execute(
                    "SELECT nextval(pg_get_serial_sequence('records', 'seq')) FROM generate_series(1, %s)",
                    [len(kept_rows)],
                )
            ]
            added = conn.execute(
                "INSERT INTO records (seq, uuid, kind, device_id, digest, body, device_created_at, received_at,"
                " tracking_id) SELECT seq, uuid, kind, %s, digest, body, created_at, %s, tracking_id"
                " FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[])"
                " AS batch (seq, uuid, kind, digest, body, created_at, tracking_id)"
                " ON CONFLICT (uuid) DO NOTHING RETURNING seq, uuid, kind, tracking_id",
                [
                    device_id,
                    received,
                    seqs,
                    [record["uuid"] for record, _ in kept_rows],
                    [record["kind"] for record, _ in kept_rows],
                    [fingerprint for _, fingerprint in kept_rows],
                    [compact_json(record) for record, _ in kept_rows],
                    [record["created_at"] for record, _ in kept_rows],
                    [
                        rules.tracking_id(received.isoformat(), seq) if record["kind"] == "complaint" else None
                        for (record, _), seq in zip(kept_rows, seqs, strict=True)
                    ],
                ],
            ).fetchall()
            if added:
                conn.execute("UPDATE devices SET records = records + %s WHERE device_id = %s", [len(added), device_id])
            complaints = [(seq, uuid) for seq, uuid, kind, _ in sorted(added) if kind == "complaint"]
            if complaints:
                conn.execute("SELECT pg_advisory_xact_lock(%s)", [CHANGES_LOCK])
                conn.execute(
                    "INSERT INTO status_changes (uuid, status, updated_at) SELECT uuid, %s, %s"
                    " FROM unnest(%s::text[]) WITH ORDINALITY AS c (uuid, n) ORDER BY n",
                    [RECEIVED, received, [uuid for _, uuid in complaints]],
                )
            first = {record["uuid"]: record for record, _ in reversed(kept_rows)}  # the one stored, when sent twice
            cases.add(
                runner(conn),
                device_id,
                received.isoformat(),
                ((seq, uuid, first[uuid]) for seq, uuid, _, _ in sorted(added)),
            )
            new: dict[str, str | None] = {uuid: tracking for _, uuid, _, tracking in added}
            uuids = Counter(record["uuid"] for record, _ in kept_rows)
            others = [uuid for uuid, times in uuids.items() if uuid not in new or times > 1]  # duplicates, conflicts
            kept = {
                uuid: (stored_digest, tracking)
                for uuid, stored_digest, tracking in conn.execute(
                    "SELECT uuid, digest, tracking_id FROM records WHERE uuid = ANY(%s)", [others]
                )
            }
        return [
            refusal or rules.answer(record["uuid"], fingerprint, new, kept.__getitem__)
            for (record, fingerprint), refusal in zip(records, refused, strict=True)
        ]

    def withdraw(self, device_id: str, uuids: list[str]) -> int:
        """The personal fields go from the body, and the attachment bytes from the blob store
        unless a record not withdrawn names the same hash. The attachments' rows are locked
        before that question is asked, so two withdrawals of records sharing a photo, in two
        processes, cannot each see the other's record as still needing it. Files go after the
        commit: a crash in between leaves a sealed file no row names, never a row without bytes."""
        from kiosk.records.personal import split

        named: set[str] = set()
        with self.connection() as conn:
            rows = conn.execute(
                "SELECT uuid, body FROM records WHERE uuid = ANY(%s) AND device_id = %s AND withdrawn_at IS NULL"
                " FOR UPDATE",
                [[uuid for uuid in uuids if _storable(uuid)], device_id],
            ).fetchall()
            for uuid, body in rows:
                record = json.loads(body)
                public, _personal = split(record)
                conn.execute(
                    "UPDATE records SET body = %s, withdrawn_at = now() WHERE uuid = %s", [compact_json(public), uuid]
                )
                named |= hashes_named(record)
            conn.execute("SELECT 1 FROM attachments WHERE sha256 = ANY(%s) ORDER BY sha256 FOR UPDATE", [sorted(named)])
            unneeded = [sha256 for sha256 in sorted(named) if not _still_named(conn, sha256)]
            conn.execute("DELETE FROM attachments WHERE sha256 = ANY(%s)", [unneeded])
        for sha256 in unneeded:
            self.blobs.erase(sha256)
        return len(rows)

    def record_lines(self) -> Iterator[str]:
        with self.connection() as conn, conn.cursor(name="record_lines") as cursor:
            cursor.execute("SELECT body FROM records ORDER BY seq")
            while rows := cursor.fetchmany(1000):
                for (body,) in rows:
                    yield body

    def count(self) -> int:
        with self.connection() as conn:
            return _count(conn, "records")

    def attachment_count(self) -> int:
        with self.connection() as conn:
            return _count(conn, "attachments")

    # attachments
    def has_attachment(self, sha256: str) -> bool:
        with self.connection() as conn:
            return conn.execute("SELECT 1 FROM attachments WHERE sha256 = %s", [sha256]).fetchone() is not None

    def put_attachment(self, sha256: str, data: bytes) -> bool:
        return keep(self, sha256, data)

    def read_only(self) -> bool:
        """Asked each time: a replica may be promoted while the hub runs."""
        with self.connection() as conn:
            row = conn.execute("SELECT current_setting('transaction_read_only') = 'on'").fetchone()
        return bool(row and row[0])

    # complaint status
    @contextmanager
    def writing(self) -> Iterator[Run]:
        with self.connection() as conn:
            yield runner(conn)

    @contextmanager
    def changing(self) -> Iterator[Run]:
        with self.writing() as run:
            run("SELECT pg_advisory_xact_lock(?)", [CHANGES_LOCK])
            yield run

    def set_status(
        self, uuid: str, status: str, note: str | None = None, agency: str | None = None, also: Also | None = None
    ) -> str:
        if not _storable(uuid):
            raise HubError("unknown_complaint", f"no complaint {uuid!r}")
        with self.changing() as run:
            return cases.set_status(run, uuid, status, note, agency, also)

    def changes(self, device_id: str, cursor: int, limit: int) -> tuple[list[StatusChange], int, bool]:
        with self.connection() as conn:
            rows = conn.execute(
                "SELECT c.seq, c.uuid, r.tracking_id, c.status, c.note, c.updated_at, f.national_id"
                " FROM status_changes c"
                " JOIN records r ON r.uuid = c.uuid LEFT JOIN complaints k ON k.uuid = c.uuid"
                " LEFT JOIN forwards f ON f.uuid = coalesce(k.merged_into, c.uuid)"
                " WHERE c.seq > %s AND r.device_id = %s ORDER BY c.seq LIMIT %s",
                [cursor, device_id, limit + 1],
            ).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        found: list[StatusChange] = [
            status_change(uuid, tracking, status, note, _text(at) or "", national)
            for _seq, uuid, tracking, status, note, at, national in rows
        ]
        next_cursor: int = rows[-1][0] if rows else cursor
        return found, next_cursor, more

    # the database whole
    def rows(self) -> Iterator[Row]:
        with self.connection() as conn:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")  # one snapshot of every table
            for table, columns in TABLES.items():
                with conn.cursor(name=f"rows_of_{table}") as cursor:
                    cursor.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {columns[0]}")
                    while batch := cursor.fetchmany(1000):
                        for values in batch:
                            yield table, tuple(text_time(v) for v in values)

    def load(self, rows: Iterable[Row]) -> None:
        """By COPY, which reads each value as text of its column's type (times included)."""
        with self.connection() as conn:
            for table, group in groupby(rows, key=itemgetter(0)):
                with conn.cursor().copy(f"COPY {table} ({', '.join(TABLES[table])}) FROM STDIN") as copy:
                    for _, values in group:
                        copy.write_row(values)
            for table in (
                "records",
                "status_changes",
                "audit_log",
                "sms_outbox",
            ):  # the next numbers follow the copied ones
                conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'seq'), coalesce(max(seq), 0) + 1, false)"
                    f" FROM {table}"
                )
            for statement in rebuild("postgresql"):
                conn.execute(statement)

    def counts(self) -> dict[str, int]:
        with self.connection() as conn:
            return {table: _count(conn, table) for table in TABLES}


def _still_named(conn: psycopg.Connection[Any], sha256: str) -> bool:
    """Whether a record not withdrawn names this attachment (the text match only narrows the scan).
    Read committed: a withdrawal committed while this one waited on the attachment's lock is seen."""
    row = conn.execute(
        "SELECT 1 FROM records r, jsonb_array_elements(r.body::jsonb -> 'attachments') a"
        " WHERE r.withdrawn_at IS NULL AND strpos(r.body, %s) > 0 AND a ->> 'sha256' = %s LIMIT 1",
        [sha256, sha256],
    ).fetchone()
    return row is not None


def _count(conn: psycopg.Connection[Any], table: str) -> int:
    row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0
