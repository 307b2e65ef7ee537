"""Field errors with translatable reasons, from pydantic's errors and our own rules.

A FieldError keeps a code and parameters, never a sentence: the sentence is chosen from
MESSAGES and translated where it is shown, in the reader's language.
"""

import dataclasses
import re
from typing import TYPE_CHECKING, Any

from kiosk.i18n import N_, _
from kiosk.records import patterns

if TYPE_CHECKING:  # the record models (pydantic) load only where records are checked
    from pydantic_core import ErrorDetails

WHOLE_RECORD = "record"
_FIELD_SHOWN_CHARS = 60

MESSAGES = {
    "missing": N_("is required"),
    "unknown_field": N_("is not a field of this kind of record"),
    "not_text": N_("must be text"),
    "not_integer": N_("must be a whole number"),
    "not_number": N_("must be a number"),
    "not_finite": N_("must be a finite number"),
    "not_boolean": N_("must be true or false"),
    "not_object": N_("must be a JSON object"),
    "not_list": N_("must be a list"),
    "empty": N_("must not be empty"),
    "too_short": N_("must be at least {min_length} characters long"),
    "too_long": N_("must be at most {max_length} characters long (it has {length})"),
    "too_many_items": N_("must have at most {max_length} items"),
    "too_small": N_("must be at least {ge}"),
    "too_large": N_("must be at most {le}"),
    "not_one_of": N_("must be one of: {choices}"),
    "control_characters": N_("must not contain control characters (only newline and tab are allowed)"),
    "broken_unicode": N_("contains broken Unicode characters"),
    "not_a_date": N_("is not a real date (write it as YYYY-MM-DD, e.g. 2026-08-17)"),
    "not_a_datetime": N_("is not a real date and time with offset (RFC 3339, e.g. 2026-08-17T09:30:00+07:00)"),
    "not_uuid4": N_("must be a lowercase UUID version 4, e.g. 3f2b8c1e-9a4d-4e5f-8b6a-1c2d3e4f5a6b"),
    "not_device_id": N_("must be 1 to 64 letters, digits, '-' or '_'"),
    "not_phone": N_("must be a phone number of digits, spaces, '+', '-' and brackets"),
    "not_email": N_("must be an e-mail address"),
    "not_language": N_("must be a language code such as 'id' or 'en'"),
    "not_sha256": N_("must be a SHA-256 hash in 64 lowercase hexadecimal digits"),
    "not_mime": N_("must be a media type such as 'image/jpeg'"),
    "unknown_schema": N_("is a schema version this kiosk does not know (it knows {known})"),
    "unknown_kind": N_("must be one of: {choices}"),
    "consent_not_given": N_("must be true: a person who declines is not recorded"),
    "ends_before_start": N_("must not be before starts_on ({starts_on})"),
    "age_outside_band": N_("{age} is outside the age band {age_band}"),
    "incident_in_future": N_("must not be in the future"),
    "reporter_on_anonymous": N_("must be left empty on an anonymous complaint"),
    "supersedes_itself": N_("must name another record, not this one"),
    "lat_lon_pair": N_("lat and lon must be given together"),
    "new_in_schema_2": N_('is new in schema version 2: the record must say "schema": 2'),
    "body_or_voice": N_("is required unless a voice recording is attached"),
    "voice_only": N_("is for voice recordings only"),
    "spoken_reason_only": N_("must be a voice recording: a verdict's reason is spoken or typed"),
    "sms_without_phone": N_("needs the reporter's phone number (reporter.phone)"),
    "mime_for_role": N_("must be {choices} for a {role} attachment"),
    "attachment_missing": N_(
        "has no file at hand: give the attachments folder, holding a file named by its sha256 or by its name"
    ),
    "attachment_mismatch": N_("does not match the file {file}: its size or SHA-256 differs"),
    "not_json": N_("is not valid JSON (the error is at column {column})"),
    "not_json_number": N_("holds a number JSON does not allow (NaN, Infinity, or thousands of digits)"),
    "too_deep": N_("is nested too deeply"),
    "duplicate_key": N_("the field {key} appears twice"),
    "not_utf8": N_("is not valid UTF-8 text"),
    "line_too_long": N_("is longer than {max_bytes} bytes and was skipped"),
    "invalid": N_("is not valid"),
    "sealed_for_hub": N_(
        "holds personal details sealed for the hub: only the hub can open them, so a kiosk cannot import this line"
    ),
    "unsealable": N_("cannot be opened with this hub's key (sealed for another hub, or altered)"),
    "conflict": N_("a different record with this uuid is already stored; it was not overwritten"),
}

_PYDANTIC_CODES = {
    "missing": "missing",
    "extra_forbidden": "unknown_field",
    "string_type": "not_text",
    "string_unicode": "broken_unicode",
    "int_type": "not_integer",
    "float_type": "not_number",
    "finite_number": "not_finite",
    "bool_type": "not_boolean",
    "model_type": "not_object",
    "model_attributes_type": "not_object",
    "dict_type": "not_object",
    "list_type": "not_list",
    "too_long": "too_many_items",
    "greater_than_equal": "too_small",
    "less_than_equal": "too_large",
}

_PATTERN_CODES = {
    patterns.UUID4_PATTERN: "not_uuid4",
    patterns.DATE_PATTERN: "not_a_date",
    patterns.DATETIME_PATTERN: "not_a_datetime",
    patterns.DEVICE_ID_PATTERN: "not_device_id",
    patterns.PHONE_PATTERN: "not_phone",
    patterns.EMAIL_PATTERN: "not_email",
    patterns.LANGUAGE_PATTERN: "not_language",
    patterns.SHA256_PATTERN: "not_sha256",
    patterns.MIME_PATTERN: "not_mime",
}


@dataclasses.dataclass(frozen=True)
class FieldError:
    """One reason a record was refused: which field (dotted path) and why."""

    field: str
    code: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def message(self) -> str:
        return _(MESSAGES[self.code]).format(**self.params)

    def __str__(self) -> str:
        return f"{self.field}: {self.message()}"


class RecordInvalid(ValueError):
    """A record broke the format; `errors` names every field at fault."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.code}" for e in errors))
        self.errors = errors


def shown(text: str) -> str:
    """A field name or value safe to print: no terminal escapes, no runaway length."""
    safe = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)
    return safe if len(safe) <= _FIELD_SHOWN_CHARS else safe[: _FIELD_SHOWN_CHARS - 1] + "…"


def from_pydantic(error: "ErrorDetails") -> FieldError:
    path = shown(".".join(str(part) for part in error["loc"])) or WHOLE_RECORD
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "string_pattern_mismatch":
        return FieldError(path, _PATTERN_CODES[ctx["pattern"]])
    if kind == "string_too_short":
        if ctx["min_length"] == 1:
            return FieldError(path, "empty")
        return FieldError(path, "too_short", {"min_length": ctx["min_length"]})
    if kind == "string_too_long":
        return FieldError(path, "too_long", {"max_length": ctx["max_length"], "length": len(error["input"])})
    if kind == "literal_error":
        choices = ", ".join(re.findall(r"'([^']*)'", ctx["expected"]))
        return FieldError(path, "not_one_of", {"choices": choices})
    if kind in _PYDANTIC_CODES:
        return FieldError(
            path, _PYDANTIC_CODES[kind], {k: v for k, v in ctx.items() if k in ("max_length", "ge", "le")}
        )
    if kind in MESSAGES:  # raised by our own validators in models.py
        return FieldError(path, kind, dict(ctx))
    return FieldError(path, "invalid")
