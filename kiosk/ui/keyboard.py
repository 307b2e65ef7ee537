"""Our own on-screen keyboard, docked under the screens while a text field has focus.

Qt's virtual keyboard is GPL or commercial and needs Qt Quick, so this one is plain widgets.
Each tap reaches the field as a real key event (what a physical keyboard would send), so
validators, length limits and each field's own behaviour (Enter goes on) work unchanged;
the keys never take the focus, so the field keeps its cursor.

Which keys show comes from the field's input method hints, Qt's own words for this: digits
only (a PIN, an age) or a phone number get a number pad, an e-mail address gets `@` and
`.co.id`, the rest get letters.
"""

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.i18n import _
from kiosk.ui.keyboard_layouts import DIALABLE, EMAIL, LETTERS, NUMERIC, PAGES, SYMBOL_NAMES, SYMBOLS, Key
from kiosk.ui.narrator import Narrator
from kiosk.ui.widgets import TextField, running_app, text_field

ALWAYS = "onScreenKeyboard"  # a field with this property "always" gets the keyboard whatever the setting
HINT = Qt.InputMethodHint
STRETCH = 10  # layout stretch per key unit (stretch factors are whole numbers)


def layout_for(field: QWidget) -> str:
    hints = field.inputMethodHints()
    if hints & HINT.ImhDialableCharactersOnly:
        return DIALABLE
    if hints & (HINT.ImhDigitsOnly | HINT.ImhFormattedNumbersOnly):
        return NUMERIC
    if hints & HINT.ImhEmailCharactersOnly:
        return EMAIL
    return LETTERS


def hidden_text(field: QWidget) -> bool:
    """A PIN: neither its keys nor its text may be heard by the people around."""
    masked = isinstance(field, QLineEdit) and field.echoMode() != QLineEdit.EchoMode.Normal
    return masked or bool(field.inputMethodHints() & HINT.ImhHiddenText)


def field_text(field: TextField) -> str:
    return field.text() if isinstance(field, QLineEdit) else field.toPlainText()


class KeyButton(QPushButton):
    def __init__(self, key: Key):
        super().__init__()
        self.key = key
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a tap must leave the focus (and cursor) in the field
        # Width comes from the row's stretch, never from the label: a long label must not widen the window.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setAutoRepeat(key.kind == "backspace")  # held down, it keeps erasing
        if key.kind in ("shift", "caps"):
            self.setCheckable(True)
        if key.kind == "next":
            self.setProperty("action", True)
        if key.kind in ("backspace", "shift", "caps"):
            self.setProperty("glyph", True)  # a sign, not a word: drawn larger to be read


