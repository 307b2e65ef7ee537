"""Checking a report's status by its report number (the kiosk's own), typed or read by a barcode scanner.

USB and Bluetooth barcode scanners type the code and press Enter, so the same field
serves both.
"""

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout

from kiosk.i18n import _
from kiosk.progress import describe
from kiosk.records.refcode import normalize, ref_code
from kiosk.store import Store
from kiosk.ui.context import Context
from kiosk.ui.widgets import Screen, button, column, label, scrolling, set_text

Found = tuple[dict[str, Any], dict[str, Any]]  # the complaint and how far it has come


def _lookup(store: Store, code: str) -> Found | None:
    record = store.find_complaint(code)
    return (record, store.complaint_progress(record["uuid"])) if record else None


class StatusScreen(Screen):
    left = Signal()
    shown = Signal()  # a result appeared

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
        row = QHBoxLayout()
        row.addWidget(self.code, 1)
        row.addWidget(self.check_button)
        content, column_layout = column()
        for part in (self.question, self.caption):
            column_layout.addWidget(part)
        column_layout.addLayout(row)
        column_layout.addWidget(self.result)
        column_layout.addStretch(1)
        nav = QHBoxLayout()
        nav.addWidget(self.back_button)
        nav.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 12)
        layout.addWidget(scrolling(content), 1)  # a long answer at 200% text scrolls, never clips
        layout.addLayout(nav)
        self.retranslate()

    def start(self) -> None:
        self.reset()
        self.code.setFocus()

    def reset(self) -> None:
        self.code.setText("")  # unlike clear(), leaves nothing to undo for the next person
        self.found = None
        self.result.clear()

    def retranslate(self) -> None:
        self.question.setText(_("Check the status of a report"))
        self.caption.setText(_("Report number from your receipt, for example K7Q4-9XZM"))
        self.code.setAccessibleName(_("Report number"))
        set_text(self.check_button, _("Check"))
        set_text(self.back_button, _("Back"))
        if self.found is not None:  # a result on screen follows the language too
            self._show(*self.found)

    def speech_text(self) -> str:
        return " ".join(part for part in (self.question.text(), self.caption.text(), self.result.text()) if part)

    def check(self) -> None:
        code = normalize(self.code.text())
        if code is None:
            self.result.setText(_("A report number has 8 letters and digits, for example K7Q4-9XZM."))
            return
        self.context.db.call(_lookup, code, on_done=self.context.in_session(self._show))

    def _show(self, found: Found | None) -> None:
        self.found = (found,)
        if found is None:
            self.result.setText(_("No report with this number is on this kiosk. Check the number, or ask the officer."))
            self.shown.emit()
            return
        record, progress = found
        text = "\n".join(describe(progress))
        self.result.setText(f"{ref_code(record['uuid'])}\n{text}")
        self.shown.emit()
