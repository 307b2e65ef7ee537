"""The hub's storage layer: every SQL statement of the hub lives here, behind plain methods.

The HTTP API only calls these methods, so a national deployment can put PostgreSQL behind
the same interface. SQLite here: WAL, synchronous=FULL, one connection per thread, write
transactions taken at once (BEGIN IMMEDIATE). Uniqueness of a record's uuid is the
database's job (a UNIQUE constraint and ON CONFLICT), never a check-then-insert.
"""

import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

from sqlite_utils import Database, Migrations

from kiosk.records.protocol import (
    ARCHIVED,
    COMPLAINT_STATUSES,
    CONFLICT,
    DUPLICATE,
    FINAL_STATUSES,
    INVALID,
    RECEIVED,
    STORED,
    compact_json,
)

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

DB_FILE = "hub.sqlite3"
SEALING_KEY_FILE = "sealing-key.pem"  # the private half: kiosks seal personal fields for it
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no I, L, O, U, 0 or 1 to misread
SCRYPT = {"n": 2**14, "r": 8, "p": 1}

migrations = Migrations("hub")

Record = dict[str, Any]  # a validated record, as parsed JSON


class Answer(TypedDict):
    """What the records answer says of one record (DESIGN.md, "Sync protocol")."""

    uuid: str | None  # None only for an invalid record whose uuid could not be echoed
    status: str  # one of RESULT_STATUSES
    tracking_id: NotRequired[str]
    error: NotRequired[str]


class Device(TypedDict):
    device_id: str
    enrolled_at: str
    revoked_at: str | None
    records: int


class StatusChange(TypedDict):
    uuid: str
    tracking_id: str | None
    status: str
    note: str | None
    updated_at: str


class HubError(Exception):
    """A request the hub refuses; `code` is stable, the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Result:
    uuid: str
    status: str  # one of RESULT_STATUSES
    tracking_id: str | None = None
    error: str | None = None

    def answer(self) -> Answer:
        """As the records answer carries it: a field without a value is left out."""
        answer: Answer = {"uuid": self.uuid, "status": self.status}
        if self.tracking_id is not None:
            answer["tracking_id"] = self.tracking_id
        if self.error is not None:
            answer["error"] = self.error
        return answer


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _hash_secret(secret: str, salt: bytes) -> bytes:
    return hashlib.scrypt(secret.encode(), salt=salt, dklen=32, **SCRYPT)


def _code_hash(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


def normalize_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


@migrations()
def m001_initial(db: Database) -> None:
    statuses = ", ".join(f"'{s}'" for s in COMPLAINT_STATUSES)
    for statement in (
        """CREATE TABLE devices (
            device_id TEXT PRIMARY KEY,
            salt BLOB NOT NULL,
            token_hash BLOB NOT NULL,
            enrolled_at TEXT NOT NULL,
            revoked_at TEXT
        )""",
        """CREATE TABLE enrollment_codes (
            code_hash TEXT PRIMARY KEY,
            device_id TEXT,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT
        )""",
        """CREATE TABLE records (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            uuid TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            device_id TEXT NOT NULL REFERENCES devices (device_id),
            digest TEXT NOT NULL,
            body TEXT NOT NULL,
            device_created_at TEXT NOT NULL,
            received_at TEXT NOT NULL,
            tracking_id TEXT UNIQUE
        )""",
        "CREATE INDEX records_by_device ON records (device_id)",
        """CREATE TABLE attachments (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, received_at TEXT NOT NULL)""",
        f"""CREATE TABLE status_changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            uuid TEXT NOT NULL REFERENCES records (uuid),
            status TEXT NOT NULL CHECK (status IN ({statuses})),
            note TEXT,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX status_changes_by_uuid ON status_changes (uuid, seq)",
    ):
        db.execute(statement)


@migrations()
def m002_withdrawals(db: Database) -> None:
    """When a citizen withdrew consent: the record's personal fields are gone from its body."""
    db.execute("ALTER TABLE records ADD COLUMN withdrawn_at TEXT")


def _sealing_key(data_dir: Path) -> "X25519PrivateKey":
    """The hub's private key, made on first start and readable by the hub's user alone."""
    from kiosk.records.sealing import load_private_key, new_private_key

    path = data_dir / SEALING_KEY_FILE
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return load_private_key(path.read_bytes())
    pem = new_private_key()
    with os.fdopen(descriptor, "wb") as out:
        out.write(pem)
        out.flush()
        os.fsync(out.fileno())
    return load_private_key(pem)


