"""The hub's two outboxes (schema.py, migration 5): reports to hand to SP4N-LAPOR!, and SMS to
send to reporters who asked for them. Statements shared by both databases (hub.storage.sql).

An entry is claimed by pushing its next attempt a lease ahead in the same statement that picks
it, so two bridge workers (two hub processes on one PostgreSQL) do not both take it, and a worker
that dies mid-attempt leaves it to be tried again when the lease runs out. Handing a report over
twice is harmless anyway: its uuid is the national side's idempotency key.
"""

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hub.storage import cases
from hub.storage.base import HubError, Record, Storage
from hub.storage.sql import Run
from kiosk.records.protocol import ARCHIVED, COMPLAINT_STATUSES, FINAL_STATUSES, FORWARDED, RECEIVED, VERIFIED

log = logging.getLogger(__name__)
WAITING, HANDED, SENT, DEAD = "waiting", "handed", "sent", "dead"  # schema.FORWARD_STATES
SMS_SENT, SMS_FAILED, SMS_DROPPED = "sent", "failed", "dropped"  # and WAITING: schema.SMS_STATES
LEASE = timedelta(minutes=10)
# Audit actions: staff put a report in the outbox or tried a refused one again; the bridge sent a
# report's personal fields to SP4N-LAPOR!.
QUEUE_NATIONAL, RETRY_NATIONAL, FORWARD_NATIONAL = "queue_national", "retry_national", "forward_national"


def _text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Outgoing:
    """A report to hand over: the stored record whole (its personal fields too) and its numbers."""

    uuid: str
    record: Record
    hub_number: str
    received_at: str
    attempts: int


@dataclass(frozen=True)
class Forward:
    """Where handing one report to SP4N-LAPOR! stands, for the console."""

    uuid: str
    state: str
    attempts: int
    queued_at: str
    queued_by: str
    next_at: str
    last_error: str | None
    national_id: str | None
    national_status: str | None
    national_note: str | None
    hub_number: str  # the hub's intake number, and the report's title, for staff to know it by
    title: str


@dataclass(frozen=True)
class Notice:
    """An SMS to send: the status it tells of and what the record says now (withdrawn: no number)."""

    seq: int
    uuid: str
    status: str
    attempts: int
    record: Record
    national_id: str | None
    changed_at: str  # when the status it tells of was reached


@dataclass(frozen=True)
class Word:
    """What the national side says of a report (hub.bridge.national.News, as the storage needs it)."""

    uuid: str
    national_id: str | None
    status: str | None  # ours, mapped
    national_status: str | None
    note: str | None
    updated_at: str | None


_FORWARDS = (
    "SELECT f.uuid, f.state, f.attempts, f.queued_at, f.queued_by, f.next_at, f.last_error, f.national_id,"
    " f.national_status, f.national_note, r.tracking_id, r.body FROM forwards f JOIN records r ON r.uuid = f.uuid"
)


def _forward(row: tuple[Any, ...]) -> Forward:
    values: list[Any] = [*row[:-1], json.loads(row[-1])["title"]]
    return Forward(*values)


def queue(run: Run, uuid: str, actor: str) -> bool:
    """Put a report in the outbox to SP4N-LAPOR!; False when it is there already. Only an open
    report that stands for itself (not merged into another) and has been checked goes."""
    found = run("SELECT status, merged_into FROM complaints WHERE uuid = ?", [uuid])
    if not found:
        raise HubError("unknown_complaint", f"no complaint {uuid}")
    status, merged_into = found[0]
    if merged_into is not None or status in (RECEIVED, *FINAL_STATUSES):
        raise HubError("not_forwardable", "only a checked, open report not merged into another goes to SP4N-LAPOR!")
    at = _text(datetime.now(UTC))
    added = run(
        "INSERT INTO forwards (uuid, queued_at, queued_by, state, next_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (uuid) DO NOTHING RETURNING uuid",
        [uuid, at, actor, WAITING, at],
    )
    return bool(added)


def queue_verified(run: Run, actor: str) -> int:
    """Every checked report not yet in the outbox (the setting forward_on_verify)."""
    at = _text(datetime.now(UTC))
    return len(
        run(
            "INSERT INTO forwards (uuid, queued_at, queued_by, state, next_at) SELECT c.uuid, ?, ?, ?, ?"
            " FROM complaints c WHERE c.status = ? AND c.merged_into IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM forwards f WHERE f.uuid = c.uuid) ORDER BY c.seq"
            " ON CONFLICT (uuid) DO NOTHING RETURNING uuid",
            [at, actor, WAITING, at, VERIFIED],
        )
    )


