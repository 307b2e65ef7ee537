"""Checking a report's status by its report number (the kiosk's own), typed or read by a barcode scanner.

USB and Bluetooth barcode scanners type the code and press Enter, so the same field
serves both. Once the report is completed, the citizen is asked whether the follow-up solved
their problem (three faces), once: a verdict given is shown instead.
"""

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QStackedWidget, QVBoxLayout, QWidget

from kiosk import questions
from kiosk.accessibility.display import BASE_FONT_PX
from kiosk.i18n import _
from kiosk.progress import describe
from kiosk.records.protocol import COMPLETED
from kiosk.records.refcode import normalize, ref_code
from kiosk.store import Store
from kiosk.ui.context import Context
from kiosk.ui.verdict import VerdictFlow
from kiosk.ui.widgets import Screen, button, column, label, scrolling, set_text
from kiosk.ui.wizard import RadioGroup

Found = tuple[dict[str, Any], dict[str, Any]]  # the complaint and how far it has come


def _lookup(store: Store, code: str) -> Found | None:
    record = store.find_complaint(code)
    return (record, store.complaint_progress(record["uuid"])) if record else None


def verdict_due(progress: dict[str, Any]) -> bool:
    """Completed, still the citizen's to speak of, and no verdict given yet."""
    return progress.get("status") == COMPLETED and not progress.get("withdrawn") and not progress.get("verdict")


class Faces(RadioGroup):
    """The verdict's answers side by side, a scale from good to bad, while the text is at its usual
    size; larger, one under the other, so that each answer keeps its words whole."""

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self.choices.set_columns(len(self.choices.tiles) if self.fontInfo().pixelSize() <= BASE_FONT_PX else 1)


class StatusScreen(Screen):
    left = Signal()
    shown = Signal()  # a result or a page appeared
    alerted = Signal(str)  # a verdict could not be saved: read the message aloud
    hushed = Signal()  # a spoken reason is being recorded: read-aloud stops

    def __init__(self, context: Context):
        super().__init__()
        self.context = context
        self.question, self.caption, self.result = label("question"), label(), label("title")
        self.found: tuple[Found | None] | None = None  # the answer on show, if any
        self.code = QLineEdit()
        self.code.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.caption.setBuddy(self.code)
        self.code.returnPressed.connect(self.check)
        self.check_button, self.back_button = button("primary"), button()
        self.check_button.clicked.connect(self.check)
        self.back_button.clicked.connect(self.left.emit)
        self.verdict_question = label("question")
        self.faces = Faces(questions.VERDICT, factor=3.0)  # faces are read at a glance: as big as home's
        self.faces.choices.chosen.connect(self._rated)
        self.verdict_question.setBuddy(self.faces)
        row = QHBoxLayout()
        row.addWidget(self.code, 1)
        row.addWidget(self.check_button)
        content, column_layout = column()
        for part in (self.question, self.caption):
            column_layout.addWidget(part)
        column_layout.addLayout(row)
        column_layout.addWidget(self.result)
        column_layout.addSpacing(12)
        column_layout.addWidget(self.verdict_question)
        column_layout.addWidget(self.faces)
        column_layout.addStretch(1)
        nav = QHBoxLayout()
        nav.addWidget(self.back_button)
        nav.addStretch(1)
        self.lookup = QWidget()
        lookup_layout = QVBoxLayout(self.lookup)
        lookup_layout.setContentsMargins(24, 12, 24, 12)
        lookup_layout.addWidget(scrolling(content), 1)  # a long answer at 200% text scrolls, never clips
        lookup_layout.addLayout(nav)
        self.verdict = VerdictFlow(context)
        self.verdict.back.connect(self._back_to_faces)
        self.verdict.done.connect(self.left.emit)
        self.verdict.shown.connect(self.shown.emit)
        self.verdict.alerted.connect(self.alerted.emit)
        self.verdict.hushed.connect(self.hushed.emit)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.lookup)
        self.pages.addWidget(self.verdict)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self._ask_verdict(False)
        self.retranslate()

    def start(self) -> None:
        self.reset()
        self.code.setFocus()

    def reset(self) -> None:
        self.code.setText("")  # unlike clear(), leaves nothing to undo for the next person
        self.found = None
        self.result.clear()
        self._ask_verdict(False)
        self.verdict.reset()
        self.pages.setCurrentWidget(self.lookup)

    def retranslate(self) -> None:
        self.question.setText(_("Check the status of a report"))
        self.caption.setText(_("Report number from your receipt, for example K7Q4-9XZM"))
        self.code.setAccessibleName(_("Report number"))
        set_text(self.check_button, _("Check"))
        set_text(self.back_button, _("Back"))
        self.verdict_question.setText(_(questions.VERDICT_QUESTION))
        self.faces.retranslate(_(questions.VERDICT_QUESTION))
        self.verdict.retranslate()
        if self.found is not None:  # a result on screen follows the language too
            self._show(*self.found)

    def speech_text(self) -> str:
        if self.pages.currentWidget() is self.verdict:
            return self.verdict.speech_text()
        parts = [self.question.text(), self.caption.text(), self.result.text()]
        if self.faces.isVisibleTo(self):
            parts += [self.verdict_question.text(), self.faces.choices.speech_text()]
        return " ".join(part for part in parts if part)

    def holding(self) -> bool:
        return self.verdict.holding()

    def check(self) -> None:
        code = normalize(self.code.text())
        self._ask_verdict(False)
        self.verdict.reset()
        if code is None:
            self.result.setText(_("A report number has 8 letters and digits, for example K7Q4-9XZM."))
            return
        self.context.db.call(_lookup, code, on_done=self.context.in_session(self._looked_up))

    def _show(self, found: Found | None) -> None:
        self.found = (found,)
        if found is None:
            self.result.setText(_("No report with this number is on this kiosk. Check the number, or ask the officer."))
            self.shown.emit()
            return
        record, progress = found
        text = "\n".join(describe(progress))
        self.result.setText(f"{ref_code(record['uuid'])}\n{text}")
        self._ask_verdict(verdict_due(progress))
        self.shown.emit()

    def _looked_up(self, found: Found | None) -> None:
        self._show(found)
        if self.faces.isVisibleTo(self):  # typing is over: the keyboard makes way, and the answers take the keys
            self.faces.choices.focus_tile().setFocus()

    def _ask_verdict(self, asking: bool) -> None:
        if not asking:
            self.faces.choices.set_value(None)
        self.verdict_question.setVisible(asking)
        self.faces.setVisible(asking)

    def _rated(self, value: object) -> None:
        found = self.found[0] if self.found else None
        if found is None:
            return
        self.pages.setCurrentWidget(self.verdict)
        self.verdict.begin(found[0]["uuid"], str(value))

    def _back_to_faces(self) -> None:
        self.pages.setCurrentWidget(self.lookup)
        self.faces.choices.focus_tile().setFocus()
        self.shown.emit()
