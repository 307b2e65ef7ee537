"""The bytes of attachments (voice notes, photos), kept in the database beside their record.

Why in SQLite and not as files in the data folder: a record and its bytes are stored in one
transaction, so a crash or a full disk at any moment leaves either both or neither; a record
can never point at bytes that are not there, and no half-written or orphaned file is left to
clean up. Erasing goes through the same secure_delete and log checkpoint as the personal
fields, and a backup of the kiosk is still one file. The price, bytes written twice (log and
database) and a larger file, is small at a kiosk's scale: a few megabytes per complaint.

Attachment bytes are personal data, sealed at rest: each is encrypted (AES-256-GCM, bound to
its record's uuid and its hash) under a key of its own. That key is sealed for the hub like the
personal fields (once the kiosk knows the hub's key), and kept in the clear only until the hub
has the bytes: the hub's upload takes the plain bytes and checks their hash, so until then the
kiosk must be able to read them. After the upload only the hub could open them; retention and
withdrawal erase bytes and keys alike.
"""

import base64
import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kiosk.records.sealing import seal
from kiosk.store.database import Database

Source = Callable[[dict[str, Any]], bytes | None]  # an attachment's entry -> its bytes, or None when not at hand
_NONCE_BYTES = 12
READABLE, SEALED, ERASED = "readable", "sealed", "erased"  # what the kiosk can still do with the bytes


class Mismatch(ValueError):
    """A file was found for an attachment, but its size or hash differs from the record's."""

    def __init__(self, file: str):
        super().__init__(file)
        self.file = file


def matches(entry: dict[str, Any], data: bytes) -> bool:
    return len(data) == entry["size"] and hashlib.sha256(data).hexdigest() == str(entry["sha256"])


def in_memory(*data: bytes) -> Source:
    """What a screen hands in with the record it saves: bytes it captured, found by their hash."""
    by_hash = {hashlib.sha256(item).hexdigest(): item for item in data}
    return lambda entry: by_hash.get(entry["sha256"])


def in_folder(folder: Path) -> Source:
    """Files named by their sha256 or by the attachment's name (a plain file name, never a path)."""

    def find(entry: dict[str, Any]) -> bytes | None:
        names: list[str] = [entry["sha256"]]
        if entry["name"] == Path(entry["name"]).name and not entry["name"].startswith("."):
            names.append(entry["name"])
        mismatched = None
        for name in names:
            path = folder / name
            if not path.is_file():
                continue
            if path.stat().st_size == entry["size"]:
                data = path.read_bytes()
                if matches(entry, data):
                    return data
            mismatched = mismatched or name
        if mismatched:
            raise Mismatch(mismatched)
        return None

    return find


def _bound(uuid: str, sha256: str) -> bytes:
    """What each encryption is bound to: bytes cannot be moved to another record or attachment."""
    return f"lapor-kiosk attachment v1 {uuid} {sha256}".encode()


def _sealed_key(sealing_key: str, uuid: str, key: bytes) -> str:
    return seal(sealing_key, uuid, {"attachment_key": base64.b64encode(key).decode()})


def keep(db: Database, uuid: str, entry: dict[str, Any], data: bytes, sealing_key: str | None) -> None:
    """Stores checked bytes (`matches`) sealed, inside the caller's transaction."""
    key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(_NONCE_BYTES)
    sealed_data = nonce + AESGCM(key).encrypt(nonce, data, _bound(uuid, entry["sha256"]))
    db.execute(
        "INSERT INTO attachments (uuid, sha256, size, data, key, sealed_key) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        [
            uuid,
            entry["sha256"],
            entry["size"],
            sealed_data,
            key,
            _sealed_key(sealing_key, uuid, key) if sealing_key else None,
        ],
    )


def _opened(uuid: str, sha256: str, data: bytes, key: bytes) -> bytes:
    nonce, sealed = data[:_NONCE_BYTES], data[_NONCE_BYTES:]
    return AESGCM(key).decrypt(nonce, sealed, _bound(uuid, sha256))


def read(db: Database, sha256: str, uuid: str | None = None) -> bytes | None:
    """The plain bytes (of this record's attachment, or of any record's with this hash), while
    the kiosk can still read them; None once they are at the hub, erased, or were never here."""
    where, args = ("AND uuid = ?", [sha256, uuid]) if uuid else ("", [sha256])
    row = db.execute(
        f"SELECT uuid, data, key FROM attachments WHERE sha256 = ? AND key IS NOT NULL {where} LIMIT 1", args
    ).fetchone()
    return _opened(row[0], sha256, row[1], row[2]) if row else None


def states(db: Database, uuid: str) -> dict[str, str]:
    """sha256 -> READABLE, SEALED (only the hub could open it) or ERASED, for one record."""
    rows = db.execute(
        "SELECT sha256, CASE WHEN key IS NOT NULL THEN ? WHEN data IS NOT NULL THEN ? ELSE ? END"
        " FROM attachments WHERE uuid = ?",
        [READABLE, SEALED, ERASED, uuid],
    ).fetchall()
    return dict(rows)


def readable_hashes(db: Database) -> Iterator[str]:
    """Every hash whose bytes the kiosk can still read, each once."""
    cursor = db.execute("SELECT DISTINCT sha256 FROM attachments WHERE key IS NOT NULL ORDER BY sha256")
    while rows := cursor.fetchmany(1000):
        yield from (sha256 for (sha256,) in rows)


def uploaded(db: Database, sha256: str) -> bool:
    """Whether the hub confirmed it holds these bytes (a PUT answered 2xx), in this run or before."""
    return db.execute("SELECT 1 FROM uploads WHERE sha256 = ?", [sha256]).fetchone() is not None


def mark_uploaded(db: Database, sha256: str, now: str) -> None:
    """The hub holds these bytes: remembered, so they are not sent again, and the clear keys
    of every record naming them are erased (the sealed ones stay, for the hub)."""
    with db.atomic():
        db.execute("INSERT INTO uploads (sha256, uploaded_at) VALUES (?, ?) ON CONFLICT DO NOTHING", [sha256, now])
        db.execute("UPDATE attachments SET key = NULL WHERE sha256 = ? AND key IS NOT NULL", [sha256])


def seal_keys(db: Database, sealing_key: str) -> int:
    """Seals for the hub the keys of attachments stored before the kiosk knew the hub's key."""
    rows = db.execute("SELECT uuid, sha256, key FROM attachments WHERE key IS NOT NULL AND sealed_key IS NULL")
    sealed = [[_sealed_key(sealing_key, uuid, key), uuid, sha256] for uuid, sha256, key in rows.fetchall()]
    db.conn.executemany("UPDATE attachments SET sealed_key = ? WHERE uuid = ? AND sha256 = ?", sealed)
    return len(sealed)


def erase(db: Database, uuids: list[str], why: str, now: str) -> int:
    """Erases the bytes and keys of these records' attachments; returns how many were erased."""
    erased = 0
    for uuid in uuids:
        erased += db.execute(
            "UPDATE attachments SET data = NULL, key = NULL, sealed_key = NULL, erased_at = ?, erased_why = ?"
            " WHERE uuid = ? AND erased_at IS NULL",
            [now, why, uuid],
        ).rowcount
    return erased
