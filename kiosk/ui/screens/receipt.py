"""The receipt: the reference code, its QR code, how to follow up, and printing."""

import io
import threading
from typing import Any

from PySide6.QtCore import QObject, QRect, Qt, Signal
from PySide6.QtGui import QFont, QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from PySide6.QtWidgets import QApplication, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.i18n import _
from kiosk.store.refcode import ref_code
from kiosk.ui.widgets import Screen, button, label, scrolling, set_text


def qr_image(text: str, scale: int = 10) -> QImage:
    """A QImage, not a QPixmap: printing draws it on a worker thread, where pixmaps are not allowed."""
    import segno  # only when a receipt is shown, not at start-up

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=2)
    return QImage.fromData(buffer.getvalue())  # Qt reads the format off the PNG signature


def _print(printer: QPrinter, code: str, instructions: str) -> None:
    painter = QPainter(printer)
    try:
        page = printer.pageRect(QPrinter.Unit.DevicePixel).toRect()
        unit = page.width() // 40
        painter.setFont(QFont("DejaVu Sans", 14))
        painter.drawText(QRect(0, 0, page.width(), unit * 3), Qt.AlignmentFlag.AlignLeft, "SP4N-LAPOR!")
        painter.setFont(QFont("DejaVu Sans Mono", 28, QFont.Weight.Bold))
        painter.drawText(QRect(0, unit * 3, page.width(), unit * 5), Qt.AlignmentFlag.AlignLeft, code)
        painter.drawImage(QRect(0, unit * 9, unit * 12, unit * 12), qr_image(code, scale=16))
        painter.setFont(QFont("DejaVu Sans", 11))
        painter.drawText(
            QRect(0, unit * 22, page.width(), page.height() - unit * 22),
            int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap),
            instructions,
        )
    finally:
        painter.end()


class _PrinterProbe(QObject):
    """Asks the print system once per run, off the UI thread (network printers can take
    seconds), and lives as long as the application, so the answer never reaches a screen
    that is gone."""

    found = Signal(bool)

    def __init__(self) -> None:
        super().__init__(QApplication.instance())
        self.available: bool | None = None
        self.found.connect(lambda available: setattr(self, "available", available))
        threading.Thread(
            target=lambda: self.found.emit(bool(QPrinterInfo.availablePrinterNames())), daemon=True
        ).start()


_probe: _PrinterProbe | None = None


def printer_probe() -> _PrinterProbe:
    global _probe
    if _probe is None:
        _probe = _PrinterProbe()
    return _probe


class ReceiptScreen(Screen):
    done = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.code = ""
        probe = printer_probe()
        self.has_printer = bool(probe.available)
        probe.found.connect(self._printers)
        content = QWidget()
        grid = QGridLayout(content)
        self.heading, self.code_label, self.follow_up = label("question"), label("code", wrap=False), label()
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.qr = QLabel()
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        grid.addWidget(self.heading, 0, 0, 1, 2)
        grid.addWidget(self.code_label, 1, 0)
        grid.addWidget(self.qr, 1, 1, 2, 1)
        grid.addWidget(self.follow_up, 2, 0)
        grid.setColumnStretch(0, 1)
        self.print_button, self.done_button = button(), button("primary")
        self.print_button.clicked.connect(self.print_receipt)
        self.done_button.clicked.connect(self.done.emit)
        nav = QHBoxLayout()
        nav.addWidget(self.print_button)
        nav.addStretch(1)
        nav.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 12)
        layout.addWidget(scrolling(content), 1)
        layout.addLayout(nav)
        self.retranslate()

    def show_record(self, record: dict[str, Any]) -> None:
        self.code = ref_code(record["uuid"])
        self.code_label.setText(self.code)
        self.code_label.setAccessibleName(_("Your reference code: {code}").format(code=" ".join(self.code)))
        self.qr.setPixmap(QPixmap.fromImage(qr_image(self.code)))
        self.qr.setAccessibleName(_("QR code of your reference code"))
        self.retranslate()
        self.done_button.setFocus()

    def speech_text(self) -> str:
        spelled = _("Your reference code: {code}").format(code=", ".join(self.code.replace("-", "")))
        return f"{self.heading.text()} {spelled}. {self.instructions()}"

    def start(self) -> None:
        self.done_button.setFocus()

    def reset(self) -> None:
        self.code = ""
        self.code_label.clear()
        self.qr.clear()

    def instructions(self) -> str:
        return _(
            "Keep this code. Your report is sent to the agency when this kiosk is online. To follow it up, "
            'enter the code at "Check report status" on this kiosk, or ask at lapor.go.id, by SMS to 1708, '
            "or in the SP4N-LAPOR! app."
        )

    def retranslate(self) -> None:
        self.heading.setText(_("Thank you. Your report is saved."))
        self.follow_up.setText(self.instructions())
        set_text(self.done_button, _("Done"))
        set_text(self.print_button, _("Print receipt"))
        self.print_button.setEnabled(self.has_printer)
        self.print_button.setToolTip("" if self.has_printer else _("No printer is connected."))

    def print_receipt(self, printer: QPrinter | None = None) -> threading.Thread:
        """Prints straight to the default printer (a citizen never meets a print dialog), on a
        worker thread: spooling to a slow or network printer must not freeze the screen."""
        printer = printer or QPrinter(QPrinterInfo.defaultPrinter())
        job = threading.Thread(target=_print, args=(printer, self.code, self.instructions()), daemon=True)
        job.start()
        return job

    def _printers(self, available: bool) -> None:
        self.has_printer = available
        self.retranslate()
