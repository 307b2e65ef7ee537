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
ANSWERS = {"gender": "female", "age_band": "16-30", "wgss": {"seeing": 2, "walking": 1},
           "consent": {"given": True, "text_version": "2026-08"}}


def _percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[98]


def _kiosk_saves(folder: Path) -> list[float]:
    from PySide6.QtCore import QCoreApplication, QEventLoop

    from kiosk import intake
    from kiosk.ui.dbworker import DbWorker

    QCoreApplication.instance() or QCoreApplication([])
    worker = DbWorker(folder)
    loop = QEventLoop()
    meeting = intake.new_event({"name": "Sosialisasi", "type": "socialization", "starts_on": "2026-08-17",
                                "location": {"village": "Sukamaju"}})
    worker.call(lambda store, r: store.add_records([r]), meeting, on_done=lambda _result: loop.quit())
    loop.exec()
    samples = []
    try:
        for _ in range(SAVES):
            started = time.perf_counter()
            record = intake.new_attendance(meeting["uuid"], ANSWERS)
            worker.call(lambda store, r: store.add_records([r])[0], record, on_done=lambda _outcome: loop.quit())
            loop.exec()
            samples.append(time.perf_counter() - started)
    finally:
        worker.close()
    return samples


def _bare_saves(path: Path) -> list[float]:
    from kiosk import intake

    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE records (uuid TEXT PRIMARY KEY, body TEXT NOT NULL)")
    samples = []
    for _ in range(SAVES):
        record = intake.new_attendance("00000000-0000-4000-8000-000000000000", ANSWERS)
        started = time.perf_counter()
        db.execute("BEGIN")
        db.execute("INSERT INTO records VALUES (?, ?)", [record["uuid"], json.dumps(record)])
        db.execute("COMMIT")
        samples.append(time.perf_counter() - started)
    db.close()
    return samples


def measure() -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="bench-save-", dir=Path.home()) as folder:
        bare_p50, bare_p99 = _percentiles(_bare_saves(Path(folder) / "bare.sqlite3"))
        kiosk_p50, kiosk_p99 = _percentiles(_kiosk_saves(Path(folder) / "kiosk"))
    ratio = kiosk_p99 / bare_p99
    return [
        Figure("attendance save p50", kiosk_p50 * 1000, "ms", f"bare insert+commit p50 {bare_p50 * 1000:.2f} ms",
               "-", True),
        Figure("attendance save p99 / bare p99", ratio, "x",
               f"kiosk {kiosk_p99 * 1000:.2f} ms, bare {bare_p99 * 1000:.2f} ms ({SAVES} saves each)",
               f"<= {MAX_P99_RATIO}x", ratio <= MAX_P99_RATIO),
    ]
