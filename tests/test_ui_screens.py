"""Every screen, in both languages and at every text size: named controls, big targets, fits."""

import pytest
from PySide6.QtGui import QAccessible, QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextBrowser,
    QWidget,
)

from kiosk.accessibility.display import DisplayMode
from kiosk.cli.demo import make_demo_dir
from kiosk.ui import tour
from kiosk.ui.context import Context
from kiosk.ui.dbworker import DbWorker
from kiosk.ui.window import KioskWindow

INTERACTIVE = (QAbstractButton, QLineEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox, QAbstractItemView, QTextBrowser)


@pytest.fixture(scope="module")
def demo_window(qapp):
    window = KioskWindow(Context(db=DbWorker(make_demo_dir())), kiosk_mode=False)
    window.resize(1024, 600)
    window.show()
    window.load()
    tour.settle(window)
    yield window
    window.context.db.close()
    window.deleteLater()


def _inside_composite(widget) -> bool:
    """Parts of a composite control (a spin box's editor, a table's corner button) count with it."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, (QAbstractItemView, QAbstractSpinBox, QComboBox)):
            return True
        parent = parent.parentWidget()
    return False


def visible_controls(window):
    """What a person can see and operate now: the top bar and the current screen."""
    return [
        w
        for w in window.findChildren(QWidget)
        if isinstance(w, INTERACTIVE) and w.isVisible() and not _inside_composite(w)
    ]


MODES = {**tour.MODES, "150%": DisplayMode(scale=1.5)}


def show(window, language, mode, name):
    tour.show(window, language, MODES[mode], name)


@pytest.mark.parametrize("mode", ["normal", "150%", "large"])
@pytest.mark.parametrize("language", ["id", "en"])
def test_every_control_is_named_and_big_enough(demo_window, language, mode):
    """Each visible control has an accessible name and is at least 48 x 48 logical pixels."""
    problems = []
    for name in tour.screens(demo_window):
        show(demo_window, language, mode, name)
        assert demo_window.size().toTuple() == (1024, 600), name  # nothing forced the window larger
        controls = visible_controls(demo_window)
        assert len(controls) >= 8, name  # the top bar's seven, and the screen's own
        for control in controls:
            interface = QAccessible.queryAccessibleInterface(control)
            label = interface.text(QAccessible.Text.Name) if interface else ""
            if not label:
                problems.append(
                    f"{name}: unnamed {type(control).__name__} {control.text() if hasattr(control, 'text') else ''}"
                )
            if isinstance(control, QAbstractButton) and (control.width() < 48 or control.height() < 48):
                problems.append(f"{name}: {label!r} is {control.width()}x{control.height()}")
    assert problems == []


@pytest.mark.parametrize("mode", ["normal", "large", "contrast"])
def test_the_window_fits_1024_by_600(demo_window, mode):
    """No screen asks for more than a small kiosk screen; larger content scrolls instead."""
    for language in ("id", "en"):
        demo_window.set_language(language)
        demo_window.set_mode(tour.MODES[mode])
        hint = demo_window.minimumSizeHint()
        assert hint.width() <= 1024 and hint.height() <= 600, (language, mode, hint)


def test_tour_writes_every_screen(tmp_path, qapp):
    written = tour.render(tmp_path, languages=("id",), modes=("normal", "contrast"))
    names = {path.name for path in written}
    assert {
        "home-id-normal.png",
        "receipt-id-contrast.png",
        "officer-settings-id-normal.png",
        "attendance-gender-id-normal.png",
        "complaint-review-id-normal.png",
        "idle-warning-id-normal.png",
        "complaint-sms-id-normal.png",
        "status-verdict-id-contrast.png",
        "status-reason-id-normal.png",
        "status-reason-voice-id-normal.png",
        "status-thanks-id-contrast.png",
        "status-verdict-given-id-normal.png",
    } <= names
    for path in written:
        image = QImage(str(path))
        assert (image.width(), image.height()) == (1024, 600), path.name
        assert len({image.pixel(x, y) for x in range(0, 1024, 64) for y in range(0, 600, 40)}) > 2, path.name


def _english_only_texts() -> set[str]:
    """Every English message whose Indonesian translation differs: seen on an Indonesian screen, it is a bug."""
    from kiosk.i18n import load_catalog

    catalog = load_catalog("id")
    return {msgid for msgid in catalog._catalog if isinstance(msgid, str) and msgid and catalog.gettext(msgid) != msgid}


def test_no_english_on_indonesian_screens(demo_window):
    """Widget texts (not pixels) of every screen of the tour, in Indonesian, hold no untranslated message."""
    from PySide6.QtWidgets import QLabel, QTabBar

    english = _english_only_texts()
    found, checked = [], 0
    for name in tour.screens(demo_window):
        show(demo_window, "id", "normal", name)
        for widget in demo_window.findChildren(QWidget):
            if not widget.isVisible():
                continue
            texts = [widget.accessibleName(), widget.accessibleDescription()]
            if isinstance(widget, (QLabel, QAbstractButton)):
                texts.append(widget.text())
            if isinstance(widget, QLineEdit):
                texts.append(widget.placeholderText())
            if isinstance(widget, QTabBar):
                texts += [widget.tabText(i) for i in range(widget.count())]
            if isinstance(widget, QComboBox):
                texts += [widget.itemText(i) for i in range(widget.count())]
            checked += len(texts)
            found += [f"{name}: {text!r}" for text in texts if text in english]
    assert found == []
    assert checked > 1000
    assert "Next" in english and "Back" in english  # the check knows what English looks like
