"""The hub's rules that hold whatever the database: secrets, answers, the complaint lifecycle.

Each storage keeps its own SQL; what a result means, how a token is checked and which status
may follow which is decided here once.
"""

import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable

from hub.storage.base import HubError, Record, Result
from kiosk.records.protocol import ARCHIVED, COMPLAINT_STATUSES, CONFLICT, DUPLICATE, FINAL_STATUSES, INVALID, STORED

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no I, L, O, U, 0 or 1 to misread
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
BAD_CODE = "the enrollment code is unknown, used or expired"


def hash_secret(secret: str, salt: bytes) -> bytes:
    return hashlib.scrypt(secret.encode(), salt=salt, dklen=32, **SCRYPT)


def normalize_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_hash(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def new_device_id() -> str:
    return f"kiosk-{secrets.token_hex(6)}"


# A kiosk's token is 256 random bits, which no one can guess whatever the hash: a salted SHA-256
# guards it as well as scrypt, and costs each hub worker microseconds instead of 50 ms per kiosk
# (a fleet's first sync after a restart). Tokens hashed before carry a plain salt: still scrypt.
FAST_SALT = b"sha256:"


def hash_token(secret: str, salt: bytes) -> bytes:
    if salt.startswith(FAST_SALT):
        return hashlib.sha256(salt + secret.encode()).digest()
    return hash_secret(secret, salt)


def new_secret() -> tuple[str, bytes, bytes]:
    """A token's secret, its salt and its salted hash."""
    secret = secrets.token_urlsafe(32)
    salt = FAST_SALT + secrets.token_bytes(16)
    return secret, salt, hash_token(secret, salt)


def token_parts(token: str) -> tuple[str, str] | None:
    """(device_id, secret) of a well-formed bearer token."""
    device_id, _, secret = token.partition(".")
    if not secret or len(token) > 200:
        return None
    return device_id, secret


class TokenCheck:
    """Remembers tokens already checked against a hash, so scrypt runs once per token and process."""

    def __init__(self) -> None:
        self._verified: dict[str, bytes] = {}  # sha256(token) -> the token hash it was checked against
        self._checking = threading.Lock()

    def matches(self, token: str, secret: str, salt: bytes, token_hash: bytes) -> bool:
        key = hashlib.sha256(token.encode()).hexdigest()
        if self._verified.get(key) == token_hash:
            return True
        # One hash at a time: a kiosk's parallel first requests wait for one check, not one
        # each, and a flood of forged tokens holds one processor, not all of them.
        with self._checking:
            if self._verified.get(key) == token_hash:
                return True
            if not hmac.compare_digest(hash_token(secret, salt), token_hash):
                return False
            self._verified[key] = token_hash
        return True


def missing_attachments(record: Record, has_attachment: Callable[[str], bool]) -> Result | None:
    """`invalid` for a record naming files not uploaded yet; None when it can be stored."""
    missing = [a["sha256"] for a in record.get("attachments", []) if not has_attachment(a["sha256"])]
    if missing:
        return Result(record["uuid"], INVALID, error=f"attachments: not uploaded yet: {', '.join(missing)}")
    return None


def answer(
    uuid: str, fingerprint: str, new: dict[str, str | None], kept: Callable[[str], tuple[str, str | None]]
) -> Result:
    """What became of one record of a batch. `new` holds the uuids this batch stored, each
    answered `stored` once (the same uuid again in the batch is answered as a later arrival);
    `kept(uuid)` is the (digest, tracking id) the hub already held."""
    if uuid in new:
        return Result(uuid, STORED, new.pop(uuid))
    stored_digest, tracking_id = kept(uuid)
    if stored_digest == fingerprint:
        return Result(uuid, DUPLICATE, tracking_id)
    return Result(uuid, CONFLICT, error="uuid: another record with this uuid is already stored")


def tracking_id(received_at: str, seq: int) -> str:
    return f"LPR-{received_at[:4]}-{seq:07d}"


def check_status(status: str) -> None:
    if status not in COMPLAINT_STATUSES:
        raise HubError("bad_status", f"status must be one of: {', '.join(COMPLAINT_STATUSES)}")


def check_transition(uuid: str, found: tuple[str, str] | None, status: str) -> str:
    """The complaint's current status, when `status` may follow it; `found` is (kind, current status)."""
    if found is None or found[0] != "complaint":
        raise HubError("unknown_complaint", f"no complaint {uuid}")
    current = found[1]
    if current in FINAL_STATUSES or (
        status != ARCHIVED and COMPLAINT_STATUSES.index(status) <= COMPLAINT_STATUSES.index(current)
    ):
        raise HubError("bad_transition", f"a complaint cannot go from {current} to {status}")
    return current
