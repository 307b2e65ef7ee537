"""The kiosk's durable local store: one SQLite file that must never lose a record.

WAL with synchronous=FULL on every connection (village offices lose power), a busy timeout,
versioned migrations, write transactions that take the lock at their start (Database.atomic),
and one writer: a Store is used from the thread that opened it (sqlite3 enforces this), so the
UI gives it a thread of its own (kiosk.ui.dbworker).
Every record passes `kiosk.records.validate` here; nothing else can enter.
"""

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.records import FieldError, RecordInvalid
from kiosk.records.personal import SEALED, merge, split, transit
from kiosk.records.protocol import CONFLICT, DUPLICATE, INVALID, STORED, compact_json, digest
from kiosk.records.refcode import ref_code
from kiosk.records.sealing import seal
from kiosk.store import attachments, migrations
from kiosk.store.database import Database

DB_FILE = "kiosk.sqlite3"
SEALING_KEY = "sealing_key"  # the hub's public key (settings), given at enrollment
BUSY_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class Outcome:
    """What became of one record handed to `add_records`."""

    status: str
    uuid: str | None = None
    errors: list[FieldError] = field(default_factory=list)


class _Refused(Exception):
    """A record whose attachments are not all at hand: its savepoint is rolled back."""

    def __init__(self, errors: list[FieldError]):
        super().__init__(errors)
        self.errors = errors


def _readable(body: str, fields: str | None) -> dict[str, Any]:
    return merge(json.loads(body), json.loads(fields)) if fields else json.loads(body)


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def connect(path: Path) -> sqlite3.Connection:
    """A connection with the pragmas every connection needs (synchronous is per connection)."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S)
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA recursive_triggers = ON")  # so INSERT OR REPLACE meets the delete trigger
    conn.execute("PRAGMA secure_delete = ON")  # erased personal fields are overwritten, not left in free pages
    return conn


def owner_only(path: Path) -> None:
    """The database and its WAL and shared-memory files readable by the kiosk's user alone."""
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
        with contextlib.suppress(FileNotFoundError):
            (path.parent / name).chmod(0o600)


