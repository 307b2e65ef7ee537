"""The outbox: what is left to send, over the store's sync state.

A record goes pending -> sending (marked before its request) -> acked, or -> quarantined
with its reason. A crash while sending leaves it `sending`, which is sent again: the hub
answers `duplicate` for what it already has, so nothing is lost and nothing is doubled.
Quarantined records are kept and shown to the officer; they never block the queue.
"""

import json
import logging
from dataclasses import dataclass
from typing import Any

from kiosk.records.personal import transit
from kiosk.records.protocol import DUPLICATE, STORED
from kiosk.store import Store, attachments, utc_now

log = logging.getLogger(__name__)

WAITING = ("pending", "sending")


@dataclass(frozen=True)
class Item:
    uuid: str
    kind: str
    body: str  # the record's JSON as it leaves the kiosk (kiosk.records.personal.transit)
    size: int  # bytes of that JSON

    @property
    def record(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.body)
        return value


def resume_interrupted(store: Store) -> None:
    """Records left `sending` by a run that died are waiting again (called under the sync lock)."""
    with store.db.atomic():
        store.db.execute("UPDATE sync_state SET state = 'pending' WHERE state = 'sending'")


def next_batch(store: Store, max_count: int, max_bytes: int, after: int = 0) -> tuple[list[Item], int]:
    """The oldest pending records after position `after`, bounded in count and bytes (at least
    one), and the position to continue from. Positions are sync_state's rowids, which follow
    the order records were stored in; walking the (state, rowid) index needs no sorting, so
    each batch costs the same however many records wait."""
    rows = store.db.execute(
        "SELECT s.rowid, r.uuid, r.kind, r.body, p.fields, p.sealed FROM sync_state s JOIN records r ON r.uuid = s.uuid"
        " LEFT JOIN personal p ON p.uuid = s.uuid WHERE s.state = 'pending' AND s.rowid > ? ORDER BY s.rowid LIMIT ?",
        [after, max_count],
    ).fetchall()
    batch: list[Item] = []
    total, last = 0, after
    for position, uuid, kind, body, fields, sealed in rows:
        body = transit(body, fields, sealed)
        size = len(body.encode())
        if batch and total + size > max_bytes:
            break
        batch.append(Item(uuid, kind, body, size))
        total += size
        last = position
    return batch, last


def mark_sending(store: Store, uuids: list[str]) -> None:
    # One statement over a JSON list, not one per record: SQLite walks it without
    # Python's lock, which the threads posting the other batches want meanwhile.
    with store.db.atomic():
        store.db.execute(
            "UPDATE sync_state SET state = 'sending', attempts = attempts + 1, updated_at = ?"
            " WHERE uuid IN (SELECT value FROM json_each(?))",
            [utc_now(), json.dumps(uuids)],
        )


def mark_acked(store: Store, acked: list[tuple[str, str | None]]) -> None:
    """Acknowledged (uuid, tracking id) pairs; a complaint's tracking id is kept."""
    with store.db.atomic():
        store.db.execute(
            "UPDATE sync_state SET state = 'acked', last_error = NULL,"
            " tracking_id = coalesce(a.value ->> 1, tracking_id), updated_at = ?"
            " FROM json_each(?) AS a WHERE uuid = a.value ->> 0",
            [utc_now(), json.dumps(acked)],
        )


def quarantine(store: Store, refused: list[tuple[str, str]]) -> None:
    """(uuid, reason) pairs the hub refused, or that cannot be sent: kept, shown to the officer."""
    now = utc_now()
    with store.db.atomic():
        store.db.conn.executemany(
            "UPDATE sync_state SET state = 'quarantined', last_error = ?, updated_at = ? WHERE uuid = ?",
            [[reason, now, uuid] for uuid, reason in refused],
        )


def known_at_hub(store: Store, sha256: str) -> bool:
    """Whether the hub confirmed it holds these bytes (in any run); if so, copies stored since
    (another record with the same photo) lose their clear key too."""
    if not attachments.uploaded(store.db, sha256):
        return False
    attachments.mark_uploaded(store.db, sha256, utc_now())
    return True


