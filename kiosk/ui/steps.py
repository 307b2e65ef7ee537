"""Steps both flows share: who the person is (gender, age, WG-SS) and consent."""

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QLabel, QWidget

from kiosk import questions
from kiosk.i18n import N_, _
from kiosk.records.models import WGSS_DOMAINS
from kiosk.ui.widgets import button, column, label, set_text
from kiosk.ui.wizard import Answers, ChoiceStep, RadioGroup, Step, get_path, set_path

DIFFICULTY_KEY = "_difficulty"  # a screen answer only; never stored
Options = Sequence[tuple[object, str, str]]  # (value, title msgid, detail msgid or "")
GENDER_QUESTION = N_("Are you a woman or a man?")
AGE_QUESTION = N_("How old are you?")


def wgss_steps() -> list[Step]:
    """The six Washington Group questions, one per screen, asked only after "yes, some difficulty"."""
    return [
        ChoiceStep(
            f"wgss-{domain}",
            questions.WGSS_QUESTIONS[domain],
            f"wgss.{domain}",
            questions.WGSS_ANSWERS,
            when=lambda answers: answers.get(DIFFICULTY_KEY) == "yes",
        )
        for domain in WGSS_DOMAINS
    ]


def person_steps() -> list[Step]:
    """Attendance asks one question a screen, each a single tap: gender, age band, the WG-SS
    screening question and, on "yes", its six questions."""
    return [
        ChoiceStep("gender", GENDER_QUESTION, "gender", questions.GENDER),
        ChoiceStep("age", AGE_QUESTION, "age_band", questions.AGE_BAND),
        ChoiceStep("difficulty", questions.DIFFICULTY_SCREEN, DIFFICULTY_KEY, questions.DIFFICULTY),
        *wgss_steps(),
    ]


def record_answers(answers: Answers) -> Answers:
    """The answers that belong in the record: screen-only keys dropped, WG-SS only if asked."""
    kept = {key: value for key, value in answers.items() if not key.startswith("_")}
    if answers.get(DIFFICULTY_KEY) != "yes":
        kept.pop("wgss", None)
    return kept


def _real(options: Options) -> Options:
    """Only real answers, without their explanations: on a screen where any question may be left
    unanswered, that is what "I prefer not to say" records (complaint statistics count neither),
    and without them and the explanations the three questions fit 600 px at 100%."""
    return [(value, title, "") for value, title, _detail in options if value not in ("unspecified", "skip")]


class ReachStep(Step):
    """Gender, age band and the WG-SS screening question on one optional screen: a report is not
    the place for three more screens, yet these answers show whom the service reaches. One tap
    skips them all; "yes, some difficulty" brings the six WG-SS questions after it."""

    skip_label = N_("Skip these questions")
    QUESTIONS = (
        ("gender", GENDER_QUESTION, _real(questions.GENDER)),
        ("age_band", AGE_QUESTION, _real(questions.AGE_BAND)),
        (DIFFICULTY_KEY, questions.DIFFICULTY_SCREEN, _real(questions.DIFFICULTY)),
    )

    def __init__(self, key: str) -> None:
        super().__init__(key, N_("Help us reach everyone"))

    def build(self) -> QWidget:
        box, layout = column()
        self.captions: dict[str, QLabel] = {}
        self.groups: dict[str, RadioGroup] = {}
        for field, _question, options in self.QUESTIONS:
            caption, group = label("title"), RadioGroup(options, compact=True)
            caption.setBuddy(group)
            layout.addWidget(caption)
            layout.addWidget(group)
            self.captions[field], self.groups[field] = caption, group
        layout.addStretch(1)
        return box

    def retranslate(self) -> None:
        for field, question, _options in self.QUESTIONS:
            self.captions[field].setText(_(question))
            self.groups[field].retranslate(_(question))

    def speech_text(self) -> str:
        return " ".join(
            f"{_(question)} {self.groups[field].choices.speech_text()}" for field, question, _options in self.QUESTIONS
        )

    def load(self, answers: Answers) -> None:
        for field, group in self.groups.items():
            group.choices.set_value(get_path(answers, field))

    def save(self, answers: Answers) -> str | None:
        for field, group in self.groups.items():
            set_path(answers, field, group.choices.value())
        return None

    def clear(self) -> None:
        for group in self.groups.values():
            group.choices.set_value(None)

    def focus_widget(self) -> QWidget | None:
        return self.groups["gender"].choices.focus_tile()


class ConsentStep(Step):
    """The versioned consent text; Next says "I agree", and declining ends the flow, storing nothing."""

    next_label = N_("I agree")

    def __init__(self, key: str, text: str, on_decline: Callable[[], None]):
        self.text, self.on_decline = text, on_decline
        super().__init__(key, N_("Do you agree?"))

    def build(self) -> QWidget:
        box, layout = column()
        self.body = label()
        self.decline = button()
        self.decline.clicked.connect(lambda: self.on_decline())
        layout.addWidget(self.body)
        layout.addWidget(self.decline)
        layout.addStretch(1)
        return box

    def speech_text(self) -> str:
        return self.body.text()

    def retranslate(self) -> None:
        self.body.setText(_(self.text))
        set_text(self.decline, _("I do not agree"))
