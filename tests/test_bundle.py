"""The PyInstaller bundle on its own: what it carries, where it writes, and that it shows
what the source shows. Runs only with `KIOSK_BUNDLE` set (`make bundle-test`), together
with the command-line and sync tests, which then run the bundle too."""

import json
import os
import re
import subprocess
import sys
import wave
from pathlib import Path

import pytest
from audio import rms
from conftest import BUNDLE

from kiosk import __version__
from kiosk.i18n import LANGUAGES

EXECUTABLE = Path(BUNDLE or "")
INTERNAL = EXECUTABLE.parent / "_internal"
QT_MODULES = {"QtCore", "QtGui", "QtWidgets", "QtNetwork", "QtPrintSupport", "QtSvg"}
# Screens that show the moment they were drawn (a receipt's time, the last sync): they
# differ between any two renderings, so only their names are compared.
TIMED_SCREENS = {"receipt", "status", "officer-quarantine", "officer-sync", "officer-statistics"}


def bundled(*args, env=None, timeout=300):
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    return subprocess.run(
        [str(EXECUTABLE), *map(str, args)], capture_output=True, text=True, env=environment, timeout=timeout
    )


def test_the_bundle_is_a_onedir_build_of_this_version():
    assert EXECUTABLE.is_file() and os.access(EXECUTABLE, os.X_OK)
    assert INTERNAL.is_dir()  # onedir: nothing is unpacked at start
    result = bundled("--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"kiosk {__version__}")


def test_it_carries_only_what_the_kiosk_uses():
    qt = {path.name.split(".")[0] for path in (INTERNAL / "PySide6").glob("Qt*.*") if path.is_file()}
    assert qt == QT_MODULES
    assert not list(EXECUTABLE.parent.rglob("*WebEngine*"))
    assert not list(INTERNAL.rglob("qtbase_*.qm"))  # Qt's own translations
    assert sorted(p.name for p in (INTERNAL / "babel" / "locale-data").iterdir()) == sorted(
        f"{name}.dat" for name in ("root", *LANGUAGES)
    )
    assert sorted(p.name for p in (INTERNAL / "locales").iterdir()) == sorted(LANGUAGES)
    for language in LANGUAGES:
        assert (INTERNAL / "locales" / language / "LC_MESSAGES" / "kiosk.mo").stat().st_size > 10_000
        assert len(list((INTERNAL / "outreach_materials" / language).glob("*.md"))) == 4
    listing = subprocess.run(
        [Path(sys.executable).parent / "pyi-archive_viewer", "-r", "-b", EXECUTABLE],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    modules = {name.split(".")[0] for name in listing}
    assert {"kiosk", "pyttsx3", "babel", "openpyxl", "requests", "certifi", "tenacity", "filelock"} <= modules
    assert {"kiosk.ui.screens.officer_stats", "kiosk.sync.engine", "pyttsx3.drivers.espeak"} <= set(listing)
    assert not modules & {"hub", "fastapi", "uvicorn", "starlette", "pytest", "hypothesis", "tkinter", "mypy"}


def test_it_writes_the_pdf_report(tmp_path):
    """fpdf2 and what it reads images with travel in the bundle; the report's words are there."""
    event = {
        "uuid": "7c2f3a94-5d1e-4b8a-9f6c-2e4d8a1b3c5d",
        "kind": "event",
        "schema": 1,
        "created_at": "2026-11-20T09:00:00+07:00",
        "name": "Sosialisasi Desa Mekarsari",
        "type": "socialization",
        "starts_on": "2026-11-20",
        "location": {},
    }
    records = tmp_path / "event.jsonl"
    records.write_text(json.dumps(event) + "\n", encoding="utf-8")
    data = tmp_path / "data"
    assert bundled("import", records, "--data-dir", data).returncode == 0
    result = bundled(
        "stats", "--format", "pdf", "--output", tmp_path / "laporan.pdf", "--data-dir", data, env={"KIOSK_LANG": "id"}
    )
    assert result.returncode == 0, result.stderr
    text = subprocess.run(
        ["pdftotext", tmp_path / "laporan.pdf", "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Sosialisasi Desa Mekarsari" in text


@pytest.mark.skipif(sys.platform != "linux", reason="the XDG data folder is Linux's")
def test_without_a_data_dir_it_writes_to_the_users_data_folder(tmp_path):
    home = tmp_path / "home"
    environment = {key: value for key, value in os.environ.items() if key not in {"KIOSK_DATA_DIR", "XDG_DATA_HOME"}}
    result = subprocess.run(
        [str(EXECUTABLE), "doctor"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**environment, "HOME": str(home), "KIOSK_LANG": "id"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    folder = home / ".local" / "share" / "lapor-kiosk"
    assert (folder / "kiosk.sqlite3").is_file()
    assert f"[OK] Folder data: {folder} dapat ditulisi" in result.stdout.splitlines()


def test_it_speaks_indonesian_and_finds_its_catalogs_and_materials(tmp_path):
    """No quiet fallback to English: doctor answers in Indonesian, finds both catalogs and
    the shipped pages, and its spawned speech worker writes real speech."""
    result = bundled(
        "doctor",
        "--speech-sample",
        tmp_path / "samples",
        env={"KIOSK_DATA_DIR": str(tmp_path / "data"), "KIOSK_LANG": "id"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "[OK] Terjemahan: id, en" in lines
    assert "[OK] Materi sosialisasi: id: 4 bawaan, 0 tambahan petugas; en: 4 bawaan, 0 tambahan petugas" in lines
    assert result.stderr == ""
    for language in LANGUAGES:
        sample = tmp_path / "samples" / f"{language}.wav"
        with wave.open(str(sample)) as audio:
            assert audio.getnframes() / audio.getframerate() > 1.0
        assert rms(sample) > 300


def test_it_starts_and_reports_when_the_home_screen_shows(tmp_path):
    result = bundled("run", "--demo", "--windowed", "--exit-after-startup", env={"KIOSK_LANG": "id"})
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"Siap dalam \d+ md", result.stdout.splitlines()[-1])


def test_it_starts_full_screen_on_a_real_x_display(x_display):
    """The xcb platform with the bundle's own Qt libraries (not offscreen), in kiosk mode."""
    result = bundled(
        "run",
        "--demo",
        "--exit-after-startup",
        env={"QT_QPA_PLATFORM": "xcb", "DISPLAY": x_display(), "KIOSK_LANG": "id"},
    )
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"Siap dalam \d+ md", result.stdout.splitlines()[-1])
    assert "qt.qpa" not in result.stderr  # no platform plugin or library complaint


def test_its_tour_shows_what_the_source_shows(tmp_path, qapp):
    """Every screen in every language and mode is drawn; pixel for pixel the same as from source
    (same texts, pictures and fonts), but for screens that show the time they were drawn."""
    from PySide6.QtGui import QImage

    from kiosk.ui.tour import render

    result = bundled("tour", "--output", tmp_path / "bundle", env={"KIOSK_LANG": "en"}, timeout=600)
    assert result.returncode == 0, result.stderr
    from_source = render(tmp_path / "source", modes=("normal",))
    from_bundle = sorted(p.name for p in (tmp_path / "bundle").glob("*.png"))
    screens = {path.name.rsplit("-", 2)[0] for path in from_source}
    assert from_bundle == sorted(
        f"{screen}-{language}-{mode}.png"
        for screen in screens
        for language in LANGUAGES
        for mode in ("normal", "large", "contrast")
    )
    for path in from_source:
        if path.name.rsplit("-", 2)[0] not in TIMED_SCREENS:
            assert QImage(str(path)) == QImage(str(tmp_path / "bundle" / path.name)), path.name
