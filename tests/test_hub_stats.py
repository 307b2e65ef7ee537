"""Participation across the fleet at the hub, on SQLite and PostgreSQL: the figures of `kiosk-hub
stats` equal, to the unit, the sum of what each kiosk's own `kiosk stats` reports for the same
records, whole and filtered by dates, event and place; a restored hub, whose counts are rebuilt
from the records, gives the same; the command's formats say the same numbers."""

import csv
import io
import json
import random
from datetime import date

import factories
import pytest
from hubproc import run_cli
from postgres import backend, database, elsewhere, postgres_server, postgres_url, storage_of  # noqa: F401 - fixtures

from hub.reports.participation import Filters, figures
from hub.storage.transfer import backup, restore
from kiosk.records import digest
from kiosk.records.models import AGE_BANDS, GENDERS
from kiosk.reports import stats
from kiosk.store import Store

COUNTED = ("by_gender", "by_age_band", "by_gender_disability", "by_gender_youth")
SUMMED = ("total", "youth", "with_disability", "wgss_answered")
PLACES = (("Jawa Barat", "Garut"), ("Jawa Barat", "Bandung"), ("Aceh", "Aceh Besar"), (None, None))


def _kiosk_records(rng: random.Random) -> list[dict]:
    """A kiosk's own events and their registrations, on days around August 2026 by its clock."""
    records = []
    for _ in range(rng.randrange(1, 4)):
        province, regency = rng.choice(PLACES)
        location = {"province": province, "regency": regency} if province else {"village": "Sukamaju"}
        event = factories.event(
            starts_on=f"2026-08-{rng.randrange(1, 29):02d}",
            type=rng.choice(("workshop", "socialization", "village_visit")),
            location=location,
        )
        records.append(event)
        for _ in range(rng.randrange(0, 60)):
            answers = {}
            if rng.random() < 0.6:
                answers["wgss"] = {domain: rng.randrange(1, 5) for domain in rng.sample(["seeing", "walking"], 2)}
            day = rng.choice(("2026-07-30", "2026-08-01", "2026-08-17", "2026-09-02"))
            records.append(
                factories.attendance(
                    event["uuid"],
                    gender=rng.choice(GENDERS),
                    age_band=rng.choice([band for band in AGE_BANDS if band != "0-15"]),
                    created_at=f"{day}T{rng.randrange(6, 22):02d}:15:00+0{rng.choice((7, 8, 9))}:00",
                    **answers,
                )
            )
    return records


@pytest.fixture
def fleet(tmp_path):
    """Five kiosks, each with its own store, all their records at one hub."""
    rng = random.Random(28)
    kiosks = []
    with storage_of(tmp_path / "hub") as storage:
        for number in range(5):
            records = _kiosk_records(rng)
            with Store(tmp_path / f"kiosk{number}") as store:
                store.add_records(records)
            device, _ = storage.enroll(storage.create_enrollment_code())
            for start in range(0, len(records), 40):  # batches, as a sync sends them
                storage.store_records(device, [(r, digest(r)) for r in records[start : start + 40]])
            kiosks.append((tmp_path / f"kiosk{number}", records))
        yield storage, kiosks


def _summed(kiosks, **chosen) -> dict:
    total: dict = {}
    for folder, _records in kiosks:
        with Store(folder) as store:
            one = stats.compute(store, stats.Filters(**chosen))
        for key in SUMMED:
            total[key] = total.get(key, 0) + one[key]
        for key in COUNTED:
            total.setdefault(key, {})
            for group, count in one[key].items():
                total[key][group] = total[key].get(group, 0) + count
        total["events"] = total.get("events", 0) + one.get("events", 0)
    return total


def _same(hub: dict, kiosks: dict, events: bool = True) -> None:
    for key in (*SUMMED, *COUNTED):
        assert hub[key] == kiosks[key], key
    for key in ("youth", "with_disability"):
        assert hub["percent"][key] == (round(100 * hub[key] / hub["total"], 1) if hub["total"] else 0.0)
    if events:
        assert hub["events"] == kiosks["events"]


