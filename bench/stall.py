"""UI responsiveness: the longest stall of a 10 ms heartbeat timer on the kiosk's event
loop while it syncs 10,000 records to a real hub and computes the dashboard's statistics,
both in the background as the kiosk does them."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from windowscript import script  # tests/, on the path through bench.data

from bench.data import attendance_records, store_all
from bench.table import Figure

RECORDS = 10_000
MAX_STALL_MS = 50
HEARTBEAT_MS = 10
# Runs in its own process (a fresh Qt application): prints the longest gap between two
# heartbeats beyond the 10 ms asked, in ms, and how many beats there were.
WATCH = script("""
import time

beats, busy = [], {"stats": True, "sync": True}

def beat():
    beats.append(time.perf_counter())
    if not any(busy.values()):
        finish()

def stats_done(result):
    window.officer.stats.show_figures_done(result)
    busy["stats"] = False

def synced():
    if not window.sync.state.running and window.sync.state.pending == 0 and window.sync.state.last_success:
        busy["sync"] = False

def ready():
    stats = window.officer.stats
    stats.show_figures_done, stats.show_figures = stats.show_figures, stats_done
    stats.refresh()
    beats.clear()  # from here on: building officer mode above is a tap's work, not background work

def finish():
    heartbeat.stop()
    gaps = [(b - a) * 1000 - float(sys.argv[2]) for a, b in zip(beats, beats[1:])]
    print(max(gaps), len(beats), flush=True)
    close()

heartbeat = QTimer(interval=int(sys.argv[2]))
heartbeat.timeout.connect(beat)
heartbeat.start()
window.sync.changed.connect(synced)
QTimer.singleShot(300_000, finish)
""")


def measure() -> list[Figure]:
    from hubproc import Hub

    from kiosk.store import Store
    from kiosk.sync.engine import enroll

    with tempfile.TemporaryDirectory(prefix="bench-stall-", dir=Path.home()) as folder:
        kiosk_dir = Path(folder) / "kiosk"
        with Store(kiosk_dir) as store:
            store_all(store, attendance_records(20, RECORDS - 20))
        hub = Hub(Path(folder) / "hub")
        try:
            enroll(kiosk_dir, hub.url, hub.enroll_code())
            environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_LANG": "en"}
            done = subprocess.run(
                [sys.executable, "-c", WATCH, str(kiosk_dir), str(HEARTBEAT_MS)],
                env=environment,
                capture_output=True,
                text=True,
                timeout=600,
                check=True,
            )
            arrived = len(hub.records())
        finally:
            hub.stop()
    stall, beats = done.stdout.split()[-2:]
    stall = float(stall)
    if arrived != RECORDS:
        raise SystemExit(f"bench: the sync during the stall test did not finish ({arrived} of {RECORDS})")
    return [
        Figure(
            "longest UI stall during sync + statistics",
            stall,
            "ms",
            f"{HEARTBEAT_MS} ms heartbeat, {int(beats):,} beats, {RECORDS:,} records synced",
            f"< {MAX_STALL_MS} ms",
            stall < MAX_STALL_MS,
        )
    ]
