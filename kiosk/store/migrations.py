"""Versioned schema steps of the kiosk database, applied in order at every open.

Steps are append-only: a released step is never edited, a change is a new step.
Each is recorded in `_sqlite_migrations`, the table sqlite-utils' `Migrations` keeps (the
kiosk used it before, and the hub still does), so a database from any release knows what
it has. The few lines here apply them through the store's own `Database`, so that a step
and the record of it are one transaction taken with the write lock (Database.atomic).
"""

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from kiosk.records.personal import split
from kiosk.records.protocol import COMPLAINT_STATUSES, compact_json
from kiosk.records.refcode import ref_code
from kiosk.store.database import Database

MIGRATION_SET = "kiosk"
Step = Callable[[Database], None]
STEPS: list[Step] = []  # in the order they are applied


def step(function: Step) -> Step:
    STEPS.append(function)
    return function


def applied(conn: sqlite3.Connection) -> list[str]:
    """Names of the steps this database has, in the order they were applied."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'").fetchone():
        return []
    rows = conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid", [MIGRATION_SET])
    return [name for (name,) in rows]


def pending(conn: sqlite3.Connection) -> list[str]:
    done = set(applied(conn))
    return [function.__name__ for function in STEPS if function.__name__ not in done]


def apply(db: Database, stop_before: str | None = None) -> list[str]:
    """The pending steps, each in its own transaction with the record of it (up to `stop_before`);
    returns the names of those applied."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS _sqlite_migrations"
        " (id INTEGER PRIMARY KEY, migration_set TEXT, name TEXT, applied_at TEXT)"
    )
    db.execute(
        "CREATE UNIQUE INDEX IF NOT EXISTS idx__sqlite_migrations_migration_set_name"
        " ON _sqlite_migrations (migration_set, name)"
    )
    done = set(applied(db.conn))
    now_applied: list[str] = []
    for function in STEPS:
        if function.__name__ == stop_before:
            break
        if function.__name__ in done:
            continue
        with db.atomic():
            function(db)
            db.execute(
                "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
                [MIGRATION_SET, function.__name__, str(datetime.now(UTC))],
            )
        now_applied.append(function.__name__)
    return now_applied


SYNC_STATES = ("pending", "sending", "acked", "quarantined")


def _run(db: Database, *statements: str) -> None:
    # Not executescript(): it commits first, which would split a step from its record.
    for statement in statements:
        db.execute(statement)


