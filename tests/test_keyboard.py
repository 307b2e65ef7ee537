"""The on-screen keyboard: its layouts, what each key types, when it docks, and that the
field being typed in stays in sight and keeps the focus."""

import pytest
from conftest import PIN
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QRegularExpressionValidator
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel
from test_ui_accessibility import RecordingSpeech
from test_ui_flows import click, settle

from kiosk.accessibility.display import DisplayMode
from kiosk.ui.keyboard_layouts import DIALABLE, EMAIL, LETTERS, NUMERIC, PAGES, SYMBOLS
from kiosk.ui.theme import MIN_KEY_PX


def focus_field(qtbot, window, step_key=None, field=None):
    """The window active (focus is only given in an active window), on a complaint step, the
    field with the focus; the field is given back."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    if step_key is not None:
        window.go("complaint")
        window.complaint.wizard.show_step(step_key)
        step = window.complaint.wizard.step
        field = step.form.inputs[field] if field else step.edit
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    return field


@pytest.fixture
def typing(window):
    """A window whose keyboard docks for every text field (the tests' windows are not in kiosk mode)."""
    window.context.settings["keyboard"] = "always"
    window.keyboard.refresh()
    return window


def keys(window):
    """The keys on show, by what they type (or their kind: "next", "space", "backspace"...)."""
    board = window.keyboard.keyboard
    return {
        button.key.value if button.key.kind in ("char", "page") else button.key.kind: button
        for button in board.keys[board.page]
    }


def tap(qtbot, window, *names):
    for name in names:
        click(qtbot, keys(window)[name])


def test_the_layout_follows_the_fields_input_method_hints(qtbot, typing):
    """Letters for a title, a dialling pad for a phone, e-mail keys for an address, digits for the PIN."""
    board = typing.keyboard.keyboard
    focus_field(qtbot, typing, "title")
    assert typing.keyboard.shown and board.page == LETTERS
    assert {"q", "a", "z", "space", "shift", "caps", "backspace", "next", "read", SYMBOLS} <= set(keys(typing))
    focus_field(qtbot, typing, "contact", "phone")
    assert board.page == DIALABLE and {"0", "9", "+", "backspace", "next"} <= set(keys(typing))
    assert "q" not in keys(typing)
    focus_field(qtbot, typing, "contact", "email")
    assert board.page == EMAIL and {"@", ".com", ".id", ".co.id", "q"} <= set(keys(typing))
    typing.go("officer_login")
    focus_field(qtbot, typing, field=typing.officer_login.pin)
    assert board.page == NUMERIC and "+" not in keys(typing) and "read" in keys(typing)


def test_letters_shift_caps_space_and_backspace(qtbot, typing):
    field = focus_field(qtbot, typing, "title")
    tap(qtbot, typing, "shift", "j", "a", "space", "caps", "r", "t")
    assert field.text() == "Ja RT"  # shift is for one letter, caps lock until pressed again
    assert keys(typing)["q"].text() == "Q"  # the keys show what they will type
    tap(qtbot, typing, "caps", "k", "backspace", "backspace", "m")
    assert field.text() == "Ja Rm"
    assert QApplication.focusWidget() is field  # a tap never takes the focus from the field


def test_the_digits_page_and_back(qtbot, typing):
    field = focus_field(qtbot, typing, "title")
    tap(qtbot, typing, SYMBOLS, "1", "2", "/", "&", LETTERS, "b")
    assert field.text() == "12/&b"
    assert keys(typing)[SYMBOLS].text() == "?123"


def test_email_keys_type_whole_endings(qtbot, typing):
    field = focus_field(qtbot, typing, "contact", "email")
    field.clear()
    tap(qtbot, typing, "s", "i", "@", "d", "e", "s", "a", ".co.id")
    assert field.text() == "si@desa.co.id"
    tap(qtbot, typing, ".com")
    assert field.text().endswith(".co.id.com")


def test_keys_are_real_key_events_so_validators_and_limits_hold(qtbot, typing):
    field = focus_field(qtbot, typing, "title")
    field.setValidator(QRegularExpressionValidator("[a-z]*"))
    tap(qtbot, typing, "a", SYMBOLS, "1", LETTERS, "b")
    assert field.text() == "ab"  # the digit was refused by the field's validator
    field.setValidator(None)
    field.setMaxLength(3)
    tap(qtbot, typing, "c", "d", "e")
    assert field.text() == "abc"


def test_next_moves_through_the_fields_then_goes_on(qtbot, typing):
    wizard = typing.complaint.wizard
    name = focus_field(qtbot, typing, "contact", "name")
    form = wizard.step.form
    tap(qtbot, typing, "next")
    assert QApplication.focusWidget() is form.inputs["phone"] and typing.keyboard.keyboard.page == DIALABLE
    tap(qtbot, typing, "next")
    assert QApplication.focusWidget() is form.inputs["email"]
    tap(qtbot, typing, "next")  # the last field: the screen's Next
    assert wizard.step.key != "contact" and not name.isVisible()


def test_next_in_a_long_text_presses_the_screens_next(qtbot, typing):
    wizard = typing.complaint.wizard
    wizard.answers = {"classification": "complaint", "title": "Jalan rusak parah"}
    field = focus_field(qtbot, typing, "body")
    field.setPlainText("Jalan di depan sekolah rusak parah sejak bulan Juni")
    tap(qtbot, typing, "next")
    assert wizard.step.key != "body" and not wizard.error.isVisible()


def test_the_officer_pin_pad_is_the_keyboards_number_pad(qtbot, window):
    """The PIN pad docks whatever the setting (it is the way in on a touch-only kiosk); digits
    and "Next" open officer mode."""
    window.context.settings["keyboard"] = "never"
    window.go("officer_login")
    settle(qtbot, window)
    focus_field(qtbot, window, field=window.officer_login.pin)
    assert window.keyboard.shown and window.keyboard.keyboard.page == NUMERIC
    tap(qtbot, window, *PIN[:-1], "9", "backspace", PIN[-1])
    assert window.officer_login.pin.text() == PIN
    tap(qtbot, window, "next")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.officer, timeout=10_000)


