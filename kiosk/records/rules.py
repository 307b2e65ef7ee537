"""Rules that span several fields, which a JSON Schema cannot say.

They run after the models accepted every field, so values have their types here.
"""

from datetime import date, datetime, timedelta
from typing import Any

from kiosk.records.errors import FieldError

AGE_BAND_RANGES = {"0-15": (0, 15), "16-30": (16, 30), "31-45": (31, 45), "46-60": (46, 60), "61+": (61, 120)}
# What each role's bytes may be (DESIGN.md, schema 2): photos are re-encoded on entry, so two
# image types are enough; a recorder's audio comes in several containers.
PHOTO_TYPES = ("image/jpeg", "image/png")
VOICE_TYPE_PREFIX = "audio/"
# A document is a letter or a receipt photographed or scanned, or a recording: nothing a
# kiosk, a hub or an agency's staff would have to open with another program.
DOCUMENT_TYPE_PREFIXES = ("audio/", "image/")
SCHEMA_2_ATTACHMENT_FIELDS = ("role", "duration_s")
SCHEMA_2_KINDS = ("feedback",)


def _latest_today(created_at: str) -> date:
    """The latest day it can be: by this machine's clock or by the recording device's, plus a
    day for time zones. Village clocks run wrong both ways; a record valid once stays valid."""
    latest = max(date.today(), datetime.fromisoformat(created_at).date())
    return latest if latest == date.max else latest + timedelta(days=1)


def cross_field_errors(record: dict[str, Any]) -> list[FieldError]:
    errors: list[FieldError] = []
    if record.get("supersedes") == record["uuid"]:
        errors.append(FieldError("supersedes", "supersedes_itself"))
    location = record.get("location", {})
    if ("lat" in location) != ("lon" in location):
        errors.append(FieldError("location.lat" if "lat" in location else "location.lon", "lat_lon_pair"))
    kind = record["kind"]
    if kind in SCHEMA_2_KINDS and record["schema"] == 1:
        errors.append(FieldError("kind", "new_in_schema_2"))
    if kind == "event":
        ends_on, starts_on = record.get("ends_on"), record["starts_on"]
        if ends_on is not None and date.fromisoformat(ends_on) < date.fromisoformat(starts_on):
            errors.append(FieldError("ends_on", "ends_before_start", {"starts_on": starts_on}))
    elif kind == "attendance":
        age, band = record.get("age"), record["age_band"]
        low, high = AGE_BAND_RANGES.get(band, (None, None))
        if age is not None and (low is None or not low <= age <= high):
            errors.append(FieldError("age", "age_outside_band", {"age": age, "age_band": band}))
    elif kind == "complaint":
        incident = record.get("incident_date")
        if incident is not None and date.fromisoformat(incident) > _latest_today(record["created_at"]):
            errors.append(FieldError("incident_date", "incident_in_future"))
        if record["anonymous"] and any(record.get("reporter", {}).values()):
            errors.append(FieldError("reporter", "reporter_on_anonymous"))
        errors += _attachment_errors(record)
        errors += _sms_errors(record)
    elif kind == "feedback":
        for index, attachment in enumerate(record.get("attachments", ())):
            errors += _role_errors(f"attachments.{index}", attachment)
            if attachment.get("role", "voice") != "voice":
                errors.append(FieldError(f"attachments.{index}.role", "spoken_reason_only"))
    return errors


def _sms_errors(record: dict[str, Any]) -> list[FieldError]:
    """An SMS at each step needs a number to send it to, and is new in schema 2."""
    if "sms_updates" not in record:
        return []
    if record["schema"] == 1:
        return [FieldError("sms_updates", "new_in_schema_2")]
    if record["sms_updates"] and not record.get("reporter", {}).get("phone"):
        return [FieldError("sms_updates", "sms_without_phone")]
    return []


def _attachment_errors(record: dict[str, Any]) -> list[FieldError]:
    """Schema 1 knows no roles; in schema 2 each attachment says what it is, and a voice
    recording may stand in for the written story (citizens who cannot type can speak)."""
    errors: list[FieldError] = []
    attachments = record["attachments"]
    if record["schema"] == 1:
        for index, attachment in enumerate(attachments):
            errors += [
                FieldError(f"attachments.{index}.{key}", "new_in_schema_2")
                for key in SCHEMA_2_ATTACHMENT_FIELDS
                if key in attachment
            ]
        if "body" not in record:
            errors.append(FieldError("body", "missing"))
        return errors
    for index, attachment in enumerate(attachments):
        errors += _role_errors(f"attachments.{index}", attachment)
    if "body" not in record and not any(attachment.get("role") == "voice" for attachment in attachments):
        errors.append(FieldError("body", "body_or_voice"))
    return errors


def _role_errors(path: str, attachment: dict[str, Any]) -> list[FieldError]:
    role, mime = attachment.get("role"), attachment["mime"]
    if role is None:
        return [FieldError(f"{path}.role", "missing")]
    errors = []
    if role == "voice":
        if "duration_s" not in attachment:
            errors.append(FieldError(f"{path}.duration_s", "missing"))
        if not mime.startswith(VOICE_TYPE_PREFIX):
            errors.append(FieldError(f"{path}.mime", "mime_for_role", {"choices": "audio/*", "role": role}))
    elif "duration_s" in attachment:
        errors.append(FieldError(f"{path}.duration_s", "voice_only"))
    if role == "photo" and mime not in PHOTO_TYPES:
        errors.append(FieldError(f"{path}.mime", "mime_for_role", {"choices": ", ".join(PHOTO_TYPES), "role": role}))
    if role == "document" and not mime.startswith(DOCUMENT_TYPE_PREFIXES):
        choices = ", ".join(f"{prefix}*" for prefix in DOCUMENT_TYPE_PREFIXES)
        errors.append(FieldError(f"{path}.mime", "mime_for_role", {"choices": choices, "role": role}))
    return errors
