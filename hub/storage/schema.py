"""The hub's schema as one list of versioned migrations, each in plain SQL for both databases.

A database records the versions applied in `hub_schema`. SQLite hubs apply what is pending
when they open (zero set-up); a PostgreSQL hub is brought up by `kiosk-hub migrate` and
refuses to serve an older schema.
"""

from dataclasses import dataclass

from hub.storage import statistics
from hub.storage.roles import ROLES
from kiosk.records.protocol import COMPLAINT_STATUSES, DISABILITY_FROM, FORWARDED, YOUTH_BAND

_STATUSES = ", ".join(f"'{s}'" for s in COMPLAINT_STATUSES)
_ROLES = ", ".join(f"'{r}'" for r in ROLES)
FEMALE = "female"


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sqlite: tuple[str, ...]
    postgresql: tuple[str, ...]


SCHEMA_TABLE = "CREATE TABLE IF NOT EXISTS hub_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL)"

# One row per complaint, kept by the hub as the complaint arrives and moves: what the console
# filters, sorts and counts by, so that a national hub answers from indexes, not from the
# records' JSON. Derived from records, status_changes and dispositions (backups leave it out
# and a restore rebuilds it); '' where the citizen named nothing, so that counts group it.
_CASES = """CREATE TABLE complaints (
    uuid {text} PRIMARY KEY REFERENCES records (uuid),
    seq {seq} NOT NULL UNIQUE,
    device_id {text} NOT NULL,
    received_at {time} NOT NULL,
    classification {text} NOT NULL,
    province {text} NOT NULL,
    regency {text} NOT NULL,
    category {text} NOT NULL,
    event_uuid {text} NOT NULL,
    status {text} NOT NULL,
    status_at {time} NOT NULL,
    agency {text},
    disposed_at {time},
    merged_into {text} REFERENCES records (uuid)
)"""
# The two running clocks, each in the order its deadlines fall (a deadline is a fixed number
# of working days after the clock starts), and the filters an inbox narrows by.
_CASE_INDEXES = (
    "CREATE INDEX complaints_verify_clock ON complaints (received_at, seq) WHERE status IN ('received', 'verified')",
    "CREATE INDEX complaints_follow_clock ON complaints (disposed_at, seq) WHERE status = 'forwarded'",
    "CREATE INDEX complaints_by_status ON complaints (status, seq)",
    "CREATE INDEX complaints_by_province ON complaints (province, status, seq)",
    "CREATE INDEX complaints_by_device ON complaints (device_id, status, seq)",
    "CREATE INDEX complaints_by_agency ON complaints (agency, status, seq)",
    "CREATE INDEX complaints_by_event ON complaints (event_uuid, seq)",
    "CREATE INDEX records_events ON records (seq) WHERE kind = 'event'",  # the few events among millions
)
# The admin's audit page filters a log that only grows, by who and by what, newest first.
_AUDIT_INDEXES = (
    "CREATE INDEX audit_log_by_actor ON audit_log (actor, seq)",
    "CREATE INDEX audit_log_by_action ON audit_log (action, seq)",
)
# How many complaints (duplicates merged into another left out) share each combination of these,
# kept in the same transaction as the complaints themselves: a national count reads thousands of
# rows instead of millions. Every key holds one kiosk's complaints, so kiosks syncing at once
# never wait on each other's rows.
COUNT_KEY = ("device_id", "province", "regency", "classification", "category", "agency", "status")
_COUNTS = (
    "CREATE TABLE complaint_counts ("
    + ", ".join(f"{column} {{text}} NOT NULL" for column in COUNT_KEY)
    + ", n {count} NOT NULL, PRIMARY KEY ("
    + ", ".join(COUNT_KEY)
    + "))"
)
_FIELDS = {  # each dialect's way to read a field of the stored record, parsed once per row as `r.j`
    "sqlite": ("body", "coalesce(r.j ->> '$.{0}', '')"),
    "postgresql": ("body::jsonb", "coalesce(r.j #>> '{{{1}}}', '')"),
}


def _field(dialect: str, path: str) -> str:
    return _FIELDS[dialect][1].format(path, path.replace(".", ","))


CASE_FIELDS = ("classification", "location.province", "location.regency", "category", "event_uuid")