def test_a_wrong_pin_on_the_pad_is_refused(qtbot, window):
    window.go("officer_login")
    settle(qtbot, window)
    focus_field(qtbot, window, field=window.officer_login.pin)
    tap(qtbot, window, *"000000", "next")
    settle(qtbot, window)
    assert window.stack.currentWidget() is window.officer_login
    assert window.officer_login.message.text() and window.officer_login.pin.text() == ""


def test_never_and_always(qtbot, window):
    window.context.settings["keyboard"] = "never"
    window.keyboard.refresh()
    focus_field(qtbot, window, "title")
    assert not window.keyboard.shown
    window.context.settings["keyboard"] = "always"
    window.keyboard.refresh()
    assert window.keyboard.shown
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_A)
    assert window.keyboard.shown  # "always" stays, physical keyboard or not


def test_auto_docks_in_kiosk_mode_until_a_physical_key_is_pressed(qtbot, window):
    assert window.context.settings["keyboard"] == "auto"
    field = focus_field(qtbot, window, "title")
    assert not window.keyboard.shown  # a windowed kiosk (a desk, a laptop) has a keyboard
    window.kiosk_mode = True
    window.start_over()
    field = focus_field(qtbot, window, "title")
    assert window.keyboard.shown
    tap(qtbot, window, "o", "k")
    assert window.keyboard.shown and field.text().endswith("ok")  # its own keys are not a physical key
    QTest.keyClick(field, Qt.Key.Key_X)
    assert not window.keyboard.shown and field.text().endswith("okx")
    focus_field(qtbot, window, "contact", "phone")
    assert not window.keyboard.shown  # not for the rest of this person's turn
    window.start_over()  # the next person
    focus_field(qtbot, window, "title")
    assert window.keyboard.shown
    window.kiosk_mode = False
    window.start_over()


