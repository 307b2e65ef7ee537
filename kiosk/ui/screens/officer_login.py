"""The officer's way in: the PIN, or setting it on first start.

The PIN is typed on the on-screen keyboard's number pad (the field asks for it whatever the
keyboard setting: the pad is the only way in on a touch-only kiosk), its "Next" key submits.
The PIN is checked on the database thread (scrypt takes a moment) and never shown.
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.officer import access
from kiosk.ui.context import Context
from kiosk.ui.keyboard import ALWAYS
from kiosk.ui.widgets import Screen, button, label, scrolling, set_text


class OfficerLogin(Screen):
    entered = Signal()
    left = Signal()

    def __init__(self, context: Context):
        super().__init__()
        self.context = context
        self.setting_pin = False
        self.first_entry = ""
        self.question, self.message = label("question"), label("error")
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setInputMethodHints(self.pin.inputMethodHints() | Qt.InputMethodHint.ImhDigitsOnly)
        self.pin.setProperty(ALWAYS, "always")
        self.pin.returnPressed.connect(self.submit)
        self.cancel = button()
        self.cancel.clicked.connect(self.left.emit)
        column = QVBoxLayout()
        column.addWidget(self.question)
        column.addWidget(self.pin)
        column.addWidget(self.message)
        column.addWidget(self.cancel)
        column.addStretch(1)
        content = QWidget()
        row = QHBoxLayout(content)
        row.addStretch(1)
        row.addLayout(column, 2)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scrolling(content))
        self.retranslate()

    def start(self) -> None:
        """The long-press way in: only ever asks for an existing PIN."""
        self.reset()
        self.setting_pin = False
        self.cancel.show()
        self.retranslate()
        self.pin.setFocus()

    def begin_setup(self) -> None:
        """First start: the officer setting up the kiosk chooses the PIN; there is no way around it."""
        self.reset()
        self.setting_pin = True
        self.cancel.hide()
        self.retranslate()
        self.pin.setFocus()

    def reset(self) -> None:
        self.pin.clear()
        self.message.clear()
        self.first_entry = ""

    def speech_text(self) -> str:
        return ""  # officers' screens are not read aloud

    def retranslate(self) -> None:
        if not self.setting_pin:
            self.question.setText(_("Officer PIN"))
        elif not self.first_entry:
            self.question.setText(_("Choose an officer PIN of 6 to 12 digits"))
        else:
            self.question.setText(_("Type the same PIN once more"))
        self.pin.setAccessibleName(self.question.text())
        set_text(self.cancel, _("Back to the kiosk"))

    def submit(self) -> None:
        pin = self.pin.text()
        self.pin.clear()
        if self.setting_pin:
            self._set(pin)
        else:
            self.context.db.call(
                access.check_pin,
                pin,
                on_done=self.context.in_session(self._checked),
                on_error=self.context.in_session(lambda error: self.message.setText(str(error))),
            )

    def _set(self, pin: str) -> None:
        try:
            access.check_format(pin)
        except KioskError as exc:
            self.message.setText(str(exc))
            return
        if not self.first_entry:
            self.first_entry = pin
            self.message.clear()
        elif pin != self.first_entry:
            self.first_entry = ""
            self.message.setText(_("The two PINs differ. Please start again."))
        else:
            self.context.db.call(access.set_pin, pin, on_done=self.context.in_session(lambda _r: self._set_done()))
            self.first_entry = ""
        self.retranslate()

    def _set_done(self) -> None:
        self.setting_pin = False
        self.cancel.show()
        self.entered.emit()

    def _checked(self, result: access.PinCheck) -> None:
        if result.ok:
            self.message.clear()
            self.entered.emit()
        elif result.locked_for:
            self.message.setText(
                _("Too many wrong tries. Try again in {seconds} seconds.").format(seconds=result.locked_for)
            )
        else:
            self.message.setText(_("Wrong PIN. {tries} tries left.").format(tries=result.tries_left))
