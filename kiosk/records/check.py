"""Checking a record against the one format (DESIGN.md).

`validate()` takes a parsed JSON value and returns the record as it will be stored: text
normalised to NFC and trimmed, everything else exactly as given. A record that breaks any
rule raises RecordInvalid naming every field at fault. `parse_json()` is the strict JSON
every record is read with.
"""

import json
import re
import unicodedata
from typing import Any, Literal, NoReturn

from pydantic import ValidationError

from kiosk.records.errors import WHOLE_RECORD, FieldError, RecordInvalid, from_pydantic, shown
from kiosk.records.models import MODELS, TEXT_FIELDS, TextFields, checker
from kiosk.records.protocol import KINDS
from kiosk.records.rules import cross_field_errors

__all__ = ["parse_json", "validate"]


# White space to trim: Unicode's, less the control characters, which are refused instead.
_EDGE_SPACE = re.compile(
    r"^[ \t\n\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|"
    r"[ \t\n\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$"
)


def _normalize(value: Any, spec: TextFields | Literal[True]) -> Any:
    """NFC and trimmed free text where `spec` (from TEXT_FIELDS) marks it; all else untouched.

    What needs no change comes back as the same object (normalize and sub return their input
    then), so a record that arrives clean, as nearly all do, is checked without being copied.
    """
    if spec is True:
        return _EDGE_SPACE.sub("", unicodedata.normalize("NFC", value)) if isinstance(value, str) else value
    if isinstance(spec, dict) and isinstance(value, dict):
        # Only the keys that hold free text are visited: most of a record is left as it is.
        changed: dict[str, Any] = {}
        for key, inner in spec.items():
            if key in value and (new := _normalize(value[key], inner)) is not value[key]:
                changed[key] = new
        return value | changed if changed else value
    if isinstance(spec, dict) and isinstance(value, list):
        items = [_normalize(item, spec) for item in value]
        return items if any(new is not old for new, old in zip(items, value, strict=True)) else value
    return value


def validate(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RecordInvalid([FieldError(WHOLE_RECORD, "not_object")])
    kind = value.get("kind")
    if not isinstance(kind, str) or kind not in MODELS:
        code = "missing" if "kind" not in value else "unknown_kind"
        raise RecordInvalid([FieldError("kind", code, {"choices": ", ".join(KINDS)})])
    record: dict[str, Any] = _normalize(value, TEXT_FIELDS[kind])
    try:
        checker(kind).validate_python(record)
    except ValidationError as exc:
        raise RecordInvalid([from_pydantic(e) for e in exc.errors(include_url=False)]) from None
    except RecursionError:
        raise RecordInvalid([FieldError(WHOLE_RECORD, "too_deep")]) from None
    errors = cross_field_errors(record)
    if errors:
        raise RecordInvalid(errors)
    return record


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) < len(pairs):  # a key given twice; found one by one only then
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise RecordInvalid([FieldError(WHOLE_RECORD, "duplicate_key", {"key": shown(key)})])
            seen.add(key)
    return obj


def _no_constants(name: str) -> NoReturn:
    raise RecordInvalid([FieldError(WHOLE_RECORD, "not_json_number")])


def parse_json(text: str) -> Any:
    """Strict JSON: no NaN or Infinity, no key given twice."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        raise RecordInvalid([FieldError(WHOLE_RECORD, "not_json", {"column": exc.colno})]) from None
    except RecursionError:
        raise RecordInvalid([FieldError(WHOLE_RECORD, "too_deep")]) from None
    except RecordInvalid:
        raise
    except ValueError:  # e.g. an integer longer than Python converts
        raise RecordInvalid([FieldError(WHOLE_RECORD, "not_json_number")]) from None
