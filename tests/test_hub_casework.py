"""The case table and its counts (hub.storage.cases) on SQLite and PostgreSQL: kept in step
with every batch and status change, equal to what a rebuild from the source tables gives, and
read by the inbox's streams in deadline order with every filter; a hub migrated from the
schema before them finds its complaints there."""

import random
import sqlite3
from contextlib import closing, contextmanager

import factories
import pytest
from postgres import backend, database, fresh_database, postgres_server, postgres_url, storage_of  # noqa: F401 - fixtures

from hub.storage.access import transaction
from hub.storage.base import HubError
from hub.storage.casework import FOLLOW, REST, STAGES, VERIFY, Casework, Filters
from hub.storage.schema import COUNT_KEY, MIGRATIONS
from hub.storage.sqlite import DB_FILE
from hub.storage.staff import Staff
from kiosk.records import digest

PROVINCES = ("Jawa Barat", "Aceh", "Papua", None)
MOVES = ("verified", "forwarded", "followed_up", "completed")


def _complaints(rng: random.Random, n: int) -> list[dict]:
    found = []
    for _ in range(n):
        province = rng.choice(PROVINCES)
        location = {"province": province, "regency": "Kabupaten Garut"} if province else {}
        found.append(
            factories.complaint(
                classification=rng.choice(("complaint", "aspiration", "information_request")),
                location=location,
                category=rng.choice(("Jalan", "Air bersih", None)) or None,
            )
        )
    for record in found:
        if record.get("category") is None:
            record.pop("category")
    return found


def _office(storage, rng: random.Random) -> tuple[str, list[dict]]:
    """A kiosk's complaints, some moved on, some passed to one of two agencies."""
    staff = Staff(storage)
    staff.add_agency("PUPR", "Dinas Pekerjaan Umum", "test")
    staff.add_agency("DINKES", "Dinas Kesehatan", "test")
    device, _ = storage.enroll(storage.create_enrollment_code())
    complaints = _complaints(rng, 40)
    for start in range(0, len(complaints), 15):
        storage.store_records(device, [(r, digest(r)) for r in complaints[start : start + 15]])
    for record in complaints:
        for status in MOVES[: rng.randrange(len(MOVES) + 1)]:
            agency = rng.choice(("PUPR", "DINKES")) if status == "forwarded" else None
            storage.set_status(record["uuid"], status, "catatan", agency)
    return device, complaints


def _table(storage, sql: str) -> list[tuple]:
    with transaction(storage) as run:
        return sorted(run(sql))


CASES = "SELECT uuid, seq, device_id, received_at, classification, province, regency, category, event_uuid,"
CASES += " status, status_at, agency, disposed_at FROM complaints"
COUNTS = f"SELECT {', '.join(COUNT_KEY)}, n FROM complaint_counts WHERE n > 0"


def test_cases_and_counts_follow_every_batch_and_change_as_a_rebuild_finds_them(tmp_path, backend, request):  # noqa: F811
    """After batches and random status changes, the case table and its counts equal what the
    rebuild from records, status changes and dispositions gives (a backup restored elsewhere)."""
    from hub.storage.transfer import backup, restore

    with storage_of(tmp_path / "hub") as storage:
        _office(storage, random.Random(7))
        kept_cases, kept_counts = _table(storage, CASES), _table(storage, COUNTS)
        assert len(kept_cases) == 40
        assert sum(row[-1] for row in kept_counts) == 40
        backup(storage, tmp_path / "hub.backup")
    with _elsewhere(tmp_path / "restored", backend, request) as restored:
        restore(restored, tmp_path / "hub.backup")
        assert _table(restored, CASES) == kept_cases
        assert _table(restored, COUNTS) == kept_counts


@contextmanager
def _elsewhere(data_dir, backend, request):  # noqa: F811
    """A second, empty hub database of the same kind."""
    from hub.storage import open_storage

    if not backend:
        with closing(open_storage(data_dir)) as storage:
            yield storage
        return
    with (
        fresh_database(request.getfixturevalue("postgres_server")) as url,
        closing(open_storage(data_dir, url)) as storage,
    ):
        yield storage


