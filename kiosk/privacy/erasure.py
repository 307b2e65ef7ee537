"""Personal data on a public machine (UU 27/2022): sealed for the hub, kept no longer than
needed, erased when a person withdraws consent.

Only the personal part of a record (kiosk.records.personal) is ever erased: the record,
its sync state and every count the statistics read stay as they were. SQLite overwrites
what it deletes (secure_delete, set on every connection), and the write-ahead log is
emptied afterwards, so erased text does not linger in the file.
"""

import json
from datetime import UTC, datetime, timedelta

from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.officer import config
from kiosk.store import SEALING_KEY, Store, utc_now

RETENTION, WITHDRAWN = "retention", "withdrawn"


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


def seal_kept(store: Store, public_key: str) -> int:
    """Keeps the hub's key for every record from now on, and seals the personal fields stored
    before it (a kiosk used before it was enrolled); returns how many were sealed."""
    from kiosk.records.sealing import check_public_key, seal

    check_public_key(public_key)
    with store.db.atomic():
        store.set_setting(SEALING_KEY, public_key)
        rows = store.db.execute("SELECT uuid, fields FROM personal WHERE fields IS NOT NULL").fetchall()
        store.db.conn.executemany(
            "UPDATE personal SET fields = NULL, sealed = ? WHERE uuid = ?",
            [[seal(public_key, uuid, json.loads(fields)), uuid] for uuid, fields in rows],
        )
    _forget_old_pages(store)
    return len(rows)


def purge(store: Store, older_than_days: int | None = None, actor: str = "kiosk", now: datetime | None = None) -> int:
    """Erases the personal fields of records the hub acknowledged at least `older_than_days`
    ago (the retention setting when not given); returns how many records were erased."""
    days = config.load(store)["retention_days"] if older_than_days is None else older_than_days
    if not isinstance(days, int) or not 0 <= days <= 36500:
        raise KioskError(_("The number of days must be a whole number from 0 to 36500."))
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    with store.db.atomic():
        uuids = [
            uuid
            for (uuid,) in store.db.execute(
                "SELECT p.uuid FROM personal p JOIN sync_state s ON s.uuid = p.uuid"
                " WHERE p.erased_at IS NULL AND s.state = 'acked' AND s.updated_at <= ?",
                [cutoff.isoformat(timespec="milliseconds")],
            ).fetchall()
        ]
        _erase(store, uuids, RETENTION)
        if uuids or actor != "kiosk":  # the kiosk's own daily pass is audited only when it erased something
            store.audit(actor, "purge", records=len(uuids), older_than_days=days)
    if uuids:
        _forget_old_pages(store)
    return len(uuids)


def withdraw(store: Store, code: str, actor: str = "officer") -> str:
    """A citizen withdraws consent: their report's personal fields are erased here, it is not
    sent if it has not been, and the hub is asked to erase its copy. Returns the record's uuid."""
    from kiosk.store.refcode import normalize

    reference = normalize(code)
    row = store.db.execute("SELECT uuid FROM ref_codes WHERE code = ?", [reference]).fetchone() if reference else None
    if row is None:
        raise KioskError(_("No report with the code {code} on this kiosk.").format(code=code))
    (uuid,) = row
    with store.db.atomic():
        _erase(store, [uuid], WITHDRAWN)
        store.db.execute(
            "UPDATE sync_state SET state = 'withdrawn', updated_at = ? WHERE uuid = ? AND state IN ('pending',"
            " 'quarantined')",
            [utc_now(), uuid],
        )
        store.db.execute(
            "INSERT INTO withdrawals (uuid, requested_at) VALUES (?, ?) ON CONFLICT DO NOTHING", [uuid, utc_now()]
        )
        store.audit(actor, "consent_withdrawn", reference=reference)
    _forget_old_pages(store)
    return uuid


def summary(store: Store) -> dict:
    """What the officer sees: per kind, records with personal fields kept (sealed or not, sent
    or waiting) and erased (by retention or withdrawal), and the rules that apply."""
    rows = store.db.execute(
        "SELECT r.kind, p.sealed IS NOT NULL, p.erased_why, s.state = 'acked', count(*) FROM personal p"
        " JOIN records r ON r.uuid = p.uuid JOIN sync_state s ON s.uuid = p.uuid GROUP BY 1, 2, 3, 4"
    ).fetchall()
    kinds = {}
    for kind, sealed, erased_why, acked, count in rows:
        counts = kinds.setdefault(kind, {"kept": 0, "sealed": 0, "waiting": 0, RETENTION: 0, WITHDRAWN: 0})
        if erased_why:
            counts[erased_why] += count
            continue
        counts["kept"] += count
        counts["sealed"] += count if sealed else 0
        counts["waiting"] += 0 if acked else count
    return {
        "kinds": kinds,
        "retention_days": config.load(store)["retention_days"],
        "sealed_for_hub": store.setting(SEALING_KEY) is not None,
    }
