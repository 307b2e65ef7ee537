"""Backups, restores and copies of the hub's database, between SQLite and PostgreSQL both ways:
everything arrives, counted, and the hub carries on where it stopped."""

import gzip
import hashlib
from contextlib import closing

import factories
from hubproc import run_cli
from postgres import database, fresh_database, postgres_server, postgres_url  # noqa: F401 - fixtures

from hub.storage import open_storage
from hub.storage.staff import Staff
from kiosk.records import digest

PHOTO = b"\xff\xd8 a photo's bytes \xff\xd9"
PHOTO_SHA = hashlib.sha256(PHOTO).hexdigest()


def populate(storage) -> tuple[str, str]:
    """A hub that has seen a little of everything; (device id, token) of its active kiosk."""
    device, token = storage.enroll(storage.create_enrollment_code())
    gone, _ = storage.enroll(storage.create_enrollment_code())
    storage.revoke(gone)
    storage.create_enrollment_code()  # never used
    storage.put_attachment(PHOTO_SHA, PHOTO)
    photo = {"sha256": PHOTO_SHA, "mime": "image/jpeg", "size": len(PHOTO), "name": "jalan.jpg"}
    event = factories.event()
    named = factories.complaint(reporter={"name": "Siti Aminah"})
    batch = [event, factories.complaint(attachments=[photo]), named, factories.attendance(event["uuid"])]
    storage.store_records(device, [(record, digest(record)) for record in batch])
    storage.set_status(named["uuid"], "verified", "Sudah dicek")
    storage.withdraw(device, [named["uuid"]])
    staff = Staff(storage)  # the console's people and its audit log travel too
    staff.add_agency("PUPR", "Dinas Pekerjaan Umum", "cli:admin")
    staff.add_user("budi", "liaison", "PUPR", "kata sandi yang panjang", "cli:admin")
    return device, token


def state(storage, device: str) -> tuple:
    """What the hub's users see of its database."""
    staff = Staff(storage)
    return (
        list(storage.record_lines()),
        storage.devices(),
        storage.changes(device, 0, 100),
        storage.counts(),
        staff.agencies(),
        staff.users(),
    )


def test_a_backup_restores_into_the_other_database_whole(tmp_path, database, postgres_server):  # noqa: F811
    """`backup FILE` on one database and `restore FILE` on the other give the same records, devices,
    status changes and counts; tokens still work; new complaints are numbered after the old; a
    second restore into the same database is refused."""
    source_dir, target_dir, file = tmp_path / "source", tmp_path / "target", tmp_path / "hub.backup"
    with closing(open_storage(source_dir, database)) as source:
        device, token = populate(source)
        before = state(source, device)
    done = run_cli(source_dir, "backup", str(file), database=database)
    assert done.returncode == 0, done.stderr
    assert "4 records" in done.stderr and "2 devices" in done.stderr
    assert PHOTO_SHA.encode() in gzip.decompress(file.read_bytes())
    with fresh_database(postgres_server, "template0") as empty:
        target_url = "" if database else empty  # the other database
        done = run_cli(target_dir, "restore", str(file), database=target_url)
        assert done.returncode == 0, done.stderr
        assert "counts verified" in done.stdout
        with closing(open_storage(target_dir, target_url)) as target:
            assert state(target, device) == before
            assert target.authenticate(token) == device
            assert target.has_attachment(PHOTO_SHA)
            later = factories.complaint()
            (result,) = target.store_records(device, [(later, digest(later))])
            old = [change["tracking_id"] for change in before[2][0]]
            assert result.status == "stored" and result.tracking_id not in old
            assert int(result.tracking_id.rsplit("-", 1)[1]) > max(int(t.rsplit("-", 1)[1]) for t in old)
        again = run_cli(target_dir, "restore", str(file), database=target_url)
        assert again.returncode == 1 and again.stderr.count("\n") == 1 and "already holds data" in again.stderr


def test_an_sqlite_hub_is_copied_onto_postgresql_with_its_counts_verified(tmp_path, postgres_server):  # noqa: F811
    """`copy --from sqlite --to URL` moves the data folder's hub onto a new PostgreSQL database,
    migrating it first; the hub then serves the same kiosks from PostgreSQL."""
    with closing(open_storage(tmp_path)) as source:
        device, token = populate(source)
        before = state(source, device)
    with fresh_database(postgres_server, "template0") as url:
        done = run_cli(tmp_path, "copy", "--from", "sqlite", "--to", url)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(
            "copied 2 devices, 3 enrollment codes, 4 records, 1 attachments, 3 status changes"
        )
        with closing(open_storage(tmp_path, url)) as target:
            assert state(target, device) == before
            assert target.authenticate(token) == device
        for refused in (("--from", "sqlite", "--to", url), ("--from", url, "--to", url), ("--from", "x", "--to", url)):
            done = run_cli(tmp_path, "copy", *refused)
            assert done.returncode in (1, 2) and done.stderr.count("\n") == 1, done.stderr
