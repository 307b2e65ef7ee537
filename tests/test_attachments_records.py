"""Records schema 2: attachments say what they are (voice, photo, document), a voice note may
stand in for the written story, and every schema 1 record stays valid as it was."""

import json

import factories
import jsonschema
import pytest

from kiosk.records import RecordInvalid
from kiosk.records.check import validate
from kiosk.records.schema import SCHEMA_PATH
from kiosk.store import intake

VOICE = {
    "sha256": "a" * 64,
    "mime": "audio/ogg",
    "size": 48_000,
    "name": "suara.ogg",
    "role": "voice",
    "duration_s": 42,
}
PHOTO = {"sha256": "b" * 64, "mime": "image/jpeg", "size": 90_000, "name": "jalan.jpg", "role": "photo"}
DOCUMENT = {"sha256": "c" * 64, "mime": "image/png", "size": 5_000, "name": "surat.png", "role": "document"}
PLAIN = {"sha256": "d" * 64, "mime": "image/jpeg", "size": 10, "name": "foto.jpg"}


def voice_only(**fields) -> dict:
    record = factories.complaint(**{"schema": 2, "attachments": [VOICE], **fields})
    del record["body"]
    return record


def errors_of(record: dict) -> dict[str, str]:
    with pytest.raises(RecordInvalid) as caught:
        validate(record)
    return {error.field: error.code for error in caught.value.errors}


@pytest.mark.parametrize(
    "record",
    [
        voice_only(),
        factories.complaint(schema=2, attachments=[VOICE, PHOTO, DOCUMENT]),
        factories.complaint(schema=2, attachments=[]),
        factories.complaint(schema=2, attachments=[{**VOICE, "mime": "audio/wav", "duration_s": 180}]),
        factories.complaint(schema=1, attachments=[PLAIN]),
        factories.event(schema=2),
    ],
    ids=["voice only", "voice photo document", "schema 2 without attachments", "longest wav", "schema 1", "event"],
)
def test_schema_2_and_schema_1_records_pass_unchanged_and_match_the_published_schema(record):
    """A voice-only complaint, every role together, and schema 1 as it always was are valid; the
    published JSON Schema accepts them too."""
    assert validate(record) == record
    jsonschema.validate(json.loads(json.dumps(record)), json.loads(SCHEMA_PATH.read_text()))


def one(attachment: dict, schema: int = 2) -> dict:
    return factories.complaint(schema=schema, attachments=[attachment])


WITHOUT_DURATION = {key: value for key, value in VOICE.items() if key != "duration_s"}
DURATION = "attachments.0.duration_s"


@pytest.mark.parametrize(
    ("record", "field", "code"),
    [
        (one({**VOICE, "duration_s": None}), DURATION, "not_integer"),
        (one(WITHOUT_DURATION), DURATION, "missing"),
        (one({**VOICE, "duration_s": 181}), DURATION, "too_large"),
        (one({**VOICE, "duration_s": 0}), DURATION, "too_small"),
        (one({**VOICE, "duration_s": 4.5}), DURATION, "not_integer"),
        (one({**PHOTO, "duration_s": 3}), DURATION, "voice_only"),
        (one({**DOCUMENT, "duration_s": 3}), DURATION, "voice_only"),
        (one({**PHOTO, "role": "video"}), "attachments.0.role", "not_one_of"),
        (one(PLAIN), "attachments.0.role", "missing"),
        (one({**VOICE, "mime": "image/jpeg"}), "attachments.0.mime", "mime_for_role"),
        (one({**PHOTO, "mime": "image/heic"}), "attachments.0.mime", "mime_for_role"),
        (one({**DOCUMENT, "mime": "application/pdf"}), "attachments.0.mime", "mime_for_role"),
        (one(VOICE, schema=1), "attachments.0.role", "new_in_schema_2"),
        (one({**PLAIN, "duration_s": 5}, schema=1), DURATION, "new_in_schema_2"),
        (voice_only(schema=1), "body", "missing"),
        (voice_only(attachments=[PHOTO]), "body", "body_or_voice"),
        (voice_only(attachments=[]), "body", "body_or_voice"),
        (factories.complaint(schema=3), "schema", "unknown_schema"),
    ],
)
def test_each_schema_2_rule_names_its_field(record, field, code):
    """Voice without its length, a length on a photo, an unknown role, schema 2's words in a
    schema 1 record, a missing story without a voice note: each refused on the field at fault."""
    assert errors_of(record).get(field) == code


def test_the_reasons_are_written_for_people():
    """New reasons read as sentences, in the reader's language."""
    from kiosk import i18n

    record = factories.complaint(schema=1, attachments=[VOICE])
    i18n.set_language("en")
    with pytest.raises(RecordInvalid) as caught:
        validate(record)
    assert (
        str(caught.value.errors[0]) == 'attachments.0.role: is new in schema version 2: the record must say "schema": 2'
    )


def test_intake_says_schema_2_only_when_the_record_uses_it():
    """A complaint from the screens carries schema 2 when it has a voice note or a photo, and stays
    schema 1 otherwise, so hubs and kiosks of the older release still take it."""
    data = b"OggS voice"
    voice = intake.attachment(data, "audio/ogg", "voice", "suara.ogg", duration_s=12)
    spoken = intake.new_complaint(
        {"classification": "complaint", "title": "Jalan desa rusak", "language": "id", "attachments": [voice]}
    )
    assert spoken["schema"] == 2 and "body" not in spoken
    assert spoken["attachments"] == [
        {"sha256": voice["sha256"], "mime": "audio/ogg", "size": len(data), "name": "suara.ogg", "role": "voice",
         "duration_s": 12}
    ]  # fmt: skip
    written = intake.new_complaint(
        {"classification": "complaint", "title": "Jalan desa rusak", "body": "Jalan berlubang sejak bulan Juni lalu."}
        | {"language": "id"}
    )
    assert written["schema"] == 1
