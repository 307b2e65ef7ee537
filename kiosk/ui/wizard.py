"""One question per screen: the flow machinery shared by the complaint and attendance flows.

A flow is a list of steps. Each step reads and writes a plain `answers` dict, may not
apply (the contact step of an anonymous complaint), and moves on by itself when a single
choice is tapped (Back, always in sight, corrects a slip). Going back never loses what was
typed: widgets keep their contents until the flow is reset.

Progress reads "step N of M": M counts the steps that apply to the answers given so far, so
it changes only when an answer adds or removes steps (anonymous, "yes, some difficulty").
"""

from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from PySide6.QtCore import QDate, QEvent, QLocale, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDateEdit,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.accessibility.display import BASE_FONT_PX
from kiosk.i18n import N_, _, current_language
from kiosk.records.errors import from_pydantic
from kiosk.ui.fields import Fields
from kiosk.ui.widgets import ChoiceList, button, column, label, running_app, scrolling, set_text, show_hint

Answers = dict[str, Any]  # what a flow's steps have written so far, by field (nested for groups)
Condition = Callable[[Answers], bool]  # whether a step applies, given the answers so far


def get_path(answers: Answers, path: str) -> Any:
    node: Any = answers
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def set_path(answers: Answers, path: str, value: object) -> None:
    *parents, last = path.split(".")
    node = answers
    for part in parents:
        node = node.setdefault(part, {})
    if value is None:
        node.pop(last, None)
    else:
        node[last] = value


