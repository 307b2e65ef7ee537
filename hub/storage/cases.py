"""Keeping the case table and its counts (schema.py, migration 4) in step with the records,
inside the transaction of the storage that stores a complaint or moves it on, and the attendance
counted (migrations 6 and 7). The statistics of the reports follow the case table by themselves
(hub.storage.statistics).

The statements are shared by both databases (hub.storage.sql). The storages call `add` when a
batch brings complaints; a status change (`set_status`) and a merge (`merge`) run in the
storage's `changing` transaction, which numbers status changes in commit order. Counts are
written with keys in one order (statuses only move forward), so writers never deadlock on them.
"""

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from hub.storage import rules
from hub.storage.base import Also, HubError, Record, now
from hub.storage.schema import ATTENDANCE_KEY, CASE_FIELDS, COUNT_KEY, EVENT_FIELDS, FEMALE
from hub.storage.sql import Run
from kiosk.records.protocol import (
    ARCHIVED,
    COMPLETED,
    DISABILITY_FROM,
    FINAL_STATUSES,
    FOLLOWED_UP,
    FORWARDED,
    RECEIVED,
    YOUTH_BAND,
)

# The steps a reporter who asked for SMS is told of (checking it is the hub's own step).
TOLD_BY_SMS = (RECEIVED, FORWARDED, FOLLOWED_UP, COMPLETED, ARCHIVED)

_CHUNK = 500  # rows per INSERT: well under either database's limit on parameters
_KEY_MATCH = " AND ".join(f"{column} = ?" for column in COUNT_KEY)


def _placeholders(rows: int, columns: int) -> str:
    return ", ".join(["(" + ", ".join("?" * columns) + ")"] * rows)


def _count(run: Run, counted: Counter[tuple[Any, ...]]) -> None:
    _add_up(run, "complaint_counts", COUNT_KEY, {key: (n,) for key, n in counted.items()})


def _wants_sms(record: Record) -> bool:
    """Whether the reporter asked to be told by SMS and a number is still there (a withdrawal erases it)."""
    return bool(record.get("sms_updates") and (record.get("reporter") or {}).get("phone"))


