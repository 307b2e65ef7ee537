"""Filing a complaint, a suggestion or a request for information, one question per screen.

Consent comes first, before anything is collected; then what it is, the story, where and when,
who may know who sent it, how to reach the person, and one optional screen of who they are.
"""

from html import escape
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk import questions
from kiosk.i18n import N_, _, current_language, format_day
from kiosk.privacy import consent
from kiosk.records import RecordInvalid
from kiosk.records.models import Complaint, Location, Reporter, text_limits
from kiosk.store import intake
from kiosk.ui import pictograms
from kiosk.ui.context import Context
from kiosk.ui.saving import RecordSaver
from kiosk.ui.steps import ConsentStep, ReachStep, record_answers, wgss_steps
from kiosk.ui.story import PHOTOS, VOICE, StoryStep, attachments_of, clock
from kiosk.ui.widgets import CheckBox, Screen, column, label
from kiosk.ui.wizard import Answers, ChoiceStep, DateStep, FieldsStep, Step, TextStep, Wizard, get_path

SMS_ANSWER = "_sms"  # the screen's answer; the record says `sms_updates` only when there is a phone to send to
SAVE_FAILED = N_(
    "Your report could not be saved. Nothing was lost: your answers are still here. "
    "Please try again, or call the officer."
)


class IdentityStep(Step):
    """Anonymous and confidential, each explained in one sentence: two independent yes-or-no
    choices, so check boxes (a tap does not move on, unlike a single choice)."""

    def __init__(self) -> None:
        super().__init__("identity", N_("Who may see your report?"))

    def build(self) -> QWidget:
        box, layout = column()
        self.anonymous = CheckBox(pictogram=pictograms.CHECKS["anonymous"])
        self.confidential = CheckBox(pictogram=pictograms.CHECKS["confidential"])
        self.anonymous_help, self.confidential_help = label("hint"), label("hint")
        for check, help_label in ((self.anonymous, self.anonymous_help), (self.confidential, self.confidential_help)):
            layout.addWidget(check)
            layout.addWidget(help_label)
        layout.addStretch(1)
        return box

    def retranslate(self) -> None:
        texts = (
            (
                self.anonymous,
                self.anonymous_help,
                _("Anonymous"),
                _("Your name is not asked and not sent: nobody, not even the agency, will know who reported."),
            ),
            (
                self.confidential,
                self.confidential_help,
                _("Confidential"),
                _("Your report is not published: only the offices handling it can read it."),
            ),
        )
        for check, help_label, title, sentence in texts:
            check.setText(title)
            check.setAccessibleName(title)
            check.setAccessibleDescription(sentence)
            help_label.setText(sentence)

    def speech_text(self) -> str:
        return " ".join(
            f"{check.text()}: {help_label.text()}"
            for check, help_label in (
                (self.anonymous, self.anonymous_help),
                (self.confidential, self.confidential_help),
            )
        )

    def load(self, answers: Answers) -> None:
        self.anonymous.setChecked(bool(answers.get("anonymous")))
        self.confidential.setChecked(bool(answers.get("confidential")))

    def save(self, answers: Answers) -> str | None:
        answers["anonymous"] = self.anonymous.isChecked()
        answers["confidential"] = self.confidential.isChecked()
        if answers["anonymous"]:
            answers.pop("reporter", None)  # an anonymous report carries no identity
        return None

    def clear(self) -> None:
        self.anonymous.setChecked(False)
        self.confidential.setChecked(False)

    def focus_widget(self) -> QWidget | None:
        return self.anonymous


def told_otherwise(answers: Answers) -> list[tuple[str, str]]:
    """The review's lines for a voice note and photos, when there are any."""
    rows = []
    if answers.get(VOICE) is not None:
        rows.append((_("Voice recording"), clock(answers[VOICE].duration_s)))
    if answers.get(PHOTOS):
        rows.append((_("Photos"), str(len(answers[PHOTOS]))))
    return rows


def sms_wanted(answers: Answers) -> bool:
    """The citizen asked for SMS notices and still has a number to send them to (Back may have
    taken it away, or made the report anonymous)."""
    return (
        answers.get(SMS_ANSWER) == "sms" and bool(get_path(answers, "reporter.phone")) and not answers.get("anonymous")
    )


class ReviewStep(Step):
    """Everything the citizen answered, to read once more before sending."""

    next_label = N_("Send my report")

    def __init__(self) -> None:
        super().__init__("review", N_("Please check your report"))

    def build(self) -> QWidget:
        self.answers: Answers = {}
        self.summary = label()
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        return self.summary

    def retranslate(self) -> None:
        self.load(self.answers)

    def speech_text(self) -> str:
        return self.summary.text().replace("<br>", ". ").replace("</p>", ". ")

    def load(self, answers: Answers) -> None:
        self.answers = answers
        classification = dict((v, t) for v, t, _d in questions.CLASSIFICATION).get(answers.get("classification", ""))
        location = answers.get("location", {})
        reporter = answers.get("reporter", {})
        rows = [
            (_("Type"), _(classification) if classification else ""),  # _("") would be the catalog's header
            (_("Subject"), answers.get("title", "")),
            (_("What happened"), answers.get("body", "")),
            *told_otherwise(answers),
            (_("When"), format_day(answers["incident_date"]) if answers.get("incident_date") else _("Not given")),
            (
                _("Where"),
                ", ".join(v for v in (location.get("text"), location.get("village"), location.get("district")) if v)
                or _("Not given"),
            ),
            (_("Anonymous"), _("Yes") if answers.get("anonymous") else _("No")),
            (_("Confidential"), _("Yes") if answers.get("confidential") else _("No")),
        ]
        if not answers.get("anonymous"):
            rows.append((_("Contact"), ", ".join(v for v in reporter.values() if v) or _("Not given")))
        if sms_wanted(answers):
            rows.append((_("An SMS each time your report moves forward"), _("Yes")))
        self.summary.setText(
            "".join(f"<p><b>{escape(name)}</b><br>{escape(value).replace(chr(10), '<br>')}</p>" for name, value in rows)
        )


