"""Attachment bytes, addressed by their SHA-256, in a folder (an object store could take its place).

The database says which attachments arrived; a file is written whole (to a temporary name,
synced, then renamed) before the database is told, so a crash leaves no half file behind a row.

Voice notes and photos are personal data, so each file is sealed for the hub's own sealing key
(HPKE, RFC 9180 base mode: X25519, HKDF-SHA256, AES-256-GCM, as the kiosks seal personal
fields). HPKE draws a fresh ephemeral key pair for every file, so each file is encrypted under
an AES-256-GCM key of its own that only the holder of `sealing-key.pem` can derive again; the
file's address is bound into the seal, so a sealed file moved to another name does not open. A
copied attachments folder, or one kept in an object store, therefore reveals nothing without
the key, which stays in the data folder. Sealing needs only the public half: a later writer
(an upload worker, an object store's ingest) need not hold the private key at all.

An upload sent in chunks (`Upload` below) grows, encrypted, in a file of its own under
`uploads/`, apart from the addresses: its bytes become an attachment only once whole, checked
against their hash and sealed like any other.

Files kept plain by hubs older than the sealing are still read (their name is their hash, so
they prove themselves) until `kiosk-hub seal-attachments` seals them in place.
"""

import hashlib
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.hpke import AEAD, KDF, KEM, Suite
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from hub.storage.base import HubError, Storage, full_disk_said, now
from hub.storage.keys import sealing_key

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from cryptography.hazmat.primitives.ciphers import CipherContext

FOLDER = "attachments"  # inside the hub's data folder
UPLOADS = "uploads"  # inside FOLDER: uploads sent in chunks, still under way
SEALED_MARK = b"lapor-hub sealed attachment v1\n"
_SUITE = Suite(KEM.X25519, KDF.HKDF_SHA256, AEAD.AES_256_GCM)
_ADDRESS = re.compile(r"[0-9a-f]{64}")
_NONCE = 16  # bytes at the head of an upload's file: its counter's start


def verify(sha256: str, data: bytes) -> None:
    """Refuse bytes that do not hash to the address they were sent to."""
    if hashlib.sha256(data).hexdigest() != sha256:
        raise HubError("hash_mismatch", "the body's SHA-256 differs from the one in the address")


def hashes_named(record: dict[str, Any]) -> set[str]:
    """The attachments a record names; a withdrawn record still names them (they are not personal
    fields), which is why erasing its bytes asks whether any other record still needs them."""
    return {entry["sha256"] for entry in record.get("attachments", ())}


def _info(sha256: str) -> bytes:
    return b"lapor-hub attachment v1 " + sha256.encode()


class FolderBlobs:
    def __init__(self, root: Path, key: "X25519PrivateKey | None" = None) -> None:
        """`key`: the hub's sealing key; by default the one in the data folder holding `root`."""
        self.root = root
        self.root.mkdir(exist_ok=True, mode=0o700)
        self.key = key if key is not None else sealing_key(root.parent)

    @classmethod
    def of(cls, data_dir: Path) -> "FolderBlobs":
        return cls(data_dir / FOLDER)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def write(self, sha256: str, data: bytes) -> None:
        """Seal bytes already checked against their address (`verify`) and keep them under it."""
        self._replace(sha256, SEALED_MARK + _SUITE.encrypt(data, self.key.public_key(), info=_info(sha256)))

    def read(self, sha256: str) -> bytes | None:
        """The plain bytes, or None when the hub holds none under this address. A file whose
        contents do not unseal to bytes of this hash (damaged, or forged by someone holding only
        the public key) is refused, never handed out."""
        try:
            kept = self.path(sha256).read_bytes()
        except FileNotFoundError:
            return None
        if kept.startswith(SEALED_MARK):
            try:
                data = _SUITE.decrypt(kept[len(SEALED_MARK) :], self.key, info=_info(sha256))
            except (InvalidTag, ValueError):
                data = kept  # a plain file may begin with the mark too; its hash decides
        else:
            data = kept
        if hashlib.sha256(data).hexdigest() != sha256:
            raise HubError("attachment_damaged", f"the attachment file {sha256} does not open to its own hash")
        return data

    def erase(self, sha256: str) -> None:
        """Remove the file; callers drop its row first, so the hub never lists bytes it no longer holds."""
        self.path(sha256).unlink(missing_ok=True)

    def addresses(self) -> Iterator[str]:
        """Every address a file is kept under (half-written `.part` files are not addresses)."""
        for path in sorted(self.root.glob("??/*")):
            if _ADDRESS.fullmatch(path.name) and path.parent.name == path.name[:2]:
                yield path.name

    def seal_plain(self) -> int:
        """Seal in place every file an older hub kept plain; how many were sealed."""
        sealed = 0
        for sha256 in self.addresses():
            kept = self.path(sha256).read_bytes()
            if hashlib.sha256(kept).hexdigest() == sha256:  # a sealed file never hashes to its address
                self.write(sha256, kept)
                sealed += 1
        return sealed

    def _replace(self, sha256: str, contents: bytes) -> None:
        path = self.path(sha256)
        path.parent.mkdir(exist_ok=True, mode=0o700)
        partial = path.with_name(f"{sha256}.{secrets.token_hex(4)}.part")
        try:
            with full_disk_said(), open(partial, "wb") as out:
                out.write(contents)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(path)


