"""Personal data on a public machine (UU 27/2022): sealed for the hub, kept no longer than
needed, erased when a person withdraws consent. The rules live here; the SQL that carries
them out, in kiosk.store.personal."""

from datetime import UTC, datetime, timedelta
from typing import Any

from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.officer import config
from kiosk.records import refcode
from kiosk.store import SEALING_KEY, Store, personal
from kiosk.store.personal import RETENTION, WITHDRAWN, seal_kept

__all__ = ["RETENTION", "WITHDRAWN", "purge", "seal_kept", "summary", "withdraw"]


def purge(store: Store, older_than_days: int | None = None, actor: str = "kiosk", now: datetime | None = None) -> int:
    """Erases the personal fields of records the hub acknowledged at least `older_than_days`
    ago (the retention setting when not given); returns how many records were erased."""
    days = config.load(store)["retention_days"] if older_than_days is None else older_than_days
    if not isinstance(days, int) or not 0 <= days <= 36500:
        raise KioskError(_("The number of days must be a whole number from 0 to 36500."))
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    return personal.erase_acknowledged(store, cutoff, actor, days)


def withdraw(store: Store, code: str, actor: str = "officer") -> str:
    """A citizen withdraws consent: their report's personal fields are erased here, it is not
    sent if it has not been, and the hub is asked to erase its copy. Returns the record's uuid."""
    reference = refcode.normalize(code)
    uuid = personal.complaint_with_code(store, reference) if reference else None
    if uuid is None or reference is None:
        raise KioskError(_("No report with the code {code} on this kiosk.").format(code=code))
    personal.withdraw(store, uuid, reference, actor)
    return uuid


def summary(store: Store) -> dict[str, Any]:
    """What the officer sees: per kind, records with personal fields kept (sealed or not, sent
    or waiting) and erased (by retention or withdrawal), and the rules that apply."""
    kinds: dict[str, dict[str, int]] = {}
    for kind, sealed, erased_why, acked, count in personal.summary_rows(store):
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