def test_an_agency_is_named_only_when_a_complaint_is_passed_on_and_must_exist(tmp_path, backend):  # noqa: F811
    """Naming an unknown agency, or an agency with another status, changes nothing at all."""
    with storage_of(tmp_path) as storage:
        device, _ = storage.enroll(storage.create_enrollment_code())
        record = factories.complaint()
        storage.store_records(device, [(record, digest(record))])
        storage.set_status(record["uuid"], "verified")
        before = _table(storage, CASES), _table(storage, COUNTS)
        with pytest.raises(HubError, match="no agency"):
            storage.set_status(record["uuid"], "forwarded", "ke dinas", "NOPE")
        with pytest.raises(HubError, match="names an agency"):
            storage.set_status(record["uuid"], "archived", "x", "NOPE")
        assert (_table(storage, CASES), _table(storage, COUNTS)) == before
        storage.set_status(record["uuid"], "forwarded", "ke dinas")  # an officer's hub names it in the note
        (case,) = Casework(storage).stream(Filters(), FOLLOW)
        assert case.agency is None and case.disposed_at is not None


def test_the_streams_hold_each_case_once_in_order_and_filtered_as_asked(tmp_path, backend, monkeypatch):  # noqa: F811
    """Read in small chunks, the three streams give every case once, each in its clock's order,
    and every filter (alone, with another, overdue) gives what filtering them all by hand gives;
    the count agrees, from the counts table or from the cases."""
    monkeypatch.setattr("hub.storage.casework.CHUNK", 7)
    with storage_of(tmp_path) as storage:
        device, _ = _office(storage, random.Random(11))
        casework = Casework(storage)
        every = {stage.name: list(casework.stream(Filters(), stage)) for stage in STAGES}
        assert sorted(c.uuid for cases in every.values() for c in cases) == sorted(
            row[0] for row in _table(storage, CASES)
        )
        for stage, cases in every.items():
            clock = {"verify": "received_at", "follow": "disposed_at", "rest": None}[stage]
            keys = [(getattr(c, clock) if clock else "", c.seq) for c in cases]
            assert keys == sorted(keys)
        whole = [c for cases in every.values() for c in cases]
        middle = sorted(c.received_at for c in every["verify"])[len(every["verify"]) // 2]
        follow_middle = sorted(c.disposed_at for c in every["follow"])[len(every["follow"]) // 2]
        cases = [
            (Filters(), lambda c: True),
            (Filters(status="verified"), lambda c: c.status == "verified"),
            (Filters(province="Aceh"), lambda c: (c.public.get("location") or {}).get("province") == "Aceh"),
            (Filters(agency="PUPR", status="completed"), lambda c: c.agency == "PUPR" and c.status == "completed"),
            (Filters(classification="aspiration"), lambda c: c.public["classification"] == "aspiration"),
            (Filters(device_id=device), lambda c: True),
            (Filters(device_id="kiosk-other"), lambda c: False),
            (
                Filters(overdue={"verify": middle, "follow": follow_middle}),
                lambda c: (
                    (c.status in VERIFY.statuses and c.received_at < middle)
                    or (c.status == "forwarded" and c.disposed_at < follow_middle)
                ),
            ),
        ]
        for filters, keep in cases:
            found = sorted(c.uuid for stage in STAGES for c in casework.stream(filters, stage))
            assert found == sorted(c.uuid for c in whole if keep(c)), filters
            assert casework.count(filters) == len(found), filters
        assert casework.tally("province") == {
            province or "": sum(1 for c in whole if (c.public.get("location") or {}).get("province") == province)
            for province in PROVINCES
        }
        assert sum(casework.tally("status").values()) == 40 and not list(casework.stream(Filters(status="x"), REST))


def test_a_hub_made_before_the_case_table_finds_its_complaints_there(tmp_path):
    """An SQLite hub at schema 3 with complaints, one passed to an agency: opening it applies
    migration 4, which builds the cases and counts from what the hub held."""
    from hub.storage import open_storage

    with closing(open_storage(tmp_path)) as storage:
        device, complaints = _office(storage, random.Random(3))
        kept_cases, kept_counts = _table(storage, CASES), _table(storage, COUNTS)
    with sqlite3.connect(tmp_path / DB_FILE) as db:
        db.execute("DROP TABLE complaint_counts")
        db.execute("DROP TABLE complaints")
        db.execute("DELETE FROM hub_schema WHERE version = 4")
        for statement in MIGRATIONS[3].sqlite:  # as at version 3: without what migration 4 added
            if statement.startswith("ALTER TABLE devices ADD COLUMN"):
                db.execute(f"ALTER TABLE devices DROP COLUMN {statement.split()[5]}")
        db.execute("DROP TABLE days_off")
        db.execute("DROP TABLE merges")
        db.execute("DROP INDEX records_events")
    with closing(open_storage(tmp_path)) as storage:
        assert (_table(storage, CASES), _table(storage, COUNTS)) == (kept_cases, kept_counts)
        assert [device["records"] for device in storage.devices()] == [len(complaints)]
