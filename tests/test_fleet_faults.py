"""A fleet syncing through a database restart: the hub's pooled connections break under it,
and the kiosks' retries, not luck, are what bring every record in exactly once."""

import json
import subprocess
import threading
import time
from collections import Counter

import factories
import psycopg
import pytest
from conftest import KIOSK_COMMAND
from hubproc import Hub
from postgres import postgres_server, postgres_url  # noqa: F401 - fixtures

from hub.storage import open_storage
from kiosk.store import Store
from kiosk.sync.engine import enroll

KIOSKS = 5
RECORDS = 3000  # per kiosk: six batches each, so the restart finds syncs under way
SYNCS = 8  # runs of `kiosk sync` a kiosk gets before the test gives up on it


def make_kiosk(folder) -> list[str]:
    """A kiosk with one event and its attendance; the uuids it holds."""
    meeting = factories.event()
    records = [meeting] + [factories.attendance(meeting["uuid"]) for _ in range(RECORDS - 1)]
    with Store(folder) as store:
        store.add_records(records)
    return [record["uuid"] for record in records]


def sync_until_done(folder, answers: list[dict]) -> None:
    """What a kiosk's automatic sync does: run again after a sync that stopped short."""
    for _ in range(SYNCS):
        done = subprocess.run(
            [*KIOSK_COMMAND, "sync", "--json", "--data-dir", str(folder)], capture_output=True, text=True, timeout=120
        )
        answers.append(json.loads(done.stdout))
        if done.returncode == 0:
            return


def hub_count(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM records").fetchone()
        return row[0] if row else 0


@pytest.mark.slow
def test_a_postgresql_restart_during_a_fleet_sync_loses_and_doubles_nothing(tmp_path, postgres_server, postgres_url):  # noqa: F811
    """Five kiosks sync 15,000 records to a hub with two workers; PostgreSQL restarts (fast
    shutdown, sessions cut) once a third has arrived. Every sync ends done, and the hub holds
    each kiosk's records exactly once."""
    held = {}
    for n in range(KIOSKS):
        held[tmp_path / f"kiosk-{n}"] = make_kiosk(tmp_path / f"kiosk-{n}")
    hub = Hub(tmp_path / "hub", "--workers", "2", database=postgres_url)
    try:
        storage = open_storage(hub.data_dir, postgres_url)
        try:
            for folder in held:
                enroll(folder, hub.url, storage.create_enrollment_code())
        finally:
            storage.close()
        answers: dict = {folder: [] for folder in held}
        kiosks = [threading.Thread(target=sync_until_done, args=(folder, answers[folder])) for folder in held]
        for kiosk in kiosks:
            kiosk.start()
        total = KIOSKS * RECORDS
        deadline = time.monotonic() + 60
        while (arrived := hub_count(postgres_url)) < total // 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        postgres_server.restart()
        for kiosk in kiosks:
            kiosk.join(120)
        at_hub = Counter(json.loads(line)["uuid"] for line in hub.records())
    finally:
        hub.stop()
    assert 0 < arrived < total, "the restart did not fall in the middle of the sync"
    assert all(runs and runs[-1]["error"] is None for runs in answers.values()), answers
    expected = Counter(uuid for uuids in held.values() for uuid in uuids)
    assert at_hub == expected


@pytest.mark.slow
def test_a_database_that_is_away_is_a_json_503_and_the_retry_stores_once(tmp_path, postgres_server, postgres_url):  # noqa: F811
    """While the database refuses connections, a batch gets a JSON 503 with Retry-After (not a
    stack trace, which a kiosk would take for a captive portal), and one log line that names no
    one; once it is back, the kiosk's retry of the same batch stores each record once."""
    import requests

    hub = Hub(tmp_path / "hub", database=postgres_url)
    try:
        storage = open_storage(hub.data_dir, postgres_url)
        try:
            _device, token = storage.enroll(storage.create_enrollment_code())
        finally:
            storage.close()
        named = factories.complaint(reporter={"name": "Siti Aminah", "phone": "081234567890"})
        batch = {"records": [named, factories.complaint()]}
        headers = {"Authorization": f"Bearer {token}"}
        name = postgres_url.split("?")[0].rsplit("/", 1)[1]
        postgres_server.admin(
            f"ALTER DATABASE {name} ALLOW_CONNECTIONS false",
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'",
        )
        away = requests.post(f"{hub.url}/api/v1/records", json=batch, headers=headers, timeout=60)
        assert away.status_code == 503 and away.headers["Retry-After"] == "5"
        assert away.json()["error"]["code"] == "database_unavailable"
        postgres_server.admin(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
        back = requests.post(f"{hub.url}/api/v1/records", json=batch, headers=headers, timeout=60)
        assert back.status_code == 200, back.text
        assert [result["status"] for result in back.json()["results"]] == ["stored", "stored"]
        assert hub_count(postgres_url) == 2
    finally:
        hub.stop()
    log = (tmp_path / hub.log.name).read_text()
    assert "the database is unavailable" in log and "Traceback" not in log
    assert "Siti" not in log and "081234567890" not in log
