"""What `kiosk tour` shows is what a citizen would see, and `kiosk run` without a screen says so."""

import sys

import pytest

from kiosk.store.refcode import normalize
from kiosk.ui import tour


def test_the_tours_status_screen_shows_the_code_it_typed(open_window, data_dir, event):
    window = open_window(data_dir)
    tour.screens(window)["status"](window)
    shown_code = window.status.result.text().splitlines()[0]
    assert normalize(window.status.code.text()) == shown_code


@pytest.mark.skipif(sys.platform != "linux", reason="Linux names its display in the environment")
def test_run_without_a_display_says_so_in_one_line_instead_of_aborting(kiosk):
    no_screen = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "QT_QPA_PLATFORM": ""}
    result = kiosk("run", "--windowed", env=no_screen)
    assert result.returncode == 2
    assert result.stderr == ("kiosk: No display found; try `kiosk tour --output DIR`, or run the kiosk under Xvfb.\n")
