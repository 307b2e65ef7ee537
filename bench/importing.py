"""`kiosk import` streams its file: the peak memory for 100,000 records should be that of
10,000 (flat), and the rate is reported."""

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.data import attendance_records
from bench.table import Figure

SMALL, LARGE = 10_000, 100_000
MAX_GROWTH = 1.15  # peak memory of the large import against the small one
# `kiosk import`, then its own peak resident size (VmHWM, Linux) on stderr. Read by the
# process itself: a child's rusage would also count the parent's pages copied at fork.
IMPORT = """
import sys
from kiosk.cli import main
status = main(sys.argv[1:])
with open("/proc/self/status") as own:
    print(next(line.split()[1] for line in own if line.startswith("VmHWM")), file=sys.stderr)
sys.exit(status)
"""


def _import(folder: Path, count: int) -> tuple[float, float]:
    """(peak resident MB, records a second) of one `kiosk import` process."""
    source = folder / f"{count}.jsonl"
    with open(source, "w", encoding="utf-8") as out:
        for record in attendance_records(50, count - 50):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", IMPORT, "import", str(source), "--data-dir", str(folder / str(count))],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"bench: kiosk import of {count} records failed: {done.stderr}")
    return int(done.stderr.split()[-1]) / 1024, count / elapsed


def measure() -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="bench-import-", dir=Path.home()) as folder:
        small_mb, _ = _import(Path(folder), SMALL)
        large_mb, rate = _import(Path(folder), LARGE)
    growth = large_mb / small_mb
    return [
        Figure(
            "import peak memory, 100,000 / 10,000 records",
            growth,
            "x",
            f"{small_mb:.0f} MB for {SMALL:,}, {large_mb:.0f} MB for {LARGE:,}",
            f"<= {MAX_GROWTH}x (flat)",
            growth <= MAX_GROWTH,
        ),
        Figure("import rate", rate, "records/s", f"{LARGE:,} records, validated, one commit per 500", "-", True),
    ]