def _lease(run: Run, table: str, key: str, returning: str, limit: int, moment: datetime) -> list[tuple[Any, ...]]:
    """The entries of an outbox due at `moment`, oldest due first, each leased for LEASE."""
    return run(
        f"UPDATE {table} SET next_at = ? WHERE state = ? AND next_at <= ? AND {key} IN"
        f" (SELECT {key} FROM {table} WHERE state = ? AND next_at <= ? ORDER BY next_at, {key} LIMIT ?)"
        f" RETURNING {returning}",
        [_text(moment + LEASE), WAITING, _text(moment), WAITING, _text(moment), limit],
    )


def claim(run: Run, limit: int, moment: datetime) -> list[Outgoing]:
    """Reports due for an attempt."""
    rows = _lease(run, "forwards", "uuid", "uuid, attempts", limit, moment)
    claimed = []
    for uuid, attempts in rows:
        body, hub_number, received_at = run(
            "SELECT body, tracking_id, received_at FROM records WHERE uuid = ?", [uuid]
        )[0]
        claimed.append(Outgoing(uuid, json.loads(body), hub_number, received_at, int(attempts)))
    return claimed


def put_off(run: Run, uuid: str, attempts: int, next_at: datetime, error: str) -> None:
    run(
        "UPDATE forwards SET attempts = ?, next_at = ?, last_error = ? WHERE uuid = ? AND state = ?",
        [attempts, _text(next_at), error[:500], uuid, WAITING],
    )


def bury(run: Run, uuid: str, attempts: int, error: str) -> None:
    """A dead letter: the national side refused the report as it is; a person looks at it."""
    run(
        "UPDATE forwards SET state = ?, attempts = ?, last_error = ? WHERE uuid = ? AND state = ?",
        [DEAD, attempts, error[:500], uuid, WAITING],
    )


def revive(run: Run, uuid: str) -> None:
    """A dead letter tried again (the console's retry button), from its first attempt."""
    if not run(
        "UPDATE forwards SET state = ?, attempts = 0, next_at = ? WHERE uuid = ? AND state = ? RETURNING uuid",
        [WAITING, _text(datetime.now(UTC)), uuid, DEAD],
    ):
        raise HubError("not_dead", "only a report the national side refused can be tried again")


def handed(run: Run, uuid: str, attempts: int, national_id: str | None, note: Callable[[str | None], str]) -> None:
    """The national side took the report. With its number, the report is passed on (if it was not
    already) and its reporter hears the number; without one (the folder adapter), it waits for staff
    to bring the number back. `note(language)` is the note to the citizen. Runs in `changing()`."""
    at = _text(datetime.now(UTC))
    if national_id is None:
        run("UPDATE forwards SET state = ?, attempts = ?, sent_at = ? WHERE uuid = ?", [HANDED, attempts, at, uuid])
        return
    numbered(run, uuid, national_id, note, attempts)


def numbered(
    run: Run, uuid: str, national_id: str, note: Callable[[str | None], str], attempts: int | None = None
) -> bool:
    """The report's national number is known: kept, and the reporter told (once); False if it was known."""
    known = run("SELECT national_id FROM forwards WHERE uuid = ?", [uuid])
    if not known or known[0][0] == national_id:
        return False
    if run("SELECT 1 FROM forwards WHERE national_id = ? AND uuid <> ?", [national_id, uuid]):
        log.warning("national number %s is already another report's; not given to %s", national_id, uuid)
        return False
    at = _text(datetime.now(UTC))
    run(
        "UPDATE forwards SET state = ?, national_id = ?, sent_at = coalesce(sent_at, ?), polled_at = ?,"
        " attempts = coalesce(?, attempts), last_error = NULL WHERE uuid = ?",
        [SENT, national_id, at, at, attempts, uuid],
    )
    status, language = _status_and_language(run, uuid)
    if status == VERIFIED:
        cases.set_status(run, uuid, FORWARDED, note(language), None, None)
    elif status not in FINAL_STATUSES:
        cases.announce(run, uuid, note(language))
    return True


def _status_and_language(run: Run, uuid: str) -> tuple[str, str | None]:
    status, body = run(
        "SELECT c.status, r.body FROM complaints c JOIN records r ON r.uuid = c.uuid WHERE c.uuid = ?", [uuid]
    )[0]
    language: str | None = json.loads(body).get("language")
    return status, language


def open_reports(run: Run, polled_before: datetime, limit: int) -> list[tuple[str, str]]:
    """(uuid, national number) of reports sent and still open, least recently asked about first."""
    return [
        (uuid, national_id)
        for uuid, national_id in run(
            "SELECT f.uuid, f.national_id FROM forwards f JOIN complaints c ON c.uuid = f.uuid"
            f" WHERE f.state = ? AND f.polled_at < ? AND c.status NOT IN ({', '.join('?' * len(FINAL_STATUSES))})"
            " ORDER BY f.polled_at LIMIT ?",
            [SENT, _text(polled_before), *FINAL_STATUSES, limit],
        )
    ]


