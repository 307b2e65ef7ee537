"""The hub's storage on SQLite and on PostgreSQL: uniqueness held by the database across
processes, versioned migrations, and the settings that choose the database."""

import multiprocessing
import sqlite3
from concurrent.futures import ThreadPoolExecutor

import factories
import pytest
import requests
from hubproc import Hub, run_cli
from postgres import database, fresh_database, postgres_server, postgres_url  # noqa: F401 - fixtures

from hub import settings
from hub.storage import SchemaBehind, migrate, open_storage
from hub.storage.schema import LATEST, MIGRATIONS
from hub.storage.sqlite import DB_FILE
from kiosk.records import digest

WRITERS = 4


def _store_at_once(data_dir, url, device_id, records, barrier) -> list[tuple[str, str | None]]:
    """In a process of its own: wait for the others, then store the batch."""
    storage = open_storage(data_dir, url)
    try:
        barrier.wait(30)
        return [(r.status, r.tracking_id) for r in storage.store_records(device_id, records)]
    finally:
        storage.close()


def test_processes_storing_one_uuid_at_once_store_it_once(tmp_path, database):  # noqa: F811
    """Four processes store a batch naming the same complaint at the same moment (two of them a
    changed copy): one `stored`, the same copy `duplicate` with its tracking id, the other `conflict`;
    the batch's own new records are stored by each."""
    storage = open_storage(tmp_path, database)
    device, _ = storage.enroll(storage.create_enrollment_code())
    storage.close()
    shared = factories.complaint()
    changed = {**shared, "title": "Jembatan desa putus"}
    context = multiprocessing.get_context("spawn")
    barrier = context.Manager().Barrier(WRITERS)
    batches = []
    for n in range(WRITERS):
        mine = factories.complaint()
        batches.append([(record, digest(record)) for record in (mine, shared if n % 2 else changed)])
    with context.Pool(WRITERS) as pool:
        answers = pool.starmap(_store_at_once, [(tmp_path, database, device, batch, barrier) for batch in batches])
    assert all(status == "stored" for (status, _), _shared in answers)
    shared_answers = [answer[1] for answer in answers]
    statuses = sorted(status for status, _ in shared_answers)
    assert statuses == ["conflict", "conflict", "duplicate", "stored"]  # the other copy of the winner: duplicate
    winner = next(tracking for status, tracking in shared_answers if status == "stored")
    assert [tracking for status, tracking in shared_answers if status == "duplicate"] == [winner]
    storage = open_storage(tmp_path, database)
    try:
        assert storage.count() == WRITERS + 1
    finally:
        storage.close()


def test_a_fleet_hub_on_postgresql_with_two_workers_stores_once(tmp_path, postgres_url):  # noqa: F811
    """`serve --workers 2`: eight simultaneous posts of one complaint across both worker processes
    give one `stored` and seven `duplicate`, all with the same tracking id."""
    hub = Hub(tmp_path / "hub", "--workers", "2", database=postgres_url)
    try:
        code = hub.enroll_code()
        token = requests.post(hub.url + "/api/v1/enroll", json={"code": code}, timeout=30).json()["token"]
        complaint = factories.complaint()

        def post(_):
            return requests.post(
                hub.url + "/api/v1/records",
                json={"records": [complaint]},
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            ).json()["results"][0]

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(post, range(8)))
        assert sorted(r["status"] for r in results) == ["duplicate"] * 7 + ["stored"]
        assert len({r["tracking_id"] for r in results}) == 1
        assert len(hub.records()) == 1
    finally:
        hub.stop()


def test_workers_are_refused_on_sqlite(tmp_path):
    """Several worker processes would queue on SQLite's one writer: `--workers 2` says so and exits 2."""
    done = run_cli(tmp_path / "hub", "serve", "--workers", "2")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "--workers needs PostgreSQL" in done.stderr


def test_withdrawing_names_no_database_can_hold_is_a_no_op(tmp_path, database):  # noqa: F811
    """Uuids with a NUL (which PostgreSQL text cannot hold) are passed over like unknown ones."""
    storage = open_storage(tmp_path, database)
    try:
        device, _ = storage.enroll(storage.create_enrollment_code())
        assert storage.withdraw(device, ["\x00", "a\x00b"]) == 0
        assert storage.authenticate("kiosk-\x00.secret") is None
    finally:
        storage.close()


# migrations
def test_a_new_postgresql_database_is_migrated_by_the_command(tmp_path, postgres_server):  # noqa: F811
    """An empty database: the hub refuses to serve it and names the command; `migrate` applies
    every version once; a second `migrate` has nothing to do; then the hub opens."""
    with fresh_database(postgres_server, "template0") as url:
        with pytest.raises(SchemaBehind, match="version 0.*kiosk-hub migrate"):
            open_storage(tmp_path, url)
        first = run_cli(tmp_path, "migrate", database=url)
        assert first.returncode == 0, first.stderr
        applied = "applied initial, withdrawals, console, casework, bridge, participation, statistics"
        assert f"{applied}; the schema is at version {LATEST}" in first.stdout
        again = run_cli(tmp_path, "migrate", database=url)
        assert again.returncode == 0 and "up to date" in again.stdout
        assert migrate(tmp_path, url) == []
        open_storage(tmp_path, url).close()


