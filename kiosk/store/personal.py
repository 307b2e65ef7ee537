"""The SQL of personal fields and attachment bytes (kiosk.privacy.erasure decides when; this does it).

Only the personal part of a record (kiosk.records.personal) and its attachments' bytes are
ever erased: the record,
its sync state and every count the statistics read stay as they were. SQLite overwrites
what it deletes (secure_delete, set on every connection), and the write-ahead log is
emptied afterwards, so erased text does not linger in the file.
"""

import json
from datetime import datetime

from kiosk.records.sealing import check_public_key, seal
from kiosk.store import SEALING_KEY, Store, attachments, utc_now

RETENTION, WITHDRAWN = "retention", "withdrawn"  # why personal fields were erased
SummaryRow = tuple[str, bool, str | None, bool, int]  # kind, sealed, erased why, acknowledged, count


def _forget_old_pages(store: Store) -> None:
    """Empties the write-ahead log, which still holds the pages as they were before."""
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _erase(store: Store, uuids: list[str], why: str) -> None:
    now = utc_now()
    store.db.conn.executemany(
        "UPDATE personal SET fields = NULL, sealed = NULL, erased_at = ?, erased_why = ?"
        " WHERE uuid = ? AND erased_at IS NULL",
        [[now, why, uuid] for uuid in uuids],
    )
    attachments.erase(store.db, uuids, why, now)


def seal_kept(store: Store, public_key: str) -> int:
    """Keeps the hub's key for every record from now on, and seals the personal fields stored
    before it (a kiosk used before it was enrolled); returns how many were sealed."""
    check_public_key(public_key)
    with store.db.atomic():
        store.set_setting(SEALING_KEY, public_key)
        rows = store.db.execute("SELECT uuid, fields FROM personal WHERE fields IS NOT NULL").fetchall()
        store.db.conn.executemany(
            "UPDATE personal SET fields = NULL, sealed = ? WHERE uuid = ?",
            [[seal(public_key, uuid, json.loads(fields)), uuid] for uuid, fields in rows],
        )
        attachments.seal_keys(store.db, public_key)
    _forget_old_pages(store)
    return len(rows)


def erase_acknowledged(store: Store, before: datetime, actor: str, days: int) -> int:
    """Erases the personal fields of records the hub acknowledged before `before`; the pass is
    audited when it erased something or a person asked for it (`actor` other than "kiosk")."""
    with store.db.atomic():
        # A voice-only, anonymous complaint may have attachments and no personal fields.
        uuids = [
            uuid
            for (uuid,) in store.db.execute(
                "SELECT p.uuid FROM personal p JOIN sync_state s ON s.uuid = p.uuid"
                " WHERE p.erased_at IS NULL AND s.state = 'acked' AND s.updated_at <= ?1"
                " UNION SELECT a.uuid FROM attachments a JOIN sync_state s ON s.uuid = a.uuid"
                " WHERE a.erased_at IS NULL AND s.state = 'acked' AND s.updated_at <= ?1",
                [before.isoformat(timespec="milliseconds")],
            ).fetchall()
        ]
        _erase(store, uuids, RETENTION)
        if uuids or actor != "kiosk":
            store.audit(actor, "purge", records=len(uuids), older_than_days=days)
    if uuids:
        _forget_old_pages(store)
    return len(uuids)


def complaint_with_code(store: Store, reference: str) -> str | None:
    row = store.db.execute("SELECT uuid FROM ref_codes WHERE code = ?", [reference]).fetchone()
    return str(row[0]) if row else None


def withdraw(store: Store, uuid: str, reference: str, actor: str) -> None:
    """Erases a report's personal fields, and those of the citizen's verdicts on it (their words
    about the same report), keeps them from being sent if they have not been, and queues the
    hub's copies for erasure."""
    with store.db.atomic():
        verdicts = [
            feedback
            for (feedback,) in store.db.execute(
                "SELECT uuid FROM records WHERE kind = 'feedback' AND json_extract(body, '$.complaint_uuid') = ?",
                [uuid],
            ).fetchall()
        ]
        uuids = [uuid, *verdicts]
        now = utc_now()
        _erase(store, uuids, WITHDRAWN)
        store.db.conn.executemany(
            "UPDATE sync_state SET state = 'withdrawn', updated_at = ? WHERE uuid = ? AND state IN ('pending',"
            " 'quarantined')",
            [[now, one] for one in uuids],
        )
        store.db.conn.executemany(
            "INSERT INTO withdrawals (uuid, requested_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [[one, now] for one in uuids],
        )
        store.audit(actor, "consent_withdrawn", reference=reference)
    _forget_old_pages(store)


def summary_rows(store: Store) -> list[SummaryRow]:
    """Records with personal fields, counted by kind, sealed, why erased and acknowledged."""
    rows = store.db.execute(
        "SELECT r.kind, p.sealed IS NOT NULL, p.erased_why, s.state = 'acked', count(*) FROM personal p"
        " JOIN records r ON r.uuid = p.uuid JOIN sync_state s ON s.uuid = p.uuid GROUP BY 1, 2, 3, 4"
    ).fetchall()
    return [(kind, bool(sealed), why, bool(acked), count) for kind, sealed, why, acked, count in rows]
