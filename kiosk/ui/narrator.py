"""Read-aloud mode: says each citizen screen as it appears, and each control reached by keyboard.

The words come from the screen itself (`speech_text()`), so what is heard is what is shown,
in the same language. Speech runs in its own process (kiosk.accessibility.speech); nothing
here waits for it.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QWidget

from kiosk.i18n import DEFAULT_LANGUAGE, current_language
from kiosk.ui.widgets import running_app

if TYPE_CHECKING:  # the speech module (and multiprocessing) loads when speech is first asked for
    from kiosk.accessibility.speech import Speech


def _keyboard_focus() -> tuple[Qt.FocusReason, ...]:
    reason = Qt.FocusReason
    return reason.TabFocusReason, reason.BacktabFocusReason, reason.ShortcutFocusReason


class Narrator(QObject):
    def __init__(self, window: QWidget, settings: dict[str, Any], screen_text: Callable[[], str]):
        """`screen_text`: what the screen on show says (its `speech_text`)."""
        super().__init__(window)
        self.window, self.settings, self.screen_text = window, settings, screen_text
        self.enabled = False
        self._speech: Speech | None = None  # started on first use: no speech process unless asked for

    @property
    def speech(self) -> "Speech":
        if self._speech is None:
            from kiosk.accessibility.speech import Speech

            self._speech = Speech()
        self._speech.rate = self.settings.get("speech_rate", self._speech.rate)
        self._speech.volume = self.settings.get("speech_volume", 100) / 100
        return self._speech

    def set_enabled(self, on: bool) -> None:
        # Every event of the application passes through the filter, so it is there only while
        # read-aloud is on (keyboard focus is read out then alone).
        running_app().removeEventFilter(self)
        if on:
            running_app().installEventFilter(self)
        self.enabled = on
        if on:
            self.read_screen()
        else:
            self.stop()

    def read_screen(self) -> None:
        """Says the current screen from the top, when read-aloud is on."""
        if self.enabled:
            self.say(self.screen_text())

    def repeat(self) -> None:
        """The Repeat button: says the screen once even with read-aloud off, for whoever asks."""
        self.read_out(self.screen_text())

    def read_out(self, text: str) -> None:
        """Says `text` even with read-aloud off: someone pressed a button to hear it."""
        if text:
            self.speech.speak(text, current_language() or DEFAULT_LANGUAGE)

    def say(self, text: str) -> None:
        if self.enabled and text:
            self.speech.speak(text, current_language() or DEFAULT_LANGUAGE)

    def stop(self) -> None:
        if self._speech is not None:
            self._speech.stop()

    def close(self) -> None:
        running_app().removeEventFilter(self)
        self.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            self.enabled
            and event.type() == QEvent.Type.FocusIn
            and isinstance(event, QFocusEvent)
            and event.reason() in _keyboard_focus()
            and isinstance(watched, QWidget)
            and self.window.isAncestorOf(watched)
        ):
            self.say(". ".join(part for part in (watched.accessibleName(), watched.accessibleDescription()) if part))
        return False
