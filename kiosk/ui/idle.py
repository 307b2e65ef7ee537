"""Idle reset: a kiosk left alone starts over, so nobody sees what the last person typed.

An application-wide event filter restarts the countdown on every touch, click or key.
When it runs out, a warning counts down (at least 20 s, WCAG 2.2.1) with one big
"continue" button; when that runs out too, the window resets everything.
"""

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from kiosk.i18n import _
from kiosk.ui.widgets import button, label, set_text

WARNING_SECONDS = 20
_ACTIVITY = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.KeyPress,
    QEvent.Type.TouchBegin,
    QEvent.Type.Wheel,
    QEvent.Type.InputMethod,
}


class IdleWatcher(QObject):
    idle = Signal()  # time to warn

    def __init__(self, seconds: int, parent: QObject):
        super().__init__(parent)  # dies with its window: a stray timer must never call a deleted one
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(self.idle.emit)
        self.set_timeout(seconds)

    def set_timeout(self, seconds: int) -> None:
        self.timer.setInterval(seconds * 1000)
        self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            self.timer.start()
        return False


class IdleWarning(QFrame):
    """Covers the window with a countdown and a "continue" button (a frame: it paints the
    style sheet's background, which a plain QWidget subclass does not)."""

    resumed = Signal()
    expired = Signal()

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.covered = parent
        self.setObjectName("overlay")
        self.remaining = WARNING_SECONDS
        self.text, self.resume = label("question"), button("primary")
        self.resume.clicked.connect(self._resume)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.addStretch(1)
        layout.addWidget(self.text)
        layout.addWidget(self.resume)
        layout.addStretch(1)
        self.tick = QTimer(self, interval=1000)
        self.tick.timeout.connect(self._count)
        self.hide()

    def begin(self) -> None:
        self.remaining = WARNING_SECONDS
        self.setGeometry(self.covered.rect())
        self.retranslate()
        self.show()
        self.raise_()
        self.resume.setFocus()
        self.tick.start()

    def stop(self) -> None:
        self.tick.stop()
        self.hide()

    def _resume(self) -> None:
        self.stop()
        self.resumed.emit()

    def _count(self) -> None:
        self.remaining -= 1
        if self.remaining <= 0:
            self.stop()
            self.expired.emit()
        else:
            self.retranslate()

    def retranslate(self) -> None:
        self.text.setText(
            _("Are you still there? The kiosk starts over in {seconds} seconds and clears what was typed.").format(
                seconds=self.remaining
            )
        )
        set_text(self.resume, _("Yes, continue"))