def test_the_hub_counts_what_the_kiosks_count_together(fleet):
    """Whole, and between two days: every count is the kiosks' sum; the places and months add up."""
    storage, kiosks = fleet
    whole = figures(storage, Filters())
    assert whole["total"] > 100 and whole["counted"] == "registrations"
    _same(whole, _summed(kiosks))
    for name in ("by_province", "by_regency", "by_event_type", "by_month"):
        assert sum(group["total"] for group in whole[name].values()) == whole["total"], name
    assert set(whole["by_month"]) == {"2026-07", "2026-08", "2026-09"}
    assert "unspecified" in whole["by_province"]
    between = figures(storage, Filters(date(2026, 8, 1), date(2026, 8, 17)))
    _same(between, _summed(kiosks, date_from=date(2026, 8, 1), date_to=date(2026, 8, 17)))
    assert 0 < between["total"] < whole["total"]


def test_one_event_and_one_place_are_the_sum_of_their_events(fleet):
    """An event's figures are its kiosk's; a province's are the sum over its events' kiosks."""
    storage, kiosks = fleet
    events = [record for _folder, records in kiosks for record in records if record["kind"] == "event"]
    chosen = max(
        events, key=lambda event: sum(1 for _f, rs in kiosks for r in rs if r.get("event_uuid") == event["uuid"])
    )
    _same(figures(storage, Filters(event_uuid=chosen["uuid"])), _summed(kiosks, event_uuid=chosen["uuid"]), False)
    in_west_java = [event for event in events if event["location"].get("province") == "Jawa Barat"]
    expected: dict = {}
    for event in in_west_java:
        for key, value in _summed(kiosks, event_uuid=event["uuid"]).items():
            if isinstance(value, dict):
                expected.setdefault(key, {})
                for group, count in value.items():
                    expected[key][group] = expected[key].get(group, 0) + count
            else:
                expected[key] = expected.get(key, 0) + value
    province = figures(storage, Filters(province="Jawa Barat"))
    _same(province, expected, False)
    assert province["events"] == len(in_west_java) and set(province["by_province"]) <= {"Jawa Barat"}


def test_a_restored_hub_rebuilds_the_same_counts(fleet, tmp_path, backend, request):  # noqa: F811
    """The counts kept batch by batch equal those the restore rebuilds from the records."""
    storage, _kiosks = fleet
    backup(storage, tmp_path / "hub.backup")
    with elsewhere(tmp_path / "restored", backend, request) as restored:
        restore(restored, tmp_path / "hub.backup")
        assert figures(restored, Filters()) == figures(storage, Filters())


