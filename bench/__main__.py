"""`python -m bench [NAME ...]`: runs the named benchmarks (all by default), prints the
table, and exits 1 when a goal is missed."""

import compileall
import importlib
import os
import platform
import sys
from datetime import date
from pathlib import Path

from bench.table import render

BENCHMARKS = (
    "startup",
    "saving",
    "stats",
    "sync",
    "fleet",
    "casework",
    "hubstats",
    "stall",
    "memory",
    "importing",
    "bundle",
    "keyboard",
)


def machine() -> str:
    """The processor's name and count, and the memory: what a reader compares against their laptop."""
    cpuinfo = Path("/proc/cpuinfo")
    models = (
        [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if line.startswith("model name")]
        if cpuinfo.exists()
        else []
    )
    memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30 if hasattr(os, "sysconf") else 0
    return f"{models[0] if models else platform.machine()} x{os.cpu_count()}, {memory:.0f} GiB, {platform.system()}"


def compile_sources() -> None:
    """The kiosk and the hub as installed: pip and the bundle bring compiled bytecode. A source
    tree run with PYTHONDONTWRITEBYTECODE set never writes it, and would then compile every
    module it imports again at every start."""
    root = Path(__file__).resolve().parent.parent
    for package in ("kiosk", "hub"):
        compileall.compile_dir(root / package, quiet=1)


def main(names: list[str]) -> int:
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        print(f"bench: unknown {', '.join(unknown)} (have: {', '.join(BENCHMARKS)})", file=sys.stderr)
        return 2
    compile_sources()
    figures = []
    for name in names or BENCHMARKS:
        figures += importlib.import_module(f"bench.{name}").measure()
    print(f"{machine()}, Python {platform.python_version()}, {date.today().isoformat()}")
    print(render(figures))
    return 0 if all(figure.met for figure in figures) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
