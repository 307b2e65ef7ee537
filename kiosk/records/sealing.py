"""Sealing personal fields for the hub, so a stolen kiosk disk does not reveal complainants.

The kiosk holds only the hub's public key: it can seal new records unattended but cannot
open what it sealed (ODK's encrypted forms work the same way). HPKE (RFC 9180, base mode,
X25519 + HKDF-SHA256 + AES-256-GCM) from `cryptography`; the record's uuid is bound into
each seal, so a sealed part cannot be moved to another record.
"""

import base64
import json
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.hpke import AEAD, KDF, KEM, Suite

from kiosk.records.errors import FieldError, RecordInvalid
from kiosk.records.personal import SEALED, Overlap, merge

_SUITE = Suite(KEM.X25519, KDF.HKDF_SHA256, AEAD.AES_256_GCM)
_INFO = b"lapor-kiosk personal fields v1 "


class CannotOpen(ValueError):
    """Not sealed for this key, altered, or moved from another record."""


def new_private_key() -> bytes:
    """A fresh private key as PKCS#8 PEM, for the hub's data folder."""
    return X25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_private_key(pem: bytes) -> X25519PrivateKey:
    """The hub's key from its PEM; ValueError when that is not a key, or a key of another kind."""
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, X25519PrivateKey):
        raise ValueError(f"not an X25519 private key: {type(key).__name__}")
    return key


def public_key_text(private_key: X25519PrivateKey) -> str:
    """The public half as base64 text: what a kiosk receives when it enrolls."""
    raw = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def check_public_key(text: str) -> str:
    """The key as given when it is a well-formed X25519 public key; ValueError otherwise."""
    X25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    return text


def seal(public_key: str, uuid: str, personal: dict[str, Any]) -> str:
    key = X25519PublicKey.from_public_bytes(base64.b64decode(public_key))
    plain = json.dumps(personal, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.b64encode(_SUITE.encrypt(plain, key, info=_INFO + uuid.encode())).decode()


def open_sealed(private_key: X25519PrivateKey, uuid: str, sealed: str) -> dict[str, Any]:
    try:
        plain = _SUITE.decrypt(base64.b64decode(sealed, validate=True), private_key, info=_INFO + uuid.encode())
        personal = json.loads(plain)
    except (InvalidTag, ValueError, TypeError) as exc:
        raise CannotOpen(str(exc)) from None
    if not isinstance(personal, dict):
        raise CannotOpen("not an object")
    return personal


def unseal_record(value: object, private_key: X25519PrivateKey) -> object:
    """A record as received, with its sealed personal part opened and put back in place; the
    result is then validated like any record. Values without a sealed part pass unchanged."""
    if not (isinstance(value, dict) and SEALED in value):
        return value
    public = {key: item for key, item in value.items() if key != SEALED}
    uuid = public.get("uuid")
    try:
        if not isinstance(uuid, str):
            raise CannotOpen("no uuid")
        return merge(public, open_sealed(private_key, uuid, value[SEALED]))
    except (CannotOpen, Overlap):
        raise RecordInvalid([FieldError(SEALED, "unsealable")]) from None
