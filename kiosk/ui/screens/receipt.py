"""The receipt: the kiosk's report number, its QR code, how to follow the report up, and printing.

The words come from `kiosk.printing.receipt`, so the screen, the system printer and the
ESC/POS receipt printer say the same. Finding the printer and printing run on worker
threads; their answers come back by signal with the ticket of the receipt they were for,
so an answer about one citizen's receipt never lands on the next citizen's.
"""

import logging
import threading
from typing import Any

from PySide6.QtCore import QObject, QRect, Qt, Signal, SignalInstance
from PySide6.QtGui import QFont, QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from PySide6.QtWidgets import QApplication, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.i18n import _
from kiosk.printing import printers
from kiosk.printing.printers import PrinterUnavailable
from kiosk.printing.receipt import ReceiptText, print_escpos, qr_png, receipt_text
from kiosk.records.refcode import ref_code
from kiosk.ui.context import Context
from kiosk.ui.widgets import Screen, button, label, scrolling, set_text

log = logging.getLogger(__name__)


def qr_image(code: str, scale: int = 8) -> QImage:
    """A QImage, not a QPixmap: printing draws it on a worker thread, where pixmaps are not allowed."""
    return QImage.fromData(qr_png(code, scale))  # Qt reads the format off the PNG signature


def _print_system(printer: QPrinter, text: ReceiptText) -> None:
    painter = QPainter()
    if not painter.begin(printer):
        raise PrinterUnavailable(_("the computer's printer cannot be used"))
    try:
        page = printer.pageRect(QPrinter.Unit.DevicePixel).toRect()
        unit = page.width() // 40
        painter.setFont(QFont("DejaVu Sans", 14))
        painter.drawText(QRect(0, 0, page.width(), unit * 3), Qt.AlignmentFlag.AlignLeft, "SP4N-LAPOR!")
        painter.drawText(QRect(0, unit * 3, page.width(), unit * 3), Qt.AlignmentFlag.AlignLeft, text.caption)
        painter.setFont(QFont("DejaVu Sans Mono", 28, QFont.Weight.Bold))
        painter.drawText(QRect(0, unit * 6, page.width(), unit * 5), Qt.AlignmentFlag.AlignLeft, text.code)
        painter.drawImage(QRect(0, unit * 12, unit * 12, unit * 12), qr_image(text.code, scale=16))
        painter.setFont(QFont("DejaVu Sans", 11))
        painter.drawText(
            QRect(0, unit * 25, page.width(), page.height() - unit * 25),
            int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap),
            "\n\n".join((text.heading, *text.paragraphs)),
        )
    finally:
        painter.end()


def _print_escpos(setting: dict[str, Any], text: ReceiptText) -> None:
    printer = printers.open_printer(setting)
    try:
        print_escpos(printer, text)
    finally:
        printer.close()


def _find(setting: dict[str, Any]) -> None:
    """Raises `PrinterUnavailable` unless the chosen printer can take a receipt now."""
    if setting["kind"] == printers.SYSTEM:
        if not QPrinterInfo.availablePrinterNames():
            raise PrinterUnavailable(_("the computer has no printer"))
    else:
        printers.check(setting)


class _Relay(QObject):
    """Carries the worker threads' answers (a ticket, and "" or what went wrong) to the UI
    thread. It belongs to the application, so a late answer never reaches a widget that is gone."""

    found = Signal(int, str)
    printed = Signal(int, str)

    def __init__(self) -> None:
        super().__init__(QApplication.instance())

    def run(self, signal: SignalInstance, ticket: int, work: Any, *args: Any) -> threading.Thread:
        def job() -> None:
            try:
                work(*args)
            except PrinterUnavailable as exc:
                signal.emit(ticket, str(exc))
            except Exception:  # a fault in a printing library must not leave the screen waiting
                log.exception("receipt printer job failed")
                signal.emit(ticket, _("the printer's software failed (see the kiosk's log)"))
            else:
                signal.emit(ticket, "")

        thread = threading.Thread(target=job, daemon=True)
        thread.start()
        return thread


LOOKING, READY, ABSENT, PRINTING, PRINTED, FAILED = "looking", "ready", "absent", "printing", "printed", "failed"