def _cases(dialect: str, clocks: bool) -> str:
    """The case table from the source tables, with (`clocks`, from migration 7 on) the moments its
    clocks stopped and the citizen's rating: one pass over each table (a hash join), not a lookup
    per complaint, as a national hub's restore rebuilds millions."""
    firsts = [column for column, _ in statistics.FIRSTS]
    return (
        "INSERT INTO complaints (uuid, seq, device_id, received_at, classification, province, regency, category,"
        " event_uuid, status, status_at, agency, disposed_at, merged_into"
        + "".join(f", {column}" for column in (*firsts, "rating") if clocks)
        + ") SELECT r.uuid, r.seq, r.device_id, r.received_at, "
        + ", ".join(_field(dialect, path) for path in CASE_FIELDS)
        + ", s.status, s.updated_at, d.agency, last.forwarded_at, m.into_uuid"
        + "".join(f", last.{column}" for column in firsts if clocks)
        + (", v.rating" if clocks else "")
        + f" FROM (SELECT uuid, seq, device_id, received_at, {_FIELDS[dialect][0]} AS j FROM records"
        " WHERE kind = 'complaint') r"
        f" JOIN (SELECT uuid, max(seq) AS seq, min(CASE WHEN status = '{FORWARDED}' THEN updated_at END)"
        " AS forwarded_at"
        + "".join(f", {first}" for first in statistics.first_moments() if clocks)
        + " FROM status_changes GROUP BY uuid) last ON last.uuid = r.uuid"
        " JOIN status_changes s ON s.seq = last.seq LEFT JOIN dispositions d ON d.uuid = r.uuid"
        " LEFT JOIN merges m ON m.uuid = r.uuid"
        + (" LEFT JOIN verdicts v ON v.complaint_uuid = r.uuid" if clocks else "")
    )


# The case table's counts from the case table: the migration that brings them, and every restore
# or copy into an empty database.
_REBUILD = {
    dialect: (
        "INSERT INTO complaint_counts ("
        + ", ".join(COUNT_KEY)
        + ", n) SELECT device_id, province, regency, classification, category, coalesce(agency, ''), status,"
        " count(*) FROM complaints WHERE merged_into IS NULL"
        " GROUP BY device_id, province, regency, classification, category, agency, status",
    )
    for dialect in _FIELDS
}
# The bridge's two outboxes and the verdicts (migration 5). A report is handed to SP4N-LAPOR! at
# most once: its row holds where that stands (waiting, handed over to a folder without a number
# yet, sent with its national number, or dead with the reason) and, once sent, the national
# side's latest word. An SMS is one row per status change, so a change is told at most once.
FORWARD_STATES = ("waiting", "handed", "sent", "dead")
SMS_STATES = ("waiting", "sent", "failed", "dropped")
_FORWARDS = f"""CREATE TABLE forwards (
    uuid {{text}} PRIMARY KEY REFERENCES records (uuid),
    queued_at {{time}} NOT NULL,
    queued_by {{text}} NOT NULL,
    state {{text}} NOT NULL CHECK (state IN ({", ".join(repr(s) for s in FORWARD_STATES)})),
    attempts {{count}} NOT NULL DEFAULT 0,
    next_at {{time}} NOT NULL,
    last_error {{text}},
    national_id {{text}} UNIQUE,
    sent_at {{time}},
    polled_at {{time}},
    national_status {{text}},
    national_note {{text}},
    national_at {{text}}
)"""
_SMS = f"""CREATE TABLE sms_outbox (
    seq {{seq}},
    uuid {{text}} NOT NULL REFERENCES records (uuid),
    change_seq {{count}} NOT NULL UNIQUE REFERENCES status_changes (seq),
    status {{text}} NOT NULL,
    state {{text}} NOT NULL CHECK (state IN ({", ".join(repr(s) for s in SMS_STATES)})),
    attempts {{count}} NOT NULL DEFAULT 0,
    next_at {{time}} NOT NULL,
    last_error {{text}},
    sent_at {{time}}
)"""
_VERDICTS = """CREATE TABLE verdicts (
    complaint_uuid {text} PRIMARY KEY REFERENCES records (uuid),
    feedback_uuid {text} NOT NULL REFERENCES records (uuid),
    rating {count} NOT NULL CHECK (rating BETWEEN 1 AND 3),
    given_at {time} NOT NULL
)"""
_BRIDGE_INDEXES = (
    "CREATE INDEX forwards_due ON forwards (next_at) WHERE state = 'waiting'",
    "CREATE INDEX forwards_open ON forwards (polled_at) WHERE state = 'sent'",
    "CREATE INDEX forwards_dead ON forwards (queued_at) WHERE state = 'dead'",
    "CREATE INDEX sms_due ON sms_outbox (next_at) WHERE state = 'waiting'",
    "CREATE INDEX sms_by_uuid ON sms_outbox (uuid, state)",
)
DEVICE_RECORDS = (  # each kiosk's records received, counted as they arrive, for the kiosks' page of a national hub
    "UPDATE devices SET records = (SELECT count(*) FROM records r WHERE r.device_id = devices.device_id)"
)


