"""The command-line contract: --data-dir anywhere, --help everywhere, one-line failures."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import KIOSK_COMMAND

from kiosk import __version__

SUBCOMMANDS = ("import", "export", "doctor", "run", "tour", "officer", "enroll", "sync", "status")


def test_version(kiosk):
    result = kiosk("--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"kiosk {__version__}")


def test_console_script_is_installed():
    assert (Path(sys.executable).parent / "kiosk").exists()


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_subcommand_has_help(kiosk, command):
    result = kiosk(command, "--help")
    assert result.returncode == 0
    assert "--data-dir" in result.stdout


def test_help_is_translated(kiosk):
    shown = kiosk("--help", lang="id").stdout
    assert shown.startswith("penggunaan: kiosk")
    assert "tampilkan bantuan ini lalu keluar" in shown


def test_usage_mistakes_are_explained_in_the_kiosk_language(kiosk):
    """argparse's own reasons come from the kiosk's catalog, not argparse's English."""
    shown = kiosk("enroll", lang="id").stderr
    assert shown.startswith("kiosk enroll: argumen berikut wajib diisi: --hub, --code (lihat")
    assert "pilihan tidak sah: 'bogus'" in kiosk("bogus", lang="id").stderr
    assert "invalid choice: 'bogus'" in kiosk("bogus", lang="en").stderr


def test_the_translated_argparse_words_are_still_argparse_own():
    """A Python whose argparse words a reason differently would show it untranslated."""
    import argparse
    import inspect

    from kiosk.cli.argparse_words import WORDS

    source = inspect.getsource(argparse)
    assert [word for word in WORDS if f"_({word!r}" not in source and f'_("{word}"' not in source] == []


