"""The fleet statistics benchmark at a small size (the timings themselves live in `bench/`)."""

import json

import pytest


@pytest.mark.slow
def test_the_statistics_benchmark_loads_and_asks_every_question(monkeypatch, tmp_path):
    """`bench hubstats` at twenty thousand records: the generator's rows satisfy the hub's schema,
    the derived tables rebuilt from them hold every complaint it wrote, and the command and each
    page of the dashboard answer through the hub's own code."""
    from postgres import installed_bin_dir

    if installed_bin_dir() is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    from bench import hubstats

    monkeypatch.setattr(hubstats, "RECORDS", 20_000)
    answered = []
    asked = hubstats._command

    def command(folder, url):
        ask = asked(folder, url)

        def kept() -> None:
            ask()
            answered.append(json.loads((folder / "stats.json").read_text(encoding="utf-8")))

        return kept

    monkeypatch.setattr(hubstats, "_command", command)
    figures = hubstats.measure()
    assert len(figures) == 5 and all(figure.met for figure in figures)
    assert "3,000 complaints, 40 events" in figures[1].baseline
    said = answered[-1]
    assert said["complaints"]["total"] == 3000 and said["events"] == 40
    assert sum(agency["passed_on"] for agency in said["responsiveness"].values()) > 2000
    assert said["total"] > 15_000
