"""The case table and its counts (hub.storage.cases) on SQLite and PostgreSQL: kept in step
with every batch and status change, equal to what a rebuild from the source tables gives, and
read by the inbox's streams in deadline order with every filter; a hub migrated from the
schema before them finds its complaints there."""

import random
import sqlite3
from contextlib import closing

import factories
import pytest
from postgres import backend, database, elsewhere, fresh_database, postgres_server, postgres_url, storage_of  # noqa: F401 - fixtures

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
    with storage.writing() as run:
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
    with elsewhere(tmp_path / "restored", backend, request) as restored:
        restore(restored, tmp_path / "hub.backup")
        assert _table(restored, CASES) == kept_cases
        assert _table(restored, COUNTS) == kept_counts


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
        for statement in reversed(MIGRATIONS[3].sqlite):  # back to version 3: what migration 4 made, unmade
            words = statement.split()
            if words[:2] in (["CREATE", "TABLE"], ["CREATE", "INDEX"]):
                db.execute(f"DROP {words[1]} {words[2]}")
            elif words[:2] == ["ALTER", "TABLE"]:
                db.execute(f"ALTER TABLE {words[2]} DROP COLUMN {words[5]}")
        db.execute("DELETE FROM hub_schema WHERE version = 4")
    with closing(open_storage(tmp_path)) as storage:
        assert (_table(storage, CASES), _table(storage, COUNTS)) == (kept_cases, kept_counts)
        assert [device["records"] for device in storage.devices()] == [len(complaints)]


def _changes_of(storage, device: str) -> list[tuple[str, str, str | None]]:
    return [(c["uuid"], c["status"], c["note"]) for c in storage.changes(device, 0, 1000)[0]]


def test_a_merged_duplicate_leaves_the_inbox_and_counts_and_its_reporter_hears_every_step(tmp_path, backend):  # noqa: F811
    """Two kiosks report the same broken bridge; the later joins the earlier. It takes the earlier's
    status (its kiosk hears, with the note), leaves the streams and the counts, cannot be moved
    itself, and hears of each later step; a merge is refused where it would chain or close."""
    with storage_of(tmp_path) as storage:
        Staff(storage).add_agency("PUPR", "Dinas Pekerjaan Umum", "test")
        first_kiosk, _ = storage.enroll(storage.create_enrollment_code())
        second_kiosk, _ = storage.enroll(storage.create_enrollment_code())
        place = {"province": "Jawa Barat", "regency": "Kabupaten Garut"}
        first = factories.complaint(title="Jembatan Cikadu putus", location=place)
        later = factories.complaint(title="Jembatan di Cikadu putus lagi", location=place)
        third = factories.complaint(title="Lampu jalan mati", location=place)
        storage.store_records(first_kiosk, [(first, digest(first)), (third, digest(third))])
        storage.store_records(second_kiosk, [(later, digest(later))])
        storage.set_status(first["uuid"], "verified", "diperiksa")
        casework = Casework(storage)
        casework.merge(later["uuid"], first["uuid"], "sama dengan laporan lain", "verifikator", "127.0.0.1")
        assert _changes_of(storage, second_kiosk)[-1] == (later["uuid"], "verified", "sama dengan laporan lain")
        inbox = [c.uuid for stage in STAGES for c in casework.stream(Filters(), stage)]
        assert later["uuid"] not in inbox and first["uuid"] in inbox
        assert casework.count(Filters()) == 2 == casework.count(Filters(province="Jawa Barat"))
        assert (
            casework.count(
                Filters(overdue={"verify": "2999-01-01T00:00:00.000+00:00", "follow": "2999-01-01T00:00:00.000+00:00"})
            )
            == 2
        )
        with pytest.raises(HubError, match="merged"):
            storage.set_status(later["uuid"], "forwarded", "x", "PUPR")
        for one, other in (
            (first["uuid"], later["uuid"]),
            (third["uuid"], later["uuid"]),
            (later["uuid"], third["uuid"]),
        ):
            with pytest.raises(HubError):
                casework.merge(one, other, "x", "verifikator", "127.0.0.1")
        storage.set_status(first["uuid"], "forwarded", "ke Dinas PUPR", "PUPR")
        assert _changes_of(storage, second_kiosk)[-1] == (later["uuid"], "forwarded", "ke Dinas PUPR")
        merged = casework.complaint(later["uuid"])
        assert merged is not None and merged.merged_into == first["uuid"] and merged.agency == "PUPR"
        with storage.writing() as run:
            assert run("SELECT target FROM audit_log WHERE action = 'merge'") == [
                (f"{later['uuid']} -> {first['uuid']}",)
            ]
        assert sum(casework.tally("status").values()) == 2
        with storage.writing() as run:
            assert run("SELECT uuid FROM dispositions") == [(first["uuid"],)]  # the duplicate was not passed on again


def test_reports_alike_are_found_in_the_same_regency_and_weeks_and_each_view_is_audited(tmp_path, backend):  # noqa: F811
    """The verifier sees a report told again in other words; a different matter in the same place,
    or the same words in another regency, are not offered."""
    with storage_of(tmp_path) as storage:
        device, _ = storage.enroll(storage.create_enrollment_code())
        garut = {"province": "Jawa Barat", "regency": "Kabupaten Garut"}
        body = "Jembatan gantung di Dusun Cikadu putus sejak banjir, anak-anak tidak bisa ke sekolah."
        mine = factories.complaint(title="Jembatan gantung Cikadu putus", body=body, location=garut)
        again = factories.complaint(
            title="Jembatan Cikadu putus",
            body="Jembatan gantung Dusun Cikadu putus karena banjir, anak tidak bisa sekolah.",
            location=garut,
        )
        other_matter = factories.complaint(
            title="Puskesmas tutup",
            body="Puskesmas desa tutup setiap hari Sabtu padahal jadwalnya buka.",
            location=garut,
        )
        elsewhere = factories.complaint(title=mine["title"], body=body, location={**garut, "regency": "Kota Bandung"})
        records = [mine, again, other_matter, elsewhere]
        storage.store_records(device, [(r, digest(r)) for r in records])
        found = Casework(storage).similar(mine["uuid"], "verifikator", "127.0.0.1")
        assert [s.complaint.uuid for s in found] == [again["uuid"]]
        assert found[0].score >= 70 and "karena banjir" in found[0].body
        with storage.writing() as run:
            assert run("SELECT target FROM audit_log WHERE action = 'view_personal'") == [(again["uuid"],)]
