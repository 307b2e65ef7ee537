"""`kiosk-hub stats --format pdf`: the A4 report for programme staff and donors. What `pdftotext`
reads in it are the hub's figures, written the reader's way (Indonesian by default, English on
request); every chart is a figure of the PDF whose words and numbers are text; a hub without the
DejaVu fonts still writes it; and a report that cannot be written leaves no file, whole or half,
and says why in one line."""

import subprocess
from datetime import date
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import factories
import pytest
from hubproc import run_cli
from test_hub_stats import fleet  # noqa: F401 - the fixture: five kiosks' registrations at one hub

from hub.reports import charts, pdf, responsiveness
from hub.reports.participation import Filters, figures
from hub.storage.staff import Staff
from kiosk.records import digest

CHARTS = 9  # four of participation, one of the agencies, four of the reports
SHARES = ("female", "youth", "with_disability")
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def hub(fleet):  # noqa: F811
    """The fleet's hub, where three reports were passed to one agency, two of them followed up at
    once, and a fourth, made at an outreach event, awaits checking; with its participation figures."""
    storage, kiosks = fleet
    Staff(storage).add_agency("PUPR", "Dinas Pekerjaan Umum", "test")
    event = next(record for _folder, records in kiosks for record in records if record["kind"] == "event")
    passed = [factories.complaint(category="Jalan dan jembatan") for _ in range(3)]
    waiting = factories.complaint(classification="aspiration", event_uuid=event["uuid"])
    device, _ = storage.enroll(storage.create_enrollment_code())
    storage.store_records(device, [(report, digest(report)) for report in (*passed, waiting)])
    for number, report in enumerate(passed):
        storage.set_status(report["uuid"], "verified", "diperiksa", None)
        storage.set_status(report["uuid"], "forwarded", "diteruskan", "PUPR")
        if number < 2:
            storage.set_status(report["uuid"], "followed_up", "ditangani", None)
    return storage, figures(storage, Filters())


def _read(path) -> tuple[list[str], list[str]]:
    """The PDF's lines as `pdftotext -layout` reads them (runs of spaces made one), and the text
    of each figure in its structure, in order."""
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    tree = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True)
    found = tree.stdout.splitlines()
    drawn = [found[at + 1].strip().strip('"') for at, line in enumerate(found) if line.strip() == "Figure"]
    return [" ".join(line.split()) for line in text.stdout.splitlines()], drawn


def _made(tmp_path, *args: str) -> tuple[list[str], list[str]]:
    path = tmp_path / "laporan.pdf"
    made = run_cli(tmp_path / "hub", "stats", "--format", "pdf", "--output", str(path), *args)
    assert made.returncode == 0 and made.stdout == "", made.stderr
    return _read(path)


def _share(count: int, percent: float, comma: bool) -> str:
    shown = f"{percent:.1f}%"
    return f"{count} ({shown.replace('.', ',') if comma else shown})"


def _rows(found: dict, comma: bool, unnamed: str) -> list[str]:
    """The breakdown by province as the table's lines (the counts here are all below 1,000)."""
    return [
        " ".join(
            [
                unnamed if province == "unspecified" else province,
                str(group["total"]),
                *(_share(group[part], group["percent"][part], comma) for part in SHARES),
                str(group["events"]),
            ]
        )
        for province, group in found["by_province"].items()
    ]


def test_the_report_says_the_figures_in_indonesian(hub, tmp_path):
    """By default: Indonesian headings, months and decimal commas; every province's figures; the
    agency's shares; the reports by type, category and status; each chart a figure holding its
    labels and numbers as text."""
    _storage, found = hub
    lines, drawn = _made(tmp_path)
    headings = {"Pendaftaran per provinsi", "Pendaftaran per bulan", "Tanggapan instansi", "Laporan yang diterima"}
    assert headings <= set(lines) and "Registrations by province" not in lines
    female = found["by_gender"]["female"]
    assert f"Perempuan {_share(female, found['percent']['by_gender']['female'], True)}" in lines
    assert f"Pendaftaran {found['total']}" in lines
    assert set(_rows(found, True, "Tidak disebut")) <= set(lines)
    august = found["by_month"]["2026-08"]
    assert f"Agustus 2026 {august['total']}" in lines  # the chart's bar
    assert "Dinas Pekerjaan Umum (PUPR) 3 2 (66,7%) 2 (66,7%) 0 (0,0%)" in lines
    assert {"Usulan 1", "Jalan dan jembatan 3", "Tidak disebut 1", "Ditindaklanjuti 2"} <= set(lines)
    assert len(drawn) == CHARTS
    assert drawn[0] == "".join(
        f"{'Tidak disebut' if name == 'unspecified' else name}{group['total']}"
        for name, group in found["by_province"].items()
    )
    assert drawn[4] == "PUPR66,7%"


