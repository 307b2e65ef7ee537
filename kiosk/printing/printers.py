"""The receipt printer the officer chose, as a setting, and opening it through python-escpos.

The setting is plain JSON in the kiosk's settings: `{"kind", "address", "width_mm"}` and,
for a model python-escpos knows, an optional `"profile"` name. Opening a printer can take
seconds (a network printer that does not answer) and so only ever happens off the UI thread.
Failures come back as `PrinterUnavailable` with a reason in the citizen's language, because
the citizen at the kiosk is the one who reads it (and shows it to the officer).
"""

import os
import re
from dataclasses import dataclass
from typing import Any

from kiosk.i18n import N_, _
from kiosk.paths import APP_NAME

NONE, SYSTEM, USB, SERIAL, NETWORK = "none", "system", "usb", "serial", "network"
KINDS = {
    SYSTEM: N_("The computer's printer"),
    USB: N_("Receipt printer on USB"),
    SERIAL: N_("Receipt printer on a serial port"),
    NETWORK: N_("Receipt printer on the network"),
    NONE: N_("No printer"),
}
ESCPOS_KINDS = (USB, SERIAL, NETWORK)
DEFAULT_SETTING: dict[str, Any] = {"kind": SYSTEM, "address": "", "width_mm": 80}
NETWORK_PORT = 9100  # raw printing on JetDirect's port, which network receipt printers listen on
SERIAL_BAUDRATE = 9600  # what most receipt printers ship with
TIMEOUT = 5.0  # seconds before a printer that does not answer counts as gone


@dataclass(frozen=True)
class Paper:
    """What fits across a roll: 203 dpi print heads leave 48 mm (384 dots) of 58 mm paper and
    72 mm (576 dots) of 80 mm paper, 32 or 48 characters of the printer's standard font."""

    dots: int
    columns: int


PAPERS = {58: Paper(384, 32), 80: Paper(576, 48)}


class PrinterUnavailable(Exception):
    """The printer cannot be reached or stopped answering; `str()` is the translated reason."""


_USB_ADDRESS = re.compile(r"^([0-9a-fA-F]{4}):([0-9a-fA-F]{4})$")
_NETWORK_ADDRESS = re.compile(r"^([A-Za-z0-9.\-]+)(?::(\d{1,5}))?$")


def normalized(setting: dict[str, Any]) -> dict[str, Any]:
    """The setting as it is stored, checked when the officer saves it rather than when a
    citizen presses "Print"; `ValueError` carries what is wrong, translated."""
    kind = setting.get("kind", SYSTEM)
    if kind not in KINDS:
        raise ValueError(_("Unknown kind of printer: {kind}").format(kind=kind))
    width = int(setting.get("width_mm", 80))
    if width not in PAPERS:
        raise ValueError(_("Paper width must be 58 or 80 mm."))
    address = str(setting.get("address", "")).strip()
    if kind == USB and not _USB_ADDRESS.match(address):
        raise ValueError(_("A USB printer's address is its vendor and product number, for example 0416:5011."))
    if kind == SERIAL and not address:
        raise ValueError(_("A serial printer's address is its port, for example /dev/ttyUSB0 or COM3."))
    if kind == NETWORK and not _network_address(address):
        raise ValueError(
            _("A network printer's address is its IP address, for example 192.168.1.50 or 192.168.1.50:9100.")
        )
    result: dict[str, Any] = {"kind": kind, "address": address if kind in ESCPOS_KINDS else "", "width_mm": width}
    if setting.get("profile"):
        result["profile"] = str(setting["profile"])
    return result


def _network_address(address: str) -> tuple[str, int] | None:
    match = _NETWORK_ADDRESS.match(address)
    if not match or not 0 < int(match.group(2) or NETWORK_PORT) < 65536:
        return None
    return match.group(1), int(match.group(2) or NETWORK_PORT)


def _escpos() -> Any:
    """python-escpos, imported on first use (0.2 s, a worker thread's time, not start-up's).

    On import it reads its printer database and caches it in a fresh temporary folder, a new
    one in every run; the kiosk's own cache folder keeps it to one."""
    if "ESCPOS_CAPABILITIES_PICKLE_DIR" not in os.environ:
        import platformdirs

        os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(
            platformdirs.user_cache_path(APP_NAME, appauthor=False, ensure_exists=True)
        )
    import escpos.printer

    return escpos.printer


def profile_for(setting: dict[str, Any]) -> Any:
    """python-escpos's profile for the named model, else a generic one for the paper width.

    The generic profile cuts (a printer without a cutter ignores the command) and draws the
    QR code as an image: the native QR command is missing from many cheap 58 mm printers,
    while every one of them prints raster images."""
    from escpos.capabilities import get_profile

    if setting.get("profile"):
        return get_profile(setting["profile"])
    paper = PAPERS[setting["width_mm"]]
    profile = get_profile("default")
    base = profile.profile_data
    profile.profile_data = {
        **base,
        "media": {"dpi": 203, "width": {"mm": setting["width_mm"], "pixels": paper.dots}},
        "fonts": {"0": {"name": "Font A", "columns": paper.columns}},
        "features": {**base["features"], "qrCode": False},
    }
    return profile


def open_printer(setting: dict[str, Any]) -> Any:
    """An opened python-escpos printer for a USB, serial or network setting; the caller closes it."""
    kind, address = setting["kind"], setting["address"]
    printer_classes = _escpos()
    if kind == USB:
        match = _USB_ADDRESS.match(address)
        assert match, address  # `normalized` let it through
        printer = printer_classes.Usb(int(match.group(1), 16), int(match.group(2), 16), timeout=int(TIMEOUT * 1000))
    elif kind == SERIAL:
        printer = printer_classes.Serial(address, baudrate=SERIAL_BAUDRATE, timeout=TIMEOUT)
    elif kind == NETWORK:
        host_port = _network_address(address)
        assert host_port, address
        printer = printer_classes.Network(*host_port, timeout=TIMEOUT)
    else:
        raise PrinterUnavailable(_("no receipt printer is chosen in officer mode"))
    printer.profile = profile_for(setting)
    try:
        printer.open()
    except Exception as exc:
        raise PrinterUnavailable(unreachable(setting, exc)) from exc
    return printer


def unreachable(setting: dict[str, Any], exc: BaseException) -> str:
    """Why the printer cannot be used, in words: python-escpos wraps the socket's or the USB
    library's own error, so the cause is looked for along the chain."""
    causes: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and len(causes) < 5:
        causes.append(cause)
        cause = cause.__cause__ or cause.__context__
    address = setting["address"]
    if setting["kind"] == NETWORK:
        if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
            return _("the printer at {address} refused the connection").format(address=address)
        if any(isinstance(cause, TimeoutError) for cause in causes):
            return _("the printer at {address} did not answer").format(address=address)
        return _("the printer at {address} cannot be reached").format(address=address)
    if setting["kind"] == USB:
        if any(type(cause).__name__ == "NoBackendError" for cause in causes):
            return _("this computer cannot talk to USB printers (libusb is missing)")
        return _("no printer {address} is plugged into USB").format(address=address)
    return _("the printer on {address} cannot be opened").format(address=address)


def check(setting: dict[str, Any]) -> None:
    """Raises `PrinterUnavailable` unless the printer can be opened now (it is closed again)."""
    open_printer(setting).close()