class Store:
    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / DB_FILE
        try:
            Path(data_dir).mkdir(parents=True, exist_ok=True, mode=0o700)
            self.db = Database(connect(self.path))
            self.db.enable_wal(BUSY_TIMEOUT_S)
            owner_only(self.path)
            if migrations.pending(self.db.conn):
                # One process migrates at a time: the others wait here, then find nothing pending.
                with migrations.foreign_keys_off(self.db), self.db.atomic():
                    upgraded = migrations.apply(self.db)
                if upgraded:  # a step that rebuilt a table left a copy of it in the write-ahead log
                    self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.DatabaseError as exc:
            raise KioskError(_("Cannot open the database {path}: {reason}").format(path=self.path, reason=exc)) from exc
        except OSError as exc:
            raise KioskError(
                _("Cannot use the data folder {path}: {reason}").format(path=data_dir, reason=exc.strerror)
            ) from exc

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add_records(self, values: Iterable[object], files: attachments.Source | None = None) -> list[Outcome]:
        """Validate and store, in one transaction: all of them are durable when this returns.

        The uuid's uniqueness is enforced by the database (no check-then-insert); a uuid
        already stored is a duplicate when its content is the same and a conflict, never
        overwritten, when it differs. A new record naming attachments is stored only with
        all their bytes, taken from `files` and checked against its size and hash; else it
        is refused and nothing of it is kept.
        """
        # The record rules (pydantic models, 60 ms to load) come with the first record stored, not
        # with every store opened: the kiosk's window opens one before its first frame.
        from kiosk.records.check import validate

        outcomes = []
        now = utc_now()
        sealing_key = self.setting(SEALING_KEY)  # read per call: enrolling may happen in another process
        with self.db.atomic():
            for value in values:
                if isinstance(value, dict) and SEALED in value:  # an export of an enrolled kiosk
                    outcomes.append(Outcome(INVALID, errors=[FieldError(SEALED, "sealed_for_hub")]))
                    continue
                try:
                    record = validate(value)
                except RecordInvalid as exc:
                    outcomes.append(Outcome(INVALID, errors=exc.errors))
                    continue
                try:
                    with self.db.atomic():
                        outcomes.append(self._insert(record, now, sealing_key, files))
                except _Refused as refused:
                    outcomes.append(Outcome(INVALID, record["uuid"], refused.errors))
        return outcomes

    def _keep_attachments(
        self, record: dict[str, Any], files: attachments.Source | None, sealing_key: str | None
    ) -> None:
        """Each attachment's bytes, read, checked and sealed one at a time (memory stays at one)."""
        for index, entry in enumerate(record.get("attachments", [])):
            field = f"attachments.{index}"
            try:
                data = files(entry) if files else None
            except attachments.Mismatch as exc:
                raise _Refused([FieldError(field, "attachment_mismatch", {"file": exc.file})]) from None
            if data is None:
                raise _Refused([FieldError(field, "attachment_missing")])
            if not attachments.matches(entry, data):
                raise _Refused([FieldError(field, "attachment_mismatch", {"file": entry["sha256"][:12]})])
            attachments.keep(self.db, record["uuid"], entry, data, sealing_key)

    def _insert(
        self, record: dict[str, Any], now: str, sealing_key: str | None, files: attachments.Source | None
    ) -> Outcome:
        uuid, fingerprint = record["uuid"], digest(record)
        public, personal = split(record)
        inserted = self.db.execute(
            "INSERT INTO records (uuid, kind, created_at, event_uuid, supersedes, digest, body, stored_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uuid) DO NOTHING",
            [
                uuid,
                record["kind"],
                record["created_at"],
                record.get("event_uuid"),
                record.get("supersedes"),
                fingerprint,
                compact_json(public),
                now,
            ],
        ).rowcount
        if inserted:
            self.db.execute("INSERT INTO sync_state (uuid, updated_at) VALUES (?, ?)", [uuid, now])
            if personal:
                self._keep_personal(uuid, personal, sealing_key)
            self._keep_attachments(record, files, sealing_key)
            if record["kind"] == "attendance":  # what statistics count (migration m004)
                self.db.execute(
                    "INSERT INTO attendance_facts (uuid, event_uuid, gender, age_band, wgss_worst, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        uuid,
                        record["event_uuid"],
                        record["gender"],
                        record["age_band"],
                        max(record.get("wgss", {}).values(), default=0),
                        record["created_at"],
                    ],
                )
            if record["kind"] == "complaint":
                # 40 bits: a clash on one kiosk is a one-in-a-billion event; then only the uuid finds it.
                self.db.execute(
                    "INSERT INTO ref_codes (code, uuid) VALUES (?, ?) ON CONFLICT DO NOTHING", [ref_code(uuid), uuid]
                )
            return Outcome(STORED, uuid)
        (stored_fingerprint,) = self.db.execute("SELECT digest FROM records WHERE uuid = ?", [uuid]).fetchone()
        if stored_fingerprint == fingerprint:
            return Outcome(DUPLICATE, uuid)
        return Outcome(CONFLICT, uuid, [FieldError("uuid", CONFLICT)])

    def _keep_personal(self, uuid: str, personal: dict[str, Any], sealing_key: str | None) -> None:
        if sealing_key:
            self.db.execute(
                "INSERT INTO personal (uuid, sealed) VALUES (?, ?)", [uuid, seal(sealing_key, uuid, personal)]
            )
        else:
            self.db.execute("INSERT INTO personal (uuid, fields) VALUES (?, ?)", [uuid, compact_json(personal)])

    def record_lines(self, kind: str | None = None) -> Iterator[str]:
        """Every stored record as one line of JSON, oldest first, without loading them all: with
        its personal fields, sealed when they are, and without them once they are erased."""
        where, args = ("WHERE r.kind = ?", [kind]) if kind else ("", [])
        cursor = self.db.execute(
            f"SELECT r.body, p.fields, p.sealed FROM records r LEFT JOIN personal p ON p.uuid = r.uuid {where}"
            " ORDER BY r.seq",
            args,
        )
        while rows := cursor.fetchmany(1000):
            for row in rows:
                yield transit(*row)

    def get(self, uuid: str) -> dict[str, Any] | None:
        """A record as this kiosk can read it: personal fields only while they are kept unsealed."""
        row = self.db.execute(
            "SELECT r.body, p.fields FROM records r LEFT JOIN personal p ON p.uuid = r.uuid WHERE r.uuid = ?", [uuid]
        ).fetchone()
        return _readable(*row) if row else None

    def attachment(self, uuid: str, sha256: str) -> bytes | None:
        """One attachment's plain bytes while this kiosk can read them (see kiosk.store.attachments)."""
        return attachments.read(self.db, sha256, uuid)

    def list_attachments(self, uuid: str) -> list[dict[str, Any]]:
        """A record's attachments as the record lists them, each with `state`: readable, sealed
        (only the hub could open it) or erased."""
        record = self.get(uuid)
        states = attachments.states(self.db, uuid)
        return [
            {**entry, "state": states.get(entry["sha256"], attachments.ERASED)}
            for entry in (record or {}).get("attachments", [])
        ]

    def readable_attachments(self) -> Iterator[tuple[str, bytes]]:
        """(sha256, plain bytes) of every attachment this kiosk can still read, one at a time."""
        for sha256 in attachments.readable_hashes(self.db):
            data = attachments.read(self.db, sha256)
            if data is not None:
                yield sha256, data

    def sealed_attachment_count(self) -> int:
        """Attachments only the hub could open now (they reached it), which no export can write."""
        (count,) = self.db.execute(
            "SELECT count(DISTINCT sha256) FROM attachments WHERE key IS NULL AND data IS NOT NULL"
        ).fetchone()
        return int(count)

    def count(self, kind: str | None = None) -> int:
        where, args = ("WHERE kind = ?", [kind]) if kind else ("", [])
        (count,) = self.db.execute(f"SELECT count(*) FROM records {where}", args).fetchone()
        return int(count)

    def events(self) -> list[dict[str, Any]]:
        """Every event, newest first."""
        rows = self.db.execute("SELECT body FROM records WHERE kind = 'event' ORDER BY seq DESC").fetchall()
        return [json.loads(body) for (body,) in rows]

    def attendance_counts(self, stored_since: str = "") -> dict[str, int]:
        """Attendance per event uuid, counting records stored at or after `stored_since` (UTC)."""
        rows = self.db.execute(
            "SELECT event_uuid, count(*) FROM records WHERE kind = 'attendance' AND stored_at >= ? GROUP BY event_uuid",
            [stored_since],
        ).fetchall()
        return dict(rows)

    def find_complaint(self, code: str) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT r.body, p.fields FROM ref_codes c JOIN records r ON r.uuid = c.uuid"
            " LEFT JOIN personal p ON p.uuid = r.uuid WHERE c.code = ?",
            [code],
        ).fetchone()
        return _readable(*row) if row else None

    def complaint_progress(self, uuid: str) -> dict[str, Any]:
        """What the kiosk knows of a complaint: its sync state, the last status from the hub with
        its tracking numbers, and the citizen's verdict on it (None until one is given)."""
        row = self.db.execute(
            "SELECT s.state, c.status, c.note, c.tracking_id, c.national_tracking_id, c.updated_at,"
            " w.uuid IS NOT NULL FROM sync_state s LEFT JOIN complaint_status c ON c.uuid = s.uuid"
            " LEFT JOIN withdrawals w ON w.uuid = s.uuid WHERE s.uuid = ?",
            [uuid],
        ).fetchone()
        if not row:
            return {}
        keys = ("sync_state", "status", "note", "tracking_id", "national_tracking_id", "status_updated_at")
        return {**dict(zip(keys, row[:-1], strict=True)), "withdrawn": bool(row[-1]), "verdict": self.verdict(uuid)}

    def verdict(self, complaint_uuid: str) -> dict[str, Any] | None:
        """The verdict that counts, the latest given (by its own clock, offsets minded): its
        rating, and whether a reason came with it, written or spoken (the reason itself is
        personal: it is not read back here)."""
        rows = self.db.execute(
            "SELECT r.body, p.uuid IS NOT NULL FROM records r LEFT JOIN personal p ON p.uuid = r.uuid"
            " WHERE r.kind = 'feedback' AND json_extract(r.body, '$.complaint_uuid') = ? ORDER BY r.seq",
            [complaint_uuid],
        ).fetchall()
        if not rows:
            return None
        given = [(json.loads(body), bool(written)) for body, written in rows]
        # max() keeps the first of equals: reversed, so that of two given at the same moment the later stored counts.
        body, written = max(reversed(given), key=lambda pair: datetime.fromisoformat(pair[0]["created_at"]))
        return {
            "uuid": body["uuid"],
            "rating": body["rating"],
            "written": written,
            "spoken": bool(body.get("attachments")),
            "created_at": body["created_at"],
        }

    def status_lines(self) -> Iterator[str]:
        """One JSON line per complaint: reference code, sync state, and the hub's last status."""
        cursor = self.db.execute(
            "SELECT r.uuid, c.code, s.state, coalesce(st.tracking_id, s.tracking_id), st.national_tracking_id,"
            " st.status, st.note, st.updated_at FROM records r JOIN sync_state s ON s.uuid = r.uuid"
            " LEFT JOIN ref_codes c ON c.uuid = r.uuid LEFT JOIN complaint_status st ON st.uuid = r.uuid"
            " WHERE r.kind = 'complaint' ORDER BY r.seq"
        )
        keys = (
            "uuid",
            "reference",
            "sync_state",
            "tracking_id",
            "national_tracking_id",
            "status",
            "note",
            "updated_at",
        )
        while rows := cursor.fetchmany(1000):
            for row in rows:
                yield json.dumps(dict(zip(keys, row, strict=True)), ensure_ascii=False)

    def quarantined(self) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT s.uuid, r.kind, s.last_error, s.updated_at FROM sync_state s JOIN records r ON r.uuid = s.uuid"
            " WHERE s.state = 'quarantined' ORDER BY s.updated_at"
        ).fetchall()
        return [dict(zip(("uuid", "kind", "reason", "updated_at"), row, strict=True)) for row in rows]

    def sync_counts(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT state, count(*) FROM sync_state GROUP BY state").fetchall())

    def setting(self, key: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: object) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                [key, json.dumps(value, ensure_ascii=False), utc_now()],
            )

    def audit(self, actor: str, action: str, **detail: object) -> None:
        """Append an officer action; detail holds counts and names of things, never personal data."""
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, ?, ?)",
                [utc_now(), actor, action, json.dumps(detail, ensure_ascii=False)],
            )

    def audit_entries(self) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT at, actor, action, detail FROM audit_log ORDER BY id").fetchall()
        return [{"at": at, "actor": actor, "action": action, "detail": json.loads(d)} for at, actor, action, d in rows]

    def health(self) -> tuple[str, str, int]:
        """SQLite's integrity check ("ok" when intact), the journal mode and the synchronous level
        (2 is FULL): what `kiosk doctor` checks before an event."""
        (integrity,) = self.db.execute("PRAGMA integrity_check").fetchone()
        (synchronous,) = self.db.execute("PRAGMA synchronous").fetchone()
        return str(integrity), self.db.journal_mode, int(synchronous)

    def applied_migrations(self) -> list[str]:
        return migrations.applied(self.db.conn)

    def pending_migrations(self) -> list[str]:
        return migrations.pending(self.db.conn)