class ComplaintScreen(Screen):
    """The wizard; on the last step the record is built, validated and stored off the UI thread."""

    submitted = Signal(dict)  # the stored record
    left = Signal()

    def __init__(self, context: Context):
        super().__init__()
        self.context = context
        self.where = FieldsStep(
            "where",
            N_("Where did it happen?"),
            "location",
            [
                ("village", N_("Village"), text_limits(Location, "village")[1]),
                ("district", N_("District"), text_limits(Location, "district")[1]),
                ("text", N_("Place or address"), text_limits(Location, "text")[1]),
            ],
            hint=N_("This kiosk's village is filled in. Change it if it happened somewhere else."),
            model=Location,
        )
        self.story = StoryStep(
            "body",
            N_("What happened?"),
            "body",
            text_limits(Complaint, "body"),
            hint=N_(
                "Say what happened, where and who was affected. Please do not write other people's private details."
            ),
            devices=lambda: context.devices,
            choose_files=self.choose_photo_files,
        )
        steps = [
            ConsentStep("consent", consent.COMPLAINT, on_decline=self.left.emit),
            ChoiceStep(
                "classification", N_("What would you like to send?"), "classification", questions.CLASSIFICATION
            ),
            TextStep(
                "title",
                N_("In a few words, what is it about?"),
                "title",
                text_limits(Complaint, "title"),
                hint=N_("For example: The road in front of the school is broken"),
            ),
            self.story,
            self.where,
            DateStep("when", N_("When did it happen? You may skip this."), "incident_date", QDate.currentDate),
            FieldsStep(
                "topic",
                N_("Which topic and which office? You may skip this."),
                None,
                [
                    (
                        "category",
                        N_("Topic, for example roads, health or schools"),
                        text_limits(Complaint, "category")[1],
                    ),
                    ("agency", N_("The office responsible, if you know it"), text_limits(Complaint, "agency")[1]),
                ],
            ),
            IdentityStep(),
            FieldsStep(
                "contact",
                N_("How can the office reach you? You may skip this."),
                "reporter",
                [
                    ("name", N_("Your name"), text_limits(Reporter, "name")[1]),
                    ("phone", N_("Phone number"), 20),
                    ("email", N_("E-mail address"), 254),
                ],
                hint=N_("Leave it empty if you prefer not to be contacted."),
                when=lambda answers: not answers.get("anonymous"),
                model=Reporter,
            ),
            ChoiceStep(
                "sms",
                questions.SMS_QUESTION,
                SMS_ANSWER,
                questions.SMS,
                optional=True,  # Next without a tap: no SMS, as for "no"
                when=lambda answers: bool(get_path(answers, "reporter.phone")) and not answers.get("anonymous"),
            ),
            ReachStep("reach"),
            *wgss_steps(),
            ReviewStep(),
        ]
        self.wizard = Wizard(steps)
        self.wizard.finished.connect(self._submit)
        self.wizard.retried.connect(self._retry)
        self.wizard.left.connect(self.left.emit)
        self.saver = RecordSaver(context, "complaint", parent=self)
        self.saver.saved.connect(self._stored)  # the receipt only for a report really saved
        self.saver.failed.connect(lambda: self.wizard.show_failure(SAVE_FAILED))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.wizard)

    def start(self) -> None:
        self.saver.forget()
        self.wizard.start()
        settings = self.context.settings
        self.where.prefill({"village": settings.get("village", ""), "district": settings.get("district", "")})

    def reset(self) -> None:
        self.saver.forget()
        self.wizard.reset()

    def retranslate(self) -> None:
        self.wizard.retranslate()

    def speech_text(self) -> str:
        return self.wizard.speech_text()

    def holding(self) -> bool:
        return self.story.recording

    def choose_photo_files(self) -> list[str]:
        """An officer picks photos from a USB stick or a phone's card (only where not a kiosk)."""
        from PySide6.QtWidgets import QFileDialog

        names, _filter = QFileDialog.getOpenFileNames(
            self, _("Choose photo files"), "", _("Photos (*.jpg *.jpeg *.png)")
        )
        return names

    def _submit(self, answers: Answers) -> None:
        entries, blobs = attachments_of(answers)
        try:
            record = intake.new_complaint(
                {
                    **record_answers(answers),
                    "attachments": entries,
                    "language": current_language() or "id",
                    **({"sms_updates": True} if sms_wanted(answers) else {}),
                },
                self.context.device_id,
            )
        except RecordInvalid as exc:
            self.wizard.set_busy(False)
            self.wizard.show_error("; ".join(str(error) for error in exc.errors))
            return
        self.saver.save(record, blobs)  # the same record again, if these answers already failed to save once

    def _retry(self) -> None:
        if not self.saver.retry():  # no record was kept (another one holds its uuid): a new one
            self._submit(self.wizard.answers)

    def _stored(self, record: dict[str, Any]) -> None:
        self.submitted.emit(record)
