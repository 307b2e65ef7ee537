"""A throw-away kiosk for trying things out: a temporary data folder with a sample event.

Used by `kiosk run --demo` and `kiosk tour`; never touches a real kiosk's data.
"""

import tempfile
from datetime import date
from pathlib import Path

DEMO_PIN = "123456"


def make_demo_dir() -> Path:
    data_dir = new_demo_dir()
    fill(data_dir)
    return data_dir


def new_demo_dir() -> Path:
    """An empty throw-away folder, for `fill`."""
    return Path(tempfile.mkdtemp(prefix="lapor-kiosk-demo-"))


def fill(data_dir: Path) -> None:
    """The sample event, open for registration, the kiosk's place and the officer PIN."""
    # In the process that fills the folder: `kiosk run --demo` starts it before loading even the store.
    from kiosk import config, intake, officer
    from kiosk.store import Store

    with Store(data_dir) as store:
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
            {"kiosk_name": "Balai Desa Sukamaju", "province": "Jawa Barat", "regency": "Garut",
             "district": "Cibatu", "village": "Sukamaju", "open_event": event["uuid"]},
            actor="demo",
        )
        officer.set_pin(store, DEMO_PIN, actor="demo", cost=officer.DEMO_SCRYPT)
