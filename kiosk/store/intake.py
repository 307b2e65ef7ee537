"""Turns what a citizen or officer answered into records of the one format.

The UI collects answers; this module adds what the device knows (uuid, clock, device
id, consent version) and validates, so a screen can never store a malformed record.
"""

import hashlib
import uuid as uuidlib
from datetime import datetime
from typing import Any

from kiosk.privacy import consent
from kiosk.records.check import validate


def _common(kind: str, device_id: str | None) -> dict[str, Any]:
    record = {
        "uuid": str(uuidlib.uuid4()),
        "kind": kind,
        "schema": 1,
        "created_at": datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    if device_id:
        record["device_id"] = device_id
    return record


def _given(answers: dict[str, Any]) -> dict[str, Any]:
    """Optional answers left blank are left out, not stored empty."""
    kept = {key: _given(value) if isinstance(value, dict) else value for key, value in answers.items()}
    return {key: value for key, value in kept.items() if value not in (None, "", {}, [])}


def attachment(data: bytes, mime: str, role: str, name: str, duration_s: int | None = None) -> dict[str, Any]:
    """A complaint's entry for bytes a screen captured (a voice note: its whole seconds too).
    The bytes go to the store with the record: Store.add_records([record], attachments.in_memory(data))."""
    entry = {"sha256": hashlib.sha256(data).hexdigest(), "mime": mime, "size": len(data), "name": name, "role": role}
    return entry if duration_s is None else {**entry, "duration_s": duration_s}


def new_complaint(answers: dict[str, Any], device_id: str | None = None) -> dict[str, Any]:
    """`answers` holds the complaint's own fields; consent is implied by reaching submit. A
    record says schema 2 only when it uses what is new there (attachments with a role, SMS
    notices)."""
    with_roles = any("role" in entry for entry in answers.get("attachments", []))
    return validate(
        {
            **_common("complaint", device_id),
            "schema": 2 if with_roles or "sms_updates" in answers else 1,
            "location": {},
            "attachments": [],
            "anonymous": False,
            "confidential": False,
            **_given(answers),
            "consent": {"given": True, "text_version": consent.VERSION},
        }
    )


def new_attendance(event_uuid: str, answers: dict[str, Any], device_id: str | None = None) -> dict[str, Any]:
    return validate(
        {
            **_common("attendance", device_id),
            "event_uuid": event_uuid,
            **_given(answers),
            "consent": {"given": True, "text_version": consent.VERSION},
        }
    )


def new_feedback(complaint_uuid: str, answers: dict[str, Any], device_id: str | None = None) -> dict[str, Any]:
    """The citizen's verdict on their completed report (`rating`, `language`, and a `reason`
    or a spoken one in `attachments` if they gave one); a kind new in schema 2."""
    return validate(
        {**_common("feedback", device_id), "schema": 2, "complaint_uuid": complaint_uuid, **_given(answers)}
    )


def new_event(answers: dict[str, Any], device_id: str | None = None) -> dict[str, Any]:
    return validate({**_common("event", device_id), "location": {}, **_given(answers)})
