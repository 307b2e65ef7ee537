"""Sync throughput: 100,000 records from a kiosk to a real hub process over loopback,
against inserting the same records straight into the hub's store in the same batches."""

import tempfile
import time
from pathlib import Path

from bench.data import attendance_records, store_all
from bench.table import Figure

RECORDS = 100_000
EVENTS = 200
MIN_SHARE = 0.5  # of the direct insert rate
MIN_RATE = 5000  # records a second


def _direct_rate(folder: Path, records: list[dict]) -> float:
    from hub.storage import open_storage
    from kiosk.records import digest
    from kiosk.sync.engine import Policy

    storage = open_storage(folder)
    device_id, _token = storage.enroll(storage.create_enrollment_code())
    pairs = [(record, digest(record)) for record in records]
    batch = Policy().batch_count
    started = time.perf_counter()
    for start in range(0, len(pairs), batch):
        storage.store_records(device_id, pairs[start : start + batch])
    return len(pairs) / (time.perf_counter() - started)


def _sync_rate(folder: Path, records: list[dict]) -> float:
    from hubproc import Hub

    from kiosk.store import Store
    from kiosk.sync.engine import enroll, run_sync

    with Store(folder / "kiosk") as store:
        store_all(store, records)
    hub = Hub(folder / "hub")
    try:
        enroll(folder / "kiosk", hub.url, hub.enroll_code())
        started = time.perf_counter()
        report = run_sync(folder / "kiosk")
        elapsed = time.perf_counter() - started
        arrived = len(hub.records())
    finally:
        hub.stop()
    if not report.done or arrived != len(records):
        raise SystemExit(f"bench: the sync did not finish ({arrived} of {len(records)} at the hub)")
    return len(records) / elapsed


def measure() -> list[Figure]:
    records = list(attendance_records(EVENTS, RECORDS - EVENTS))
    with tempfile.TemporaryDirectory(prefix="bench-sync-", dir=Path.home()) as folder:
        direct = _direct_rate(Path(folder) / "direct", records)
        synced = _sync_rate(Path(folder), records)
    return [
        Figure(
            "sync rate / direct insert rate",
            synced / direct,
            "x",
            f"sync {synced:,.0f}/s, direct insert {direct:,.0f}/s ({RECORDS:,} records)",
            f">= {MIN_SHARE}x",
            synced / direct >= MIN_SHARE,
        ),
        Figure(
            "sync rate", synced, "records/s", f"direct insert {direct:,.0f}/s", f">= {MIN_RATE:,}/s", synced >= MIN_RATE
        ),
    ]
