"""`kiosk-hub bridge`: the example configuration prints; `bridge run --once` does one round with
the configuration from --config or the environment and prints what it did; a missing or broken
configuration, for `bridge run` as for `serve --bridge`, is one line naming the file and the key."""

import time

import factories
import requests
from fake_national import FakeNational
from hubproc import Hub, run_cli
from postgres import postgres_server, postgres_url  # noqa: F401 - fixtures
from test_bridge_flow import write_config

from hub.storage import open_storage
from kiosk.records import digest


def test_the_example_prints_and_is_what_the_bridge_reads(tmp_path):
    """What `bridge example` prints is a configuration `bridge run` accepts (with its token file)."""
    printed = run_cli(tmp_path / "hub", "bridge", "example")
    assert printed.returncode == 0 and "[status_map]" in printed.stdout
    (tmp_path / "bridge.toml").write_text(printed.stdout)
    (tmp_path / "lapor.token").write_text("secret\n")
    done = run_cli(tmp_path / "hub", "bridge", "run", "--once", "--config", str(tmp_path / "bridge.toml"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("forwarded 0, handed over 0")


def test_one_round_forwards_what_waits(tmp_path, monkeypatch):
    """A checked report waiting goes to the national side in one round, the config from the environment."""
    with FakeNational() as fake:
        storage = open_storage(tmp_path / "hub", "")
        record = factories.complaint()
        device, _ = storage.enroll(storage.create_enrollment_code())
        storage.store_records(device, [(record, digest(record))])
        storage.set_status(record["uuid"], "verified", "diperiksa")
        storage.close()
        monkeypatch.setenv("KIOSK_HUB_BRIDGE_CONFIG", str(write_config(tmp_path, fake, forward_on_verify=True)))
        done = run_cli(tmp_path / "hub", "bridge", "run", "--once")
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("forwarded 1,") and list(fake.tracking_ids()) == [record["uuid"]]


def test_a_missing_or_broken_configuration_is_one_line(tmp_path):
    """No configuration, a typo'd key, or serve --bridge without a file: exit 2 and one line saying why."""
    assert (
        run_cli(tmp_path / "hub", "bridge", "run").stderr.strip().endswith("--config FILE or $KIOSK_HUB_BRIDGE_CONFIG")
    )
    broken = tmp_path / "bridge.toml"
    broken.write_text('adapter = "folder"\nfolder = "out"\nforward_on_verfy = true\n')
    done = run_cli(tmp_path / "hub", "bridge", "run", "--once", "--config", str(broken))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert str(broken) in done.stderr and "forward_on_verfy" in done.stderr
    served = run_cli(tmp_path / "hub", "serve", "--bridge", "--port", "1")
    assert served.returncode == 2 and "--config FILE" in served.stderr


def test_a_fleet_hub_runs_one_bridge_beside_its_workers(tmp_path, postgres_url):  # noqa: F811
    """`serve --workers 2 --bridge` on PostgreSQL: the bridge in the parent process forwards a checked report."""
    with FakeNational() as fake:
        hub = Hub(
            tmp_path / "hub",
            "--workers",
            "2",
            "--bridge",
            "--bridge-config",
            str(write_config(tmp_path, fake, forward_on_verify=True)),
            database=postgres_url,
        )
        try:
            token = requests.post(hub.url + "/api/v1/enroll", json={"code": hub.enroll_code()}, timeout=30).json()[
                "token"
            ]
            record = factories.complaint()
            stored = requests.post(
                hub.url + "/api/v1/records",
                json={"records": [record]},
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            )
            assert stored.json()["results"][0]["status"] == "stored"
            assert (
                run_cli(tmp_path / "hub", "set-status", record["uuid"], "verified", database=postgres_url).returncode
                == 0
            )
            deadline = time.monotonic() + 30
            while record["uuid"] not in fake.tracking_ids() and time.monotonic() < deadline:
                time.sleep(0.1)
            assert list(fake.tracking_ids()) == [record["uuid"]]
        finally:
            hub.stop()
