"""Attendance at the open event: gender, age band, difficulty, consent; four taps for most people."""

import logging
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from kiosk.i18n import N_, _
from kiosk.privacy import consent
from kiosk.records import RecordInvalid
from kiosk.records.models import Attendance, text_limits
from kiosk.store import intake
from kiosk.ui.context import Context
from kiosk.ui.saving import RecordSaver
from kiosk.ui.steps import ConsentStep, person_steps, record_answers
from kiosk.ui.widgets import Screen, button, label, set_text
from kiosk.ui.wizard import FieldsStep, Wizard

log = logging.getLogger(__name__)

NEXT_PERSON_MS = 5000
SAVE_FAILED = N_(
    "Your registration could not be saved. Nothing was lost: your answers are still here. "
    "Please try again, or call the officer."
)


class AttendanceScreen(Screen):
    left = Signal()
    shown = Signal()  # the thank-you page appeared

    def __init__(self, context: Context):
        super().__init__()
        self.context = context
        self.event_uuid: str | None = None
        steps = [
            *person_steps(),
            FieldsStep(
                "name",
                N_("Your name and village. You may skip this."),
                None,
                [
                    ("name", N_("Your name"), text_limits(Attendance, "name")[1]),
                    ("village", N_("Village"), text_limits(Attendance, "village")[1]),
                ],
                when=lambda _answers: bool(self.context.settings.get("attendance_asks_name")),
            ),
            ConsentStep("consent", consent.ATTENDANCE, on_decline=self._declined),
        ]
        self.wizard = Wizard(steps)
        self.wizard.finished.connect(self._save)
        self.wizard.retried.connect(self._retry)
        self.wizard.left.connect(self.left.emit)
        self.saver = RecordSaver(context, "attendance", parent=self)
        self.saver.saved.connect(lambda _record: self._thank(_("Thank you. You are registered.")))
        self.saver.failed.connect(lambda: self.wizard.show_failure(SAVE_FAILED))

        self.thanks = QWidget()
        thanks_layout = QVBoxLayout(self.thanks)
        thanks_layout.setContentsMargins(24, 24, 24, 24)
        self.thanks_text, self.next_person = label("question"), button("primary")
        self.next_person.clicked.connect(self.start)
        thanks_layout.addStretch(1)
        thanks_layout.addWidget(self.thanks_text)
        thanks_layout.addWidget(self.next_person)
        thanks_layout.addStretch(1)
        self.timer = QTimer(self, singleShot=True, interval=NEXT_PERSON_MS)
        self.timer.timeout.connect(self.start)

        self.pages = QStackedWidget()
        self.pages.addWidget(self.wizard)
        self.pages.addWidget(self.thanks)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self.retranslate()

    def start(self) -> None:
        self.event_uuid = self.context.settings.get("open_event")  # the event this person came for
        self.timer.stop()
        self.saver.forget()
        self.pages.setCurrentWidget(self.wizard)
        self.wizard.start()

    def reset(self) -> None:
        self.timer.stop()
        self.saver.forget()
        self.wizard.reset()
        self.pages.setCurrentWidget(self.wizard)

    def retranslate(self) -> None:
        self.wizard.retranslate()
        set_text(self.next_person, _("Next person"))

    def speech_text(self) -> str:
        return self.thanks_text.text() if self.pages.currentWidget() is self.thanks else self.wizard.speech_text()

    def _declined(self) -> None:
        self._thank(_("Thank you. Nothing was recorded."))

    def _save(self, answers: dict[str, Any]) -> None:
        # Neither can come of the person's answers (the home screen offers registration only while an
        # event is open, and each step checks its answer): the officer must look, so the message says so.
        if self.event_uuid is None:
            log.error("attendance not saved: no event is open")
            self.wizard.show_failure(SAVE_FAILED)
            return
        try:
            record = intake.new_attendance(self.event_uuid, record_answers(answers), self.context.device_id)
        except RecordInvalid as exc:
            log.error("attendance not saved: %s", ", ".join(f"{error.field}: {error.code}" for error in exc.errors))
            self.wizard.show_failure(SAVE_FAILED)
            return
        self.saver.save(record)  # the same record again, if these answers already failed to save once

    def _retry(self) -> None:
        if not self.saver.retry():  # no record was kept (none could be made, or another holds its uuid)
            self._save(self.wizard.answers)

    def _thank(self, text: str) -> None:
        self.wizard.reset()
        self.thanks_text.setText(text)
        self.pages.setCurrentWidget(self.thanks)
        self.next_person.setFocus()
        self.timer.start()
        self.shown.emit()
