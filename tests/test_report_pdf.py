"""The PDF report (`kiosk.reports.pdf`): written without Qt, in the kiosk's language, with the
same numbers as `kiosk stats`, bars drawn to scale, small counts hidden in open data, and a
readable fallback when DejaVu Sans is missing. Read back with poppler's pdftotext."""

import json
import logging
import os
import subprocess
import sys
from datetime import date

import factories
import pytest
from PIL import Image

from kiosk import i18n
from kiosk.reports import pdf, stats
from kiosk.reports.charts import participation_charts
from kiosk.reports.pdf import Chart, Heading, Lines

EVENT_NAME = "Sosialisasi LAPOR! Desa Ngadirejo"
# gender, age band, WG-SS answers (None: not asked), how many
PEOPLE = [
    ("female", "16-30", {"hearing": 3}, 2),
    ("female", "16-30", {"seeing": 1}, 2),
    ("female", "31-45", None, 3),
    ("male", "0-15", {"walking": 4}, 1),
    ("male", "0-15", {"walking": 1}, 1),
    ("male", "46-60", {"cognition": 1}, 1),
    ("male", "61+", {"selfcare": 1, "seeing": 2}, 2),
    ("unspecified", "unspecified", None, 2),
]  # 14 attendees: women 7, men 5, not stated 2; 3 with a disability, 6 answered without, 5 not asked


def pdf_text(path, layout: bool = True) -> str:
    command = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def pdf_info(path) -> dict[str, str]:
    done = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in done.splitlines())}


def pdf_fonts(path) -> str:
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def meeting():
    return factories.event(name=EVENT_NAME, starts_on="2026-11-10")


@pytest.fixture
def figures(store, meeting):
    attendance = [
        factories.attendance(
            meeting["uuid"],
            gender=gender,
            age_band=band,
            created_at="2026-11-10T09:30:00+07:00",
            **({"wgss": wgss} if wgss else {}),
        )
        for gender, band, wgss, count in PEOPLE
        for _ in range(count)
    ]
    complaints = [factories.complaint(classification=kind) for kind in ("complaint", "aspiration")]
    store.add_records([meeting, *attendance, *complaints])
    return stats.compute(store)


def test_the_report_reads_in_indonesian_and_english(figures, tmp_path):
    """Title, scope, headline shares, chart titles, labels and numbers, in each language's words
    and number formatting; the title is the document's title too."""
    expected = {
        "id": [
            "laporan partisipasi",
            "Semua kegiatan: 1",
            EVENT_NAME + " (10 November 2026)",
            "Menurut jenis kelamin",
            "Menurut kelompok umur",
            "Perempuan",
            "7 (50,0%)",
            "5 (35,7%)",
            "4 (28,6%)",
            "3 (21,4%)",
            "Pengaduan",
        ],
        "en": [
            "participation report",
            "All events: 1",
            EVENT_NAME + " (November 10, 2026)",
            "By gender",
            "By age band",
            "Women",
            "7 (50.0%)",
            "5 (35.7%)",
            "4 (28.6%)",
            "3 (21.4%)",
            "Complaints",
        ],
    }
    for language, words in expected.items():
        i18n.set_language(language)
        path = tmp_path / f"report-{language}.pdf"
        pdf.write_pdf(figures, path)
        text = " ".join(pdf_text(path, layout=False).split())
        missing = [word for word in words if word not in text]
        assert missing == [], (language, text)
        assert words[0] in pdf_info(path)["Title"]
        assert "Qt" not in pdf_info(path).get("Producer", "")
    assert "Menurut" not in pdf_text(tmp_path / "report-en.pdf")


def test_the_disability_chart_counts_answers_and_silence(figures, tmp_path):
    """With a disability, answered without one, did not answer: 3, 6 and 5 of 14."""
    pdf.write_pdf(figures, tmp_path / "r.pdf")
    lines = [" ".join(line.split()) for line in pdf_text(tmp_path / "r.pdf").splitlines()]
    assert "With a disability 3 (21.4%)" in lines
    assert "Answered, no disability 6" in lines
    assert "Did not answer 5" in lines


def test_open_data_hides_every_count_of_one_to_four(figures, tmp_path):
    """The open-data PDF says so, prints <5 for small counts and their shares, and no bar
    betrays a hidden count's size."""
    safe = stats.open_data(figures)
    pdf.write_pdf(safe, tmp_path / "open.pdf")
    text = " ".join(pdf_text(tmp_path / "open.pdf", layout=False).split())
    assert "Open data: counts of 1 to 4 are shown as <5." in text
    assert "Women 7 (50.0%)" in text  # the one gender with more than 4
    assert "Men <5 (<5)" in text  # not stated (2) is hidden, so the next smallest is hidden too
    assert "Not stated <5 (<5)" in text and "With a disability <5 (<5)" in text
    assert not [figure for figure in ("5 (35.7%)", "2 (14.3%)", "3 (21.4%)", "4 (28.6%)") if figure in text]
    items = {title: items for title, items in participation_charts(safe).values()}
    for chart in items.values():
        assert all(value == 0 for _, value, shown in chart if "<5" in shown)


