"""What a receipt says, on screen and on paper, and the receipt for an ESC/POS printer.

The receipt tells only what is true: the kiosk's number is known to this kiosk, whose status
screen looks it up; SP4N-LAPOR! (lapor.go.id, SMS 1708) gives its own tracking number once
the agency forwards the report, and the status screen shows that number then. The QR code
carries the kiosk's number and nothing else, so the kiosk's barcode scanner types it back
into the status screen.
"""

import io
import textwrap
from dataclasses import dataclass
from typing import Any

from kiosk.i18n import _
from kiosk.printing.printers import PrinterUnavailable


@dataclass(frozen=True)
class ReceiptText:
    """The receipt's words, translated on the UI thread: printing runs on a worker thread."""

    heading: str
    caption: str
    code: str
    paragraphs: tuple[str, ...]


def receipt_text(code: str, sms: bool = False) -> ReceiptText:
    """`sms`: the citizen asked for an SMS at each step of their report."""
    asked = (
        (_("You will get an SMS each time your report moves forward, once this kiosk has sent it to the agency."),)
        if sms
        else ()
    )
    return ReceiptText(
        heading=_("Thank you. Your report is saved."),
        caption=_("Your report number"),
        code=code,
        paragraphs=(
            _("Keep this number. This kiosk sends your report to the agency when it is online."),
            _('To see how your report is doing, choose "{check}" on this kiosk and enter this number.').format(
                check=_("Check report status")
            ),
            _(
                "This number works only on this kiosk, not at lapor.go.id or by SMS 1708. When the agency "
                "forwards your report to SP4N-LAPOR!, the status screen on this kiosk shows its SP4N-LAPOR! "
                "number: that number works at lapor.go.id and by SMS to 1708."
            ),
            *asked,
        ),
    )


def qr_png(code: str, scale: int) -> bytes:
    """A regular QR code (segno.make would pick Micro QR for so few characters, which phones
    and barcode scanners do not read), black on white with the standard quiet zone of four
    modules, whatever the screen's colours: scanners do not read inverted codes."""
    import segno  # only when a receipt is made, not at start-up

    buffer = io.BytesIO()
    segno.make_qr(code, error="m").save(buffer, kind="png", scale=scale, border=4, dark="black", light="white")
    return buffer.getvalue()


QR_DOTS_PER_MODULE = 8  # 29 modules with the quiet zone: 232 dots, 29 mm at 203 dpi


def print_escpos(printer: Any, text: ReceiptText) -> None:
    """Prints and cuts one receipt on an opened python-escpos printer (a `Dummy` in tests).

    Lines are wrapped to the paper's columns here rather than by the printer, which would
    break words anywhere. The QR code is the printer's own when its profile says it can draw
    one, else an image. A printer that stops answering half-way raises `PrinterUnavailable`."""
    from PIL import Image

    columns = printer.profile.get_columns("a")
    try:
        printer.set(align="center", bold=True)
        printer.textln("SP4N-LAPOR!")
        printer.set(align="left", bold=False)
        printer.textln(textwrap.fill(text.heading, columns))
        printer.ln()
        printer.set(align="center")
        printer.textln(text.caption)
        printer.set(align="center", bold=True, double_width=True, double_height=True)
        printer.textln(text.code)
        printer.set(align="center", bold=False, normal_textsize=True)
        if printer.profile.supports("qrCode"):
            printer.qr(text.code, size=QR_DOTS_PER_MODULE, native=True)
        else:
            image = Image.open(io.BytesIO(qr_png(text.code, QR_DOTS_PER_MODULE)))
            printer.image(image, center=True)
        printer.set(align="left")
        for paragraph in text.paragraphs:
            printer.ln()
            printer.textln(textwrap.fill(paragraph, columns))
        printer.cut()
    except OSError as exc:  # sockets, serial ports and pyusb's USBError are OSErrors
        raise PrinterUnavailable(_("the printer stopped answering")) from exc