# Attendance counted the way each kiosk counts its own (kiosk.store.statistics): per event, gender,
# age band, worst Washington Group answer (0 when none was given) and the day on the device's
# clock, per kiosk; registrations, as one person registered at two kiosks cannot be told apart
# without names. Kept with each batch (cases.add), rebuilt from the records like the cases.
ATTENDANCE_KEY = ("event_uuid", "day", "gender", "age_band", "wgss_worst", "device_id")
_ATTENDANCE = """CREATE TABLE attendance_counts (
    device_id {text} NOT NULL,
    event_uuid {text} NOT NULL,
    gender {text} NOT NULL,
    age_band {text} NOT NULL,
    wgss_worst {count} NOT NULL,
    day {text} NOT NULL,
    n {count} NOT NULL,
    PRIMARY KEY (event_uuid, day, gender, age_band, wgss_worst, device_id)
)"""
_WORST = {
    "sqlite": "(SELECT ifnull(max(value), 0) FROM json_each(r.j, '$.wgss'))",
    "postgresql": "coalesce((SELECT max(value::int) FROM jsonb_each_text(r.j -> 'wgss')), 0)",
}
_ATTENDANCE_REBUILD = {
    dialect: (
        "INSERT INTO attendance_counts (device_id, event_uuid, gender, age_band, wgss_worst, day, n)"
        f" SELECT r.device_id, {_field(dialect, 'event_uuid')}, {_field(dialect, 'gender')},"
        f" {_field(dialect, 'age_band')}, {_WORST[dialect]}, substr(r.device_created_at, 1, 10), count(*)"
        f" FROM (SELECT device_id, device_created_at, {_FIELDS[dialect][0]} AS j FROM records"
        " WHERE kind = 'attendance') r GROUP BY 1, 2, 3, 4, 5, 6",
    )
    for dialect in _FIELDS
}


# The events the participation figures group registrations by, as they read them: a few fields of
# each event record, kept with each batch (cases.add), so that thousands of events are read
# without parsing their records.
EVENT_FIELDS = ("name", "type", "starts_on", "location.province", "location.regency")
_EVENTS = """CREATE TABLE outreach_events (
    uuid {text} PRIMARY KEY REFERENCES records (uuid),
    seq {count} NOT NULL UNIQUE,
    name {text} NOT NULL,
    type {text} NOT NULL,
    starts_on {text} NOT NULL,
    province {text} NOT NULL,
    regency {text} NOT NULL
)"""
EVENTS_REBUILD = {
    dialect: "INSERT INTO outreach_events (uuid, seq, name, type, starts_on, province, regency) SELECT r.uuid, r.seq, "
    + ", ".join(_field(dialect, path) for path in EVENT_FIELDS)
    + f" FROM (SELECT uuid, seq, {_FIELDS[dialect][0]} AS j FROM records WHERE kind = 'event') r"
    for dialect in _FIELDS
}


# What the participation figures read whole (hub.reports.participation): attendance by day across
# events and kiosks, and each event's day in the four numbers a breakdown shows. A few rows per day
# and per event, where `attendance_counts` has one per kiosk and answer; kept with it (cases.add).
_PARTICIPATION = (
    """CREATE TABLE attendance_days (
        day {text} NOT NULL,
        gender {text} NOT NULL,
        age_band {text} NOT NULL,
        wgss_worst {count} NOT NULL,
        n {count} NOT NULL,
        PRIMARY KEY (day, gender, age_band, wgss_worst)
    )""",
    """CREATE TABLE event_days (
        event_uuid {text} NOT NULL,
        day {text} NOT NULL,
        n {count} NOT NULL,
        female {count} NOT NULL,
        youth {count} NOT NULL,
        with_disability {count} NOT NULL,
        PRIMARY KEY (event_uuid, day)
    )""",
)
PARTICIPATION_REBUILD = (
    "INSERT INTO attendance_days (day, gender, age_band, wgss_worst, n)"
    " SELECT day, gender, age_band, wgss_worst, sum(n) FROM attendance_counts GROUP BY 1, 2, 3, 4",
    "INSERT INTO event_days (event_uuid, day, n, female, youth, with_disability) SELECT event_uuid, day, sum(n),"
    f" sum(CASE WHEN gender = '{FEMALE}' THEN n ELSE 0 END),"
    f" sum(CASE WHEN age_band = '{YOUTH_BAND}' THEN n ELSE 0 END),"
    f" sum(CASE WHEN wgss_worst >= {DISABILITY_FROM} THEN n ELSE 0 END) FROM attendance_counts GROUP BY 1, 2",
)