class HubStorage:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        (self.data_dir / "attachments").mkdir(exist_ok=True, mode=0o700)
        self.path = self.data_dir / DB_FILE
        self.sealing_key = _sealing_key(self.data_dir)
        self._local = threading.local()
        # Writers in this process queue here: a lock hands over at once, where SQLite's own busy
        # wait sleeps and polls (1, 2, 5, 10 ms ...), leaving the disk idle between batches.
        self._one_writer = threading.Lock()
        self._verified: dict[str, bytes] = {}  # sha256(token) -> the token hash it was checked against
        self._checking_token = threading.Lock()
        db = Database(self._conn(), execute_plugins=False)
        db.enable_wal()
        if migrations.pending(db):
            with self._write():
                migrations.apply(db)

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(str(self.path), timeout=15, isolation_level=None, check_same_thread=True)
            for pragma in ("busy_timeout = 15000", "synchronous = FULL", "foreign_keys = ON", "secure_delete = ON"):
                conn.execute(f"PRAGMA {pragma}")
            self._local.conn = conn
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        with self._one_writer:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # enrollment and authentication
    def create_enrollment_code(self, valid_for: timedelta = timedelta(hours=24), device_id: str | None = None) -> str:
        """A one-time code; with `device_id`, it gives that device a new token (the old one stops working)."""
        if (
            device_id is not None
            and not self._conn().execute("SELECT 1 FROM devices WHERE device_id = ?", [device_id]).fetchone()
        ):
            raise HubError("unknown_device", f"no device {device_id}")
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
        code = f"{raw[:5]}-{raw[5:]}"
        created = datetime.now(UTC)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO enrollment_codes (code_hash, device_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                [_code_hash(code), device_id, created.isoformat(), (created + valid_for).isoformat()],
            )
        return code

    def enroll(self, code: str) -> tuple[str, str]:
        """Exchange a one-time code for (device_id, token); only a salted hash of the token is kept."""
        secret = secrets.token_urlsafe(32)
        salt = secrets.token_bytes(16)
        token_hash = _hash_secret(secret, salt)  # slow on purpose: outside the write transaction
        with self._write() as conn:
            row = conn.execute(
                "UPDATE enrollment_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?"
                " RETURNING device_id",
                [now(), _code_hash(code), datetime.now(UTC).isoformat()],
            ).fetchone()
            if row is None:
                raise HubError("bad_code", "the enrollment code is unknown, used or expired")
            device_id = row[0] or f"kiosk-{secrets.token_hex(6)}"
            conn.execute(
                "INSERT INTO devices (device_id, salt, token_hash, enrolled_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (device_id) DO UPDATE SET salt = excluded.salt, token_hash = excluded.token_hash,"
                " enrolled_at = excluded.enrolled_at, revoked_at = NULL",
                [device_id, salt, token_hash, now()],
            )
        return device_id, f"{device_id}.{secret}"

    def authenticate(self, token: str) -> str | None:
        """The device a bearer token belongs to, or None (forged, revoked, re-keyed or malformed)."""
        device_id, _, secret = token.partition(".")
        if not secret or len(token) > 200:
            return None
        row = (
            self._conn()
            .execute("SELECT salt, token_hash FROM devices WHERE device_id = ? AND revoked_at IS NULL", [device_id])
            .fetchone()
        )
        if row is None:
            return None
        salt, token_hash = row
        key = hashlib.sha256(token.encode()).hexdigest()
        if self._verified.get(key) == token_hash:
            return device_id
        # One hash at a time: a kiosk's parallel first requests wait for one check, not one
        # each, and a flood of forged tokens holds one processor, not all of them.
        with self._checking_token:
            if self._verified.get(key) == token_hash:
                return device_id
            if not hmac.compare_digest(_hash_secret(secret, salt), token_hash):
                return None
            self._verified[key] = token_hash
        return device_id

    def revoke(self, device_id: str) -> None:
        with self._write() as conn:
            if not conn.execute("UPDATE devices SET revoked_at = ? WHERE device_id = ?", [now(), device_id]).rowcount:
                raise HubError("unknown_device", f"no device {device_id}")

    def devices(self) -> list[Device]:
        rows = (
            self._conn()
            .execute(
                "SELECT d.device_id, d.enrolled_at, d.revoked_at, count(r.seq) FROM devices d"
                " LEFT JOIN records r ON r.device_id = d.device_id GROUP BY d.device_id ORDER BY d.enrolled_at"
            )
            .fetchall()
        )
        return [
            {"device_id": device_id, "enrolled_at": enrolled_at, "revoked_at": revoked_at, "records": records}
            for device_id, enrolled_at, revoked_at, records in rows
        ]

    # records
    def store_records(self, device_id: str, records: list[tuple[Record, str]]) -> list[Result]:
        """Store validated (record, digest) pairs in one transaction, each with its own result.

        The batch goes to SQLite as one JSON array, inserted by one statement, and one query
        tells which rows are new. A statement per record gave Python's lock back and waited
        for it again each time, while the event loop checking the next batch held it."""
        received = now()
        refused = [self._missing_attachments(record) for record, _ in records]
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
            return [
                refusal or self._answer(conn, record["uuid"], fingerprint, new)
                for (record, fingerprint), refusal in zip(records, refused, strict=True)
            ]

    def _missing_attachments(self, record: Record) -> Result | None:
        """`invalid` for a record naming files not uploaded yet; None when it can be stored."""
        missing = [a["sha256"] for a in record.get("attachments", []) if not self.has_attachment(a["sha256"])]
        if missing:
            return Result(record["uuid"], INVALID, error=f"attachments: not uploaded yet: {', '.join(missing)}")
        return None

    @staticmethod
    def _answer(conn: sqlite3.Connection, uuid: str, fingerprint: str, new: dict[str, str | None]) -> Result:
        """What became of one record of the batch; `new` holds the uuids this batch stored, each
        answered `stored` once (the same uuid again in the batch is answered as a later arrival)."""
        if uuid in new:
            return Result(uuid, STORED, new.pop(uuid))
        stored_digest, tracking_id = conn.execute(
            "SELECT digest, tracking_id FROM records WHERE uuid = ?", [uuid]
        ).fetchone()
        if stored_digest == fingerprint:
            return Result(uuid, DUPLICATE, tracking_id)
        return Result(uuid, CONFLICT, error="uuid: another record with this uuid is already stored")

    def withdraw(self, device_id: str, uuids: list[str]) -> int:
        """Erases the personal fields of this device's records among `uuids` (consent withdrawn);
        uuids of other devices, or unknown ones, are passed over without a word. Returns how
        many were erased."""
        from kiosk.records.personal import split

        erased = 0
        with self._write() as conn:
            for uuid in uuids:
                row = conn.execute(
                    "SELECT body FROM records WHERE uuid = ? AND device_id = ? AND withdrawn_at IS NULL",
                    [uuid, device_id],
                ).fetchone()
                if row is None:
                    continue
                public, _personal = split(json.loads(row[0]))
                conn.execute(
                    "UPDATE records SET body = ?, withdrawn_at = ? WHERE uuid = ?", [compact_json(public), now(), uuid]
                )
                erased += 1
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

    # attachments
    def attachment_path(self, sha256: str) -> Path:
        return self.data_dir / "attachments" / sha256[:2] / sha256

    def has_attachment(self, sha256: str) -> bool:
        return self._conn().execute("SELECT 1 FROM attachments WHERE sha256 = ?", [sha256]).fetchone() is not None

    def put_attachment(self, sha256: str, data: bytes) -> bool:
        """Keep a verified attachment; False when it was already here (the PUT is idempotent)."""
        if hashlib.sha256(data).hexdigest() != sha256:
            raise HubError("hash_mismatch", "the body's SHA-256 differs from the one in the address")
        if self.has_attachment(sha256):
            return False
        path = self.attachment_path(sha256)
        path.parent.mkdir(exist_ok=True, mode=0o700)
        partial = path.with_name(f"{sha256}.{secrets.token_hex(4)}.part")
        with open(partial, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        partial.replace(path)
        with self._write() as conn:
            return (
                conn.execute(
                    "INSERT INTO attachments (sha256, size, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    [sha256, len(data), now()],
                ).rowcount
                == 1
            )

    # complaint status
    def set_status(self, uuid: str, status: str, note: str | None = None) -> str:
        """Move a complaint along its lifecycle; returns the status it had."""
        if status not in COMPLAINT_STATUSES:
            raise HubError("bad_status", f"status must be one of: {', '.join(COMPLAINT_STATUSES)}")
        with self._write() as conn:
            row = conn.execute(
                "SELECT r.kind, (SELECT status FROM status_changes WHERE uuid = r.uuid ORDER BY seq DESC LIMIT 1)"
                " FROM records r WHERE r.uuid = ?",
                [uuid],
            ).fetchone()
            if row is None or row[0] != "complaint":
                raise HubError("unknown_complaint", f"no complaint {uuid}")
            current: str = row[1]
            if current in FINAL_STATUSES or (
                status != ARCHIVED and COMPLAINT_STATUSES.index(status) <= COMPLAINT_STATUSES.index(current)
            ):
                raise HubError("bad_transition", f"a complaint cannot go from {current} to {status}")
            conn.execute(
                "INSERT INTO status_changes (uuid, status, note, updated_at) VALUES (?, ?, ?, ?)",
                [uuid, status, note, now()],
            )
        return current

    def changes(self, device_id: str, cursor: int, limit: int) -> tuple[list[StatusChange], int, bool]:
        """Status changes of this device's complaints after `cursor`: (changes, next cursor, more)."""
        rows = (
            self._conn()
            .execute(
                "SELECT c.seq, c.uuid, r.tracking_id, c.status, c.note, c.updated_at FROM status_changes c"
                " JOIN records r ON r.uuid = c.uuid WHERE c.seq > ? AND r.device_id = ? ORDER BY c.seq LIMIT ?",
                [cursor, device_id, limit + 1],
            )
            .fetchall()
        )
        more = len(rows) > limit
        rows = rows[:limit]
        found: list[StatusChange] = [
            {"uuid": uuid, "tracking_id": tracking_id, "status": status, "note": note, "updated_at": updated_at}
            for _seq, uuid, tracking_id, status, note, updated_at in rows
        ]
        next_cursor: int = rows[-1][0] if rows else cursor
        return found, next_cursor, more
