"""A throw-away kiosk for trying things out: a temporary data folder with a sample event.

Used by `kiosk run --demo` and `kiosk tour`; never touches a real kiosk's data.
"""

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.i18n import _

DEMO_PIN = "123456"


def make_demo_dir() -> Path:
    data_dir = new_demo_dir()
    fill(data_dir)
    return data_dir


def new_demo_dir() -> Path:
    """An empty throw-away folder, for `fill`."""
    return Path(tempfile.mkdtemp(prefix="lapor-kiosk-demo-"))


def fill_aside(data_dir: Path) -> Callable[[], None]:
    """Starts `fill` in a child process and returns the call that waits for it.

    `kiosk run --demo` forks before it loads even the store, so the record rules (pydantic) that
    check the sample event load on the other core while this process loads Qt and builds the
    window; a thread would share one interpreter with them, and a process pool costs more to
    start than it saves. Where there is no fork (Windows), the folder is filled at once."""
    if not hasattr(os, "fork"):
        fill(data_dir)
        return lambda: None
    sys.stdout.flush()  # or the child's copy of the buffer could be written twice
    child = os.fork()
    if child == 0:
        code = 1
        try:
            fill(data_dir)
            code = 0
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            sys.stderr.flush()
            os._exit(code)  # never the parent's clean-up: its atexit work, its buffers

    def wait() -> None:  # once: later calls return at once
        nonlocal child
        pid, child = child, 0
        if pid and os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0:
            raise KioskError(_("The demo folder {path} could not be filled.").format(path=data_dir))

    return wait


def fill(data_dir: Path) -> None:
    """The sample event, open for registration, the kiosk's place and the officer PIN."""
    from datetime import date

    from kiosk import config, intake, officer
    from kiosk.store import Store

    # One transaction, so the folder is filled whole or not at all; and, the folder being thrown
    # away at exit, never flushed to disk (the window waits for it).
    with Store(data_dir, durable=False) as store, store.db.atomic():
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