def test_the_report_says_the_same_in_english_when_asked(hub, tmp_path):
    """`--language en`: the same figures in English words, months and numbers."""
    _storage, found = hub
    lines, drawn = _made(tmp_path, "--language", "en")
    assert {"Registrations by province", "How agencies answered", "Reports received"} <= set(lines)
    assert not [line for line in lines if "Pendaftaran" in line]
    assert set(_rows(found, False, "Not named")) <= set(lines)
    assert f"August 2026 {found['by_month']['2026-08']['total']}" in lines
    assert "Dinas Pekerjaan Umum (PUPR) 3 2 (66.7%) 2 (66.7%) 0 (0.0%)" in lines
    assert {"Suggestion 1", "Followed up 2", "At an outreach event 1"} <= set(lines)
    assert len(drawn) == CHARTS and drawn[4] == "PUPR66.7%"


def test_without_dejavu_sans_the_report_is_written_in_latin_1(hub, tmp_path, monkeypatch):
    """A hub without fonts-dejavu-core writes the report in Helvetica: a letter beyond Latin-1
    loses its accent, a dash becomes a hyphen, and the figures are all there."""
    storage, found = hub
    monkeypatch.setattr(pdf, "FONT_DIRS", ())
    zone = ZoneInfo("Asia/Jakarta")
    found["complaints"] = responsiveness.complaints(storage, zone, None, None, None, None)
    found["responsiveness"] = responsiveness.received_between(storage, zone, None, None)
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.render(found, "en", date(2026, 9, 1), {"PUPR": "Dinas PU — Şile"}))
    lines, drawn = _read(path)
    assert "Dinas PU - Sile (PUPR) 3 2 (66.7%) 2 (66.7%) 0 (0.0%)" in lines
    assert "Made on September 1, 2026" in lines and len(drawn) == CHARTS
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Helvetica" in fonts and "DejaVu" not in fonts


def test_a_report_that_cannot_be_written_leaves_nothing_behind(hub, tmp_path):
    """No --output, a folder that is not there, a folder standing where the file would go: one line
    saying why, exit 2, and no file, whole or half, anywhere."""
    before = sorted(tmp_path.rglob("*"))
    unnamed = run_cli(tmp_path / "hub", "stats", "--format", "pdf")
    assert unnamed.returncode == 2 and unnamed.stderr == "kiosk-hub: --format pdf needs --output FILE\n"
    missing = tmp_path / "not-there" / "laporan.pdf"
    lost = run_cli(tmp_path / "hub", "stats", "--format", "pdf", "--output", str(missing))
    assert lost.returncode == 2
    assert lost.stderr == f"kiosk-hub: cannot write {missing}: the folder {missing.parent} does not exist\n"
    taken = tmp_path / "reports"
    taken.mkdir()
    refused = run_cli(tmp_path / "hub", "stats", "--format", "pdf", "--output", str(taken))
    assert refused.returncode == 2 and refused.stderr == f"kiosk-hub: cannot write {taken}: Is a directory\n"
    assert sorted(tmp_path.rglob("*")) == sorted([*before, taken])


def test_a_chart_is_svg_with_its_words_and_numbers_as_text():
    """The longest bar fills the track, shares are drawn against 100, and each label and number is
    an SVG text element, escaped, in the order of the groups."""
    groups = {"Aceh": {"total": 40, "share": 25.0}, "<Jawa & Bali>": {"total": 80, "share": 50.0}}
    assert [bar.length for bar in charts.bars(groups)] == [charts.BAR_WIDTH / 2, charts.BAR_WIDTH]
    assert [bar.length for bar in charts.bars(groups, "share", full=100)] == [25.0, 50.0]
    drawn = ElementTree.fromstring(charts.svg(charts.bars(groups), "Per provinsi", lambda value: f"{value:,}"))
    assert drawn.get("aria-label") == "Per provinsi"
    assert [text.text for text in drawn.iter(f"{SVG}text")] == ["Aceh", "40", "<Jawa & Bali>", "80"]
