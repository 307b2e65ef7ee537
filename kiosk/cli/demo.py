"""A throw-away kiosk for trying things out: a temporary data folder with a sample event.

Used by `kiosk run --demo` and `kiosk tour`; never touches a real kiosk's data.
"""

import shutil
import sqlite3
import tempfile
from datetime import date
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.officer import access, config
from kiosk.store import Store, intake

DEMO_PIN = "123456"


def make_demo_dir() -> Path:
    """A new folder, filled; one that cannot be filled is removed, and the error says why."""
    data_dir = Path(tempfile.mkdtemp(prefix="lapor-kiosk-demo-"))
    try:
        fill(data_dir)
    except (OSError, sqlite3.Error, KioskError) as exc:
        shutil.rmtree(data_dir, ignore_errors=True)
        reason = getattr(exc, "strerror", None) or str(exc)
        raise KioskError(
            _("The demo folder {path} could not be filled: {reason}").format(path=data_dir, reason=reason)
        ) from exc
    return data_dir


def fill(data_dir: Path) -> None:
    """The sample event, open for registration, the kiosk's place and the officer PIN, in one
    transaction, so the folder is filled whole or not at all."""
    with Store(data_dir) as store, store.db.atomic():
        event = intake.new_event(
            {
                "name": "Sosialisasi SP4N-LAPOR! Desa Sukamaju",
                "type": "socialization",
                "starts_on": date.today().isoformat(),
                "organizer": "Dinas Kominfo Kabupaten Garut",
                "location": {"province": "Jawa Barat", "regency": "Garut", "district": "Cibatu", "village": "Sukamaju"},
            }
        )
        store.add_records([event])
        config.save(
            store,
            {
                "kiosk_name": "Balai Desa Sukamaju",
                "province": "Jawa Barat",
                "regency": "Garut",
                "district": "Cibatu",
                "village": "Sukamaju",
                "open_event": event["uuid"],
            },
            actor="demo",
        )
        access.set_pin(store, DEMO_PIN, actor="demo")
