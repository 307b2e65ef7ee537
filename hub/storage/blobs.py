"""Attachment bytes, addressed by their SHA-256, in a folder (an object store could take its place).

The database says which attachments arrived; a file is written whole (to a temporary name,
synced, then renamed) before the database is told, so a crash leaves no half file behind a row.
"""

import hashlib
import os
import secrets
from pathlib import Path

from hub.storage.base import HubError


def verify(sha256: str, data: bytes) -> None:
    """Refuse bytes that do not hash to the address they were sent to."""
    if hashlib.sha256(data).hexdigest() != sha256:
        raise HubError("hash_mismatch", "the body's SHA-256 differs from the one in the address")


class FolderBlobs:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(exist_ok=True, mode=0o700)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def write(self, sha256: str, data: bytes) -> None:
        path = self.path(sha256)
        path.parent.mkdir(exist_ok=True, mode=0o700)
        partial = path.with_name(f"{sha256}.{secrets.token_hex(4)}.part")
        with open(partial, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        partial.replace(path)
