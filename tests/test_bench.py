"""The benchmark table and the bundle's size count (the timings themselves live in `bench/`)."""

import os

import pytest

from bench.bundle import size_on_disk
from bench.table import Figure, render


def test_the_table_marks_each_goal_and_lines_up():
    table = render(
        [
            Figure("bundle size on disk", 141.9, "MB", "-", "<= 150 MB", True),
            Figure("bundle start / source start", 1.72, "x", "source 800 ms", "<= 1.5x", False),
        ]
    )
    lines = table.splitlines()
    assert len({len(line) for line in lines}) == 1  # every row as wide as the header
    assert [cell.strip() for cell in lines[2].split("|")[2:6]] == ["142 MB", "-", "<= 150 MB", "yes"]
    assert lines[3].rstrip(" |").endswith("NO") and "| 1.72 x " in lines[3]  # small figures keep two decimals


def test_size_on_disk_counts_files_once_and_links_not_at_all(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "big.so").write_bytes(os.urandom(1 << 20))
    os.symlink("lib/big.so", tmp_path / "big.so")
    assert 1 << 20 <= size_on_disk(tmp_path) < (1 << 20) + 64 * 1024


@pytest.mark.slow
def test_the_national_casework_benchmark_loads_and_asks_every_question(monkeypatch):
    """`bench casework` at a few thousand complaints: the generator's rows satisfy the hub's
    schema and every question of the console is asked through the hub's own code."""
    from postgres import installed_bin_dir

    if installed_bin_dir() is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    from bench import casework

    monkeypatch.setattr(casework, "RECORDS", 5000)
    figures = casework.measure()
    assert len(figures) == 10 and all(figure.met for figure in figures)
    assert "5,000 complaints" in figures[0].baseline
