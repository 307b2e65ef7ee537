"""The hub's sealing key: kiosks seal personal fields for its public half, and the hub seals the
attachment files it keeps (hub.storage.blobs) for it too."""

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

SEALING_KEY_FILE = "sealing-key.pem"


def sealing_key(data_dir: Path) -> "X25519PrivateKey":
    """The hub's private key, made on first start and readable by the hub's user alone.

    The new key is written whole under a temporary name and then linked into place, which fails
    when another process got there first: several workers starting together all end up with the
    one key, and none ever reads a file still being written."""
    from kiosk.records.sealing import load_private_key, new_private_key

    path = data_dir / SEALING_KEY_FILE
    if not path.exists():
        partial = path.with_name(f"{SEALING_KEY_FILE}.{secrets.token_hex(4)}.part")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as out:
                out.write(new_private_key())
                out.flush()
                os.fsync(out.fileno())
            os.link(partial, path)
        except FileExistsError:
            pass
        finally:
            partial.unlink(missing_ok=True)
    return load_private_key(path.read_bytes())
