"""A kiosk killed at any moment keeps an intact database and every write that returned."""

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kiosk.store import connect

WRITER = Path(__file__).with_name("durability_writer.py")


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing_acknowledged(tmp_path):
    """20 times: a writer is SIGKILLed mid-loop; integrity is ok and every printed uuid is stored."""
    rng = random.Random(1708)
    data_dir = tmp_path / "data"
    acknowledged: list[str] = []
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(WRITER.parent), os.environ.get("PYTHONPATH", "")])}
    for _ in range(20):
        writer = subprocess.Popen(
            [sys.executable, str(WRITER), str(data_dir), str(rng.choice([1, 7, 50]))],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        lines: list[str] = []
        reader = threading.Thread(target=lines.extend, args=(writer.stdout,), daemon=True)
        reader.start()
        time.sleep(rng.uniform(0.3, 1.2))
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        reader.join(timeout=10)
        acknowledged.extend(line.strip() for line in lines if line.endswith("\n"))

        conn = connect(data_dir / "kiosk.sqlite3")
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in conn.execute("SELECT uuid FROM records")}
        conn.close()
        missing = [uuid for uuid in acknowledged if uuid not in stored]
        assert not missing, f"{len(missing)} acknowledged records lost"
    assert len(acknowledged) > 100  # the writer really wrote between kills
