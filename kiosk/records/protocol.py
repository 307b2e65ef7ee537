"""The words the kiosk and the hub exchange, spelled once: record kinds, the complaint's
lifecycle, what became of each record of a batch, and the JSON forms used on the wire, in
storage and for hashing. Both sides import them from here, so a word cannot drift apart.
"""

import hashlib
import json
import re
from typing import Any

KINDS = ("event", "attendance", "complaint", "feedback")

# A complaint moves along these in order, or is archived; completed and archived are final.
RECEIVED, VERIFIED, FORWARDED, FOLLOWED_UP, COMPLETED, ARCHIVED = (
    "received",
    "verified",
    "forwarded",
    "followed_up",
    "completed",
    "archived",
)
COMPLAINT_STATUSES = (RECEIVED, VERIFIED, FORWARDED, FOLLOWED_UP, COMPLETED, ARCHIVED)
FINAL_STATUSES = (COMPLETED, ARCHIVED)
# The citizen's verdict on a completed report (kind "feedback"): did the follow-up solve it?
NOT_SOLVED, PARTLY_SOLVED, SOLVED = 1, 2, 3
RATINGS = (NOT_SOLVED, PARTLY_SOLVED, SOLVED)

# What became of one record of a batch (POST /api/v1/records), and of one imported line.
STORED, DUPLICATE, CONFLICT, INVALID = "stored", "duplicate", "conflict", "invalid"
RESULT_STATUSES = (STORED, DUPLICATE, CONFLICT, INVALID)
ACKNOWLEDGED = (STORED, DUPLICATE)  # the sender may forget it: the receiver holds this very record

# Resumable attachment uploads: a PUT carrying CONTENT_RANGE holds one chunk of the attachment;
# HEAD answers 200 when the hub holds it whole, else 404 with UPLOAD_OFFSET, the bytes that
# arrived (the next chunk starts there). A PUT without CONTENT_RANGE holds the whole attachment.
CONTENT_RANGE = "Content-Range"
UPLOAD_OFFSET = "Upload-Offset"
_RANGE = re.compile(r"bytes (\d{1,15})-(\d{1,15})/(\d{1,15})")


def content_range(start: int, end: int, total: int) -> str:
    """The chunk from byte `start` up to, not including, `end` of `total` (the header's END is inclusive)."""
    return f"bytes {start}-{end - 1}/{total}"


def chunk_range(value: str) -> tuple[int, int, int] | None:
    """(start, end, total) of a CONTENT_RANGE value, `end` exclusive; None unless well-formed and
    inside the total."""
    found = _RANGE.fullmatch(value.strip())
    if found is None:
        return None
    start, last, total = map(int, found.groups())
    return (start, last + 1, total) if start <= last < total else None


# The statistics' definitions, the same on every kiosk and at the hub.
YOUTH_BAND = "16-30"  # UU 40/2009: youth is 16 to 30
DISABILITY_FROM = 3  # Washington Group cut-off: any domain "a lot of difficulty" (3) or "cannot do at all" (4)


def _not_json(value: object) -> Any:
    raise TypeError(f"{type(value).__name__} is not JSON")


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
# The C encoder JSONEncoder builds on each call, made once: the hub digests every record it
# receives. Its arguments are JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)'s;
# no cycle check, as a record is a tree (parsed JSON, or built as one).
_CANONICAL = json.encoder.c_make_encoder(  # type: ignore[attr-defined]  # CPython's C encoder has no stub
    None, _not_json, json.encoder.encode_basestring, None, ":", ",", True, False, True
)


def compact_json(value: object) -> str:
    """JSON as records travel and are stored: no spaces, UTF-8 kept, keys in their order."""
    return _COMPACT.encode(value)


def canonical_json(record: dict[str, Any]) -> str:
    """The form two records are compared in: sorted keys, no spaces, UTF-8 kept."""
    return "".join(_CANONICAL(record, 0))


def digest(record: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(record).encode()).hexdigest()