class Keyboard(QFrame):
    """The keys, one page at a time; `attach` points them at a field."""

    resized = Signal()  # another page, or another text size: the screens above have another height

    def __init__(self, speak: Callable[[str], None], read_out: Callable[[str], None]):
        """`speak`: says a key in read-aloud mode; `read_out`: says the field's text, always (asked for)."""
        super().__init__()
        self.speak, self.read_out = speak, read_out
        self.setObjectName("keyboard")
        self.field: TextField | None = None
        self.home = LETTERS  # the attached field's own page, where "ABC" leads back to
        self.shift = self.caps = False
        # Pages side by side in one layout, all but one hidden: not a QStackedWidget, whose size
        # would be its largest page's, styled for the text size it was last shown at.
        self.pages: dict[str, QWidget] = {}
        self.keys: dict[str, list[KeyButton]] = {}  # by page, built when first shown
        self.page = LETTERS
        self.rows = QVBoxLayout(self)
        self.rows.setContentsMargins(8, 8, 8, 8)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resized.emit()

    def attach(self, field: TextField) -> None:
        """The keys now type into `field`, on the page its hints ask for."""
        self.field = field
        self.home = layout_for(field)
        self.shift = self.caps = False
        self.show_page(self.home)

    def show_page(self, name: str) -> None:
        if name not in self.keys:
            self._build(name)
        self.page = name
        for page, box in self.pages.items():  # hidden first: two pages on show would grow the window
            if page != name:
                box.hide()
        self.pages[name].show()
        self.retranslate()

    def _build(self, name: str) -> None:
        box = QWidget()
        holder = box
        if name in (NUMERIC, DIALABLE):  # a pad, not a full-width board: centred, as on a phone
            holder = QWidget()
            holder.setObjectName("numericPad")
            outer = QHBoxLayout(box)
            outer.setContentsMargins(0, 0, 0, 0)
            outer.addStretch(1)
            outer.addWidget(holder, 4)
            outer.addStretch(1)
        rows = QVBoxLayout(holder)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(6)
        keys = []
        for row_keys in PAGES[name]:
            row = QHBoxLayout()
            row.setSpacing(6)
            for key in row_keys:
                if key.kind == "gap":
                    row.addStretch(round(key.width * STRETCH))
                    continue
                button = KeyButton(key)
                button.clicked.connect(lambda _checked=False, k=key: self.press(k))
                row.addWidget(button, round(key.width * STRETCH))
                keys.append(button)
            rows.addLayout(row)
        self.keys[name] = keys
        self.pages[name] = box
        self.rows.addWidget(box)

    def retranslate(self) -> None:
        """Names every key of the page on show (letters follow shift and caps lock)."""
        names = {
            "backspace": ("⌫", _("Erase")),
            "shift": ("⬆", _("Shift")),
            "caps": ("⇪", _("Caps lock")),
            "space": (_("Space"), _("Space")),
            "next": (_("Next"), _("Next")),
            "read": (_("Read"), _("Read back")),
        }
        for button in self.keys.get(self.page, []):
            key = button.key
            if key.kind == "char":
                text = self._char(key.value)
                button.setText(text.replace("&", "&&"))  # a lone "&" would mark a shortcut, and show nothing
                button.setAccessibleName(_(SYMBOL_NAMES[text]) if text in SYMBOL_NAMES else text)
            elif key.kind == "page":
                text, name = ("ABC", _("Letters")) if key.value == LETTERS else ("?123", _("Numbers and symbols"))
                button.setText(text)
                button.setAccessibleName(name)
            else:
                text, name = names[key.kind]
                button.setText(text)
                button.setAccessibleName(name)
            if key.kind == "read":
                button.setAccessibleDescription(_("Reads aloud what is typed in the field"))
            if key.kind == "shift":
                button.setChecked(self.shift)
            if key.kind == "caps":
                button.setChecked(self.caps)
        self.setAccessibleName(_("On-screen keyboard"))

    def _char(self, value: str) -> str:
        return value.upper() if (self.shift or self.caps) and value.isalpha() and len(value) == 1 else value

    def press(self, key: Key) -> None:
        """What a tap on `key` does to the attached field."""
        field = self.field
        if field is None:
            return
        hidden = hidden_text(field)
        if key.kind == "char":
            text = self._char(key.value)
            for char in text:
                self._send(field, ord(char.upper()), char)
            if not hidden:
                self.speak(_(SYMBOL_NAMES[text]) if text in SYMBOL_NAMES else text)
            if self.shift:
                self.shift = False
                self.retranslate()
        elif key.kind == "space":
            self._send(field, Qt.Key.Key_Space, " ")
            self.speak(_("Space"))
        elif key.kind == "backspace":
            self._send(field, Qt.Key.Key_Backspace)
            self.speak(_("Erase"))
        elif key.kind in ("shift", "caps"):
            if key.kind == "shift":
                self.shift = not self.shift
            else:
                self.caps, self.shift = not self.caps, False
            self.retranslate()
            self.speak(_("Shift") if key.kind == "shift" else _("Caps lock"))
        elif key.kind == "page":
            self.show_page(self.home if key.value == LETTERS else SYMBOLS)
            self.speak(_("Letters") if key.value == LETTERS else _("Numbers and symbols"))
        elif key.kind == "read":
            self.read_out(self._read_back(field, hidden))
        elif key.kind == "next":
            self.speak(_("Next"))
            self._next(field)

    @staticmethod
    def _read_back(field: TextField, hidden: bool) -> str:
        text = field_text(field)
        if not text:
            return _("Nothing is typed yet.")
        return _("{count} characters typed").format(count=len(text)) if hidden else text

    @staticmethod
    def _send(field: QWidget, key: int, text: str = "") -> None:
        """A press and a release, as a physical key sends them (sent, not posted: the text
        has changed when the tap returns)."""
        modifiers = Qt.KeyboardModifier.ShiftModifier if text.isupper() else Qt.KeyboardModifier.NoModifier
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            running_app().sendEvent(field, QKeyEvent(kind, key, modifiers, text))

    def _next(self, field: TextField) -> None:
        """The next text field of the screen; after the last, the screen's own way on: Enter
        in a one-line field (each screen goes on, or submits, on it), else its primary button."""
        later = next_field(field)
        if later is not None:
            later.setFocus(Qt.FocusReason.OtherFocusReason)  # not Tab's reason: that would select all
            self.speak(later.accessibleName())
        elif isinstance(field, QLineEdit):
            self._send(field, Qt.Key.Key_Return, "\r")
        else:
            button = primary_button(field)
            if button is not None:
                button.click()