def test_the_command_says_the_same_in_each_format(fleet, tmp_path):
    """`kiosk-hub stats` as JSON is the figures; CSV and the table carry the same totals; bad dates are refused."""
    storage, _kiosks = fleet
    whole = figures(storage, Filters())
    as_json = run_cli(tmp_path / "hub", "stats", "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    said = json.loads(as_json.stdout)
    assert said.pop("complaints")["total"] == 0 and said == {**json.loads(json.dumps(whole)), "responsiveness": {}}
    as_csv = run_cli(tmp_path / "hub", "stats", "--format", "csv", "--output", str(tmp_path / "stats.csv"))
    assert as_csv.returncode == 0 and as_csv.stdout == ""
    table = list(csv.DictReader(io.StringIO((tmp_path / "stats.csv").read_text(encoding="utf-8"))))
    assert table[0]["breakdown"] == "all" and int(table[0]["registrations"]) == whole["total"]
    assert sum(int(row["registrations"]) for row in table if row["breakdown"] == "by_month") == whole["total"]
    shown = run_cli(tmp_path / "hub", "stats").stdout.splitlines()
    assert shown[0].split()[:3] == ["breakdown", "group", "registrations"] and str(whole["total"]) in shown[1]
    refused = run_cli(tmp_path / "hub", "stats", "--from", "2026-09-01", "--to", "2026-08-01")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "--output FILE" in run_cli(tmp_path / "hub", "stats", "--format", "xlsx").stderr
    book = tmp_path / "stats.xlsx"
    assert run_cli(tmp_path / "hub", "stats", "--format", "xlsx", "--output", str(book)).returncode == 0
    from openpyxl import load_workbook

    sheets = load_workbook(book, read_only=True)
    assert sheets.sheetnames == ["participation", "responsiveness", "reports"]
    participation = list(sheets["participation"].values)
    assert participation[0][:3] == ("breakdown", "group", "registrations") and participation[1][2] == whole["total"]
    assert not [path for path in tmp_path.iterdir() if path.name.endswith(".part")]


def _at(day: int, hour: int = 10) -> str:
    """A moment of August 2026 (no holiday from the 3rd to the 14th) in Jakarta, as UTC text."""
    return f"2026-08-{day:02d}T{hour - 7:02d}:00:00.000+00:00"


def test_responsiveness_counts_working_days_per_agency(tmp_path):
    """Three reports passed to one agency, one not passed on and one merged: the shares followed up,
    in time (5 working days) and completed, the medians in working days, and the verdicts."""
    from hub.storage.staff import Staff

    with storage_of(tmp_path / "hub") as storage:
        Staff(storage).add_agency("PUPR", "Dinas Pekerjaan Umum", "test")
        a, b, c, d, e = (factories.complaint() for _ in range(5))
        device, _ = storage.enroll(storage.create_enrollment_code())
        storage.store_records(device, [(r, digest(r)) for r in (a, b, c, d, e)])
        steps = {  # report: (received, {status: day})
            a["uuid"]: (3, {"verified": 4, "forwarded": 5, "followed_up": 10, "completed": 12}),
            b["uuid"]: (3, {"verified": 5, "forwarded": 5, "followed_up": 14}),
            c["uuid"]: (4, {"verified": 4, "forwarded": 4}),
            d["uuid"]: (4, {"verified": 5}),
        }
        for uuid, (_received, moves) in steps.items():
            for status in moves:
                storage.set_status(uuid, status, "catatan", "PUPR" if status == "forwarded" else None)
        with storage.changing() as run:
            from hub.storage import cases

            cases.merge(run, e["uuid"], c["uuid"], "sama", "test")
            for uuid, (received, moves) in steps.items():
                run("UPDATE complaints SET received_at = ? WHERE uuid = ?", [_at(received), uuid])
                for status, day in moves.items():
                    run(
                        "UPDATE status_changes SET updated_at = ? WHERE uuid = ? AND status = ?",
                        [_at(day), uuid, status],
                    )
                if "forwarded" in moves:
                    run("UPDATE complaints SET disposed_at = ? WHERE uuid = ?", [_at(moves["forwarded"]), uuid])
        verdict = factories.feedback(a["uuid"], rating=3)
        storage.store_records(device, [(verdict, digest(verdict))])
    as_json = run_cli(tmp_path / "hub", "stats", "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout)["responsiveness"] == {
        "PUPR": {
            "passed_on": 3,
            "followed_up": 2,
            "followed_up_in_time": 1,
            "completed": 1,
            "median_working_days": {"to_verification": 1.0, "to_follow_up": 5.0, "to_completion": 7.0},
            "verdicts": {"solved": 1, "partly_solved": 0, "not_solved": 0},
            "percent": {"followed_up": 66.7, "followed_up_in_time": 33.3, "completed": 33.3},
        }
    }
    tallied = json.loads(as_json.stdout)["complaints"]
    assert tallied["total"] == 4  # the duplicate merged into another is left out
    assert tallied["by_status"] == {
        "received": 0,
        "verified": 1,
        "forwarded": 1,
        "followed_up": 1,
        "completed": 1,
        "archived": 0,
    }
    assert tallied["by_channel"] == {"kiosk": 4, "event": 0} and tallied["by_category"] == {"": 4}
    table = run_cli(tmp_path / "hub", "stats", "--of", "responsiveness").stdout.splitlines()
    assert table[0].split()[:3] == ["agency", "passed_on", "followed_up_percent"]
    assert table[1].split() == ["PUPR", "3", "66.7", "33.3", "33.3", "1.0", "5.0", "7.0", "1", "0", "0"]
    later = run_cli(tmp_path / "hub", "stats", "--format", "json", "--from", "2026-08-04").stdout
    assert json.loads(later)["responsiveness"]["PUPR"]["passed_on"] == 1  # received on the 4th