def test_building_the_parser_looks_for_no_other_catalog():
    """argparse would search the locale folders for a catalog of its own, word by word."""
    from windowscript import fresh

    code = (
        "import gettext, sys\n"
        "def refuse(*args, **kwargs): raise AssertionError('searched for a catalog')\n"
        "gettext.find = refuse\n"
        "from kiosk.cli import build_parser\n"
        "build_parser('run').parse_args(['run', '--demo'])\n"
    )
    result = fresh(code)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "command", [["run", "--demo", "--windowed", "--exit-after-startup"], ["tour", "--output", "x"]]
)
def test_screens_without_a_compiled_catalog_stop_at_once_and_say_why(tmp_path, command):
    """Not a window that stops half-built when its starting language cannot load."""
    import shutil

    from windowscript import fresh

    shutil.copytree(Path(__file__).parent.parent / "locales" / "id", tmp_path / "locales" / "id")  # no English
    code = (
        "import sys, pathlib, kiosk.paths\n"
        "kiosk.paths.locales_dir = lambda: pathlib.Path(sys.argv[1])\n"
        "from kiosk.cli import main\n"
        "sys.exit(main(sys.argv[2:]))\n"
    )
    result = fresh(
        code,
        tmp_path / "locales",
        *command,
        env={"KIOSK_LANG": "id", "KIOSK_DATA_DIR": str(tmp_path / "d")},
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert result.stderr == (
        f"kiosk: Layar tidak dapat ditampilkan: tidak ada katalog terkompilasi untuk en di "
        f"{tmp_path / 'locales'} (jalankan `make locales`).\n"
    )
    assert not list(tmp_path.glob("x")) and not (tmp_path / "d").exists()


@pytest.mark.parametrize("where", ["before", "after"])
def test_data_dir_before_or_after_the_subcommand(kiosk, tmp_path, where):
    target = tmp_path / "elsewhere"
    args = ["--data-dir", target, "doctor"] if where == "before" else ["doctor", "--data-dir", target]
    result = kiosk(*args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (target / "kiosk.sqlite3").exists()


def test_data_dir_from_the_environment(kiosk, data_dir):
    assert kiosk("doctor").returncode == 0
    assert (data_dir / "kiosk.sqlite3").exists()


def test_doctor_reports_a_healthy_kiosk(kiosk):
    result = kiosk("doctor")
    lines = result.stdout.splitlines()
    assert result.returncode == 0
    media = [line for line in lines if line.split("] ")[1].startswith(("Microphone:", "Camera:"))]
    assert [line.split("]")[0] for line in lines if line not in media] == ["[OK"] * 10
    assert len(media) == 2  # either can be missing on a kiosk: a warning, never a failure
    assert any("schema version 7 (m007_feedback_and_national_numbers)" in line for line in lines)
    assert "[OK] Outreach materials: id: 4 shipped, 0 added by officers; en: 4 shipped, 0 added by officers" in lines


def test_doctor_says_whether_citizens_can_speak_and_show(kiosk, tmp_path):
    """With ALSA's silent `null` device as the machine's sound card there is a microphone; with
    no sound card at all there is none, and the doctor says what citizens then do. This machine
    has no camera: the doctor says so in the same plain way."""
    home = tmp_path / "home"
    home.mkdir()
    (home / ".asoundrc").write_text('pcm.!default { type null\n hint { show on description "silent" } }\n')
    with_null = kiosk("doctor", env={"HOME": str(home)}).stdout.splitlines()
    assert any(line.startswith("[OK] Microphone: ") and "may speak" in line for line in with_null), with_null
    (home / ".asoundrc").write_text("pcm.!default { type hw card 99 }\n")  # a card that is not there
    without = kiosk("doctor", env={"HOME": str(home)}).stdout.splitlines()
    unheard = "the choice to speak is not shown"
    assert any(line.startswith("[WARNING] Microphone: ") and unheard in line for line in without), without
    if not list(Path("/dev").glob("video*")):
        assert any(line.startswith("[WARNING] Camera: No camera is connected.") for line in without), without


@pytest.mark.parametrize(
    "size, status, detail",
    [
        ("1024x600", "OK", "xcb, 1024 x 600"),
        ("800x480", "WARNING", "xcb, 800 x 480: smaller than 1024 x 600, so some screens will not fit"),
    ],
)
def test_doctor_checks_the_screen(kiosk, x_display, size, status, detail):
    result = kiosk("doctor", env={"QT_QPA_PLATFORM": "xcb", "DISPLAY": x_display(size)})
    assert f"[{status}] Display: {detail}" in result.stdout.splitlines()
    assert result.returncode == 0


CORNER_COLOUR = """
import sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication(["corner"])
image = app.primaryScreen().grabWindow(0).toImage()
print(image.pixelColor(image.width() - 2, image.height() - 2).name())
"""


def test_run_covers_the_whole_screen_even_without_a_window_manager(data_dir, x_display):
    """A bare X server (a kiosk started with xinit) grants no full-screen request: the
    window must still reach the bottom-right corner of a screen wider than 1024 x 600."""
    from kiosk.accessibility.display import NORMAL

    environment = {
        **os.environ,
        "QT_QPA_PLATFORM": "xcb",
        "DISPLAY": x_display("1366x768"),
        "KIOSK_DATA_DIR": str(data_dir),
        "KIOSK_LANG": "id",
    }
    kiosk_process = subprocess.Popen([*KIOSK_COMMAND, "run"], env=environment, stdout=subprocess.DEVNULL)
    try:
        deadline, corner = time.monotonic() + 30, None
        while time.monotonic() < deadline and corner != NORMAL.window.lower():
            time.sleep(0.5)
            corner = subprocess.run(
                [sys.executable, "-c", CORNER_COLOUR], env=environment, capture_output=True, text=True, timeout=30
            ).stdout.strip()
        assert corner == NORMAL.window.lower()  # the kiosk's background, not the bare screen's black
    finally:
        kiosk_process.terminate()
        kiosk_process.wait(timeout=10)


def test_doctor_fails_when_no_window_can_open_and_warns_without_a_display(kiosk, tmp_path):
    missing = kiosk("doctor", env={"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":987"})
    assert missing.returncode == 1
    assert "[FAILED] Display: the kiosk cannot open a window here; the reason is printed above" in missing.stdout
    assert "could not connect to display :987" in missing.stderr  # Qt's own reason, left for the officer
    headless = kiosk("doctor", env={"QT_QPA_PLATFORM": "", "DISPLAY": "", "WAYLAND_DISPLAY": ""})
    assert "[WARNING] Display: no screen in this session" in headless.stdout
    assert headless.returncode == 0


def test_doctor_counts_officer_pages_and_fails_without_shipped_ones(data_dir, monkeypatch, tmp_path):
    from kiosk import materials
    from kiosk.cli import doctor

    page = data_dir / "outreach_materials" / "en" / "09-local-office.md"
    page.parent.mkdir(parents=True)
    page.write_text("# Our office\n", encoding="utf-8")
    checks = {check.label: check for check in doctor.run_checks(data_dir)}
    assert checks["Outreach materials"].detail.endswith("en: 4 shipped, 1 added by officers")

    monkeypatch.setattr(materials, "shipped_dir", lambda: tmp_path / "nowhere")
    checks = {check.label: check for check in doctor.run_checks(data_dir)}
    assert (checks["Outreach materials"].status, checks["Outreach materials"].detail) == (
        doctor.FAIL,
        f"none shipped for id, en in {tmp_path / 'nowhere'}",
    )


def test_doctor_fails_on_a_broken_database(kiosk, data_dir):
    data_dir.mkdir()
    (data_dir / "kiosk.sqlite3").write_bytes(b"garbage" * 1000)
    result = kiosk("doctor")
    assert result.returncode == 1
    assert any(line.startswith("[FAILED] Database: Cannot open the database") for line in result.stdout.splitlines())
    assert "[OK] Free disk space" in result.stdout  # one broken part does not hide the others


def test_no_command_starts_the_kiosk(kiosk, data_dir, qapp):
    """`kiosk` alone means `kiosk run`: shown here by the one-instance guard answering."""
    from kiosk.ui.app import single_instance

    lock = single_instance(data_dir)
    try:
        result = kiosk(env={"QT_QPA_PLATFORM": "offscreen"})
    finally:
        lock.unlock()
    assert result.returncode == 2
    assert result.stderr.strip() == f"kiosk: Another kiosk is already running with the data folder {data_dir}."


def test_unknown_language_falls_back_to_indonesian(kiosk):
    result = kiosk("doctor", lang="fr")
    assert "KIOSK_LANG=fr" in result.stderr
    assert "[OK] Basis data" in result.stdout


def test_a_broken_database_stops_import_with_one_line(kiosk, data_dir, tmp_path):
    data_dir.mkdir()
    (data_dir / "kiosk.sqlite3").write_bytes(b"garbage" * 1000)
    (tmp_path / "in.jsonl").write_text("{}\n")
    result = kiosk("import", tmp_path / "in.jsonl")
    assert result.returncode == 2
    assert result.stderr.startswith("kiosk: Cannot open the database") and len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("args", [["bogus"], ["export", "--kind", "nothing"], ["import"]])
def test_usage_mistakes_are_one_line(kiosk, args):
    result = kiosk(*args)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and "--help" in result.stderr