def rebuild(dialect: str) -> tuple[str, ...]:
    """The derived tables from the source tables, into an empty database (a restore, a copy)."""
    return (
        _cases(dialect, clocks=True),
        *_REBUILD[dialect],
        *_ATTENDANCE_REBUILD[dialect],
        EVENTS_REBUILD[dialect],
        *PARTICIPATION_REBUILD,
        *statistics.REFILL,
    )


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
    Migration(
        4,
        "casework",  # the case table and its counts, kiosks' last contact, days off, merged reports
        sqlite=(
            "ALTER TABLE devices ADD COLUMN last_seen_at TEXT",
            "ALTER TABLE devices ADD COLUMN app_version TEXT",
            "ALTER TABLE devices ADD COLUMN clock_skew_s REAL",
            "ALTER TABLE devices ADD COLUMN records INTEGER NOT NULL DEFAULT 0",
            DEVICE_RECORDS,
            """CREATE TABLE days_off (
                day TEXT PRIMARY KEY,
                working INTEGER NOT NULL CHECK (working IN (0, 1)),
                note TEXT NOT NULL,
                changed_by TEXT NOT NULL,
                changed_at TEXT NOT NULL
            )""",
            """CREATE TABLE merges (
                uuid TEXT PRIMARY KEY REFERENCES records (uuid),
                into_uuid TEXT NOT NULL REFERENCES records (uuid),
                merged_by TEXT NOT NULL,
                merged_at TEXT NOT NULL,
                CHECK (uuid <> into_uuid)
            )""",
            *_AUDIT_INDEXES,
            _CASES.format(text="TEXT", time="TEXT", seq="INTEGER"),
            *_CASE_INDEXES,
            _COUNTS.format(text="TEXT", count="INTEGER"),
            _cases("sqlite", clocks=False),
            *_REBUILD["sqlite"],
        ),
        postgresql=(
            "ALTER TABLE devices ADD COLUMN last_seen_at timestamptz",
            "ALTER TABLE devices ADD COLUMN app_version text",
            "ALTER TABLE devices ADD COLUMN clock_skew_s double precision",
            "ALTER TABLE devices ADD COLUMN records bigint NOT NULL DEFAULT 0",
            DEVICE_RECORDS,
            """CREATE TABLE days_off (
                day date PRIMARY KEY,
                working boolean NOT NULL,
                note text NOT NULL,
                changed_by text NOT NULL,
                changed_at timestamptz NOT NULL
            )""",
            """CREATE TABLE merges (
                uuid text PRIMARY KEY REFERENCES records (uuid),
                into_uuid text NOT NULL REFERENCES records (uuid),
                merged_by text NOT NULL,
                merged_at timestamptz NOT NULL,
                CHECK (uuid <> into_uuid)
            )""",
            *_AUDIT_INDEXES,
            _CASES.format(text="text", time="timestamptz", seq="bigint"),
            *_CASE_INDEXES,
            _COUNTS.format(text="text", count="bigint"),
            _cases("postgresql", clocks=False),
            *_REBUILD["postgresql"],
        ),
    ),
    Migration(
        5,
        "bridge",  # reports handed to SP4N-LAPOR!, SMS notices waiting or sent, citizens' verdicts
        sqlite=(
            _FORWARDS.format(text="TEXT", time="TEXT", count="INTEGER"),
            _SMS.format(text="TEXT", time="TEXT", count="INTEGER", seq="INTEGER PRIMARY KEY AUTOINCREMENT"),
            _VERDICTS.format(text="TEXT", time="TEXT", count="INTEGER"),
            *_BRIDGE_INDEXES,
        ),
        postgresql=(
            _FORWARDS.format(text="text", time="timestamptz", count="integer"),
            _SMS.format(text="text", time="timestamptz", count="integer", seq="bigserial PRIMARY KEY"),
            _VERDICTS.format(text="text", time="timestamptz", count="integer"),
            *_BRIDGE_INDEXES,
        ),
    ),
    Migration(
        6,
        "participation",  # attendance counted per event, day, gender, age band, WG-SS and kiosk
        sqlite=(_ATTENDANCE.format(text="TEXT", count="INTEGER"), *_ATTENDANCE_REBUILD["sqlite"]),
        postgresql=(_ATTENDANCE.format(text="text", count="bigint"), *_ATTENDANCE_REBUILD["postgresql"]),
    ),
    Migration(
        7,
        "statistics",  # events, attendance by day, the reports' tallies and the agencies' clocks, kept current
        sqlite=(
            *(table.format(text="TEXT", count="INTEGER") for table in (_EVENTS, *_PARTICIPATION)),
            EVENTS_REBUILD["sqlite"],
            *PARTICIPATION_REBUILD,
            *statistics.MIGRATION["sqlite"],
        ),
        postgresql=(
            *(table.format(text="text", count="bigint") for table in (_EVENTS, *_PARTICIPATION)),
            EVENTS_REBUILD["postgresql"],
            *PARTICIPATION_REBUILD,
            *statistics.MIGRATION["postgresql"],
        ),
    ),
)
LATEST = MIGRATIONS[-1].version


def pending(applied: set[int]) -> list[Migration]:
    return [migration for migration in MIGRATIONS if migration.version not in applied]


def behind_message(version: int) -> str:
    return f"the database's schema is at version {version}, this hub needs {LATEST}: run kiosk-hub migrate"