class RadioGroup(QGroupBox):
    """Answers of which one is chosen, as assistive technology should hear them: each tile a radio
    button, in one group named by its question (a bare ChoiceList is a pane of check boxes)."""

    def __init__(self, options: Sequence[tuple[object, str, str]], compact: bool = False, factor: float = 2.0):
        """`compact`: three tiles a row (two at large text), a little less tall and with smaller
        pictograms, for a screen of several questions that must fit 600 px at 100% text (each tile
        stays at least 48 px high). `factor`: the pictograms' size otherwise, as for Tile."""
        super().__init__()
        self.compact = compact
        self.choices = ChoiceList(options, factor=1.4 if compact else factor)
        for tile in self.choices.tiles.values():
            tile.setAutoExclusive(True)  # its accessible role; the ChoiceList's group keeps the choice
            if compact:
                tile.row.setContentsMargins(8, 4, 8, 4)
                tile.row.setSpacing(6)
        if compact:
            self.choices.grid.setSpacing(8)
            self.choices.set_columns(3)
        self.setFlat(True)
        # The window's style sheet gives buttons a content box as tall as a touch target (it grows with
        # the text) and pads it; a compact tile does without the padding.
        compact_tiles = "QPushButton { padding: 0px 8px; }" if compact else ""
        self.setStyleSheet(f"QGroupBox {{ border: none; margin: 0px; padding: 0px; }} {compact_tiles}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.choices)

    def changeEvent(self, event: QEvent) -> None:
        """Compact tiles go three to a row while the text is at most half as large again as usual;
        larger, two to a row, so that an answer such as "15 tahun atau kurang" takes two lines, not four."""
        super().changeEvent(event)
        if self.compact and event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self.choices.set_columns(3 if self.fontInfo().pixelSize() <= 1.5 * BASE_FONT_PX else 2)

    def retranslate(self, question: str) -> None:
        self.setAccessibleName(question)
        self.choices.retranslate()

    def chosen_title(self) -> str:
        """The words of the answer chosen, as the screen shows them ("" when none is)."""
        tile = self.choices.tiles.get(self.choices.value())
        return tile.title.text() if tile else ""


class Step:
    """A question: its widget, whether it applies, and how it loads and saves answers."""

    next_label = N_("Next")
    skip_label = ""  # an optional step's one-tap way past it, beside Next: its answers are cleared

    def __init__(self, key: str, question: str, when: Condition | None = None):
        self.key, self.question, self.when = key, question, when
        self.widget = self.build()
        self.advance: Callable[[], None] = lambda: None  # Next, set by the wizard
        self.announce: Callable[[], None] = lambda: None  # the step changed its face: read it anew
        self.hush: Callable[[], None] = lambda: None  # read-aloud must be quiet (a microphone listens)
        # A single choice tapped: moves on, and read-aloud says the answer before the next question.
        self.answered: Callable[[str], None] = lambda _said: None

    def build(self) -> QWidget:
        raise NotImplementedError

    def retranslate(self) -> None:
        pass

    def applies(self, answers: Answers) -> bool:
        return self.when(answers) if self.when else True

    def load(self, answers: Answers) -> None:
        pass

    def save(self, answers: Answers) -> str | None:
        """Write this step's answers; return a message when they cannot be accepted."""
        return None

    def clear(self) -> None:
        pass

    def focus_widget(self) -> QWidget | None:
        return None

    def speech_text(self) -> str:
        """What read-aloud says after the question: the same translated words the screen shows."""
        return ""


class ChoiceStep(Step):
    def __init__(
        self,
        key: str,
        question: str,
        field: str,
        options: Sequence[tuple[object, str, str]],
        optional: bool = False,
        when: Condition | None = None,
    ):
        self.field, self.options, self.optional = field, options, optional
        super().__init__(key, question, when)

    def build(self) -> QWidget:
        self.group = RadioGroup(self.options)
        self.choices = self.group.choices
        self.choices.chosen.connect(lambda _value: self.answered(self.group.chosen_title()))
        return self.group

    def retranslate(self) -> None:
        self.group.retranslate(_(self.question))

    def speech_text(self) -> str:
        return self.choices.speech_text()

    def load(self, answers: Answers) -> None:
        self.choices.set_value(get_path(answers, self.field))

    def save(self, answers: Answers) -> str | None:
        value = self.choices.value()
        if value is None and not self.optional:
            return _("Please choose one of the answers.")
        set_path(answers, self.field, value)
        return None

    def clear(self) -> None:
        self.choices.set_value(None)

    def focus_widget(self) -> QWidget | None:
        return self.choices.focus_tile()


class TextStep(Step):
    def __init__(
        self, key: str, question: str, field: str, limits: tuple[int, int], hint: str = "", multiline: bool = False
    ):
        self.field, self.limits, self.hint, self.multiline = field, limits, hint, multiline
        super().__init__(key, question)

    def build(self) -> QWidget:
        box, layout = column()
        self.hint_label = label("hint")
        self.edit: QPlainTextEdit | QLineEdit
        if self.multiline:
            self.edit = area = QPlainTextEdit()
            area.setMinimumHeight(160)
            area.setTabChangesFocus(True)
        else:
            self.edit = line = QLineEdit()
            line.returnPressed.connect(lambda: self.advance())  # Enter goes on, as Next does
        self.edit.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)  # no undo menu, no English
        self.counter = label("hint")
        self.counter.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.edit.textChanged.connect(self._count)
        for part in (self.hint_label, self.edit, self.counter):
            layout.addWidget(part)
        layout.addStretch(1)
        return box

    def _text(self) -> str:
        return (self.edit.toPlainText() if isinstance(self.edit, QPlainTextEdit) else self.edit.text()).strip()

    def _set_text(self, text: str) -> None:
        """Replaces the text; setText/setPlainText also drop the undo history."""
        if isinstance(self.edit, QPlainTextEdit):
            self.edit.setPlainText(text)
        else:
            self.edit.setText(text)

    def _count(self) -> None:
        self.counter.setText(
            _("{count} of at most {max} characters").format(count=len(self._text()), max=self.limits[1])
        )

    def speech_text(self) -> str:
        return self.hint_label.text()

    def retranslate(self) -> None:
        show_hint(self.hint_label, self.hint)
        self.edit.setAccessibleName(_(self.question))
        self._count()

    def load(self, answers: Answers) -> None:
        """Fills an empty field from the answers; what is in the field (even a draft) is kept."""
        if not self._text():
            self._set_text(get_path(answers, self.field) or "")

    def save(self, answers: Answers) -> str | None:
        text, (low, high) = self._text(), self.limits
        if len(text) < low:
            return _("Please write at least {min} characters.").format(min=low)
        if len(text) > high:
            return _("Please shorten this to at most {max} characters.").format(max=high)
        set_path(answers, self.field, text or None)
        return None

    def clear(self) -> None:
        self._set_text("")  # without its undo history: Ctrl+Z must not bring back the last person's words

    def focus_widget(self) -> QWidget | None:
        return self.edit


