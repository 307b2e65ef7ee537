"""The kiosk's settings, declared once with defaults and translatable titles.

Values live in the store's settings table; `load` fills in defaults so callers never
see a missing key, and `save` records every change in the audit log.
"""

from dataclasses import dataclass
from typing import Any

from kiosk.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_
from kiosk.printing.printers import DEFAULT_SETTING as DEFAULT_PRINTER
from kiosk.store import Store


@dataclass(frozen=True)
class Option:
    default: object
    title: str


OPTIONS = {
    "kiosk_name": Option("", N_("Kiosk name")),
    "province": Option("", N_("Province")),
    "regency": Option("", N_("Regency or city")),
    "district": Option("", N_("District")),
    "village": Option("", N_("Village")),
    "idle_timeout": Option(90, N_("Seconds without a touch before the kiosk starts over")),
    "default_language": Option(DEFAULT_LANGUAGE, N_("Language the kiosk starts in")),
    "languages": Option(list(LANGUAGES), N_("Languages offered to citizens")),
    "attendance_asks_name": Option(False, N_("Ask attendees for their name and village")),
    "keyboard": Option("auto", N_("On-screen keyboard")),
    "receipt_printer": Option(DEFAULT_PRINTER, N_("Receipt printer")),
    "open_event": Option(None, N_("Event open for registration")),
    "speech_rate": Option(160, N_("Reading speed, in words per minute")),
    "speech_volume": Option(100, N_("Reading volume, in percent")),
    "retention_days": Option(30, N_("Days personal details stay on the kiosk after the hub has them")),
}
KEYBOARD_MODES = {  # when the on-screen keyboard docks under a text field that has focus
    "auto": N_("In kiosk mode, until a physical key is pressed"),
    "always": N_("Always"),
    "never": N_("Never"),
}
MIN_IDLE_TIMEOUT, MAX_IDLE_TIMEOUT = 30, 1800
MAX_RETENTION_DAYS = 365


def load(store: Store) -> dict[str, Any]:
    return {key: store.setting(key, option.default) for key, option in OPTIONS.items()}


def save(store: Store, changes: dict[str, Any], actor: str = "officer") -> None:
    unknown = set(changes) - set(OPTIONS)
    if unknown:
        raise KeyError(", ".join(sorted(unknown)))
    for key, value in changes.items():
        store.set_setting(key, value)
    store.audit(actor, "settings_change", keys=sorted(changes))
