"""The bundle an officer copies: its size on disk, and how much slower it starts than the
same kiosk started from source (both open the home screen offscreen and quit at once)."""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.table import Figure

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "dist" / "kiosk"
MAX_MB = 200  # the cap the kiosk keeps with voice and photo (153 MB before the PDF moved to fpdf2)
MAX_START_RATIO = 1.5
RUNS = 7
STARTUP = ("run", "--demo", "--windowed", "--exit-after-startup")


def size_on_disk(folder: Path) -> int:
    """Bytes the folder takes on disk (allocated blocks; symbolic links count as nothing)."""
    return sum(path.lstat().st_blocks * 512 for path in folder.rglob("*") if not path.is_symlink())


def wall_time(command: list[str]) -> float:
    """Seconds from launching `command` (offscreen) until it has exited."""
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_LANG": "en"}
    started = time.perf_counter()
    subprocess.run(command, env=environment, check=True, capture_output=True, timeout=120)
    return time.perf_counter() - started


def measure() -> list[Figure]:
    executable = BUNDLE / "kiosk"
    if not executable.exists():
        raise SystemExit(f"bench: no bundle at {executable}; run `make bundle` first")
    from_source, bundled = [sys.executable, "-m", "kiosk", *STARTUP], [str(executable), *STARTUP]
    for command in (from_source, bundled):
        wall_time(command)  # warm the file cache for both, so neither pays for the first read
    source, bundle = [], []
    for _ in range(RUNS):  # interleaved, so a busy moment of the machine hits both alike
        source.append(wall_time(from_source))
        bundle.append(wall_time(bundled))
    source_s, bundle_s = statistics.median(source), statistics.median(bundle)
    megabytes = size_on_disk(BUNDLE) / 2**20
    return [
        Figure("bundle size on disk", megabytes, "MB", "-", f"<= {MAX_MB} MB", megabytes <= MAX_MB),
        Figure(
            "bundle start / source start",
            bundle_s / source_s,
            "x",
            f"source {source_s * 1000:.0f} ms, bundle {bundle_s * 1000:.0f} ms (median of {RUNS})",
            f"<= {MAX_START_RATIO}x",
            bundle_s / source_s <= MAX_START_RATIO,
        ),
    ]
