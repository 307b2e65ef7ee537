"""Records for the benchmarks: the same valid examples the tests start from, in bulk."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import factories  # noqa: E402 - tests/ is not a package; its examples are the record format's

BANDS = ("0-15", "16-30", "31-45", "46-60", "61+", "unspecified")
GENDERS = ("female", "male", "unspecified")


def attendance_records(events: int, total: int):
    """`events` events and `total` attendance records spread over them, varied in every
    breakdown (gender, age band, WG-SS answered or not, with and without disability)."""
    meetings = [
        factories.event(name=f"Sosialisasi LAPOR! #{n}", starts_on=f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}")
        for n in range(events)
    ]
    yield from meetings
    for person in range(total):
        extra = {"wgss": {"seeing": 1 + person % 4, "walking": 1 + person % 3}} if person % 3 == 0 else {}
        yield factories.attendance(
            meetings[person % events]["uuid"], gender=GENDERS[person % 3], age_band=BANDS[person % 6], **extra
        )


def store_all(store, records, batch: int = 5000) -> None:
    """Through the store's own validation and insert, a transaction per batch."""
    chunk = []
    for record in records:
        chunk.append(record)
        if len(chunk) == batch:
            store.add_records(chunk)
            chunk = []
    if chunk:
        store.add_records(chunk)


MILLION = Path(__file__).resolve().parent.parent / "build" / "bench-data" / "million"


def million_attendance(events: int = 200, total: int = 1_000_000) -> Path:
    """A kiosk data folder with `total` attendance records over `events` events, made once
    and kept in build/bench-data (about a minute to make, through the store's own checks)."""
    from kiosk.store import Store

    with Store(MILLION) as store:
        if store.count("attendance") != total:
            if store.count():
                raise SystemExit(f"bench: {MILLION} holds other records; remove it and run again")
            store_all(store, attendance_records(events, total))
    return MILLION