@step
def m001_initial(db: Database) -> None:
    states = ", ".join(f"'{state}'" for state in SYNC_STATES)
    _run(
        db,
        """CREATE TABLE records (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            uuid TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('event', 'attendance', 'complaint')),
            created_at TEXT NOT NULL,
            event_uuid TEXT,
            supersedes TEXT,
            digest TEXT NOT NULL,
            body TEXT NOT NULL CHECK (json_valid(body)),
            stored_at TEXT NOT NULL
        )""",
        "CREATE INDEX records_by_kind ON records (kind, seq)",
        "CREATE INDEX records_by_event ON records (event_uuid) WHERE event_uuid IS NOT NULL",
        """CREATE TRIGGER records_immutable BEFORE UPDATE ON records
            BEGIN SELECT RAISE(ABORT, 'records are immutable; store a correction with supersedes'); END""",
        """CREATE TRIGGER records_kept BEFORE DELETE ON records
            BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END""",
        f"""CREATE TABLE sync_state (
            uuid TEXT PRIMARY KEY REFERENCES records (uuid),
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ({states})),
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            tracking_id TEXT,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX sync_state_by_state ON sync_state (state)",
        """CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL CHECK (json_valid(value)),
            updated_at TEXT NOT NULL
        )""",
        """CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail))
        )""",
        """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
        """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    )


@step
def m002_reference_codes_and_status(db: Database) -> None:
    """Reference codes for the status screen, and complaint status brought back by sync."""
    statuses = ", ".join(f"'{status}'" for status in COMPLAINT_STATUSES)
    _run(
        db,
        "CREATE TABLE ref_codes (code TEXT PRIMARY KEY, uuid TEXT NOT NULL UNIQUE REFERENCES records (uuid))",
        f"""CREATE TABLE complaint_status (
            uuid TEXT PRIMARY KEY REFERENCES records (uuid),
            tracking_id TEXT,
            status TEXT NOT NULL CHECK (status IN ({statuses})),
            note TEXT,
            updated_at TEXT NOT NULL
        )""",
    )
    for (uuid,) in db.execute("SELECT uuid FROM records WHERE kind = 'complaint'").fetchall():
        db.execute("INSERT INTO ref_codes (code, uuid) VALUES (?, ?) ON CONFLICT DO NOTHING", [ref_code(uuid), uuid])


@step
def m003_status_history_and_statistics(db: Database) -> None:
    """When each complaint first reached each status (for the median days), and an index for date ranges."""
    statuses = ", ".join(f"'{status}'" for status in COMPLAINT_STATUSES)
    _run(
        db,
        f"""CREATE TABLE complaint_status_history (
            uuid TEXT NOT NULL REFERENCES records (uuid),
            status TEXT NOT NULL CHECK (status IN ({statuses})),
            reached_at TEXT NOT NULL,
            PRIMARY KEY (uuid, status)
        )""",
        "INSERT INTO complaint_status_history (uuid, status, reached_at) SELECT uuid, status, updated_at"
        " FROM complaint_status",
        "CREATE INDEX records_by_kind_created ON records (kind, created_at)",
    )


@step
def m004_attendance_facts(db: Database) -> None:
    """Statistics read a small table instead of a million JSON bodies: for each attendance
    record its event, gender, age band, worst WG-SS answer (0 when none was given) and day,
    clustered in the order the statistics group them. `Store` adds a row with each record
    it stores; this step fills in the records stored before it."""
    worst = "(SELECT ifnull(max(value), 0) FROM json_each(body, '$.wgss'))"
    _run(
        db,
        """CREATE TABLE attendance_facts (
            uuid TEXT NOT NULL,
            event_uuid TEXT NOT NULL,
            gender TEXT NOT NULL,
            age_band TEXT NOT NULL,
            wgss_worst INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (event_uuid, gender, age_band, wgss_worst, created_at, uuid)
        ) WITHOUT ROWID""",
        "INSERT INTO attendance_facts SELECT uuid, event_uuid, json_extract(body, '$.gender'),"
        f" json_extract(body, '$.age_band'), {worst}, created_at FROM records WHERE kind = 'attendance'",
    )


@step
def m005_personal_fields_apart(db: Database) -> None:
    """Privacy (UU 27/2022): personal fields move out of the immutable records into their own
    table, where they can be sealed for the hub and erased (retention, withdrawn consent)
    while the rest of the record, and every count, stays. Sync gains the `withdrawn` state
    for a record whose person withdrew consent before it was sent, and withdrawals to tell
    the hub about."""
    sync_states = ", ".join(f"'{state}'" for state in (*SYNC_STATES, "withdrawn"))
    _run(
        db,
        """CREATE TABLE personal (
            uuid TEXT PRIMARY KEY REFERENCES records (uuid),
            fields TEXT CHECK (fields IS NULL OR json_valid(fields)),
            sealed TEXT,
            erased_at TEXT,
            erased_why TEXT CHECK (erased_why IN ('retention', 'withdrawn')),
            CHECK ((fields IS NOT NULL) + (sealed IS NOT NULL) + (erased_at IS NOT NULL) = 1)
        )""",
        """CREATE TABLE withdrawals (
            uuid TEXT PRIMARY KEY REFERENCES records (uuid),
            requested_at TEXT NOT NULL,
            sent_at TEXT
        )""",
        "CREATE INDEX withdrawals_unsent ON withdrawals (sent_at) WHERE sent_at IS NULL",
        # sync_state again, with one more state; its rowids are kept (the outbox walks them).
        f"""CREATE TABLE sync_state_new (
            uuid TEXT PRIMARY KEY REFERENCES records (uuid),
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ({sync_states})),
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            tracking_id TEXT,
            updated_at TEXT NOT NULL
        )""",
        "INSERT INTO sync_state_new (rowid, uuid, state, attempts, last_error, tracking_id, updated_at)"
        " SELECT rowid, uuid, state, attempts, last_error, tracking_id, updated_at FROM sync_state",
        "DROP TABLE sync_state",
        "ALTER TABLE sync_state_new RENAME TO sync_state",
        "CREATE INDEX sync_state_by_state ON sync_state (state)",
        "DROP TRIGGER records_immutable",
    )
    # Only the records that name someone are read in Python (most attendance records name nobody).
    rows = db.execute(
        "SELECT uuid, body FROM records WHERE kind = 'complaint' OR (kind = 'attendance' AND"
        " (json_extract(body, '$.name') IS NOT NULL OR json_extract(body, '$.village') IS NOT NULL))"
    ).fetchall()
    for uuid, body in rows:
        public, personal = split(json.loads(body))
        if personal:
            db.execute("UPDATE records SET body = ? WHERE uuid = ?", [compact_json(public), uuid])
            db.execute("INSERT INTO personal (uuid, fields) VALUES (?, ?)", [uuid, compact_json(personal)])
    _run(
        db,
        """CREATE TRIGGER records_immutable BEFORE UPDATE ON records
            BEGIN SELECT RAISE(ABORT, 'records are immutable; store a correction with supersedes'); END""",
    )


@step
def m006_attachments(db: Database) -> None:
    """Attachment bytes (records schema 2: voice notes and photos) beside their record, sealed
    (kiosk.store.attachments says how and why in the database), erased like the personal
    fields; and the hashes the hub confirmed it holds, so an upload is never sent twice."""
    _run(
        db,
        """CREATE TABLE attachments (
            uuid TEXT NOT NULL REFERENCES records (uuid),
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            data BLOB,
            key BLOB,
            sealed_key TEXT,
            erased_at TEXT,
            erased_why TEXT CHECK (erased_why IN ('retention', 'withdrawn')),
            PRIMARY KEY (uuid, sha256),
            CHECK ((data IS NULL) = (erased_at IS NOT NULL)),
            CHECK (data IS NOT NULL OR (key IS NULL AND sealed_key IS NULL))
        )""",
        "CREATE INDEX attachments_by_sha256 ON attachments (sha256)",
        "CREATE TABLE uploads (sha256 TEXT PRIMARY KEY, uploaded_at TEXT NOT NULL)",
    )


@contextmanager
def foreign_keys_off(db: Database) -> Iterator[None]:
    """Foreign keys off while the steps run: a step that rebuilds a table others refer to (m007)
    drops the old one, which SQLite would otherwise refuse as deleting every parent row. SQLite
    takes this switch only outside a transaction; such a step checks the keys itself before its
    transaction ends."""
    (was_on,) = db.execute("PRAGMA foreign_keys").fetchone()
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        if was_on:
            db.execute("PRAGMA foreign_keys = ON")


@step
def m007_feedback_and_national_numbers(db: Database) -> None:
    """Records schema 2 adds the citizen's verdict (kind `feedback`), which the CHECK on `records`
    refuses: SQLite cannot change a constraint, so the table is built anew (SQLite's documented
    procedure), keeping every row with its `seq`, the AUTOINCREMENT counter, and every index and
    trigger. An index finds a complaint's verdicts; complaint status keeps the SP4N-LAPOR! number
    the hub passes on."""
    (foreign_keys,) = db.execute("PRAGMA foreign_keys").fetchone()
    if foreign_keys:  # dropping `records` would delete every row the other tables refer to
        raise sqlite3.OperationalError("m007 needs foreign keys off (migrations.foreign_keys_off)")
    kept = [
        sql
        for (sql,) in db.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'records' AND type IN ('index', 'trigger')"
            " AND sql IS NOT NULL ORDER BY type, name"
        ).fetchall()
    ]
    counter = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'records'").fetchone()
    _run(
        db,
        """CREATE TABLE records_new (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            uuid TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('event', 'attendance', 'complaint', 'feedback')),
            created_at TEXT NOT NULL,
            event_uuid TEXT,
            supersedes TEXT,
            digest TEXT NOT NULL,
            body TEXT NOT NULL CHECK (json_valid(body)),
            stored_at TEXT NOT NULL
        )""",
        "INSERT INTO records_new (seq, uuid, kind, created_at, event_uuid, supersedes, digest, body, stored_at)"
        " SELECT seq, uuid, kind, created_at, event_uuid, supersedes, digest, body, stored_at FROM records"
        " ORDER BY seq",
        "DROP TABLE records",
        "ALTER TABLE records_new RENAME TO records",
        *kept,
        "CREATE INDEX records_by_complaint ON records (json_extract(body, '$.complaint_uuid')) WHERE kind = 'feedback'",
        "ALTER TABLE complaint_status ADD COLUMN national_tracking_id TEXT",
    )
    if counter is not None:
        db.execute("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'records'", [counter[0]])
    broken = db.execute("PRAGMA foreign_key_check").fetchone()
    if broken is not None:
        raise sqlite3.IntegrityError(f"m007 left a row of {broken[0]} without its record")