class ReceiptScreen(Screen):
    done = Signal()

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context
        self.code = ""
        self.sms = False  # the citizen asked for SMS notices
        self.ticket = 0  # which receipt is on show; answers for another one are dropped
        self.printer_state, self.problem = LOOKING, ""
        self.relay = _Relay()
        self.relay.found.connect(self._found)
        self.relay.printed.connect(self._printed)
        content = QWidget()
        grid = QGridLayout(content)
        self.heading, self.caption = label("question"), label()
        self.code_label, self.follow_up = label("code", wrap=False), label()
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.qr = QLabel()
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # The QR code sits at the top, beside the heading, so it is whole on screen even at 200%
        # text: a code cut by the scrolling edge cannot be scanned.
        grid.addWidget(self.heading, 0, 0)
        grid.addWidget(self.caption, 1, 0)
        grid.addWidget(self.code_label, 2, 0)
        grid.addWidget(self.qr, 0, 1, 4, 1, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.follow_up, 3, 0)
        grid.setColumnStretch(0, 1)
        grid.setRowStretch(3, 1)
        self.print_button, self.done_button = button(), button("primary")
        self.print_status = label("hint")  # under the content, above the buttons: seen without scrolling
        self.print_button.clicked.connect(lambda: self.print_receipt())
        self.done_button.clicked.connect(self.done.emit)
        nav = QHBoxLayout()
        nav.addWidget(self.print_button)
        nav.addStretch(1)
        nav.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 12)
        layout.addWidget(scrolling(content), 1)
        layout.addWidget(self.print_status)
        layout.addLayout(nav)
        self.retranslate()

    def printer_setting(self) -> dict[str, Any]:
        """The officer's choice, read when a receipt shows: officer mode updates the settings in place."""
        setting: dict[str, Any] = self.context.settings.get("receipt_printer", printers.DEFAULT_SETTING)
        return setting

    def show_record(self, record: dict[str, Any]) -> None:
        self.code = ref_code(record["uuid"])
        self.sms = bool(record.get("sms_updates"))
        self.ticket += 1
        self.code_label.setText(self.code)
        self.qr.setPixmap(QPixmap.fromImage(qr_image(self.code)))
        setting = self.printer_setting()
        if setting["kind"] == printers.NONE:
            self.printer_state = ABSENT
        else:
            self.printer_state = LOOKING
            self.relay.run(self.relay.found, self.ticket, _find, setting)
        self.retranslate()
        self.done_button.setFocus()

    def speech_text(self) -> str:
        spelled = _("Your report number: {code}").format(code=", ".join(self.code.replace("-", "")))
        parts = [self.heading.text(), spelled, self.follow_up.text(), self.print_status.text()]
        return " ".join(part for part in parts if part)

    def start(self) -> None:
        self.done_button.setFocus()

    def reset(self) -> None:
        self.code, self.sms = "", False
        self.ticket += 1
        self.printer_state, self.problem = LOOKING, ""
        self.code_label.clear()
        self.qr.clear()
        self.print_status.clear()
        self.print_status.hide()

    def retranslate(self) -> None:
        text = receipt_text(self.code, self.sms)
        self.heading.setText(text.heading)
        self.caption.setText(text.caption)
        self.code_label.setAccessibleName(_("Your report number: {code}").format(code=" ".join(self.code)))
        self.qr.setAccessibleName(_("QR code of your report number"))
        self.follow_up.setText("\n\n".join(text.paragraphs))
        set_text(self.done_button, _("Done"))
        set_text(self.print_button, _("Print receipt"))
        self.print_button.setEnabled(self.printer_state in (READY, PRINTED, FAILED))
        self.print_status.setText(self._status_text())
        self.print_status.setVisible(bool(self.print_status.text()))

    def _status_text(self) -> str:
        if self.printer_state == ABSENT:
            return _("No printer is connected. Show this screen to the officer or write the number down.")
        if self.printer_state == PRINTING:
            return _("Printing…")
        if self.printer_state == PRINTED:
            return _("Your receipt is printed. Take it from the printer.")
        if self.printer_state == FAILED:
            return _(
                "The receipt could not be printed: {reason}. Show this screen to the officer or write the number down."
            ).format(reason=self.problem)
        return ""

    def print_receipt(self, printer: QPrinter | None = None) -> threading.Thread:
        """Prints straight away (a citizen never meets a print dialog) on a worker thread:
        a slow or absent printer must not freeze the screen. `printer` is a Qt printer to
        draw on instead of the one chosen in officer mode."""
        self.printer_state = PRINTING
        self.retranslate()
        text = receipt_text(self.code, self.sms)
        setting = self.printer_setting()
        if printer is not None or setting["kind"] == printers.SYSTEM:
            printer = printer or QPrinter(QPrinterInfo.defaultPrinter())
            return self.relay.run(self.relay.printed, self.ticket, _print_system, printer, text)
        return self.relay.run(self.relay.printed, self.ticket, _print_escpos, setting, text)

    def _found(self, ticket: int, problem: str) -> None:
        if ticket == self.ticket:
            self.printer_state = ABSENT if problem else READY
            self.retranslate()

    def _printed(self, ticket: int, problem: str) -> None:
        if ticket == self.ticket:
            self.printer_state, self.problem = (FAILED, problem) if problem else (PRINTED, "")
            self.retranslate()