class Upload:
    """The bytes of one attachment sent in chunks that have arrived so far.

    Kept by the attachment's address, so a kiosk that lost its connection (or a second worker
    process of the hub) finds them, and asks only for the rest. Each chunk is written as it
    streams in: a connection cut half-way keeps what came before the cut. The bytes are personal
    data even half-sent, so they are encrypted too: AES-256 in counter mode (a chunk may land at
    any offset) under a key derived from the hub's sealing key and the address, with a fresh
    nonce whenever an upload starts from its first byte. Counter mode does not authenticate; the
    SHA-256 of the whole does, before anything becomes an attachment.
    """

    def __init__(self, data_dir: Path, sha256: str, key: "X25519PrivateKey") -> None:
        self.folder = data_dir / FOLDER / UPLOADS
        self.path = self.folder / sha256
        self.sha256 = sha256
        info = b"lapor-hub upload v1 " + sha256.encode()
        self._key = HKDF(hashes.SHA256(), 32, salt=None, info=info).derive(key.private_bytes_raw())

    def received(self) -> int:
        try:
            return max(0, self.path.stat().st_size - _NONCE)
        except FileNotFoundError:
            return 0

    def open_at(self, start: int) -> "UploadWriter | None":
        """Where the bytes from `start` on go (anything after `start` is dropped, as a chunk sent
        again replaces what it covers); None when bytes before `start` are missing."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        out = open(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600), "r+b")  # noqa: SIM115 - UploadWriter closes it
        nonce = out.read(_NONCE)
        if start > max(0, os.fstat(out.fileno()).st_size - _NONCE):
            out.close()
            return None
        if start == 0 or len(nonce) < _NONCE:
            nonce = secrets.token_bytes(_NONCE)
            out.seek(0)
            out.write(nonce)
        out.truncate(_NONCE + start)
        out.seek(_NONCE + start)
        return UploadWriter(out, self._stream(nonce, start))

    def whole(self) -> bytes:
        """The bytes, once every chunk arrived: checked against their address (`verify`); an upload
        that does not hash to it is dropped, to be sent again from the start."""
        kept = self.path.read_bytes()
        data = self._stream(kept[:_NONCE], 0).update(kept[_NONCE:])
        try:
            verify(self.sha256, data)
        except HubError:
            self.discard()
            raise
        return data

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)

    def _stream(self, nonce: bytes, at: int) -> "CipherContext":
        """The key stream from byte `at` on (encrypting and decrypting are the same in counter mode)."""
        block, skip = divmod(at, 16)
        counter = (int.from_bytes(nonce) + block) % (1 << 128)
        stream = Cipher(algorithms.AES(self._key), modes.CTR(counter.to_bytes(16))).encryptor()
        stream.update(bytes(skip))
        return stream


class UploadWriter:
    """Encrypts what is written to an upload's file; `close` puts it on disk, so a kiosk told N
    bytes arrived finds them after a crash of the hub."""

    def __init__(self, out: BinaryIO, stream: "CipherContext") -> None:
        self.out, self.stream = out, stream

    def write(self, data: bytes) -> None:
        """Bytes cut short by a full disk are a prefix of the chunk: HEAD tells the kiosk where to go on."""
        with full_disk_said():
            self.out.write(self.stream.update(data))

    def close(self) -> None:
        try:
            with full_disk_said():
                self.out.flush()
                os.fsync(self.out.fileno())
        finally:
            self.out.close()


def keep(storage: Storage, sha256: str, data: bytes) -> bool:
    """Storage.put_attachment for either database: the sealed file first, then its row, so a row
    never names bytes the hub does not hold; False when the attachment was already here."""
    verify(sha256, data)
    if storage.has_attachment(sha256):
        return False
    storage.blobs.write(sha256, data)
    with storage.writing() as run:
        added = run(
            "INSERT INTO attachments (sha256, size, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
            " RETURNING sha256",
            [sha256, len(data), now()],
        )
    return bool(added)