def test_bars_are_drawn_to_scale_in_dark_ink(figures, tmp_path):
    """Rendered in grey, each chart's bars are dark and as long as their counts, relative to
    each other: 12 bars for 3 genders, 6 age bands and 3 disability answers."""
    pdf.write_pdf(figures, tmp_path / "r.pdf")
    subprocess.run(
        ["pdftoppm", "-gray", "-r", "60", "-f", "1", "-l", "1", "-png", tmp_path / "r.pdf", tmp_path / "page"],
        check=True,
    )
    page = Image.open(tmp_path / "page-1.png").convert("L")
    width, height = page.size
    pixels = page.load()
    bars, previous = [], None  # (left, longest dark run) of each band of rows holding a long dark run
    for y in range(height):
        runs, start = [], None
        for x in range(width + 1):
            dark = x < width and pixels[x, y] < 100
            if dark and start is None:
                start = x
            elif not dark and start is not None:
                runs.append((start, x - start))
                start = None
        long = [run for run in runs if run[1] > 12]  # longer than any letter at 60 dpi
        if long and previous == y - 1:
            bars[-1] = (bars[-1][0], max(bars[-1][1], long[0][1]))
        elif long:
            bars.append(long[0])
        previous = y if long else previous
    values = [[value for _, value, _ in items] for _, items in participation_charts(figures).values()]
    assert [len(counts) for counts in values] == [3, 6, 3] and len(bars) == 12
    for counts in values:
        lengths, bars = [length for _, length in bars[: len(counts)]], bars[len(counts) :]
        full = max(lengths)
        assert [round(length / full * max(counts), 1) for length in lengths] == pytest.approx(counts, abs=0.15)


def test_the_scope_names_the_event_and_the_period(store, figures, meeting):
    """One event and a date range: the report says which, in words and local dates, and lists
    no table of events."""
    one = stats.compute(store, stats.Filters(event_uuid=meeting["uuid"], date_from=date(2026, 11, 1)))
    blocks = pdf.report_content(one, today=date(2026, 12, 1))
    assert blocks[1] == Lines(
        [f"Event: {EVENT_NAME} (November 10, 2026)", "Period: November 1, 2026 to …", "Made on December 1, 2026"]
    )
    assert [b.title for b in blocks if isinstance(b, Chart)] == [
        "By gender",
        "By age band",
        "Washington Group disability questions",
    ]
    assert "Attendees by event" not in [b.text for b in blocks if isinstance(b, Heading)]
    assert "Attendees by event" in [b.text for b in pdf.report_content(figures) if isinstance(b, Heading)]


def test_any_name_prints_in_dejavu_and_nothing_is_logged_about_it(figures, tmp_path, caplog):
    """Indonesian, Vietnamese and Spanish letters print as typed; a character DejaVu Sans cannot
    draw prints as ? and no log line repeats it (names are personal data)."""
    if pdf.find_font() is None:
        pytest.skip("fonts-dejavu-core is not installed")
    figures["event_list"][0]["name"] = "Kampung Đồng Nai – Ñandú 北京"
    with caplog.at_level(logging.DEBUG):
        pdf.write_pdf(figures, tmp_path / "r.pdf")
    assert "Kampung Đồng Nai – Ñandú ?? (November 10, 2026)" in " ".join(pdf_text(tmp_path / "r.pdf").split())
    assert not [r for r in caplog.records if "北" in r.getMessage() or "Đồng" in r.getMessage()]
    assert "DejaVuSans" in pdf_fonts(tmp_path / "r.pdf")


def test_without_dejavu_the_report_falls_back_to_helvetica(figures, tmp_path, monkeypatch, caplog):
    """No DejaVu Sans anywhere: the report is still written, in Helvetica, with Latin-1 letters
    kept, others without their accents or as ?, and a warning that names no text."""
    monkeypatch.setattr(pdf, "FONT_DIRS", ())
    figures["event_list"][0]["name"] = "Kampung Đồng Nai – Ñandú 北京"
    with caplog.at_level(logging.WARNING, logger="kiosk.reports.pdf"):
        pdf.write_pdf(figures, tmp_path / "r.pdf")
    text = " ".join(pdf_text(tmp_path / "r.pdf").split())
    assert "Kampung ?ong Nai - Ñandú ?? (November 10, 2026)" in text and "7 (50.0%)" in text
    assert "Helvetica" in pdf_fonts(tmp_path / "r.pdf") and "DejaVu" not in pdf_fonts(tmp_path / "r.pdf")
    assert [r.levelname for r in caplog.records] == ["WARNING"] and "Kampung" not in caplog.text
    assert pdf.latin1("Periode: 1 … 2 “kutip” Đ") == 'Periode: 1 ... 2 "kutip" ?'


def test_a_long_list_of_events_runs_onto_more_pages(figures, tmp_path):
    """Eighty events: the table breaks across pages and every event is still there."""
    template = figures["event_list"][0]
    figures["event_list"] = [{**template, "name": f"Kegiatan nomor {n:02d}", "total": n} for n in range(1, 81)]
    pdf.write_pdf(figures, tmp_path / "r.pdf")
    assert int(pdf_info(tmp_path / "r.pdf")["Pages"]) >= 3
    text = pdf_text(tmp_path / "r.pdf", layout=False)
    assert all(f"Kegiatan nomor {n:02d}" in text for n in range(1, 81))


def test_kiosk_stats_pdf_never_loads_qt(store, figures, data_dir, tmp_path):
    """`kiosk stats --format pdf` writes the report in a process that never imports PySide6 or
    kiosk.ui (the command runs on servers and in scripts, with no display and no Qt)."""
    script = (
        "import json, sys\n"
        "from kiosk.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'PySide6' or m.startswith('kiosk.ui'))\n"
        "print(json.dumps({'code': code, 'loaded': loaded, 'fpdf': 'fpdf' in sys.modules}))\n"
    )
    out = tmp_path / "laporan.pdf"
    done = subprocess.run(
        [sys.executable, "-c", script, "--data-dir", str(data_dir), "stats", "--format", "pdf", "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "KIOSK_LANG": "id"},
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == {"code": 0, "loaded": [], "fpdf": True}
    assert "7 (50,0%)" in " ".join(pdf_text(out).split())
