"""Attendance save: from the tap to the durable commit (the record built on the UI thread,
validated and committed on the database thread with synchronous=FULL, the answer back on
the UI thread), against a bare sqlite3 insert+commit of the same JSON on the same disk."""

import json
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from bench.table import Figure

SAVES = 1000
MAX_P99_RATIO = 3.0
ANSWERS = {
    "gender": "female",
    "age_band": "16-30",
    "wgss": {"seeing": 2, "walking": 1},
    "consent": {"given": True, "text_version": "2026-08"},
}


def _percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[98]


def _saves(folder: Path) -> tuple[list[float], list[float]]:
    """(kiosk, bare) seconds per save, taken in turns so a slow moment of the disk hits both."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    from kiosk.store import intake
    from kiosk.ui.dbworker import DbWorker

    QCoreApplication.instance() or QCoreApplication([])
    bare = sqlite3.connect(folder / "bare.sqlite3", isolation_level=None)
    bare.execute("PRAGMA journal_mode=WAL")
    bare.execute("PRAGMA synchronous=FULL")
    bare.execute("CREATE TABLE records (uuid TEXT PRIMARY KEY, body TEXT NOT NULL)")
    worker = DbWorker(folder / "kiosk")
    loop = QEventLoop()
    meeting = intake.new_event(
        {"name": "Sosialisasi", "type": "socialization", "starts_on": "2026-08-17", "location": {"village": "Sukamaju"}}
    )
    worker.call(lambda store, r: store.add_records([r]), meeting, on_done=lambda _result: loop.quit())
    loop.exec()
    kiosk, plain = [], []
    try:
        for _ in range(SAVES):
            started = time.perf_counter()
            record = intake.new_attendance(meeting["uuid"], ANSWERS)
            worker.call(lambda store, r: store.add_records([r])[0], record, on_done=lambda _outcome: loop.quit())
            loop.exec()
            kiosk.append(time.perf_counter() - started)

            record = intake.new_attendance(meeting["uuid"], ANSWERS)
            started = time.perf_counter()
            bare.execute("BEGIN")
            bare.execute("INSERT INTO records VALUES (?, ?)", [record["uuid"], json.dumps(record)])
            bare.execute("COMMIT")
            plain.append(time.perf_counter() - started)
    finally:
        worker.close()
        bare.close()
    return kiosk, plain


def measure() -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="bench-save-", dir=Path.home()) as folder:
        kiosk, bare = _saves(Path(folder))
    kiosk_p50, kiosk_p99 = _percentiles(kiosk)
    bare_p50, bare_p99 = _percentiles(bare)
    ratio = kiosk_p99 / bare_p99
    return [
        Figure(
            "attendance save p50", kiosk_p50 * 1000, "ms", f"bare insert+commit p50 {bare_p50 * 1000:.2f} ms", "-", True
        ),
        Figure(
            "attendance save p99 / bare p99",
            ratio,
            "x",
            f"kiosk {kiosk_p99 * 1000:.2f} ms, bare {bare_p99 * 1000:.2f} ms ({SAVES} saves each)",
            f"<= {MAX_P99_RATIO}x",
            ratio <= MAX_P99_RATIO,
        ),
    ]