def add(run: Run, device_id: str, received_at: str, new: Iterable[tuple[int, str, Record]]) -> None:
    """What a batch just stored, as (seq, uuid, record): a case for each complaint, all received
    (and an SMS to send where the reporter asked for one), each verdict on a complaint, the fields
    of each event the figures group by, and the attendance counted (per kiosk and answer, by day,
    and per event and day)."""
    new = list(new)
    complaints = [(seq, uuid, record) for seq, uuid, record in new if record["kind"] == "complaint"]
    if complaints:
        _cases(
            run, device_id, received_at, ((seq, uuid, _fields(record, CASE_FIELDS)) for seq, uuid, record in complaints)
        )
        told = [uuid for _, uuid, record in complaints if _wants_sms(record)]
        for start in range(0, len(told), _CHUNK):
            chunk = told[start : start + _CHUNK]
            run(
                "INSERT INTO sms_outbox (uuid, change_seq, status, state, next_at) SELECT uuid, seq, status,"
                f" 'waiting', updated_at FROM status_changes WHERE uuid IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
    for _, _, record in new:
        if record["kind"] == "feedback":
            _verdict(run, device_id, record)
    _insert(
        run,
        "outreach_events",
        ("uuid", "seq", *(path.rsplit(".")[-1] for path in EVENT_FIELDS)),
        [(uuid, seq, *_fields(record, EVENT_FIELDS)) for seq, uuid, record in new if record["kind"] == "event"],
    )
    attended = Counter(
        (
            record["event_uuid"],
            record["created_at"][:10],
            record["gender"],
            record["age_band"],
            max((record.get("wgss") or {}).values(), default=0),
            device_id,
        )
        for _, _, record in new
        if record["kind"] == "attendance"
    )
    _add_up(run, "attendance_counts", ATTENDANCE_KEY, {key: (n,) for key, n in attended.items()})
    by_day: Counter[tuple[Any, ...]] = Counter()
    by_event: dict[tuple[Any, ...], list[int]] = {}
    for (event_uuid, day, gender, band, worst, _device), n in attended.items():
        by_day[day, gender, band, worst] += n
        counted = by_event.setdefault((event_uuid, day), [0, 0, 0, 0])
        for index, holds in enumerate((True, gender == FEMALE, band == YOUTH_BAND, worst >= DISABILITY_FROM)):
            counted[index] += n if holds else 0
    _add_up(run, "attendance_days", ("day", "gender", "age_band", "wgss_worst"), {k: (n,) for k, n in by_day.items()})
    _add_up(run, "event_days", ("event_uuid", "day"), by_event, ("n", "female", "youth", "with_disability"))


def _add_up(
    run: Run,
    table: str,
    key: tuple[str, ...],
    counted: Mapping[tuple[Any, ...], Sequence[int]],
    columns: tuple[str, ...] = ("n",),
) -> None:
    """Add `counted` (key -> a number per column) to a table of counts, keys in one order, so
    batches of two kiosks never wait on each other in turn."""
    ordered = sorted(counted)
    for start in range(0, len(ordered), _CHUNK):
        part = ordered[start : start + _CHUNK]
        run(
            f"INSERT INTO {table} ({', '.join((*key, *columns))}) VALUES"
            f" {_placeholders(len(part), len(key) + len(columns))} ON CONFLICT ({', '.join(key)}) DO UPDATE SET "
            + ", ".join(f"{column} = {table}.{column} + excluded.{column}" for column in columns),
            [value for each in part for value in (*each, *counted[each])],
        )


def _verdict(run: Run, device_id: str, feedback: Record) -> None:
    """The citizen's latest verdict on their complaint counts; a verdict from another kiosk than the
    one the complaint was filed at, or on no known complaint, is kept as a record and not counted."""
    given_at = datetime.fromisoformat(feedback["created_at"]).astimezone(UTC).isoformat(timespec="milliseconds")
    uuid = feedback["complaint_uuid"]
    if not run("SELECT 1 FROM complaints WHERE uuid = ? AND device_id = ?", [uuid, device_id]):
        return
    run(
        "INSERT INTO verdicts (complaint_uuid, feedback_uuid, rating, given_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (complaint_uuid) DO UPDATE SET feedback_uuid = excluded.feedback_uuid,"
        " rating = excluded.rating, given_at = excluded.given_at WHERE verdicts.given_at < excluded.given_at",
        [uuid, feedback["uuid"], feedback["rating"], given_at],
    )


def _fields(record: Record, paths: tuple[str, ...]) -> list[str]:
    """Fields of a record (a dotted path reads into an object), '' where absent, as schema.rebuild
    reads them from the JSON."""
    found = []
    for path in paths:
        value: Any = record
        for name in path.split("."):
            value = (value or {}).get(name)
        found.append(value or "")
    return found


def _insert(run: Run, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        run(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES {_placeholders(len(chunk), len(columns))}",
            [value for row in chunk for value in row],
        )


def _cases(run: Run, device_id: str, received_at: str, new: Iterable[tuple[int, str, list[str]]]) -> None:
    rows = [(uuid, seq, device_id, received_at, *fields, RECEIVED, received_at) for seq, uuid, fields in new]
    _insert(
        run,
        "complaints",
        ("uuid", "seq", "device_id", "received_at", "classification", "province", "regency", "category")
        + ("event_uuid", "status", "status_at"),
        rows,
    )
    _count(run, Counter((device_id, row[5], row[6], row[4], row[7], "", RECEIVED) for row in rows))


def _change(run: Run, uuid: str, status: str, note: str | None, at: str) -> None:
    """A status change the kiosk will hear of, and an SMS to its reporter where they asked for one."""
    ((seq,),) = run(
        "INSERT INTO status_changes (uuid, status, note, updated_at) VALUES (?, ?, ?, ?) RETURNING seq",
        [uuid, status, note, at],
    )
    if status in TOLD_BY_SMS and _wants_sms(json.loads(run("SELECT body FROM records WHERE uuid = ?", [uuid])[0][0])):
        run(
            "INSERT INTO sms_outbox (uuid, change_seq, status, state, next_at) VALUES (?, ?, ?, 'waiting', ?)",
            [uuid, seq, status, at],
        )


def announce(run: Run, uuid: str, note: str) -> None:
    """Tell the reporter (and those of duplicates merged into it) something new without a new status,
    such as the national number: a change repeating the status the complaint has."""
    found = run("SELECT status FROM complaints WHERE uuid = ?", [uuid])
    if not found:
        raise HubError("unknown_complaint", f"no complaint {uuid}")
    at = now()
    merged = [each for (each,) in run("SELECT uuid FROM complaints WHERE merged_into = ? ORDER BY seq", [uuid])]
    for each in (uuid, *merged):
        _change(run, each, found[0][0], note, at)


def set_status(run: Run, uuid: str, status: str, note: str | None, agency: str | None, also: Also | None) -> str:
    """Move a complaint on, and every duplicate merged into it with it (each reporter's kiosk hears
    of it by its own report), then run `also`; the status it had. `run` holds the lock that
    numbers status changes."""
    rules.check_status(status)
    found = run(
        "SELECT r.kind, c.status FROM records r LEFT JOIN complaints c ON c.uuid = r.uuid WHERE r.uuid = ?", [uuid]
    )
    current = rules.check_transition(uuid, (found[0][0], found[0][1]) if found else None, status)
    if run("SELECT 1 FROM complaints WHERE uuid = ? AND merged_into IS NOT NULL", [uuid]):
        raise HubError("merged", "this report was merged into another: move that one")
    at = now()
    _change(run, uuid, status, note, at)
    _move(run, uuid, status, at, agency)
    for (duplicate,) in run("SELECT uuid FROM complaints WHERE merged_into = ? ORDER BY seq", [uuid]):
        _change(run, duplicate, status, note, at)
        _move(run, duplicate, status, at, agency, disposition=False)
    if also is not None:
        also(run)
    return current


def merge(run: Run, uuid: str, into: str, note: str, actor: str) -> None:
    """Join a duplicate to the report it repeats: it takes that report's status (its reporter's kiosk
    hears of it, with `note`) and follows it from then on; it leaves the counts, its reporter stays."""
    cases = {
        row[0]: row[1:]
        for row in run(
            "SELECT uuid, status, merged_into, agency, disposed_at FROM complaints WHERE uuid IN (?, ?)", [uuid, into]
        )
    }
    if uuid == into or len(cases) != 2:
        raise HubError("unknown_complaint", "both reports must exist and differ")
    (status, merged, _agency, _disposed), (into_status, into_merged, agency, disposed_at) = cases[uuid], cases[into]
    if merged is not None or into_merged is not None or status in FINAL_STATUSES or into_status in FINAL_STATUSES:
        raise HubError("bad_merge", "only open reports not merged already can be merged")
    if run("SELECT 1 FROM complaints WHERE merged_into = ?", [uuid]):
        raise HubError("bad_merge", "other reports were merged into this one: merge the other way")
    at = now()
    key = run(f"SELECT {', '.join(COUNT_KEY[:5])}, coalesce(agency, ''), status FROM complaints WHERE uuid = ?", [uuid])
    run(f"UPDATE complaint_counts SET n = n - 1 WHERE {_KEY_MATCH}", list(key[0]))
    run("INSERT INTO merges (uuid, into_uuid, merged_by, merged_at) VALUES (?, ?, ?, ?)", [uuid, into, actor, at])
    run(
        "UPDATE complaints SET merged_into = ?, status = ?, status_at = ?, agency = ?, disposed_at = ? WHERE uuid = ?",
        [into, into_status, at, agency, disposed_at, uuid],
    )
    _change(run, uuid, into_status, note, at)


def _move(run: Run, uuid: str, status: str, at: str, agency: str | None, disposition: bool = True) -> None:
    """The case follows a status change. Passing it on (FORWARDED) starts the agency's clock and
    may name the agency; an officer's hub without agencies names it in the note. A duplicate merged
    into another moves without being counted."""
    found = run(
        f"SELECT {', '.join(COUNT_KEY[:5])}, coalesce(agency, ''), status, merged_into FROM complaints WHERE uuid = ?",
        [uuid],
    )
    if not found:
        raise HubError("unknown_complaint", f"no complaint {uuid}")
    old, counted = found[0][:7], found[0][7] is None
    if counted:
        run(f"UPDATE complaint_counts SET n = n - 1 WHERE {_KEY_MATCH}", list(old))
    if agency is not None:
        if status != FORWARDED:
            raise HubError("bad_agency", "only a complaint passed on names an agency")
        if not run("SELECT 1 FROM agencies WHERE code = ?", [agency]):
            raise HubError("unknown_agency", f"no agency {agency}")
        if disposition:
            run("INSERT INTO dispositions (uuid, agency, disposed_at) VALUES (?, ?, ?)", [uuid, agency, at])
    if status == FORWARDED:  # the agency's clock starts, whether or not the hub knows the agency
        run("UPDATE complaints SET agency = ?, disposed_at = ? WHERE uuid = ?", [agency, at, uuid])
    run("UPDATE complaints SET status = ?, status_at = ? WHERE uuid = ?", [status, at, uuid])
    if counted:
        _count(run, Counter([(*old[:5], agency or old[5], status)]))