def polled(run: Run, uuids: Iterable[str], moment: datetime) -> None:
    for uuid in uuids:
        run("UPDATE forwards SET polled_at = ? WHERE uuid = ?", [_text(moment), uuid])


def hear(run: Run, word: Word, note: Callable[[str | None, str], str]) -> bool:
    """What the national side says of a report: its number (the folder adapter brings it later), its
    status word kept, and our status moved on when theirs maps to a later one; whether that told the
    citizen anything. They read the national note, or `note(language, status)` when it gave none.
    Runs in `changing()`."""
    if not run("SELECT 1 FROM forwards WHERE uuid = ?", [word.uuid]):
        return False  # a line about a report this hub did not hand over
    told = bool(word.national_id) and numbered(
        run, word.uuid, word.national_id or "", lambda language: note(language, FORWARDED)
    )
    run(
        "UPDATE forwards SET national_status = coalesce(?, national_status),"
        " national_note = coalesce(?, national_note), national_at = coalesce(?, national_at) WHERE uuid = ?",
        [word.national_status, word.note, word.updated_at, word.uuid],
    )
    status, language = _status_and_language(run, word.uuid)
    wanted = word.status
    if wanted not in COMPLAINT_STATUSES or wanted == status or status in FINAL_STATUSES:
        return told
    if wanted != ARCHIVED and COMPLAINT_STATUSES.index(wanted) < COMPLAINT_STATUSES.index(status):
        return told  # the national side is behind us: ours stands
    if wanted not in (FORWARDED, ARCHIVED) and COMPLAINT_STATUSES.index(status) < COMPLAINT_STATUSES.index(FORWARDED):
        cases.set_status(run, word.uuid, FORWARDED, note(language, FORWARDED), None, None)
    cases.set_status(run, word.uuid, wanted, word.note or note(language, wanted), None, None)
    return True


def forward_of(storage: Storage, uuid: str) -> Forward | None:
    with storage.writing() as run:
        rows = run(f"{_FORWARDS} WHERE f.uuid = ?", [uuid])
    return _forward(rows[0]) if rows else None


def dead_letters(storage: Storage, limit: int = 200) -> tuple[list[Forward], dict[str, int]]:
    """The reports the national side refused, newest first, and how many entries are in each state."""
    with storage.writing() as run:
        rows = run(f"{_FORWARDS} WHERE f.state = ? ORDER BY f.queued_at DESC LIMIT ?", [DEAD, limit])
        counts = {state: int(n) for state, n in run("SELECT state, count(*) FROM forwards GROUP BY state")}
    return [_forward(row) for row in rows], counts


# SMS
def claim_notices(run: Run, limit: int, moment: datetime) -> list[Notice]:
    """SMS due for an attempt, in the order their changes happened."""
    rows = _lease(run, "sms_outbox", "seq", "seq, uuid, status, attempts", limit, moment)
    notices = []
    for seq, uuid, status, attempts in sorted(rows):
        body, national_id, changed_at = run(
            "SELECT r.body, f.national_id, s.updated_at FROM sms_outbox o JOIN records r ON r.uuid = o.uuid"
            " JOIN status_changes s ON s.seq = o.change_seq LEFT JOIN complaints c ON c.uuid = r.uuid"
            " LEFT JOIN forwards f ON f.uuid = coalesce(c.merged_into, r.uuid) WHERE o.seq = ?",
            [seq],
        )[0]
        notices.append(Notice(int(seq), uuid, status, int(attempts), json.loads(body), national_id, changed_at))
    return notices


def number_failed(run: Run, uuid: str) -> bool:
    """Whether a message to this report's number failed for good: later ones are not tried."""
    return bool(run("SELECT 1 FROM sms_outbox WHERE uuid = ? AND state = ?", [uuid, SMS_FAILED]))


def notice_done(run: Run, seq: int, state: str, attempts: int, error: str | None = None) -> None:
    at = _text(datetime.now(UTC))
    run(
        "UPDATE sms_outbox SET state = ?, attempts = ?, last_error = ?, sent_at = ? WHERE seq = ?",
        [state, attempts, error[:500] if error else None, at if state == SMS_SENT else None, seq],
    )


def notice_later(run: Run, seq: int, attempts: int, next_at: datetime, error: str) -> None:
    run(
        "UPDATE sms_outbox SET attempts = ?, next_at = ?, last_error = ? WHERE seq = ? AND state = ?",
        [attempts, _text(next_at), error[:500], seq, WAITING],
    )


def notice_counts(storage: Storage) -> dict[str, int]:
    with storage.writing() as run:
        return {state: int(n) for state, n in run("SELECT state, count(*) FROM sms_outbox GROUP BY state")}
