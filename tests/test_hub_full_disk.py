"""A full disk at the hub, made real: the data folder (SQLite and the attachments) or a
PostgreSQL tablespace on a small tmpfs that is filled up. The kiosk is told to wait (503,
`storage_full`, Retry-After), nothing of the batch or the upload is half-kept, the log says what
happened without a word of the reports, and once space is freed the same batch is stored whole,
exactly once."""

import hashlib
import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import factories
import psycopg
import pytest
import requests
from hubproc import Hub
from postgres import fresh_database, postgres_server  # noqa: F401 - fixtures

TIMEOUT = 30
BODY = "Saluran air di RT 03 tersumbat sampah sejak musim hujan dan meluap ke rumah warga. " * 40
MARK = "Saluran air di RT 03"


@contextmanager
def small_disk(where: Path, size: str, owner: str | None = None):
    """A tmpfs of `size` mounted at `where` (root only: the test is skipped where mounting is not allowed)."""
    where.mkdir(parents=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)])
    if mounted.returncode != 0:
        pytest.skip("needs root to mount a small tmpfs (a full disk made real)")
    try:
        if owner:
            shutil.chown(where, owner)
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=True)


def fill(disk: Path, leave: int) -> Path:
    """A file taking all but about `leave` bytes of the disk."""
    filler = disk / "filler"
    free = shutil.disk_usage(disk).free
    with open(filler, "wb") as out:
        out.write(b"\0" * max(0, free - leave))
    return filler


def batch(n: int) -> list[dict]:
    return [factories.complaint(title=f"Saluran tersumbat {i}", body=BODY) for i in range(n)]


def post(hub: Hub, token: str, records: list[dict]) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"}
    return requests.post(hub.url + "/api/v1/records", json={"records": records}, headers=headers, timeout=TIMEOUT)


def enroll(hub: Hub) -> str:
    code = hub.enroll_code()
    return requests.post(hub.url + "/api/v1/enroll", json={"code": code}, timeout=TIMEOUT).json()["token"]


def told_to_wait(answer: requests.Response) -> None:
    assert answer.status_code == 503, answer.text
    assert answer.json()["error"]["code"] == "storage_full"
    assert int(answer.headers["Retry-After"]) > 0


def stored_once_after_freeing(hub: Hub, token: str, records: list[dict], filler: Path) -> None:
    filler.unlink()
    answer = post(hub, token, records)
    assert [r["status"] for r in answer.json()["results"]] == ["stored"] * len(records), answer.text
    again = post(hub, token, records)
    assert {r["status"] for r in again.json()["results"]} == {"duplicate"}
    assert len(hub.records()) == len(records)


def log_of(hub: Hub) -> str:
    return Path(hub.log.name).read_text()


@pytest.mark.slow
def test_a_full_disk_under_an_sqlite_hub_keeps_nothing_half_and_loses_nothing(tmp_path):
    """The SQLite database and the attachments share the full disk: a batch and an upload are
    both refused whole, and the batch goes in once there is room."""
    with small_disk(tmp_path / "disk", "16m") as disk:
        hub = Hub(disk / "hub", log_dir=tmp_path)  # the log beside, where there is room
        try:
            token = enroll(hub)
            records = batch(150)  # about 500 kB of bodies, as JSON and in the write-ahead log
            filler = fill(disk, leave=96 * 1024)
            told_to_wait(post(hub, token, records))
            assert hub.records() == []
            photo = os.urandom(300 * 1024)
            sha256 = hashlib.sha256(photo).hexdigest()
            headers = {"Authorization": f"Bearer {token}"}
            put = requests.put(f"{hub.url}/api/v1/attachments/{sha256}", data=photo, headers=headers, timeout=TIMEOUT)
            told_to_wait(put)
            kept = [p.name for p in (disk / "hub" / "attachments").rglob("*") if p.is_file()]
            assert not [name for name in kept if name.startswith(sha256) and not name.endswith(".upload")], kept
            assert requests.get(hub.url + "/api/v1/health", timeout=TIMEOUT).ok  # reading still works
            stored_once_after_freeing(hub, token, records, filler)
            put = requests.put(f"{hub.url}/api/v1/attachments/{sha256}", data=photo, headers=headers, timeout=TIMEOUT)
            assert put.status_code in (200, 201), put.text
        finally:
            hub.stop()
        log = log_of(hub)
        assert "the disk is full" in log and MARK not in log


@pytest.mark.slow
def test_a_full_tablespace_under_a_postgresql_hub_keeps_nothing_half_and_loses_nothing(
    tmp_path,
    postgres_server,  # noqa: F811
):
    """The records' table lives on a small disk (a tablespace, as an agency may put its biggest
    table): PostgreSQL cannot extend it, the batch's transaction is rolled back whole."""
    # In the server's own folder: the server's user cannot pass through the test's.
    with small_disk(postgres_server.folder / "small", "4m", owner=postgres_server.user) as disk:
        postgres_server.admin(f"CREATE TABLESPACE small_disk LOCATION '{disk}'")
        try:
            with fresh_database(postgres_server) as url:
                with psycopg.connect(url, autocommit=True) as conn:
                    conn.execute("ALTER TABLE records SET TABLESPACE small_disk")
                hub = Hub(tmp_path / "hub", database=url)
                try:
                    token = enroll(hub)
                    records = batch(150)
                    filler = fill(disk, leave=64 * 1024)
                    os.chown(filler, 0, 0)
                    told_to_wait(post(hub, token, records))
                    assert hub.records() == []
                    stored_once_after_freeing(hub, token, records, filler)
                finally:
                    hub.stop()
                log = log_of(hub)
                assert "the disk is full" in log and MARK not in log
        finally:
            postgres_server.admin("DROP TABLESPACE IF EXISTS small_disk")
