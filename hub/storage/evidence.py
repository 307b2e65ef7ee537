"""A complaint's attachments as the console hands them to staff: a voice, a face, a letter.

They are personal data as much as the complaint's own words, so they go out the way
`Casework.personal` hands those out: the audit entry is written in the transaction that reads
them, and nothing is handed out unless it is committed. Once the citizen withdrew consent the
complaint shows none of them, even a photo the hub keeps because another record names it too.
"""

import json
from dataclasses import dataclass
from typing import Any

from hub.storage.base import Storage
from hub.storage.blobs import FOLDER, FolderBlobs
from hub.storage.sql import Run
from hub.storage.staff import audit

VIEW_ATTACHMENT = "view_attachment"
# Pictures every browser decodes by itself, and that hold no script (an SVG is a document that may).
PICTURES = ("image/jpeg", "image/png", "image/gif", "image/webp", "image/avif", "image/bmp")


@dataclass(frozen=True)
class Exhibit:
    mime: str
    data: bytes


def kind(mime: str) -> str | None:
    """What a browser plays ("audio") or shows ("image") by itself; None for any other file,
    which is never handed out."""
    mime = mime.lower()
    if mime.startswith("audio/"):
        return "audio"
    return "image" if mime in PICTURES else None


def _attachments(run: Run, uuid: str) -> list[dict[str, Any]]:
    """The attachments a complaint not withdrawn names; none for a withdrawn or unknown one."""
    rows = run("SELECT body FROM records WHERE uuid = ? AND kind = 'complaint' AND withdrawn_at IS NULL", [uuid])
    return list(json.loads(rows[0][0]).get("attachments", [])) if rows else []


class Evidence:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.blobs = FolderBlobs(storage.data_dir / FOLDER, storage.sealing_key)

    def held(self, uuid: str) -> frozenset[str]:
        """The SHA-256 of each attachment of the complaint the hub can hand out (arrived, and the
        complaint not withdrawn): the page says which of those it names are missing."""
        with self.storage.writing() as run:
            named = sorted({entry["sha256"] for entry in _attachments(run, uuid)})
            if not named:
                return frozenset()
            places = ", ".join("?" * len(named))
            rows = run(f"SELECT sha256 FROM attachments WHERE sha256 IN ({places})", named)
        return frozenset(sha256 for (sha256,) in rows)

    def open(self, uuid: str, sha256: str, actor: str, address: str) -> Exhibit | None:
        """One attachment the complaint names, of a type a browser shows by itself, its handing out
        audited; None when the complaint does not name it, it is of another type, or the hub does
        not hold its bytes."""
        with self.storage.writing() as run:
            entry = next((entry for entry in _attachments(run, uuid) if entry["sha256"] == sha256), None)
            if entry is None or kind(entry["mime"]) is None:
                return None
            data = self.blobs.read(sha256)
            if data is None:
                return None
            audit(run, actor, VIEW_ATTACHMENT, f"{uuid}/{sha256}", address)
        return Exhibit(entry["mime"], data)