def next_field(field: QWidget) -> TextField | None:
    """The text field after `field` in the window's Tab order, on show, if any."""
    widget = field.nextInFocusChain()
    while widget is not None and widget is not field and widget is not field.window():
        found = text_field(widget)
        if found is not None and found.isVisible() and found.isEnabled():
            return found
        widget = widget.nextInFocusChain()
    return None


def scroll_area_of(field: QWidget) -> QScrollArea | None:
    parent = field.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def primary_button(field: QWidget) -> QPushButton | None:
    """The nearest primary button (Next, Check) around `field`: the screen's way on."""
    parent = field.parentWidget()
    while parent is not None:
        for button in parent.findChildren(QPushButton, "primary"):
            if button.isVisible() and button.isEnabled():
                return button
        parent = parent.parentWidget()
    return None


class KeyboardDock(QObject):
    """Shows the keyboard under the screens while one of the window's text fields has focus,
    and keeps that field in sight above it.

    The `keyboard` setting decides: "always", "never", or "auto": in kiosk mode, until a
    physical key press shows that the kiosk has a keyboard of its own; the next person
    (`start_over`) gets it again. A field marked `ALWAYS` (the officer PIN, once its own pad)
    gets it whatever the setting, so a touch-only kiosk set to "never" does not lock officers out.
    """

    def __init__(
        self,
        window: QWidget,
        layout: QVBoxLayout,
        settings: dict[str, Any],
        narrator: Narrator,
        in_kiosk_mode: Callable[[], bool],
        make_room: Callable[[bool], None],
    ):
        """The keyboard goes at the end of `layout`, the window's; `make_room(docked)` lets the
        window make space for it (and give it back)."""
        super().__init__(window)
        self.window, self.layout, self.settings, self.narrator = window, layout, settings, narrator
        self.in_kiosk_mode, self.make_room = in_kiosk_mode, make_room
        self.physical_key_seen = False
        self.watching = False
        self._keyboard: Keyboard | None = None  # built the first time a field needs it
        running_app().focusChanged.connect(self.follow_focus)

    @property
    def keyboard(self) -> Keyboard:
        if self._keyboard is None:
            self._keyboard = Keyboard(self.narrator.say, self.narrator.read_out)
            # Queued: the keyboard is resized in the middle of laying the window out, the screens after it.
            self._keyboard.resized.connect(self._keep_field_in_sight, Qt.ConnectionType.QueuedConnection)
            self._keyboard.hide()
            self.layout.addWidget(self._keyboard)
        return self._keyboard

    @property
    def shown(self) -> bool:
        return self._keyboard is not None and self._keyboard.isVisible()

    def start_over(self) -> None:
        self.physical_key_seen = False
        self.refresh()

    def refresh(self) -> None:
        """After a change of setting or session: watches for physical keys only while that
        can change anything (every event of the application passes through the filter)."""
        watch = self._auto_in_kiosk_mode() and not self.physical_key_seen
        if watch != self.watching:
            if watch:
                running_app().installEventFilter(self)
            else:
                running_app().removeEventFilter(self)
            self.watching = watch
        self.follow_focus()

    def close(self) -> None:
        running_app().removeEventFilter(self)
        self.watching = False

    def retranslate(self) -> None:
        if self._keyboard is not None:
            self._keyboard.retranslate()

    def _auto_in_kiosk_mode(self) -> bool:
        return self.settings.get("keyboard", "auto") == "auto" and self.in_kiosk_mode()

    def wanted(self, field: QWidget) -> bool:
        if field.property(ALWAYS) == "always":
            return True
        mode = self.settings.get("keyboard", "auto")
        return mode == "always" or (mode == "auto" and self.in_kiosk_mode() and not self.physical_key_seen)

    def follow_focus(self, *_focus: object) -> None:
        """Docks or hides the keyboard for the widget with the focus (also `focusChanged`'s slot)."""
        field = text_field(running_app().focusWidget())
        if field is not None and self.window.isAncestorOf(field) and self.wanted(field):
            self.dock(field)
        else:
            self.undock()

    def dock(self, field: TextField) -> None:
        """The keyboard under the screens, typing into `field` (the tour asks for it directly:
        an offscreen window that is not the active one gets no focus)."""
        keyboard = self.keyboard
        if keyboard.field is not field:
            keyboard.attach(field)
        self.make_room(True)  # first: showing the keyboard lays the window out at once
        keyboard.show()
        self.keep_in_sight(field)

    def undock(self) -> None:
        if self._keyboard is not None and self._keyboard.isVisible():
            self._keyboard.hide()
            self._keyboard.field = None
            self.make_room(False)

    def _keep_field_in_sight(self) -> None:
        if self._keyboard is not None and self._keyboard.field is not None and self._keyboard.isVisible():
            self.keep_in_sight(self._keyboard.field)

    def keep_in_sight(self, field: QWidget) -> None:
        """The screens shrink at once to leave room for the keyboard, and the field's scroll area
        brings the whole field into what is left (a long text too tall for it: its cursor)."""
        # Every layout that waits for its turn, now: the field's place is then the one it will have.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        area = scroll_area_of(field)
        content = area.widget() if area is not None else None
        if area is None or content is None:
            return
        # Not ensureWidgetVisible alone: for a text field it brings only the cursor into view.
        bar, view = area.verticalScrollBar(), area.viewport().height()
        margin = max(0, min(8, (view - field.height()) // 2))  # a little air around it, if there is room
        top = field.mapTo(content, QPoint(0, 0)).y()
        bottom = top + field.height()
        captions = [  # the field's name above it, in sight with it when there is room
            caption.mapTo(content, QPoint(0, 0)).y()
            for caption in content.findChildren(QLabel)
            if caption.buddy() is field and caption.isVisible()
        ]
        lowest = bottom + margin - view  # the least scroll that shows the field's bottom
        if lowest <= top - margin:  # all of the field fits; and of its name, as much as fits
            highest = max(lowest, min([top, *captions]) - margin)
            bar.setValue(min(max(bar.value(), lowest), highest))
            return
        bar.setValue(top)  # taller than the room left: from its first line, as much as fits
        if not isinstance(field, QLineEdit):
            area.ensureWidgetVisible(field, 0, 0)  # and its cursor, if that is further down

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Spontaneous: from the platform, a real key. The keyboard's own events are sent, never spontaneous.
        if event.type() == QEvent.Type.KeyPress and event.spontaneous():
            self.physical_key_seen = True
            self.refresh()
        return False
