"""The hub's sealing key: kiosks seal personal fields for its public half."""

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

SEALING_KEY_FILE = "sealing-key.pem"


def sealing_key(data_dir: Path) -> "X25519PrivateKey":
    """The hub's private key, made on first start and readable by the hub's user alone."""
    from kiosk.records.sealing import load_private_key, new_private_key

    path = data_dir / SEALING_KEY_FILE
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return load_private_key(path.read_bytes())
    pem = new_private_key()
    with os.fdopen(descriptor, "wb") as out:
        out.write(pem)
        out.flush()
        os.fsync(out.fileno())
    return load_private_key(pem)
