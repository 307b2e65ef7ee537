"""Moving a hub's database whole: a backup file both databases write and read, and copies
between them (an SQLite hub onto PostgreSQL), with the rows counted on both sides.

The file is gzip-compressed JSON Lines: a header naming the schema version, then one line per
row, `[table, [values...]]`, tables in the order their references need. Attachment bytes and
the sealing key stay in the data folder, which is backed up as files.
"""

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

from hub.storage.base import HubError, Row, Storage, Value
from hub.storage.schema import LATEST

FORMAT = "lapor-hub-backup"
# The columns both schemas share, each table after those it references; the derived tables
# (the cases, their counts, the attendance counts and the statistics) are rebuilt by the target
# instead (schema.rebuild).
TABLES: dict[str, tuple[str, ...]] = {
    "devices": (
        "device_id",
        "salt",
        "token_hash",
        "enrolled_at",
        "revoked_at",
        "last_seen_at",
        "app_version",
        "clock_skew_s",
        "records",
    ),
    "enrollment_codes": ("code_hash", "device_id", "created_at", "expires_at", "used_at"),
    "records": (
        "seq",
        "uuid",
        "kind",
        "device_id",
        "digest",
        "body",
        "device_created_at",
        "received_at",
        "tracking_id",
        "withdrawn_at",
    ),
    "attachments": ("sha256", "size", "received_at"),
    "status_changes": ("seq", "uuid", "status", "note", "updated_at"),
    # The console's (staff sessions are left out: after a restore, everyone signs in again).
    "agencies": ("code", "name", "created_at"),
    "staff": (
        "name",
        "role",
        "agency",
        "salt",
        "password_hash",
        "created_at",
        "disabled_at",
        "failed_logins",
        "locked_until",
    ),
    "dispositions": ("uuid", "agency", "disposed_at"),
    "merges": ("uuid", "into_uuid", "merged_by", "merged_at"),
    "days_off": ("day", "working", "note", "changed_by", "changed_at"),
    # The bridge's: a restored hub must not forward a report again, nor lose its national number.
    "forwards": (
        "uuid",
        "queued_at",
        "queued_by",
        "state",
        "attempts",
        "next_at",
        "last_error",
        "national_id",
        "sent_at",
        "polled_at",
        "national_status",
        "national_note",
        "national_at",
    ),
    "sms_outbox": ("seq", "uuid", "change_seq", "status", "state", "attempts", "next_at", "last_error", "sent_at"),
    "verdicts": ("complaint_uuid", "feedback_uuid", "rating", "given_at"),
    "audit_log": ("seq", "at", "actor", "action", "target", "address"),
}
BYTES = frozenset({"salt", "token_hash", "password_hash"})  # kept as hex in the file


def _refuse_unless_empty(target: Storage) -> None:
    if any(target.counts().values()):
        raise HubError("not_empty", "the target database already holds data: restore or copy into a new one")


def _encoded(values: tuple[Value, ...]) -> list[Value]:
    return [value.hex() if isinstance(value, bytes) else value for value in values]


def _decoded(table: str, values: list[Value]) -> tuple[Value, ...]:
    return tuple(
        bytes.fromhex(value) if column in BYTES and isinstance(value, str) else value
        for column, value in zip(TABLES[table], values, strict=True)
    )


def backup(source: Storage, path: Path) -> dict[str, int]:
    """Write every row to `path` (through a temporary file, renamed when whole); the counts written."""
    written = dict.fromkeys(TABLES, 0)
    partial = path.with_name(path.name + ".part")
    with gzip.open(partial, "wt", encoding="utf-8") as out:
        out.write(json.dumps({"format": FORMAT, "schema": LATEST}) + "\n")
        for table, values in source.rows():
            out.write(json.dumps([table, _encoded(values)], ensure_ascii=False) + "\n")
            written[table] += 1
    partial.replace(path)
    return written


def _read(path: Path) -> Iterator[Row]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        header = json.loads(next(lines, "null") or "null")
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise HubError("bad_backup", f"{path} is not a hub backup")
        if header.get("schema") != LATEST:
            raise HubError("bad_backup", f"{path} holds schema version {header.get('schema')}, this hub {LATEST}")
        for line in lines:
            table, values = json.loads(line)
            yield table, _decoded(table, values)


def restore(target: Storage, path: Path) -> dict[str, int]:
    """Load a backup into an empty database; the counts, checked against the file's."""
    _refuse_unless_empty(target)
    expected = dict.fromkeys(TABLES, 0)

    def counted() -> Iterator[Row]:
        for row in _read(path):
            expected[row[0]] += 1
            yield row

    target.load(counted())
    return _verified(expected, target.counts())


def copy(source: Storage, target: Storage) -> dict[str, int]:
    """Copy every row from one database into another, empty one; the counts, checked on both."""
    _refuse_unless_empty(target)
    target.load(source.rows())
    return _verified(source.counts(), target.counts())


def _verified(expected: dict[str, int], found: dict[str, int]) -> dict[str, int]:
    if expected != found:
        raise HubError("count_mismatch", f"rows expected {expected}, found {found}")
    return found