def test_an_sqlite_hub_made_before_versioned_migrations_opens_as_it_is(tmp_path):
    """A hub whose schema was recorded by sqlite-utils keeps its records and is not migrated twice."""
    with sqlite3.connect(tmp_path / DB_FILE) as db:
        for migration in MIGRATIONS[:2]:
            for statement in migration.sqlite:
                db.execute(statement)
        db.execute("CREATE TABLE _sqlite_migrations (migration_set TEXT, name TEXT, applied_at TEXT)")
        db.executemany(
            "INSERT INTO _sqlite_migrations VALUES ('hub', ?, '2026-01-05')", [("m001_initial",), ("m002_withdrawals",)]
        )
    storage = open_storage(tmp_path)
    assert storage.count() == 0
    with sqlite3.connect(tmp_path / DB_FILE) as db:
        # taken over as they were, and only what came after them applied
        assert db.execute("SELECT version, name FROM hub_schema ORDER BY version").fetchall() == [
            (migration.version, migration.name) for migration in MIGRATIONS
        ]


# settings
def test_settings_come_from_arguments_then_environment_then_the_data_folders_file(tmp_path, monkeypatch):
    """hub.toml in the data folder sets what neither an argument nor KIOSK_HUB_* does."""
    monkeypatch.delenv("KIOSK_HUB_DATABASE", raising=False)
    monkeypatch.delenv("KIOSK_HUB_PORT", raising=False)
    (tmp_path / settings.CONFIG_FILE).write_text('database = "postgresql://file/db"\nport = 9000\nworkers = 3\n')
    chosen = settings.load(str(tmp_path))
    assert (chosen.database, chosen.port, chosen.workers, chosen.host) == ("postgresql://file/db", 9000, 3, "127.0.0.1")
    monkeypatch.setenv("KIOSK_HUB_PORT", "9100")
    assert settings.load(str(tmp_path)).port == 9100
    assert settings.load(str(tmp_path), port=9200, workers=None).port == 9200
    monkeypatch.setenv("KIOSK_HUB_DATA_DIR", str(tmp_path))
    assert settings.load().database == "postgresql://file/db"


def test_a_database_that_is_not_postgresql_is_refused_in_one_line(tmp_path):
    """`--database mysql://…` is not a database the hub knows: one line on stderr, exit 2."""
    done = run_cli(tmp_path, "devices", "--database", "mysql://x/y")
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert done.stderr.startswith("kiosk-hub: settings: database:")


def test_an_unreachable_postgresql_is_said_in_one_line(tmp_path):
    """A server that is not there: the command says why in one line and exits 2."""
    done = run_cli(tmp_path, "devices", "--database", f"postgresql:///none?host={tmp_path}")
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("kiosk-hub: connection")


# tokens
def test_kiosk_tokens_are_checked_fast_and_older_scrypt_tokens_still_work(tmp_path, database):  # noqa: F811
    """A new token is kept as a salted SHA-256 (256 random bits need no slow hash, and a fleet's
    first sync after a restart would wait for 50 ms of scrypt per kiosk and worker); a token
    enrolled under the scrypt rule still opens the door, and a wrong one never does."""
    import secrets as random_bytes

    from hub.storage.rules import FAST_SALT, hash_secret

    storage = open_storage(tmp_path, database)
    try:
        device, token = storage.enroll(storage.create_enrollment_code())
        older, older_token = storage.enroll(storage.create_enrollment_code())
        (salt,) = [row[1] for table, row in storage.rows() if table == "devices" and row[0] == device]
        assert bytes(salt).startswith(FAST_SALT)
    finally:
        storage.close()
    salt = random_bytes.token_bytes(16)  # as hubs enrolled kiosks before
    mark = "%s" if database else "?"  # each driver's placeholder
    update = f"UPDATE devices SET salt = {mark}, token_hash = {mark} WHERE device_id = {mark}"
    params = [salt, hash_secret(older_token.partition(".")[2], salt), older]
    if database:
        import psycopg

        with psycopg.connect(database) as conn:
            conn.execute(update, params)
    else:
        with sqlite3.connect(tmp_path / DB_FILE) as db:
            db.execute(update, params)
    storage = open_storage(tmp_path, database)  # a new process: nothing remembered
    try:
        assert storage.authenticate(token) == device
        assert storage.authenticate(older_token) == older
        assert storage.authenticate(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
        assert storage.authenticate(f"{older}.{token.partition('.')[2]}") is None  # another kiosk's secret
    finally:
        storage.close()
