"""The JSON Schema of the record format, generated from the models into schema.json.

`python -m kiosk.records.schema` rewrites the file; a test fails when it is stale, so
the published schema and the validator cannot drift apart.
"""

import json
import sys
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, TypeAdapter

from kiosk.records.models import Attendance, Complaint, Event, Feedback

SCHEMA_PATH = Path(__file__).with_name("schema.json")

_RULES = (
    "Text fields are Unicode NFC and trimmed; control characters other than newline and tab "
    "are refused. Rules across fields: an event's ends_on is not before starts_on; an "
    "attendance's age falls inside its age_band; a complaint's incident_date is not after "
    "the day of created_at; an anonymous complaint carries no reporter; location.lat and "
    "location.lon come together; supersedes names another record. Schema 2 adds attachment "
    "role and duration_s, which schema 1 records must not carry: in schema 2 every attachment "
    "has a role; duration_s is given for a voice recording (audio/*) and only for one; a photo is "
    "image/jpeg or image/png; a complaint's body may be left out when a voice recording is attached. "
    "Schema 2 also adds the kind feedback (a citizen's verdict on a completed complaint; its one "
    "attachment, if any, is the spoken reason) and a complaint's sms_updates, which needs "
    "reporter.phone."
)


def _tidy(node: Any) -> Any:
    """Drops pydantic's generated titles and `default: null` (absent means not given)."""
    if isinstance(node, dict):
        return {
            key: ({name: _tidy(sub) for name, sub in value.items()} if key == "properties" else _tidy(value))
            for key, value in node.items()
            if key != "title" and not (key == "default" and value is None)
        }
    if isinstance(node, list):
        return [_tidy(item) for item in node]
    return node


def schema_document() -> dict[str, Any]:
    record = Annotated[Event | Attendance | Complaint | Feedback, Field(discriminator="kind")]
    body = _tidy(TypeAdapter(record).json_schema(by_alias=True))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://lapor.go.id/schemas/field-kiosk/record-2.json",
        "title": "LAPOR! Field Kiosk record",
        "description": _RULES,
        **body,
    }


def render() -> str:
    return json.dumps(schema_document(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    SCHEMA_PATH.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"{SCHEMA_PATH}\n")