def test_every_key_has_a_name(qtbot, typing):
    """English names for every key of every page; the words Indonesian already had."""
    board = typing.keyboard.keyboard
    focus_field(qtbot, typing, "title")
    for language in ("en", "id"):
        typing.set_language(language)
        for page in PAGES:
            board.show_page(page)
            for button in board.keys[page]:
                interface = QAccessible.queryAccessibleInterface(button)
                assert interface.text(QAccessible.Text.Name).strip(), (page, button.key)
    typing.set_language("en")
    board.show_page(LETTERS)
    names = {kind: keys(typing)[kind].accessibleName() for kind in ("space", "backspace", "shift", "next", ".")}
    assert names == {"space": "Space", "backspace": "Erase", "shift": "Shift", "next": "Next", ".": "full stop"}
    typing.set_language("id")
    assert keys(typing)["next"].accessibleName() == "Lanjut" and keys(typing)["backspace"].accessibleName() == "Hapus"


def test_keys_are_big_and_grow_with_the_text(qtbot, typing):
    focus_field(qtbot, typing, "title")
    sizes = {}
    for scale in (1.0, 2.0):
        typing.set_mode(DisplayMode(scale))
        settle(qtbot, typing)
        for button in keys(typing).values():
            assert button.width() >= MIN_KEY_PX and button.height() >= MIN_KEY_PX, button.accessibleName()
        sizes[scale] = keys(typing)["q"].height()
    assert sizes[2.0] > sizes[1.0]
    assert typing.size().toTuple() == (1024, 600)


@pytest.mark.parametrize("scale", [1.0, 2.0])
@pytest.mark.parametrize(("step", "name"), [("title", None), ("contact", "phone"), ("contact", "email"), ("pin", None)])
def test_the_focused_field_is_never_behind_the_keyboard(qtbot, typing, scale, step, name):
    """The field, and the words that name it, are in sight above the keyboard at every text size."""
    typing.set_mode(DisplayMode(scale))
    if step == "pin":
        typing.go("officer_login")
        field = focus_field(qtbot, typing, field=typing.officer_login.pin)
    else:
        field = focus_field(qtbot, typing, step, name)
    qtbot.wait(20)  # the second, settled look at the field
    board = typing.keyboard.keyboard
    assert typing.keyboard.shown and typing.size().toTuple() == (1024, 600)
    rect = field.rect().translated(field.mapTo(typing, field.rect().topLeft()))
    assert not rect.intersects(board.geometry()), (rect, board.geometry())
    seen = field.visibleRegion().boundingRect()
    assert seen.height() == field.height()  # all of it in sight, not cut by its scroll area
    if name is not None:  # a form's field: its caption above it is in sight too
        caption = next(c for c in typing.findChildren(QLabel) if c.buddy() is field)
        assert caption.visibleRegion().boundingRect().height() == caption.height(), caption.text()


def test_a_long_text_keeps_its_cursor_in_sight(qtbot, typing):
    field = focus_field(qtbot, typing, "body")
    tap(qtbot, typing, "a", "space")
    cursor = field.cursorRect()
    assert field.viewport().visibleRegion().contains(cursor.center())
    top_left = field.viewport().mapTo(typing, cursor.topLeft())
    assert top_left.y() < typing.keyboard.keyboard.geometry().top()


def test_key_presses_are_spoken_in_read_aloud_mode(qtbot, typing):
    fake = typing.narrator._speech = RecordingSpeech()
    field = focus_field(qtbot, typing, "title")
    typing.set_language("en")
    tap(qtbot, typing, "a")
    assert fake.said == []  # read-aloud is off
    typing.narrator.set_enabled(True)
    tap(qtbot, typing, "b", "space", "backspace", SYMBOLS, "@")
    said = [text for text, _language in fake.said[-5:]]
    assert said == ["b", "Space", "Erase", "Numbers and symbols", "at sign"]
    typing.set_language("id")
    tap(qtbot, typing, "backspace")
    assert fake.said[-1] == ("Hapus", "id")
    typing.narrator.set_enabled(False)
    tap(qtbot, typing, LETTERS, "read")  # read back: asked for, so said even with read-aloud off
    assert fake.said[-1] == (field.text(), "id") and field.text().endswith("ab")


def test_a_pin_is_never_heard(qtbot, window):
    fake = window.narrator._speech = RecordingSpeech()
    window.narrator.set_enabled(True)
    window.go("officer_login")
    focus_field(qtbot, window, field=window.officer_login.pin)
    tap(qtbot, window, "1", "2", "read")
    assert fake.said and not any(text in ("1", "2", "12") for text, _language in fake.said)
    window.narrator.set_enabled(False)
