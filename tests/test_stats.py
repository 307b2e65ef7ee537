"""Participation statistics: every figure equals an independent count of the same records."""

import json
import random
import subprocess
from datetime import date

import factories
import pytest
from conftest import write_jsonl
from openpyxl import load_workbook

from kiosk.records.models import AGE_BANDS, GENDERS, WGSS_DOMAINS
from kiosk.reports import stats
from kiosk.store import Store, outbox

NAMES = ("Siti Aminah", "Budi Santoso", "Wayan Sudarma")


def people(seed: int = 7, events: int = 4, per_event: int = 150) -> tuple[list[dict], list[dict]]:
    """Events and attendance with every combination, spread over ten days of November."""
    chance = random.Random(seed)
    meetings, attendance = [], []
    for number in range(events):
        meeting = factories.event(name=f"Sosialisasi LAPOR! Desa {number}", starts_on=f"2026-11-{10 + number:02d}")
        meetings.append(meeting)
        for _ in range(chance.randint(per_event // 2, per_event)):
            extra = {}
            if chance.random() < 0.6:
                extra["wgss"] = {d: chance.choice((1, 1, 1, 2, 3, 4)) for d in WGSS_DOMAINS if chance.random() < 0.7}
            if chance.random() < 0.3:
                extra["name"] = chance.choice(NAMES)
            day = 10 + chance.randrange(10)
            attendance.append(
                factories.attendance(
                    meeting["uuid"],
                    gender=chance.choice(GENDERS),
                    age_band=chance.choice(AGE_BANDS),
                    created_at=f"2026-11-{day:02d}T09:30:00+07:00",
                    **extra,
                )
            )
    return meetings, attendance


def expected(attendance: list[dict]) -> dict:
    """The same figures counted one record at a time, the slow and obvious way."""

    def disabled(record):
        return any(value >= 3 for value in record.get("wgss", {}).values())

    total = len(attendance)
    figures = {
        "total": total,
        "by_gender": {g: sum(r["gender"] == g for r in attendance) for g in GENDERS},
        "by_age_band": {b: sum(r["age_band"] == b for r in attendance) for b in AGE_BANDS},
        "youth": sum(r["age_band"] == "16-30" for r in attendance),
        "with_disability": sum(disabled(r) for r in attendance),
        "wgss_answered": sum(bool(r.get("wgss")) for r in attendance),
        "by_gender_disability": {g: sum(r["gender"] == g and disabled(r) for r in attendance) for g in GENDERS},
        "by_gender_youth": {g: sum(r["gender"] == g and r["age_band"] == "16-30" for r in attendance) for g in GENDERS},
    }
    share = lambda n: round(100 * n / total, 1) if total else 0.0  # noqa: E731 - a one-line formula, named for reading
    figures["percent"] = {
        k: ({g: share(n) for g, n in v.items()} if isinstance(v, dict) else share(v))
        for k, v in figures.items()
        if k != "total"
    }
    return figures


@pytest.fixture
def filled(store):
    meetings, attendance = people()
    store.add_records(meetings + attendance)
    return meetings, attendance


def test_every_figure_equals_an_independent_count(store, filled):
    """Totals, shares, youth, disability by the WG cut-off, WG-SS answered and the crossings."""
    meetings, attendance = filled
    figures = stats.compute(store)
    assert {k: figures[k] for k in expected(attendance)} == expected(attendance)
    assert figures["events"] == len(meetings)
    assert [e["total"] for e in figures["event_list"]] == [
        sum(a["event_uuid"] == m["uuid"] for a in attendance) for m in meetings
    ]


def test_counting_reads_the_facts_not_the_records(store, filled):
    """With or without filters, the breakdown walks `attendance_facts` in its own order."""
    for filters in (stats.Filters(), stats.Filters(event_uuid=filled[0][0]["uuid"], date_from=date(2026, 11, 12))):
        where, args = filters.where()
        plan = " ".join(
            row[-1]
            for row in store.db.execute(
                "EXPLAIN QUERY PLAN SELECT event_uuid, gender, age_band, wgss_worst, count(*) FROM attendance_facts"
                f" WHERE 1{where} GROUP BY 1, 2, 3, 4",
                args,
            )
        )
        assert "attendance_facts" in plan and "records" not in plan and "TEMP B-TREE" not in plan


def test_a_kiosk_upgraded_to_the_facts_counts_the_same(data_dir):
    """Records stored before migration m004 are in the facts it makes, and later ones join them."""
    from kiosk.store import connect, migrations
    from kiosk.store.database import Database

    meetings, attendance = people(seed=3, events=2, per_event=60)
    data_dir.mkdir()
    old = Database(connect(data_dir / "kiosk.sqlite3"))
    migrations.apply(old, stop_before="m004_attendance_facts")
    for record in meetings + attendance:
        old.execute(
            "INSERT INTO records (uuid, kind, created_at, event_uuid, digest, body, stored_at)"
            " VALUES (?, ?, ?, ?, 'x', ?, 'now')",
            [record["uuid"], record["kind"], record["created_at"], record.get("event_uuid"), json.dumps(record)],
        )
    old.close()
    later = factories.attendance(meetings[0]["uuid"], gender="male", wgss={"hearing": 4})
    with Store(data_dir) as store:
        figures = stats.compute(store)
        assert {k: figures[k] for k in expected(attendance)} == expected(attendance)
        store.add_records([later])
        figures = stats.compute(store)
    assert {k: figures[k] for k in expected(attendance)} == expected([*attendance, later])


def test_event_and_date_filters(store, filled):
    """--event keeps one event's attendance; --from/--to keep the days in between, ends included."""
    meetings, attendance = filled
    one = stats.compute(store, stats.Filters(event_uuid=meetings[1]["uuid"]))
    assert one["total"] == expected([a for a in attendance if a["event_uuid"] == meetings[1]["uuid"]])["total"]
    assert "events" not in one and [e["uuid"] for e in one["event_list"]] == [meetings[1]["uuid"]]
    window = stats.Filters(date_from=date(2026, 11, 12), date_to=date(2026, 11, 15))
    inside = [a for a in attendance if "2026-11-12" <= a["created_at"][:10] <= "2026-11-15"]
    figures = stats.compute(store, window)
    assert {k: figures[k] for k in expected(inside)} == expected(inside)


def test_complaints_by_kind_topic_status_and_median_days(store):
    """Counts by classification, topic and status (on the kiosk, sent, or the hub's), and the
    median days from filing to the first time each status was reached."""
    filed = "2026-11-01T08:00:00+07:00"
    complaints = [
        factories.complaint(classification=kind, category=topic, created_at=filed)
        for kind, topic in [
            ("complaint", "Jalan"),
            ("complaint", "Jalan"),
            ("aspiration", "Air bersih"),
            ("information_request", None),
            ("complaint", "Sekolah"),
        ]
    ]
    for complaint in complaints:
        if complaint["category"] is None:
            del complaint["category"]
    store.add_records(complaints)
    outbox.mark_acked(store, [(c["uuid"], None) for c in complaints[:4]])
    days = [2, 4, 9]  # verified after 2, 4 and 9 days: median 4
    changes = [
        {"uuid": c["uuid"], "status": "received", "updated_at": "2026-11-01T02:00:00+00:00"} for c in complaints[:3]
    ]
    changes += [
        {"uuid": c["uuid"], "status": "verified", "updated_at": f"2026-11-{1 + d:02d}T01:00:00+00:00"}
        for c, d in zip(complaints[:3], days, strict=True)
    ]
    outbox.apply_changes(store, changes, "9")
    figures = stats.compute(store)["complaints"]
    assert figures["total"] == 5
    assert figures["by_classification"] == {"complaint": 3, "aspiration": 1, "information_request": 1}
    assert figures["by_category"] == {"Jalan": 2, "Air bersih": 1, "": 1, "Sekolah": 1}
    assert {k: v for k, v in figures["by_status"].items() if v} == {"verified": 3, "sent": 1, "on_kiosk": 1}
    assert figures["median_days_to_status"] == {"received": 0.0, "verified": 4.0}


def test_open_data_hides_small_counts_names_and_free_text(store, filled):
    """No count of 1 to 4 anywhere (and one hidden cell never stands alone), no topic typed by a citizen."""
    store.add_records([factories.complaint(category="Pungli di kantor desa")])
    safe = stats.open_data(stats.compute(store, stats.Filters(date_from=date(2026, 11, 19))))

    def numbers(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key not in ("percent", "median_days_to_status", "filters", "events"):  # events: not people
                    yield from numbers(item)
        elif isinstance(value, list):
            for item in value:
                yield from numbers(item)
        elif isinstance(value, int) and not isinstance(value, bool):
            yield value

    assert not [n for n in numbers(safe) if 0 < n < 5]
    for breakdown in ("by_gender", "by_age_band", "by_gender_disability"):
        assert list(safe[breakdown].values()).count("<5") != 1
    text = json.dumps(safe, ensure_ascii=False)
    assert "Pungli" not in text and not any(name in text for name in NAMES)


def test_stats_command_json_csv_xlsx_and_pdf_agree(kiosk, data_dir, tmp_path):
    """DESIGN.md's JSON keys; tidy CSV and the workbook hold the same numbers; the PDF shows the
    event and the headline shares in Indonesian number formatting, and is not blank."""
    meetings, attendance = people(per_event=60)
    write_jsonl(tmp_path / "in.jsonl", meetings + attendance)
    assert kiosk("import", tmp_path / "in.jsonl").returncode == 0
    shown = json.loads(kiosk("stats", "--format", "json").stdout)
    for key in (
        "total",
        "by_gender",
        "by_age_band",
        "youth",
        "with_disability",
        "wgss_answered",
        "by_gender_disability",
        "percent",
        "events",
    ):
        assert key in shown
    assert shown["percent"]["by_gender"]["female"] == expected(attendance)["percent"]["by_gender"]["female"]

    tidy = kiosk("stats", "--format", "csv").stdout.splitlines()
    assert tidy[0] == "breakdown,group,value,percent"
    assert f"gender,female,{shown['by_gender']['female']},{shown['percent']['by_gender']['female']}" in tidy

    assert kiosk("stats", "--format", "xlsx", "--output", tmp_path / "s.xlsx").returncode == 0
    book = load_workbook(tmp_path / "s.xlsx")
    by_key = {row[3]: row[1] for row in book["gender"].iter_rows(min_row=3, values_only=True)}
    assert by_key == shown["by_gender"]
    assert book["total"]["B3"].value == shown["total"]

    one = meetings[0]
    done = kiosk("stats", "--event", one["uuid"], "--format", "pdf", "--output", tmp_path / "r.pdf", lang="id")
    assert done.returncode == 0, done.stderr
    figures = json.loads(kiosk("stats", "--event", one["uuid"], "--format", "json").stdout)
    text = subprocess.run(["pdftotext", "-layout", tmp_path / "r.pdf", "-"], capture_output=True, text=True).stdout
    assert one["name"] in text and "17 Agustus" not in text  # the event's own day, not a factory default
    female = f"{figures['percent']['by_gender']['female']:.1f}".replace(".", ",") + "%"
    assert female in text and str(figures["total"]) in text
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", tmp_path / "r.pdf", tmp_path / "page"], check=True
    )
    from PySide6.QtGui import QImage

    page = QImage(str(tmp_path / "page-1.png"))
    colours = {page.pixel(x, y) for x in range(0, page.width(), 3) for y in range(0, page.height(), 3)}
    assert len(colours) > 20  # text and bars, not a blank page


def test_stats_refuses_bad_input_in_one_line(kiosk, data_dir):
    """An unknown event, a day that is not a date, --to before --from, a binary format to the screen."""
    assert kiosk("doctor").returncode == 0
    for args in (
        ["--event", factories.new_uuid()],
        ["--from", "2026-02-30"],
        ["--from", "2026-11-20", "--to", "2026-11-01"],
        ["--format", "xlsx"],
    ):
        done = kiosk("stats", *args)
        assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, (args, done.stderr)


def test_the_open_data_pdf_and_csv_carry_no_names(kiosk, tmp_path):
    """Names typed at registration never reach an open-data file."""
    meetings, attendance = people(per_event=20)
    write_jsonl(tmp_path / "in.jsonl", meetings + attendance)
    kiosk("import", tmp_path / "in.jsonl")
    assert kiosk("stats", "--open-data", "--format", "pdf", "--output", tmp_path / "o.pdf").returncode == 0
    text = subprocess.run(["pdftotext", tmp_path / "o.pdf", "-"], capture_output=True, text=True).stdout
    csv_text = kiosk("stats", "--open-data", "--format", "csv").stdout
    assert not any(name in text + csv_text for name in NAMES)


def test_open_data_charts_hide_small_differences_too():
    """A chart bar that is a difference of published counts (did not answer = total - answered)
    is hidden when it is 1 to 4, in the open-data report only."""
    from kiosk.reports.charts import disability_items

    figures = {"total": 40, "wgss_answered": 37, "with_disability": 12, "percent": {"with_disability": 30.0}}
    safe = disability_items({**figures, "open_data": True})
    assert [shown for _, _, shown in safe][1:] == ["25", "<5"] and safe[2][1] == 0
    assert [shown for _, _, shown in disability_items(figures)][1:] == ["25", "3"]


def test_chart_bars_are_shares_of_everyone_not_of_the_largest_group():
    """A bar across the whole track is every attendee, on screen and in the PDF: two groups of
    30 and 10 out of 40 fill three quarters and one quarter, not all and a third."""
    from kiosk.reports.charts import chart_items, disability_items

    figures = {
        "total": 40,
        "by_gender": {"female": 30, "male": 10, "unspecified": 0},
        "wgss_answered": 20,
        "with_disability": 4,
        "percent": {"by_gender": {"female": 75.0, "male": 25.0, "unspecified": 0.0}, "with_disability": 10.0},
    }
    assert [share for _, share, _ in chart_items(figures, "by_gender")] == [0.75, 0.25, 0.0]
    assert [share for _, share, _ in disability_items(figures)] == [0.1, 0.4, 0.5]
    assert [share for _, share, _ in chart_items({**figures, "total": 0}, "by_gender")] == [0.0, 0.0, 0.0]
