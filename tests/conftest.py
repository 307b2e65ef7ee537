"""Shared fixtures: a fresh data dir with a real SQLite store, and the real CLI.

With `KIOSK_BUNDLE` set to a built executable (`make bundle-test`), every test that runs
the command line runs the bundle instead of the source, and `test_bundle.py` joins in.
"""

import json
import os
import subprocess
import sys

import pytest

from kiosk import i18n
from kiosk.officer import access, config
from kiosk.store import Store, intake

BUNDLE = os.environ.get("KIOSK_BUNDLE")
KIOSK_COMMAND = [BUNDLE] if BUNDLE else [sys.executable, "-m", "kiosk"]
collect_ignore = [] if BUNDLE else ["test_bundle.py"]


@pytest.fixture(autouse=True)
def english_messages():
    """Tests read English reasons (the kiosk screens switch to Indonesian, and back after).

    A missing catalog fails here instead of passing silently."""
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def store(data_dir):
    with Store(data_dir) as opened:
        yield opened


@pytest.fixture
def kiosk(data_dir):
    """Runs `kiosk ARGS` (from source, or the bundle) against the test's data dir, in English unless told."""

    def run(*args, lang="en", input=None, env=None):
        environment = {**os.environ, "KIOSK_DATA_DIR": str(data_dir), "KIOSK_LANG": lang, **(env or {})}
        return subprocess.run(
            [*KIOSK_COMMAND, *map(str, args)],
            capture_output=True,
            text=True,
            input=input,
            env=environment,
            timeout=120,
        )

    return run


def write_jsonl(path, values) -> None:
    """Each value on its own line: dicts as JSON, strings as they are (for broken lines)."""
    with open(path, "w", encoding="utf-8") as out:
        for value in values:
            out.write((value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)) + "\n")


# Qt tests run without a display; this must be set before the QApplication exists.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def open_window(qtbot):
    """Opens a kiosk window (1024x600, windowed) on a data dir and waits until it is ready;
    closes its speech and database threads afterwards."""
    from kiosk.ui.context import Context
    from kiosk.ui.dbworker import DbWorker
    from kiosk.ui.window import KioskWindow

    opened = []

    def open_on(data_dir):
        window = KioskWindow(Context(db=DbWorker(data_dir)), kiosk_mode=False)
        qtbot.addWidget(window)
        window.resize(1024, 600)
        window.show()
        with qtbot.waitSignal(window.ready, timeout=10_000):
            window.load()
        opened.append(window)
        return window

    yield open_on
    for window in opened:
        window.sync.stop()
        window.narrator.close()
        window.context.db.close()


@pytest.fixture
def x_display():
    """Starts real X servers (Xvfb) of a given size, `x_display("1024x600")` -> ":N"; stopped after the test."""
    servers = []

    def start(size="1024x600"):
        read, write = os.pipe()
        server = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
            pass_fds=(write,),
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        servers.append(server)
        with os.fdopen(read) as announced:
            return ":" + announced.readline().strip()

    yield start
    for server in servers:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def start_hub(tmp_path):
    """Starts real hub processes on loopback (`start_hub(*serve_args)`), stopped after the test."""
    from hubproc import Hub

    started = []

    def start(*serve_args, data_dir=None, port=None):
        hub = Hub(data_dir or tmp_path / f"hub{len(started)}", *serve_args, port=port)
        started.append(hub)
        return hub

    yield start
    for hub in started:
        hub.stop()


@pytest.fixture
def hub(start_hub):
    return start_hub()


PIN = "246810"  # the officer PIN of the `event` fixture's kiosk


@pytest.fixture
def event(data_dir):
    with Store(data_dir) as store:
        event = intake.new_event(
            {"name": "Sosialisasi LAPOR! Desa Mekarsari", "type": "socialization", "starts_on": "2026-11-20"}
        )
        store.add_records([event])
        config.save(store, {"village": "Mekarsari", "district": "Cibatu", "open_event": event["uuid"]})
        access.set_pin(store, PIN)
    return event


@pytest.fixture
def window(open_window, data_dir, event):
    return open_window(data_dir)