class FieldsStep(Step):
    """Several optional one-line answers on one screen (place, contact, name)."""

    def __init__(
        self,
        key: str,
        question: str,
        group: str | None,
        fields: list[tuple[str, str, int]],
        hint: str = "",
        when: Condition | None = None,
        model: type[BaseModel] | None = None,
    ):
        """`model`: the record part these fields fill (Reporter, Location), checked on Next."""
        self.group, self.fields, self.hint, self.model = group, fields, hint, model
        super().__init__(key, question, when)

    def build(self) -> QWidget:
        box, layout = column()
        self.hint_label = label("hint")
        self.form = Fields(self.fields)
        for edit in self.form.inputs.values():
            edit.returnPressed.connect(lambda: self.advance())
        layout.addWidget(self.hint_label)
        layout.addWidget(self.form)
        layout.addStretch(1)
        return box

    def retranslate(self) -> None:
        show_hint(self.hint_label, self.hint)
        self.form.retranslate()

    def speech_text(self) -> str:
        return " ".join([self.hint_label.text(), *(label.text() + "." for label in self.form.labels.values())])

    def _target(self, answers: Answers) -> Answers:
        return answers.setdefault(self.group, {}) if self.group else answers

    def load(self, answers: Answers) -> None:
        current = get_path(answers, self.group) if self.group else answers
        if current:
            self.form.set_values({k: v for k, v in current.items() if isinstance(v, str)})

    def save(self, answers: Answers) -> str | None:
        target = self._target(answers)
        for key, value in self.form.values().items():
            set_path(target, key, value or None)
        return self.form.problem() or self._model_problem()

    def _model_problem(self) -> str | None:
        if self.model is None:
            return None
        given = {key: value for key, value in self.form.values().items() if value}
        try:
            self.model.model_validate(given)
        except ValidationError as exc:
            error = from_pydantic(exc.errors(include_url=False)[0])
            caption = dict((key, title) for key, title, _max in self.fields)[error.field.split(".")[0]]
            return f"{_(caption)}: {error.message()}"
        return None

    def clear(self) -> None:
        self.form.set_values({})

    def focus_widget(self) -> QWidget | None:
        return next(iter(self.form.inputs.values()))

    def prefill(self, values: dict[str, str]) -> None:
        """Defaults (the kiosk's own village) shown before the citizen types anything."""
        self.form.set_values(values)


class DateStep(Step):
    """When did it happen: today, yesterday, another day (picked), or not remembered; or no answer
    at all, since many people cannot say and the report is no less worth sending."""

    def __init__(self, key: str, question: str, field: str, today: Callable[[], QDate]):
        self.field, self.today = field, today
        super().__init__(key, question)

    def build(self) -> QWidget:
        box, layout = column()
        self.group = RadioGroup(
            [
                ("today", N_("Today"), ""),
                ("yesterday", N_("Yesterday"), ""),
                ("other", N_("Another day"), ""),
                ("unknown", N_("I don't remember"), ""),
            ]
        )
        self.choices = self.group.choices
        self.choices.chosen.connect(self._chosen)
        self.picker = QDateEdit()
        self.picker.setCalendarPopup(True)
        self.picker.setDisplayFormat("yyyy-MM-dd")
        self.picker.setMaximumDate(self.today())
        self.picker.setDate(self.today())
        self.picker.setEnabled(False)
        self.picker_label = label()
        self.picker_label.setBuddy(self.picker)
        layout.addWidget(self.group)
        layout.addWidget(self.picker_label)
        layout.addWidget(self.picker)
        layout.addStretch(1)
        return box

    def speech_text(self) -> str:
        return self.choices.speech_text()

    def focus_widget(self) -> QWidget | None:
        return self.choices.focus_tile()

    def _chosen(self, value: object) -> None:
        self.picker.setEnabled(value == "other")
        if value == "other":
            self.picker.setFocus()
        else:
            self.answered(self.group.chosen_title())

    def retranslate(self) -> None:
        self.group.retranslate(_(self.question))
        self.picker.setLocale(QLocale(current_language() or "id"))  # month names in the citizen's language
        self.picker_label.setText(_("The day it happened"))
        self.picker.setAccessibleName(_("The day it happened"))

    def load(self, answers: Answers) -> None:
        self.picker.setMaximumDate(self.today())

    def save(self, answers: Answers) -> str | None:
        choice, today = self.choices.value(), self.today()
        days = {"today": today, "yesterday": today.addDays(-1), "other": self.picker.date()}
        set_path(answers, self.field, days[choice].toString("yyyy-MM-dd") if choice in days else None)
        return None

    def clear(self) -> None:
        self.choices.set_value(None)
        self.picker.setDate(self.today())
        self.picker.setEnabled(False)


