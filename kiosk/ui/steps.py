"""Steps both flows share: who the person is (gender, age, WG-SS) and consent."""

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from kiosk import questions
from kiosk.i18n import N_, _
from kiosk.records.models import WGSS_DOMAINS
from kiosk.ui.widgets import button, column, label, set_text
from kiosk.ui.wizard import Answers, ChoiceStep, Step

DIFFICULTY_KEY = "_difficulty"  # a screen answer only; never stored


def person_steps(optional: bool) -> list[Step]:
    """Gender, age band, the WG-SS screening question and, on "yes", its six questions."""
    steps: list[Step] = [
        ChoiceStep("gender", N_("Are you a woman or a man?"), "gender", questions.GENDER, optional=optional),
        ChoiceStep("age", N_("How old are you?"), "age_band", questions.AGE_BAND, optional=optional),
        ChoiceStep("difficulty", questions.DIFFICULTY_SCREEN, DIFFICULTY_KEY, questions.DIFFICULTY, optional=optional),
    ]
    for domain in WGSS_DOMAINS:
        steps.append(
            ChoiceStep(
                f"wgss-{domain}",
                questions.WGSS_QUESTIONS[domain],
                f"wgss.{domain}",
                questions.WGSS_ANSWERS,
                when=lambda answers: answers.get(DIFFICULTY_KEY) == "yes",
            )
        )
    return steps


def record_answers(answers: Answers) -> Answers:
    """The answers that belong in the record: screen-only keys dropped, WG-SS only if asked."""
    kept = {key: value for key, value in answers.items() if not key.startswith("_")}
    if answers.get(DIFFICULTY_KEY) != "yes":
        kept.pop("wgss", None)
    return kept


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
