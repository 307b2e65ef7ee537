"""A real PostgreSQL server for the hub's tests: one per test process (xdist worker), started
with initdb + pg_ctl into a temporary folder from the system's packages, and a fresh database
per test, copied from a migrated template.

Import the fixtures a module uses by name: `from postgres import database, postgres_server, postgres_url`.
The fleet benchmark starts its server with `PostgresServer` too, with durable settings.
"""

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import psycopg
import pytest

from hub.storage.postgres import migrate

ROLE = "hub"
TEMPLATE = "hub_template"
FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"  # a test server only, never a hub


def installed_bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


class PostgresServer:
    """A server listening on a Unix socket in its own folder only (no TCP port to collide on)."""

    def __init__(self, bin_dir: Path, settings: str = FAST, primary: "PostgresServer | None" = None) -> None:
        """A new server, or with `primary` a hot standby of it: a copy that replays its changes as
        they are written and answers only reads, as a read replica does."""
        self.bin_dir, self.settings = bin_dir, settings
        self.folder = Path(tempfile.mkdtemp(prefix="hub-pg-"))
        self.user = "postgres" if os.geteuid() == 0 else None  # initdb refuses to run as root
        if self.user:
            shutil.chown(self.folder, self.user)
        self.names = itertools.count()
        data = self.folder / "data"
        if primary:
            self._run(
                "pg_basebackup",
                "-D",
                str(data),
                "-h",
                str(primary.folder),
                "-U",
                ROLE,
                "-R",
                "--no-sync",
                "--checkpoint=fast",
            )
        else:
            self._run("initdb", "-D", str(data), "-U", ROLE, "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C")
        options = f"-k {self.folder} -c listen_addresses='' {settings}"
        self._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.folder / "log"), "-w", "start")

    def _run(self, program: str, *args: str) -> None:
        done = subprocess.run(
            [str(self.bin_dir / program), *args], user=self.user, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stdout + done.stderr

    def url(self, name: str) -> str:
        return f"postgresql:///{name}?host={self.folder}&user={ROLE}"

    def admin(self, *statements: str) -> None:
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)  # type: ignore[arg-type]

    def standby(self) -> "PostgresServer":
        return PostgresServer(self.bin_dir, self.settings, primary=self)

    def replayed_on(self, standby: "PostgresServer", timeout: float = 30) -> None:
        """Once `standby` has replayed everything this server has written so far (inserted in its
        log, that is: a test server commits without waiting for the log to reach the disk)."""
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            (written,) = conn.execute("SELECT pg_current_wal_insert_lsn()").fetchone() or ("",)
        deadline = time.monotonic() + timeout
        with psycopg.connect(standby.url("postgres"), autocommit=True) as conn:
            while not conn.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [written]).fetchone()[0]:
                assert time.monotonic() < deadline, "the standby did not catch up"
                time.sleep(0.05)

    def restart(self) -> None:
        """A fast shutdown (open sessions cut, as when the database host reboots) and a start
        with the same options, back once it accepts connections."""
        data, log = str(self.folder / "data"), str(self.folder / "log")
        self._run("pg_ctl", "-D", data, "-l", log, "-m", "fast", "-w", "restart")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server():
    bin_dir = installed_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    server = PostgresServer(bin_dir)
    try:
        server.admin(f"CREATE DATABASE {TEMPLATE}")
        migrate(server.url(TEMPLATE))
        yield server
    finally:
        server.stop()


@contextmanager
def fresh_database(server: PostgresServer, template: str = TEMPLATE) -> Iterator[str]:
    """A new database copied from `template` (migrated; `template0` for an empty one), dropped after."""
    name = f"test_{next(server.names)}"
    server.admin(f"CREATE DATABASE {name} TEMPLATE {template}")
    try:
        yield server.url(name)
    finally:
        server.admin(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def postgres_url(postgres_server):
    """A fresh, migrated database of its own for this test."""
    with fresh_database(postgres_server) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request):
    """The hub's `--database`: empty for SQLite in the data folder, else a fresh PostgreSQL database."""
    return request.getfixturevalue("postgres_url") if request.param == "postgresql" else ""


DATABASE_ENV = "KIOSK_HUB_DATABASE"


@pytest.fixture(autouse=True)
def backend(database, monkeypatch):
    """For a module that imports it: every test runs on both databases, each hub started, each
    command run and each storage opened finding PostgreSQL in the environment, as an
    administrator sets it."""
    if database:
        monkeypatch.setenv(DATABASE_ENV, database)
    return database


def storage_of(data_dir):
    """The hub's storage as its commands open it (the database from the environment)."""
    from hub.storage import open_storage

    return closing(open_storage(data_dir, os.environ.get(DATABASE_ENV, "")))


@contextmanager
def elsewhere(data_dir, backend, request):
    """A second, empty hub database of the same kind as the test's (`backend`)."""
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
