"""The receipt tells the truth, on screen and on paper: the kiosk's number, a QR code that
scanners read back to exactly that number, and printing to ESC/POS receipt printers that
says plainly when it cannot print."""

import re
import shutil
import socket
import subprocess

import pytest
from escpos.printer import Dummy
from PIL import Image, ImageOps
from PySide6.QtCore import Qt

from kiosk.officer import config
from kiosk.printing import printers
from kiosk.printing.receipt import print_escpos, receipt_text
from kiosk.store import Store, intake
from kiosk.ui import tour

CODE = "K7Q4-9XZM"
RASTER = b"\x1dv0"  # GS v 0: a raster image
NATIVE_QR = b"\x1d(k"  # GS ( k: the printer's own 2D codes
CUT = (b"\x1dV\x00", b"\x1dV\x01")


def zbar(path) -> str:
    """The text of the one code zbar finds in an image file."""
    assert shutil.which("zbarimg"), "zbarimg is missing: apt-get install zbar-tools (build/system-deps.sh)"
    done = subprocess.run(["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def complaint() -> dict:
    return intake.new_complaint(
        {
            "classification": "complaint",
            "title": "Air bersih tidak mengalir",
            "body": "Air PDAM tidak mengalir ke dusun kami sejak tiga hari.",
            "language": "id",
        }
    )


def use_printer(window, setting) -> None:
    """The officer's printer setting, on a window that speaks English (the words checked below)."""
    window.context.settings["receipt_printer"] = printers.normalized(setting)
    window.set_language("en")


@pytest.mark.parametrize("mode", ["normal", "large", "contrast"])
@pytest.mark.parametrize("language", ["id", "en"])
def test_the_qr_code_on_screen_reads_back_as_the_number(qtbot, window, tmp_path, language, mode):
    """Whatever the language, text size or contrast, the QR code is whole on screen, dark on
    light, a regular QR code (not Micro QR), and carries the number and nothing else."""
    use_printer(window, {"kind": "none"})
    window.set_language(language)
    window.set_mode(tour.MODES[mode])
    window.show_receipt(complaint())
    path = tmp_path / "receipt.png"
    assert window.receipt.grab().save(str(path))
    assert zbar(path) == window.receipt.code
    assert window.receipt.code_label.text() == window.receipt.code


def test_the_receipt_does_not_claim_the_national_system_knows_the_number():
    """lapor.go.id and SMS 1708 are named only for the national tracking number, never for the kiosk's."""
    text = receipt_text(CODE)
    words = " ".join(text.paragraphs)
    assert "only on this kiosk, not at lapor.go.id or by SMS 1708" in words
    assert "its SP4N-LAPOR! number: that number works at lapor.go.id" in words
    assert '"Check report status" on this kiosk' in words


def test_the_receipt_says_when_sms_notices_were_asked_for():
    """Only a citizen who asked for SMS notices reads that they will come, and when."""
    assert not any("SMS each time" in paragraph for paragraph in receipt_text(CODE).paragraphs)
    (said,) = [p for p in receipt_text(CODE, sms=True).paragraphs if "SMS each time" in p]
    assert "once this kiosk has sent it" in said


def _strip_raster(output: bytes) -> tuple[bytes, list[Image.Image]]:
    """The printer's bytes without its raster images, and those images (1 = a burnt dot)."""
    images, rest = [], b""
    while (start := output.find(RASTER)) >= 0:
        x_bytes = output[start + 4] + 256 * output[start + 5]
        height = output[start + 6] + 256 * output[start + 7]
        data = output[start + 8 : start + 8 + x_bytes * height]
        images.append(Image.frombytes("1", (x_bytes * 8, height), data))
        rest += output[:start]
        output = output[start + 8 + x_bytes * height :]
    return rest + output, images


def test_a_58_mm_receipt_fits_its_paper_and_its_qr_code_reads_back(tmp_path):
    """58 mm: the number in text, the QR code as an image no wider than 384 dots (it scans to the
    number), every line within 32 characters, and a cut."""
    printer = Dummy()
    printer.profile = printers.profile_for(printers.normalized({"kind": "usb", "address": "0416:5011", "width_mm": 58}))
    print_escpos(printer, receipt_text(CODE))
    output = printer.output
    text, images = _strip_raster(output)
    assert CODE.encode() in text
    assert NATIVE_QR not in output and len(images) == 1
    (qr,) = images
    assert qr.width <= 384
    qr_path = tmp_path / "printed-qr.png"
    ImageOps.invert(qr.convert("L")).save(qr_path)  # on paper a set bit is black
    assert zbar(qr_path) == CODE
    lines = [re.sub(rb"\x1b[!Eadt].", b"", line) for line in text.split(b"\n")]
    printable = [line.decode("ascii") for line in lines if line and all(32 <= byte < 127 for byte in line)]
    assert any("lapor.go.id" in line for line in printable)
    assert max(len(line) for line in printable) <= 32, printable
    assert any(cut in output for cut in CUT)


def test_a_printer_model_that_draws_qr_codes_gets_the_native_command():
    """A named model whose profile can draw QR codes (an Epson TM-T20II on 80 mm paper) gets the
    printer's own QR command with the number, lines up to 48 characters, and a cut."""
    printer = Dummy()
    setting = printers.normalized({"kind": "network", "address": "10.0.0.9", "width_mm": 80, "profile": "TM-T20II"})
    printer.profile = printers.profile_for(setting)
    print_escpos(printer, receipt_text(CODE))
    output = printer.output
    assert NATIVE_QR + b"\x0c\x001P0" + CODE.encode() in output
    assert RASTER not in output
    assert any(cut in output for cut in CUT)
    assert b"\nKeep this number. This kiosk sends your report\n" in output  # 46 characters: wider than 58 mm


@pytest.mark.parametrize(
    ("setting", "complaint_about"),
    [
        ({"kind": "usb", "address": "printer"}, "vendor and product number"),
        ({"kind": "serial", "address": " "}, "port"),
        ({"kind": "network", "address": "192.168.1.50:99999"}, "IP address"),
        ({"kind": "system", "width_mm": 57}, "58 or 80"),
    ],
)
def test_a_printer_setting_that_cannot_work_is_refused(setting, complaint_about):
    with pytest.raises(ValueError, match=complaint_about):
        printers.normalized(setting)


class FakeNetworkPrinter:
    """A TCP port that takes connections (a printer on the network), then is switched off."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0), backlog=8)
        self.address = f"127.0.0.1:{self.server.getsockname()[1]}"

    def switch_off(self) -> None:
        self.server.close()


def test_a_printer_that_refuses_says_so_and_the_receipt_stays(qtbot, window):
    """The printer was there when the receipt showed, and refuses when "Print" is pressed: the
    screen says what happened and what to do, the number stays, and printing can be tried again."""
    printer = FakeNetworkPrinter()
    use_printer(window, {"kind": "network", "address": printer.address, "width_mm": 58})
    window.show_receipt(complaint())
    receipt = window.receipt
    qtbot.waitUntil(receipt.print_button.isEnabled, timeout=10_000)
    assert receipt.print_status.isHidden()
    printer.switch_off()
    qtbot.mouseClick(receipt.print_button, Qt.MouseButton.LeftButton)
    expected = f"the printer at {printer.address} refused the connection"
    qtbot.waitUntil(lambda: expected in receipt.print_status.text(), timeout=10_000)
    assert "Show this screen to the officer or write the number down." in receipt.print_status.text()
    assert receipt.print_status.isVisible() and receipt.print_button.isEnabled()
    assert window.stack.currentWidget() is receipt and receipt.code_label.text() == receipt.code


def test_a_printer_that_does_not_answer_times_out_with_a_message(qtbot, window, monkeypatch):
    """A printer that never answers the connection (its queue is full) costs seconds, off the UI
    thread, and ends in a message rather than a frozen or empty screen."""
    monkeypatch.setattr(printers, "TIMEOUT", 0.5)
    server = socket.create_server(("127.0.0.1", 0), backlog=0)
    waiting = socket.create_connection(server.getsockname())  # fills the queue: the next one waits
    address = f"127.0.0.1:{server.getsockname()[1]}"
    try:
        window.show_receipt(complaint())
        receipt = window.receipt
        qtbot.waitUntil(lambda: receipt.print_status.isVisible(), timeout=10_000)
        use_printer(window, {"kind": "network", "address": address})
        receipt.print_receipt().join(timeout=10)
        qtbot.waitUntil(lambda: "did not answer" in receipt.print_status.text(), timeout=10_000)
        assert window.stack.currentWidget() is receipt
    finally:
        waiting.close()
        server.close()


def test_without_a_printer_the_button_is_off_and_the_screen_says_what_to_do(qtbot, window):
    use_printer(window, {"kind": "none"})
    window.show_receipt(complaint())
    receipt = window.receipt
    assert not receipt.print_button.isEnabled()
    assert receipt.print_status.text() == (
        "No printer is connected. Show this screen to the officer or write the number down."
    )
    assert receipt.print_status.text() in receipt.speech_text()
    receipt.done_button.click()
    assert window.stack.currentWidget() is window.home and receipt.code == ""


def test_a_printed_receipt_goes_to_the_chosen_printer(qtbot, window):
    """The network printer chosen in officer mode gets the receipt with the number on it."""
    server = socket.create_server(("127.0.0.1", 0))
    use_printer(window, {"kind": "network", "address": f"127.0.0.1:{server.getsockname()[1]}", "width_mm": 80})
    window.show_receipt(complaint())
    receipt = window.receipt
    qtbot.waitUntil(receipt.print_button.isEnabled, timeout=10_000)
    server.accept()[0].close()  # the printer-finding connection
    job = receipt.print_receipt()
    connection, _address = server.accept()
    received = b""
    with connection:
        connection.settimeout(10)
        while chunk := connection.recv(65536):
            received += chunk
    job.join(timeout=10)
    server.close()
    qtbot.waitUntil(lambda: "Your receipt is printed" in receipt.print_status.text(), timeout=10_000)
    assert receipt.code.encode() in received and any(cut in received for cut in CUT)


def test_the_officer_chooses_the_receipt_printer(qtbot, window, data_dir):
    """Settings: a network printer with its address and paper width is stored; a wrong address is
    refused with the reason and nothing is stored."""
    window.go("officer")
    tab = window.officer.settings
    tab.printer_kind.setCurrentIndex(tab.printer_kind.findData(printers.NETWORK))
    assert tab.printer_address.isEnabled()
    tab.printer_address.setText("not an address!")
    tab.save.click()
    assert "alamat IP" in tab.message.text()  # Indonesian, the kiosk's own language
    tab.printer_address.setText("192.168.1.50")
    tab.paper_width.setCurrentIndex(tab.paper_width.findData(58))
    tab.save.click()
    qtbot.waitUntil(lambda: not window.context.db.busy, timeout=10_000)
    with Store(data_dir) as store:
        assert config.load(store)["receipt_printer"] == {"kind": "network", "address": "192.168.1.50", "width_mm": 58}
    tab.printer_kind.setCurrentIndex(tab.printer_kind.findData(printers.SYSTEM))
    assert not tab.printer_address.isEnabled()
