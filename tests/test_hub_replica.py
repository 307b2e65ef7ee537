"""The fleet's statistics read from a read replica (DESIGN.md: statistics may read one, so that
reports never slow intake): a real hot standby streaming from the hub's PostgreSQL, asked through
the hub's own readers and `kiosk-hub stats`. It gives the primary's figures whether or not the
primary has counted its clocks by working days, and with a calendar other than the one they were
counted by; a time zone its tables do not count in is refused with a message, never counted wrong."""

import json
import random
from contextlib import closing

import pytest
from postgres import PostgresServer, installed_bin_dir
from test_hub_statistics import ZONES, World, same_figures

from hub.cli import main
from hub.cli.common import EXIT_REFUSED
from hub.reports import responsiveness
from hub.storage.base import HubError
from hub.storage.postgres import PostgresStorage, migrate

pytestmark = pytest.mark.slow  # two servers of its own, one copied from the other


@pytest.fixture
def servers():
    """A primary with a migrated hub database, and a hot standby of it."""
    bin_dir = installed_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    primary = PostgresServer(bin_dir)
    try:
        primary.admin("CREATE DATABASE hub")
        migrate(primary.url("hub"))
        standby = primary.standby()
        try:
            yield primary, standby
        finally:
            standby.stop()
    finally:
        primary.stop()


def _stats(data_dir, url, output) -> int:
    return main(["stats", "--format", "json", "--output", str(output), "--data-dir", str(data_dir), "--database", url])


def test_a_replica_counts_what_the_primary_counts(tmp_path, servers):
    primary, standby = servers
    with (
        closing(PostgresStorage(tmp_path / "primary", primary.url("hub"))) as storage,
        closing(PostgresStorage(tmp_path / "replica", standby.url("hub"))) as replica,
    ):
        assert replica.read_only() and not storage.read_only()
        world = World(storage, random.Random(11))
        for _ in range(3):
            world.batch(40)
        for _ in range(150):
            world.step()
        primary.replayed_on(standby)
        world.storage = replica
        same_figures(world, random.Random(1))  # nothing counted by working days yet: read pair by pair
        world.storage = storage
        same_figures(world, random.Random(2))  # the primary counts its months and keeps the counts
        with storage.writing() as run:
            assert run("SELECT count(*) FROM clock_counts")[0][0] > 0
        primary.replayed_on(standby)
        world.storage = replica
        same_figures(world, random.Random(2))  # the same calendars: the counts the primary kept
        same_figures(world, random.Random(3))  # other days off: counted again, kept nowhere
        with pytest.raises(HubError, match="primary"):
            responsiveness.received_between(replica, ZONES[1], None, None)

    assert _stats(tmp_path / "primary", primary.url("hub"), tmp_path / "primary.json") == 0
    assert _stats(tmp_path / "replica", standby.url("hub"), tmp_path / "replica.json") == 0
    counted = json.loads((tmp_path / "primary.json").read_text())
    assert counted["complaints"] and counted["responsiveness"]
    assert json.loads((tmp_path / "replica.json").read_text()) == counted


def test_a_replica_asked_in_another_zone_says_where_to_count_first(tmp_path, servers, capsys):
    primary, standby = servers
    (tmp_path / "hub.toml").write_text('timezone = "Asia/Jayapura"\n')
    assert _stats(tmp_path, standby.url("hub"), tmp_path / "stats.json") == EXIT_REFUSED
    said = capsys.readouterr().err
    assert "Asia/Jakarta" in said and "Asia/Jayapura" in said and "primary" in said
    assert not (tmp_path / "stats.json").exists()
    assert _stats(tmp_path, primary.url("hub"), tmp_path / "stats.json") == 0  # the primary counts again
    primary.replayed_on(standby)
    assert _stats(tmp_path, standby.url("hub"), tmp_path / "stats.json") == 0
