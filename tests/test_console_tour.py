"""`kiosk-hub tour`: every console page photographed by Debian's headless Chromium on a
demonstration hub, as real PNG files of the screen's width, and a bad size refused."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from hub.console.tour import VARIANTS

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (shutil.which("chromium") and shutil.which("chromedriver")),
        reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)",
    ),
]
SHOWN_NOW = (
    "login",
    "inbox",
    "inbox-overdue",
    "complaint-verifier",
    "complaint-liaison",
    "complaint-viewer",
    "national",
)


def tour(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hub.cli", "tour", *args], capture_output=True, text=True, timeout=300)


def test_every_page_is_photographed_whole_and_not_blank(tmp_path):
    """One size and one language: the same pages in every variant, each a PNG as wide as the
    screen, at least as tall, and with something drawn on it; the count printed is the count written."""
    done = tour("--output", str(tmp_path), "--size", "390x844", "--language", "id")
    assert done.returncode == 0, done.stderr
    written = sorted(tmp_path.rglob("*.png"))
    assert done.stdout.strip() == f"{len(written)} screenshots written to {tmp_path}"
    shown = [{path.stem for path in (tmp_path / "id" / "390x844" / variant.name).glob("*.png")} for variant in VARIANTS]
    assert set(SHOWN_NOW) <= shown[0] and all(pages == shown[0] for pages in shown)
    assert len(written) == len(shown[0]) * len(VARIANTS)
    for path in written:
        with Image.open(path) as image:
            assert image.format == "PNG" and image.width == 390 and image.height >= 844, path
            colours = image.convert("RGB").getcolors(maxcolors=256)  # None: more than that
            assert colours is None or len(colours) > 8, path


@pytest.mark.parametrize("size", ["390", "12x844", "390x844x2", "wide"])
def test_a_bad_size_is_refused_in_one_line(tmp_path, size):
    """A size that is not WIDTHxHEIGHT within bounds ends in one line naming it, exit 2, nothing written."""
    done = tour("--output", str(tmp_path / "shots"), "--size", size)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and repr(size) in done.stderr
    assert not (tmp_path / "shots").exists()


def test_without_chromium_it_says_what_to_install(tmp_path):
    """No chromium on the PATH: one line saying what to install, exit 2."""
    done = subprocess.run(
        [sys.executable, "-m", "hub.cli", "tour", "--output", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": str(Path(sys.executable).parent)},
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "kiosk-hub: the tour needs Debian's headless Chromium: apt-get install chromium chromium-driver"
    )