def attachment_to_send(store: Store, sha256: str) -> bytes | None:
    """The plain bytes to upload; None when no record on this kiosk holds them readable."""
    return attachments.read(store.db, sha256)


def mark_uploaded(store: Store, sha256: str) -> None:
    attachments.mark_uploaded(store.db, sha256, utc_now())


def send_again(store: Store, uuid: str) -> bool:
    """The officer's decision to retry a quarantined record (after fixing what it lacked)."""
    with store.db.atomic():
        changed = store.db.execute(
            "UPDATE sync_state SET state = 'pending', updated_at = ? WHERE uuid = ? AND state = 'quarantined'",
            [utc_now(), uuid],
        ).rowcount
    return bool(changed)


def unsent_withdrawals(store: Store, limit: int) -> list[str]:
    rows = store.db.execute(
        "SELECT uuid FROM withdrawals WHERE sent_at IS NULL ORDER BY requested_at LIMIT ?", [limit]
    ).fetchall()
    return [uuid for (uuid,) in rows]


def mark_withdrawals_sent(store: Store, uuids: list[str]) -> None:
    now = utc_now()
    with store.db.atomic():
        store.db.conn.executemany("UPDATE withdrawals SET sent_at = ? WHERE uuid = ?", [[now, u] for u in uuids])


def queue_counts(store: Store) -> tuple[int, int]:
    """(records and withdrawals still to send, records in quarantine)."""
    counts = store.sync_counts()
    (withdrawals,) = store.db.execute("SELECT count(*) FROM withdrawals WHERE sent_at IS NULL").fetchone()
    return sum(counts.get(state, 0) for state in WAITING) + withdrawals, counts.get("quarantined", 0)


def apply_changes(store: Store, changes: list[dict[str, Any]], cursor: str) -> int:
    """Store complaint status from the hub with the cursor that follows it, in one transaction.
    A tracking number, the hub's or SP4N-LAPOR!'s, once known stays known: a later change
    without it keeps it."""
    with store.db.atomic():
        applied = 0
        for change in changes:
            applied += store.db.execute(
                "INSERT INTO complaint_status (uuid, tracking_id, national_tracking_id, status, note, updated_at)"
                " SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM records WHERE uuid = ? AND kind = 'complaint')"
                " ON CONFLICT (uuid) DO UPDATE SET tracking_id = coalesce(excluded.tracking_id, tracking_id),"
                " national_tracking_id = coalesce(excluded.national_tracking_id, national_tracking_id),"
                " status = excluded.status, note = excluded.note, updated_at = excluded.updated_at",
                [
                    change["uuid"],
                    change.get("tracking_id"),
                    change.get("national_tracking_id") or None,
                    change["status"],
                    change.get("note"),
                    change["updated_at"],
                    change["uuid"],
                ],
            ).rowcount
            store.db.execute(
                "INSERT INTO complaint_status_history (uuid, status, reached_at)"
                " SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM complaint_status WHERE uuid = ?) ON CONFLICT DO NOTHING",
                [change["uuid"], change["status"], change["updated_at"], change["uuid"]],
            )
        store.set_setting("sync_cursor", cursor)
    return applied


def keep_events(store: Store, offered: list[Any], cursor: str) -> int:
    """Events the hub offers (made at another kiosk or in its console), kept with the cursor that
    follows them, in one transaction; how many were new here. They are stored already
    acknowledged, since the hub has them and they are not this kiosk's to send. An offer that is
    no event, or breaks this kiosk's record rules (a newer hub's), is left out and counted in the log."""
    events = [value for value in offered if isinstance(value, dict) and value.get("kind") == "event"]
    with store.db.atomic():
        outcomes = store.add_records(events)
        kept = [outcome.uuid for outcome in outcomes if outcome.status == STORED]
        store.db.conn.executemany(
            "UPDATE sync_state SET state = 'acked', updated_at = ? WHERE uuid = ?", [[utc_now(), u] for u in kept]
        )
        store.set_setting("events_cursor", cursor)
    if left_out := len(offered) - sum(outcome.status in (STORED, DUPLICATE) for outcome in outcomes):
        log.warning("sync: %d events offered by the hub were left out", left_out)
    return len(kept)
