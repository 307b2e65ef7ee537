"""Memory: the kiosk's resident size once the home screen shows, and after an officer has
opened the statistics dashboard over 1,000,000 attendance records (each in a fresh process)."""

import os
import subprocess
import sys

from windowscript import script  # tests/, on the path through bench.data

from bench.data import million_attendance
from bench.table import Figure

MAX_START_MB = 150
MAX_DASHBOARD_MB = 250
# Opens the window as `kiosk run` does, waits until it is ready, then (with "stats") opens
# the Statistics page and waits for its figures; prints the resident size in bytes.
BROWSE = script("""
import resource

def resident():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()

def ready():
    if sys.argv[2] != "stats":
        QTimer.singleShot(0, finish)
        return
    stats = window.officer.stats
    stats.show_figures_done = stats.show_figures
    def shown(result):
        stats.show_figures_done(result)
        QTimer.singleShot(0, finish)
    stats.show_figures = shown
    window.go("officer")
    window.officer.tabs.setCurrentWidget(window.officer.tabs.widget(4))

def finish():
    print(resident(), flush=True)
    close()
""")


def _resident_mb(folder, what: str) -> float:
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_LANG": "en"}
    done = subprocess.run(
        [sys.executable, "-c", BROWSE, str(folder), what],
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return int(done.stdout.split()[-1]) / 2**20


def measure() -> list[Figure]:
    folder = million_attendance()
    started = _resident_mb(folder, "start")
    browsed = _resident_mb(folder, "stats")
    return [
        Figure("resident memory after start-up", started, "MB", "-", f"< {MAX_START_MB} MB", started < MAX_START_MB),
        Figure(
            "resident memory, dashboard of 1,000,000",
            browsed,
            "MB",
            f"after start-up {started:.0f} MB",
            f"< {MAX_DASHBOARD_MB} MB",
            browsed < MAX_DASHBOARD_MB,
        ),
    ]
