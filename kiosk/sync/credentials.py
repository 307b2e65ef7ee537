"""The kiosk's enrollment: which hub, which device id, and the bearer token.

Kept in its own file beside the database, readable by the kiosk's user only (0600),
never in the database, so an export or a copy of the database never carries the token.
"""

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from kiosk.files import atomic_write

FILE = "hub-credentials.json"


@dataclass(frozen=True)
class Credentials:
    hub_url: str
    device_id: str
    token: str


def path(data_dir: Path) -> Path:
    return Path(data_dir) / FILE


def load(data_dir: Path) -> Credentials | None:
    try:
        value = json.loads(path(data_dir).read_text(encoding="utf-8"))
        return Credentials(str(value["hub_url"]), str(value["device_id"]), str(value["token"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(data_dir: Path, credentials: Credentials) -> None:
    with atomic_write(path(data_dir)) as out:  # a fresh temporary file: created 0600
        json.dump(asdict(credentials), out)
    os.chmod(path(data_dir), 0o600)