class TapGuard(QObject):
    """Swallows taps on a freshly shown page for a moment, so the second half of a double tap
    does not answer a question the person has not seen (which would skew the statistics)."""

    def __init__(self, wizard: QWidget):
        super().__init__(wizard)
        self.wizard = wizard
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(lambda: running_app().removeEventFilter(self))

    @property
    def armed(self) -> bool:
        return self.timer.isActive()

    def arm(self) -> None:
        running_app().installEventFilter(self)
        self.timer.start(QApplication.doubleClickInterval())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        taps = (
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseButtonRelease,
            QEvent.Type.MouseButtonDblClick,
            QEvent.Type.TouchBegin,
        )
        return event.type() in taps and isinstance(watched, QWidget) and self.wizard.isAncestorOf(watched)


class Wizard(QWidget):
    """Shows one step at a time with progress, Back and Next; emits the answers at the end."""

    finished = Signal(dict)
    left = Signal()  # Back on the first step
    shown = Signal()  # a step appeared (or changed its face): read it aloud
    hushed = Signal()  # a step records sound: read-aloud stops
    alerted = Signal(str)  # a save failed: read the message aloud
    retried = Signal()  # "Try again" after a failed save: send what failed once more

    def __init__(self, steps: list[Step], counted: bool = True):
        """`counted`: shows "step N of M"; a single question that follows another screen goes without."""
        super().__init__()
        self.steps, self.counted = steps, counted
        self.answers: Answers = {}
        self.index = 0
        self.failure = ""  # the message (msgid) of a save that failed, while Next offers to try again
        self.echo = ""  # the answer just tapped, said before the question it led to
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 12)
        top = QHBoxLayout()
        self.step_label = label("step", wrap=False)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        top.addWidget(self.step_label)
        top.addWidget(self.progress, 1)
        self.stack = QStackedWidget()
        self.questions: list[QLabel] = []
        for step in steps:
            step.advance = self.next
            step.answered = self.answered
            step.announce = self.shown.emit
            step.hush = self.hushed.emit
            page = QWidget()
            column = QVBoxLayout(page)
            column.setContentsMargins(0, 0, 8, 0)
            question = label("question")
            column.addWidget(question)
            column.addWidget(step.widget, 1)
            self.questions.append(question)
            self.stack.addWidget(scrolling(page))  # question and answers scroll together at large sizes
        self.error = label("error")  # what is wrong with an answer
        self.error.hide()
        # A save that failed, not the person's doing: framed, apart from the questions.
        self.alert_box = QFrame()
        self.alert_box.setObjectName("alert")
        self.alert = label("alertText")
        QVBoxLayout(self.alert_box).addWidget(self.alert)
        self.alert_box.hide()
        nav = QHBoxLayout()
        self.back_button, self.skip_button, self.next_button = button(), button(), button("primary")
        self.back_button.clicked.connect(self.back)
        self.skip_button.clicked.connect(self.skip)
        self.next_button.clicked.connect(lambda: self.next())
        nav.addWidget(self.back_button)
        nav.addStretch(1)
        nav.addWidget(self.skip_button)
        nav.addWidget(self.next_button)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.alert_box)
        layout.addLayout(nav)
        self.guard = TapGuard(self)
        if not counted:
            self.set_typing(False)
        self.retranslate()

    @property
    def step(self) -> Step:
        return self.steps[self.index]

    def _applicable(self) -> list[int]:
        return [i for i, step in enumerate(self.steps) if step.applies(self.answers)]

    def start(self) -> None:
        self.reset()
        self._show(self._applicable()[0])

    def set_typing(self, typing: bool) -> None:
        """Hides the progress line while the on-screen keyboard fills half a small screen."""
        self.step_label.setVisible(self.counted and not typing)
        self.progress.setVisible(self.counted and not typing)

    def set_busy(self, busy: bool) -> None:
        """While the answers are being saved, Back and Next do nothing (no double records)."""
        for nav in (self.back_button, self.skip_button, self.next_button):
            nav.setEnabled(not busy)

    def show_error(self, message: str) -> None:
        """A message above Back and Next (an answer that cannot be accepted); "" hides it."""
        self.failure = ""
        self.alert_box.hide()
        self.error.setText(message)
        self.error.setVisible(bool(message))
        set_text(self.next_button, _(self.step.next_label))

    def show_failure(self, message: str) -> None:
        """The answers could not be saved: says so (`message`, a msgid, follows the language), and
        Next becomes "Try again", which sends them once more. Every answer stays as it is."""
        self.set_busy(False)
        self.show_error("")
        self.failure = message
        self.retranslate()
        self.alert_box.show()
        self.next_button.setFocus()
        from PySide6.QtGui import QAccessible, QAccessibleEvent  # 2 ms to load: only when it is needed

        QAccessible.updateAccessibility(QAccessibleEvent(self.alert, QAccessible.Event.Alert))  # screen readers
        self.alerted.emit(self.alert.text())

    def reset(self) -> None:
        self.answers = {}
        for step in self.steps:
            step.clear()
        self.show_error("")
        self.set_busy(False)

    def show_step(self, key: str) -> None:
        """Jump to a step by key (for the review screen's "change" and the tour)."""
        self._show(next(i for i, step in enumerate(self.steps) if step.key == key))

    def _show(self, index: int) -> None:
        self.index = index
        self.step.load(self.answers)
        # Focus leaves the page about to hide first: Qt would pass it on as if by Tab, to Back,
        # and read-aloud would say "Back" before the next question.
        self.next_button.setFocus()
        self.stack.setCurrentIndex(index)
        self.show_error("")
        self.retranslate()
        (self.step.focus_widget() or self.next_button).setFocus()
        self.guard.arm()
        self.shown.emit()  # read-aloud reads the screen now, the answer just tapped first
        self.echo = ""

    def speech_text(self) -> str:
        failure = f"{_(self.failure)} " if self.failure else ""  # what went wrong comes first
        echo = f"{self.echo}. " if self.echo else ""
        skip = f" {_(self.step.skip_label)}." if self.step.skip_label else ""
        return f"{failure}{echo}{_(self.step.question)} {self.step.speech_text()}{skip}".strip()

    def answered(self, said: str) -> None:
        """A single choice was tapped: on to the next step at once. The answer's words go to the
        narrator in the same breath as the next question (a new utterance would cut off the last)."""
        self.echo = said
        self.next()
        self.echo = ""  # not moved on (the last step, or an answer refused): nothing to say

    def next(self) -> None:
        message = self.step.save(self.answers)
        if message:
            self.show_error(message)
            return
        later = [i for i in self._applicable() if i > self.index]
        if later:
            self._show(later[0])
        elif self.next_button.isEnabled():
            retrying = bool(self.failure)
            self.set_busy(True)  # until the screen says it is saved, or failed
            if retrying:
                self.retried.emit()
            else:
                self.finished.emit(self.answers)

    def skip(self) -> None:
        """Past an optional step without answering it, even what was tapped before."""
        self.step.clear()
        self.next()

    def back(self) -> None:
        self.step.save(self.answers)  # keep what was typed, even if not complete yet
        earlier = [i for i in self._applicable() if i < self.index]
        if earlier:
            self._show(earlier[-1])
        else:
            self.left.emit()

    def position(self) -> tuple[int, int]:
        """(N, M) of "step N of M": this step's place among the steps that apply, and their number."""
        applicable = self._applicable()
        return (applicable.index(self.index) + 1 if self.index in applicable else 1), len(applicable)

    def retranslate(self) -> None:
        number, total = self.position()
        self.step_label.setText(_("Step {number} of {total}").format(number=number, total=total))
        self.progress.setRange(0, total)
        self.progress.setValue(number)
        self.progress.setAccessibleName(self.step_label.text())
        for step, question in zip(self.steps, self.questions, strict=True):
            question.setText(_(step.question))
        set_text(self.back_button, _("Back"))
        set_text(self.skip_button, _(self.step.skip_label) if self.step.skip_label else "")
        self.skip_button.setVisible(bool(self.step.skip_label))
        if self.failure:
            self.alert.setText(_(self.failure))
            set_text(self.next_button, _("Try again"))
        else:
            set_text(self.next_button, _(self.step.next_label))
        for step in self.steps:
            step.retranslate()
