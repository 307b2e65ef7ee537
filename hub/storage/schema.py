"""The hub's schema as one list of versioned migrations, each in plain SQL for both databases.

A database records the versions applied in `hub_schema`. SQLite hubs apply what is pending
when they open (zero set-up); a PostgreSQL hub is brought up by `kiosk-hub migrate` and
refuses to serve an older schema.
"""

from dataclasses import dataclass

from hub.storage.roles import ROLES
from kiosk.records.protocol import COMPLAINT_STATUSES

_STATUSES = ", ".join(f"'{s}'" for s in COMPLAINT_STATUSES)
_ROLES = ", ".join(f"'{r}'" for r in ROLES)


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sqlite: tuple[str, ...]
    postgresql: tuple[str, ...]


SCHEMA_TABLE = "CREATE TABLE IF NOT EXISTS hub_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL)"

MIGRATIONS = (
    Migration(
        1,
        "initial",
        sqlite=(
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
            "CREATE TABLE attachments (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, received_at TEXT NOT NULL)",
            f"""CREATE TABLE status_changes (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                uuid TEXT NOT NULL REFERENCES records (uuid),
                status TEXT NOT NULL CHECK (status IN ({_STATUSES})),
                note TEXT,
                updated_at TEXT NOT NULL
            )""",
            "CREATE INDEX status_changes_by_uuid ON status_changes (uuid, seq)",
        ),
        # Times the hub makes are timestamptz; the device's own clock stays text, as it said it.
        postgresql=(
            """CREATE TABLE devices (
                device_id text PRIMARY KEY,
                salt bytea NOT NULL,
                token_hash bytea NOT NULL,
                enrolled_at timestamptz NOT NULL,
                revoked_at timestamptz
            )""",
            """CREATE TABLE enrollment_codes (
                code_hash text PRIMARY KEY,
                device_id text,
                created_at timestamptz NOT NULL,
                expires_at timestamptz NOT NULL,
                used_at timestamptz
            )""",
            """CREATE TABLE records (
                seq bigserial PRIMARY KEY,
                uuid text NOT NULL UNIQUE,
                kind text NOT NULL,
                device_id text NOT NULL REFERENCES devices (device_id),
                digest text NOT NULL,
                body text NOT NULL,
                device_created_at text NOT NULL,
                received_at timestamptz NOT NULL,
                tracking_id text UNIQUE
            )""",
            "CREATE INDEX records_by_device ON records (device_id)",
            """CREATE TABLE attachments (
                sha256 text PRIMARY KEY,
                size bigint NOT NULL,
                received_at timestamptz NOT NULL
            )""",
            f"""CREATE TABLE status_changes (
                seq bigserial PRIMARY KEY,
                uuid text NOT NULL REFERENCES records (uuid),
                status text NOT NULL CHECK (status IN ({_STATUSES})),
                note text,
                updated_at timestamptz NOT NULL
            )""",
            "CREATE INDEX status_changes_by_uuid ON status_changes (uuid, seq)",
        ),
    ),
    Migration(
        2,
        "withdrawals",  # when a citizen withdrew consent: the record's personal fields are gone from its body
        sqlite=("ALTER TABLE records ADD COLUMN withdrawn_at TEXT",),
        postgresql=("ALTER TABLE records ADD COLUMN withdrawn_at timestamptz",),
    ),
    Migration(
        3,
        "console",  # staff, their sessions, agencies, dispositions and the append-only audit log
        sqlite=(
            "CREATE TABLE agencies (code TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL)",
            f"""CREATE TABLE staff (
                name TEXT PRIMARY KEY,
                role TEXT NOT NULL CHECK (role IN ({_ROLES})),
                agency TEXT REFERENCES agencies (code),
                salt BLOB NOT NULL,
                password_hash BLOB NOT NULL,
                created_at TEXT NOT NULL,
                disabled_at TEXT,
                failed_logins INTEGER NOT NULL DEFAULT 0,
                locked_until TEXT,
                CHECK ((role = 'liaison') = (agency IS NOT NULL))
            )""",
            """CREATE TABLE staff_sessions (
                token_hash TEXT PRIMARY KEY,
                name TEXT NOT NULL REFERENCES staff (name),
                csrf_token TEXT NOT NULL,
                created_at TEXT NOT NULL,
                last_seen TEXT NOT NULL
            )""",
            """CREATE TABLE dispositions (
                uuid TEXT PRIMARY KEY REFERENCES records (uuid),
                agency TEXT NOT NULL REFERENCES agencies (code),
                disposed_at TEXT NOT NULL
            )""",
            """CREATE TABLE audit_log (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                target TEXT,
                address TEXT
            )""",
            "CREATE INDEX audit_log_by_address ON audit_log (address, action, at)",
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
            " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
            "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
            " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
        ),
        postgresql=(
            "CREATE TABLE agencies (code text PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL)",
            f"""CREATE TABLE staff (
                name text PRIMARY KEY,
                role text NOT NULL CHECK (role IN ({_ROLES})),
                agency text REFERENCES agencies (code),
                salt bytea NOT NULL,
                password_hash bytea NOT NULL,
                created_at timestamptz NOT NULL,
                disabled_at timestamptz,
                failed_logins integer NOT NULL DEFAULT 0,
                locked_until timestamptz,
                CHECK ((role = 'liaison') = (agency IS NOT NULL))
            )""",
            """CREATE TABLE staff_sessions (
                token_hash text PRIMARY KEY,
                name text NOT NULL REFERENCES staff (name),
                csrf_token text NOT NULL,
                created_at timestamptz NOT NULL,
                last_seen timestamptz NOT NULL
            )""",
            """CREATE TABLE dispositions (
                uuid text PRIMARY KEY REFERENCES records (uuid),
                agency text NOT NULL REFERENCES agencies (code),
                disposed_at timestamptz NOT NULL
            )""",
            """CREATE TABLE audit_log (
                seq bigserial PRIMARY KEY,
                at timestamptz NOT NULL,
                actor text NOT NULL,
                action text NOT NULL,
                target text,
                address text
            )""",
            "CREATE INDEX audit_log_by_address ON audit_log (address, action, at)",
            """CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$""",
            """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
                FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()""",
        ),
    ),
)
LATEST = MIGRATIONS[-1].version


def pending(applied: set[int]) -> list[Migration]:
    return [migration for migration in MIGRATIONS if migration.version not in applied]


def behind_message(version: int) -> str:
    return f"the database's schema is at version {version}, this hub needs {LATEST}: run kiosk-hub migrate"
