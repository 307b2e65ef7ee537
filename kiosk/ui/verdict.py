"""The citizen's verdict on a completed report, after the faces on the status screen: why, if
they wish (written, or spoken with the story's voice recorder), then the record saved and thanks.

Why is one optional question, skipped in one tap: most people will say nothing more, and those
who do may not write. Like every other citizen record, the verdict is saved off the UI thread and
kept on screen, with "Try again", if the save fails.
"""

import logging
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from kiosk import questions
from kiosk.i18n import N_, _, current_language
from kiosk.records import RecordInvalid
from kiosk.records.models import Feedback, text_limits
from kiosk.store import intake
from kiosk.ui.context import Context
from kiosk.ui.saving import RecordSaver
from kiosk.ui.story import StoryStep, attachments_of
from kiosk.ui.widgets import button, label, set_text
from kiosk.ui.wizard import Wizard

log = logging.getLogger(__name__)

SAVE_FAILED = N_(
    "Your answer could not be saved. Nothing was lost: it is still here. Please try again, or call the officer."
)
THANKS = N_("Thank you for your answer. It helps the agency improve its service.")


class ReasonStep(StoryStep):
    """Why the follow-up did or did not solve the problem: typed, spoken, or skipped."""

    skip_label = N_("Skip")
    next_label = N_("Send my answer")


class VerdictFlow(QStackedWidget):
    """The reason's question, then the thank-you; `begin` starts it for one report and rating."""

    shown = Signal()  # a page appeared (or changed its face): read it aloud
    alerted = Signal(str)  # the save failed: read the message aloud
    hushed = Signal()  # the microphone listens: read-aloud stops
    back = Signal()  # Back: to the faces
    done = Signal()  # Done on the thank-you page

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context
        self.complaint_uuid: str | None = None
        self.rating = ""  # the face chosen (a value of questions.VERDICT)
        self.reason = ReasonStep(
            "reason",
            N_("Would you like to tell us why? You may skip this."),
            "reason",
            (0, text_limits(Feedback, "reason")[1]),  # empty is no reason at all
            hint=N_("Write a few words, or speak them. Please do not write other people's private details."),
            devices=lambda: context.devices,
            voice_prompt=N_("Press Start recording, then say why. You have up to three minutes."),
        )
        self.wizard = Wizard([self.reason], counted=False)
        self.wizard.finished.connect(self._save)
        self.wizard.retried.connect(self._retry)
        self.wizard.left.connect(self.back.emit)
        self.wizard.shown.connect(self.shown.emit)
        self.wizard.alerted.connect(self.alerted.emit)
        self.wizard.hushed.connect(self.hushed.emit)
        self.saver = RecordSaver(context, "feedback", parent=self)
        self.saver.saved.connect(self._thank)
        self.saver.failed.connect(lambda: self.wizard.show_failure(SAVE_FAILED))

        self.thanks = QWidget()
        thanks_layout = QVBoxLayout(self.thanks)
        thanks_layout.setContentsMargins(24, 24, 24, 24)
        self.thanks_text, self.done_button = label("question"), button("primary")
        self.done_button.clicked.connect(self.done.emit)
        thanks_layout.addStretch(1)
        thanks_layout.addWidget(self.thanks_text)
        thanks_layout.addWidget(self.done_button)
        thanks_layout.addStretch(1)
        self.addWidget(self.wizard)
        self.addWidget(self.thanks)
        self.retranslate()

    def begin(self, complaint_uuid: str, rating: str) -> None:
        """The reason's question for this report and face; what was typed or spoken for the same
        report stays (the face may be changed with Back)."""
        if complaint_uuid != self.complaint_uuid:
            self.reset()
        self.complaint_uuid, self.rating = complaint_uuid, rating
        self.setCurrentWidget(self.wizard)
        self.wizard.show_step(self.reason.key)

    def reset(self) -> None:
        self.saver.forget()
        self.wizard.reset()
        self.complaint_uuid, self.rating = None, ""
        self.setCurrentWidget(self.wizard)

    def retranslate(self) -> None:
        self.wizard.retranslate()
        self.thanks_text.setText(_(THANKS))
        set_text(self.done_button, _("Done"))

    def speech_text(self) -> str:
        return self.thanks_text.text() if self.currentWidget() is self.thanks else self.wizard.speech_text()

    def holding(self) -> bool:
        return self.currentWidget() is self.wizard and self.reason.recording

    def _save(self, answers: dict[str, Any]) -> None:
        entries, blobs = attachments_of(answers)
        assert self.complaint_uuid is not None  # `begin` came first
        try:
            record = intake.new_feedback(
                self.complaint_uuid,
                {
                    "rating": questions.RATING[self.rating],
                    "reason": answers.get(self.reason.field),
                    "attachments": entries,
                    "language": current_language() or "id",
                },
                self.context.device_id,
            )
        except RecordInvalid as exc:  # each answer was checked on its step: the officer must look
            log.error("verdict not saved: %s", ", ".join(f"{error.field}: {error.code}" for error in exc.errors))
            self.wizard.show_failure(SAVE_FAILED)
            return
        self.saver.save(record, blobs)  # the same record again, if these answers already failed to save once

    def _retry(self) -> None:
        if not self.saver.retry():  # no record was kept (another one holds its uuid): a new one
            self._save(self.wizard.answers)

    def _thank(self, _record: dict[str, Any]) -> None:
        self.wizard.reset()  # the reason, typed or spoken, is not kept on screen
        self.setCurrentWidget(self.thanks)
        self.done_button.setFocus()
        self.shown.emit()
