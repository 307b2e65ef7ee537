"""The officer PIN that guards officer mode on a public machine.

Only a salted scrypt hash is kept. Five wrong tries lock the PIN for a delay that
doubles with each lockout; the count lives in the database, so a restart does not
reset it, and every try is in the audit log (without the digits typed).
"""

import hashlib
import hmac
import os
import time
from dataclasses import dataclass
from typing import Any

from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.store import Store

MIN_DIGITS, MAX_DIGITS = 6, 12
MAX_TRIES = 5
FIRST_LOCK_SECONDS = 30
SCRYPT = {"n": 2**14, "r": 8, "p": 1}  # kept with each hash, so a later cost still checks older PINs
PIN_KEY, LOCKOUT_KEY = "officer_pin", "officer_pin_lockout"
_UNLOCKED = {"failures": 0, "lockouts": 0, "locked_until": 0}


@dataclass(frozen=True)
class PinCheck:
    ok: bool
    locked_for: int = 0  # seconds until the next try is allowed
    tries_left: int = MAX_TRIES


def _digest(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=32)


def _matches(pin: str, saved: dict[str, Any]) -> bool:
    """`pin` against a saved hash, at the cost it was made with, in constant time."""
    params = {key: saved[key] for key in ("n", "r", "p")}
    return hmac.compare_digest(_digest(pin, bytes.fromhex(saved["salt"]), **params), bytes.fromhex(saved["hash"]))


def check_format(pin: str) -> None:
    if not (pin.isascii() and pin.isdigit() and MIN_DIGITS <= len(pin) <= MAX_DIGITS):
        raise KioskError(_("The PIN must be {min} to {max} digits.").format(min=MIN_DIGITS, max=MAX_DIGITS))


def has_pin(store: Store) -> bool:
    return store.setting(PIN_KEY) is not None


def set_pin(store: Store, pin: str, actor: str = "officer") -> None:
    check_format(pin)
    salt = os.urandom(16)
    store.set_setting(PIN_KEY, {"salt": salt.hex(), "hash": _digest(pin, salt, **SCRYPT).hex(), **SCRYPT})
    store.set_setting(LOCKOUT_KEY, _UNLOCKED)
    store.audit(actor, "pin_set")


def check_pin(store: Store, pin: str, now: float | None = None) -> PinCheck:
    now = time.time() if now is None else now
    saved = store.setting(PIN_KEY)
    if saved is None:
        raise KioskError(_("No officer PIN is set yet."))
    lockout = store.setting(LOCKOUT_KEY, _UNLOCKED)
    if now < lockout["locked_until"]:
        return PinCheck(False, locked_for=int(lockout["locked_until"] - now + 0.999), tries_left=0)
    if _matches(pin, saved):
        store.set_setting(LOCKOUT_KEY, _UNLOCKED)
        store.audit("officer", "officer_login")
        return PinCheck(True)
    failures = lockout["failures"] + 1
    store.audit("officer", "pin_failed", failures=failures)
    if failures < MAX_TRIES:
        store.set_setting(LOCKOUT_KEY, {**lockout, "failures": failures})
        return PinCheck(False, tries_left=MAX_TRIES - failures)
    lockouts = lockout["lockouts"] + 1
    seconds = FIRST_LOCK_SECONDS * 2 ** (lockouts - 1)
    store.set_setting(LOCKOUT_KEY, {"failures": 0, "lockouts": lockouts, "locked_until": now + seconds})
    store.audit("officer", "pin_lockout", seconds=seconds)
    return PinCheck(False, locked_for=seconds, tries_left=0)
