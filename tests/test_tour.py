"""What `kiosk tour` shows is what a citizen would see, and `kiosk run` without a screen says so."""

import sys

import pytest

from kiosk.cli.common import screen_size
from kiosk.records.refcode import normalize
from kiosk.ui import tour


def test_the_tours_status_screen_shows_the_code_it_typed(open_window, data_dir, event):
    window = open_window(data_dir)
    tour.screens(window)["status"](window)
    shown_code = window.status.result.text().splitlines()[0]
    assert normalize(window.status.code.text()) == shown_code


def test_the_tour_shows_the_verdict_and_the_sms_offer_as_a_citizen_meets_them(open_window, data_dir, event):
    """The status answer with its LAPOR! number, the verdict's faces, the reason (written or spoken),
    the thank-you, a verdict given, and the SMS question: each tour picture is that screen."""
    window = open_window(data_dir)
    shown = tour.screens(window)
    status = window.status
    shown["status"](window)
    assert "LAPOR!: 4127795" in status.result.text() and not status.faces.isVisibleTo(window)
    shown["status-verdict"](window)
    assert status.faces.isVisibleTo(window) and status.pages.currentWidget() is status.lookup
    shown["status-reason"](window)
    assert status.pages.currentWidget() is status.verdict and status.verdict.wizard.step.key == "reason"
    shown["status-reason-voice"](window)
    reason = status.verdict.reason
    assert reason.pages.currentWidget() is reason.voice_panel and reason.voice is not None
    shown["status-thanks"](window)
    assert status.verdict.currentWidget() is status.verdict.thanks
    shown["status-verdict-given"](window)
    assert not status.faces.isVisibleTo(window) and "Jawaban Anda: Sebagian selesai" in status.result.text()
    shown["complaint-sms"](window)
    assert window.complaint.wizard.step.key == "sms" and window.complaint.wizard.step.choices.value() == "sms"
    shown["receipt"](window)
    assert "SMS setiap ada kabar" in window.receipt.follow_up.text()


@pytest.mark.skipif(sys.platform != "linux", reason="Linux names its display in the environment")
def test_run_without_a_display_says_so_in_one_line_instead_of_aborting(kiosk):
    no_screen = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "QT_QPA_PLATFORM": ""}
    result = kiosk("run", "--windowed", env=no_screen)
    assert result.returncode == 2
    assert result.stderr == ("kiosk: No display found; try `kiosk tour --output DIR`, or run the kiosk under Xvfb.\n")


@pytest.mark.parametrize("mode", ["normal", "large", "contrast"])
def test_a_scroll_bar_is_wide_enough_for_a_finger(qtbot, mode):
    """Where a screen scrolls, its bar is at least 24 px wide (WCAG 2.5.8) at every text size, and
    its handle is as tall as any other touch target."""
    from PySide6.QtWidgets import QLabel

    from kiosk.accessibility.display import MIN_TARGET_PX
    from kiosk.ui.theme import style_sheet
    from kiosk.ui.widgets import scrolling

    tall = QLabel("\n".join(f"Baris {n}" for n in range(80)))
    area = scrolling(tall)
    area.setStyleSheet(style_sheet(tour.MODES[mode]))
    area.resize(400, 300)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    bar = area.verticalScrollBar()
    assert bar.isVisible() and bar.width() >= 24
    handle = bar.style().subControlRect(
        bar.style().ComplexControl.CC_ScrollBar, _option(bar), bar.style().SubControl.SC_ScrollBarSlider, bar
    )
    assert handle.height() >= MIN_TARGET_PX


def _option(bar):
    from PySide6.QtWidgets import QStyleOptionSlider

    option = QStyleOptionSlider()
    bar.initStyleOption(option)
    return option


def test_the_tour_draws_a_laptop_screen_too(kiosk, qapp, tmp_path):
    """`--size` draws the screens at another size, an office laptop's for example; a size that
    is not one is refused with the reason, and nothing is drawn."""
    from PySide6.QtGui import QImage

    refused = kiosk("tour", "--output", str(tmp_path / "none"), "--size", "1366")
    assert refused.returncode == 2 and "1366 is not a screen size" in refused.stderr
    assert not (tmp_path / "none").exists()
    assert screen_size("1366X768") == (1366, 768)
    tour.render(tmp_path, size=screen_size("1366x768"), languages=("id",), modes=("large",))
    image = QImage(str(tmp_path / "receipt-id-large.png"))
    assert (image.width(), image.height()) == (1366, 768)
