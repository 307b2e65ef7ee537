"""Keeping the case table and its counts (schema.py, migration 4) in step with the records,
inside the transaction of the storage that stores a complaint or moves it on.

The statements are shared by both databases (hub.storage.sql); the storages call `add` when a
batch brings complaints and `move` when one changes status. Both write `complaint_counts` with
keys in one order (statuses only move forward), so concurrent writers never deadlock on it.
"""

from collections import Counter
from collections.abc import Iterable
from typing import Any

from hub.storage.base import HubError, Record
from hub.storage.schema import COUNT_KEY
from hub.storage.sql import Run
from kiosk.records.protocol import FORWARDED, RECEIVED

CaseFields = tuple[str, str, str, str, str]  # classification, province, regency, category, event_uuid
_CHUNK = 500  # rows per INSERT: well under either database's limit on parameters
_KEY_MATCH = " AND ".join(f"{column} = ?" for column in COUNT_KEY)
_UPSERT = (
    f"INSERT INTO complaint_counts ({', '.join(COUNT_KEY)}, n) VALUES {{values}}"
    f" ON CONFLICT ({', '.join(COUNT_KEY)}) DO UPDATE SET n = complaint_counts.n + excluded.n"
)


def case_fields(record: Record) -> CaseFields:
    """What the case table keeps of a complaint, read as schema.rebuild reads it from the JSON."""
    location: dict[str, Any] = record.get("location") or {}
    return (
        record["classification"],
        location.get("province") or "",
        location.get("regency") or "",
        record.get("category") or "",
        record.get("event_uuid") or "",
    )


def _placeholders(rows: int, columns: int) -> str:
    return ", ".join(["(" + ", ".join("?" * columns) + ")"] * rows)


def _count(run: Run, counted: Counter[tuple[str, ...]]) -> None:
    keys = sorted(counted)
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        params = [value for key in chunk for value in (*key, counted[key])]
        run(_UPSERT.format(values=_placeholders(len(chunk), len(COUNT_KEY) + 1)), params)


def add(run: Run, device_id: str, received_at: str, new: Iterable[tuple[int, str, CaseFields]]) -> None:
    """Cases for complaints a batch has just stored, as (seq, uuid, fields), all received."""
    rows = [(uuid, seq, device_id, received_at, *fields, RECEIVED, received_at) for seq, uuid, fields in new]
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        run(
            "INSERT INTO complaints (uuid, seq, device_id, received_at, classification, province, regency, category,"
            f" event_uuid, status, status_at) VALUES {_placeholders(len(chunk), 11)}",
            [value for row in chunk for value in row],
        )
    counted: Counter[tuple[str, ...]] = Counter(
        (device_id, row[5], row[6], row[4], row[7], "", RECEIVED) for row in rows
    )
    _count(run, counted)


def move(run: Run, uuid: str, status: str, at: str, agency: str | None = None) -> None:
    """The case follows a status change. Passing it on (FORWARDED) starts the agency's clock and
    may name the agency; an officer's hub without agencies names it in the note."""
    found = run(
        "SELECT device_id, province, regency, classification, category, coalesce(agency, ''), status"
        " FROM complaints WHERE uuid = ?",
        [uuid],
    )
    if not found:
        raise HubError("unknown_complaint", f"no complaint {uuid}")
    old = found[0]
    run(f"UPDATE complaint_counts SET n = n - 1 WHERE {_KEY_MATCH}", list(old))
    if agency is not None:
        if status != FORWARDED:
            raise HubError("bad_agency", "only a complaint passed on names an agency")
        if not run("SELECT 1 FROM agencies WHERE code = ?", [agency]):
            raise HubError("unknown_agency", f"no agency {agency}")
        run("INSERT INTO dispositions (uuid, agency, disposed_at) VALUES (?, ?, ?)", [uuid, agency, at])
    if status == FORWARDED:  # the agency's clock starts, whether or not the hub knows the agency
        run("UPDATE complaints SET agency = ?, disposed_at = ? WHERE uuid = ?", [agency, at, uuid])
    run("UPDATE complaints SET status = ?, status_at = ? WHERE uuid = ?", [status, at, uuid])
    _count(run, Counter([(*old[:5], agency or old[5], status)]))
