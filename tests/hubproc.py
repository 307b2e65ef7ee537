"""A real intake hub process on loopback, for the sync tests."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def hub_env(database: str = "") -> dict[str, str]:
    """The environment of a hub process or command: `database` is a postgresql:// URL, or empty for
    SQLite in the data folder (unless the environment names one already)."""
    return {**os.environ, "KIOSK_HUB_DATABASE": database} if database else {**os.environ}


def run_cli(data_dir: Path, *args: str, database: str = "") -> subprocess.CompletedProcess:
    """`kiosk-hub ARGS --data-dir DATA_DIR`, run to its end."""
    return subprocess.run(
        [sys.executable, "-m", "hub.cli", *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=60,
        env=hub_env(database),
    )


class Hub:
    """`database`: a postgresql:// URL for this hub and its commands; empty for SQLite in `data_dir`."""

    def __init__(
        self, data_dir: Path, *serve_args: str, port: int | None = None, database: str = "", log_dir: Path | None = None
    ):
        self.data_dir = Path(data_dir)
        self.database = database
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open((log_dir or self.data_dir.parent) / f"hub-{self.port}.log", "a")  # noqa: SIM115 - open while the hub runs
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "hub.cli",
                "serve",
                "--data-dir",
                str(self.data_dir),
                "--port",
                str(self.port),
                *serve_args,
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=hub_env(database),
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(self.url + "/api/v1/health", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the hub did not start: {(self.data_dir.parent / self.log.name).read_text()}")
            time.sleep(0.1)

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return run_cli(self.data_dir, *args, database=self.database)

    def enroll_code(self, *args: str) -> str:
        done = self.cli("enroll-code", *args)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def records(self) -> list[str]:
        done = self.cli("export")
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
