"""Statistics over 1,000,000 attendance records in 200 events: everything the dashboard
and the reports show, against one hand-written SQL GROUP BY over the same table."""

import sqlite3
import time

from bench.data import million_attendance
from bench.table import Figure

MAX_RATIO = 1.5
MAX_SECONDS = 0.5
REPEATS = 5
# The table the statistics count (migration m004), grouped by hand in one statement: the
# ratio is what all the rest costs (sums, shares, events, complaints, medians).
HAND_WRITTEN = "SELECT event_uuid, gender, age_band, wgss_worst, count(*) FROM attendance_facts GROUP BY 1, 2, 3, 4"


def _best(job) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        job()
        times.append(time.perf_counter() - started)
    return min(times)


def measure() -> list[Figure]:
    from kiosk.reports import stats
    from kiosk.store import Store

    folder = million_attendance()
    with Store(folder) as store:
        full = _best(lambda: stats.compute(store))
        total = stats.compute(store)["total"]
    bare = sqlite3.connect(folder / "kiosk.sqlite3")
    hand = _best(lambda: bare.execute(HAND_WRITTEN).fetchall())
    bare.close()
    return [
        Figure(
            "statistics, full breakdown / one GROUP BY",
            full / hand,
            "x",
            f"full {full * 1000:.0f} ms, GROUP BY {hand * 1000:.0f} ms ({total:,} records, best of {REPEATS})",
            f"<= {MAX_RATIO}x",
            full / hand <= MAX_RATIO,
        ),
        Figure(
            "statistics, full breakdown",
            full * 1000,
            "ms",
            f"GROUP BY {hand * 1000:.0f} ms",
            f"< {MAX_SECONDS * 1000:.0f} ms",
            full < MAX_SECONDS,
        ),
    ]
