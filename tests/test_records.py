"""The record format: every rule of DESIGN.md, by example and by property."""

import copy
import json
import unicodedata
from datetime import date, timedelta

import factories
import jsonschema
import pytest
import strategies
from hypothesis import given, settings
from hypothesis import strategies as st
from windowscript import fresh

from kiosk.records import RecordInvalid
from kiosk.records.check import parse_json, validate
from kiosk.records.errors import MESSAGES
from kiosk.records.schema import SCHEMA_PATH, render


def errors_of(record) -> dict[str, str]:
    with pytest.raises(RecordInvalid) as caught:
        validate(record)
    return {error.field: error.code for error in caught.value.errors}


def test_valid_examples_pass_unchanged():
    """A canonical record of each kind comes back exactly as given."""
    for record in (factories.event(), factories.attendance(), factories.complaint()):
        assert validate(copy.deepcopy(record)) == record


def test_text_is_normalised_to_nfc_and_trimmed():
    """Decomposed text is stored composed; edge white space is dropped, inner newlines kept."""
    decomposed = unicodedata.normalize("NFD", "  Jalan rusak di Désa\nSukamaju  ")
    stored = validate(factories.complaint(title=decomposed))
    assert stored["title"] == "Jalan rusak di Désa\nSukamaju"
    assert unicodedata.is_normalized("NFC", stored["title"])


def test_nested_text_is_normalised_and_the_given_record_left_as_it_was():
    """Text inside nested parts (the reporter, each attachment) is trimmed too; the caller's
    record is never changed in place, whether or not something needed normalising."""
    attachment = {"sha256": "a" * 64, "mime": "image/jpeg", "size": 10, "name": " foto.jpg "}
    given = factories.complaint(reporter={"name": " Siti "}, attachments=[attachment])
    before = copy.deepcopy(given)
    stored = validate(given)
    assert stored["reporter"]["name"] == "Siti" and stored["attachments"][0]["name"] == "foto.jpg"
    assert given == before


RULE_CASES = [
    (factories.attendance(gender="woman"), "gender", "not_one_of"),
    (factories.attendance(age_band="18-25"), "age_band", "not_one_of"),
    (factories.attendance(age=45, age_band="16-30"), "age", "age_outside_band"),
    (factories.attendance(age=40, age_band="unspecified"), "age", "age_outside_band"),
    (factories.attendance(age="30"), "age", "not_integer"),
    (factories.attendance(age=121, age_band="61+"), "age", "too_large"),
    (factories.attendance(wgss={"seeing": 5}), "wgss.seeing", "too_large"),
    (factories.attendance(wgss={"seeing": 0}), "wgss.seeing", "too_small"),
    (factories.attendance(wgss={"smell": 2}), "wgss.smell", "unknown_field"),
    (factories.attendance(consent={"given": False, "text_version": "1"}), "consent.given", "consent_not_given"),
    (factories.attendance(consent={"given": True}), "consent.text_version", "missing"),
    ({**factories.attendance(), "event_uuid": None}, "event_uuid", "not_text"),
    (factories.complaint(title="abc"), "title", "too_short"),
    (factories.complaint(title="x" * 151), "title", "too_long"),
    (factories.complaint(body="ring\x07" + "a" * 30), "body", "control_characters"),
    (factories.complaint(body="a" * 30 + "\ud800"), "body", "broken_unicode"),
    (
        factories.complaint(incident_date=(date.today() + timedelta(days=2)).isoformat()),
        "incident_date",
        "incident_in_future",
    ),
    (factories.complaint(incident_date="2026-02-30"), "incident_date", "not_a_date"),
    (factories.complaint(incident_date="17/08/2026"), "incident_date", "not_a_date"),
    (factories.complaint(anonymous=True, reporter={"name": "Budi"}), "reporter", "reporter_on_anonymous"),
    (factories.complaint(anonymous=1), "anonymous", "not_boolean"),
    (factories.complaint(reporter={"phone": "call me"}), "reporter.phone", "not_phone"),
    (factories.complaint(reporter={"email": "budi"}), "reporter.email", "not_email"),
    (factories.complaint(reporter={"email": "a\x00b@desa.id"}), "reporter.email", "control_characters"),
    (factories.attendance(gender=" female "), "gender", "not_one_of"),
    (factories.event(starts_on="2026-08-17 "), "starts_on", "not_a_date"),
    (factories.event(created_at="9999-12-31T23:59:59-23:59"), "created_at", "not_a_datetime"),
    (factories.complaint(location={"lat": 91, "lon": 0}), "location.lat", "too_large"),
    (factories.complaint(location={"lat": 1.0}), "location.lat", "lat_lon_pair"),
    (factories.complaint(location={"lat": float("nan"), "lon": 0}), "location.lat", "not_finite"),
    (
        factories.complaint(attachments=[{"sha256": "ab", "mime": "image/jpeg", "size": 1, "name": "a"}]),
        "attachments.0.sha256",
        "not_sha256",
    ),
    (factories.complaint(language="Bahasa Indonesia"), "language", "not_language"),
    (factories.event(starts_on="2026-08-17", ends_on="2026-08-16"), "ends_on", "ends_before_start"),
    (factories.event(name=""), "name", "empty"),
    (factories.event(name="   "), "name", "empty"),
    (factories.event(type="party"), "type", "not_one_of"),
    (factories.event(uuid="3F2B8C1E-9A4D-4E5F-8B6A-1C2D3E4F5A6B"), "uuid", "not_uuid4"),
    (factories.event(uuid="c232ab00-9414-11ec-b3c8-9e6bdeced846"), "uuid", "not_uuid4"),
    (factories.event(schema=3), "schema", "unknown_schema"),
    (factories.event(schema="1"), "schema", "not_integer"),
    (factories.event(created_at="2026-08-17 09:30"), "created_at", "not_a_datetime"),
    (factories.event(created_at="2026-08-17T09:30:00"), "created_at", "not_a_datetime"),
    (factories.event(created_at="2026-08-17T25:30:00Z"), "created_at", "not_a_datetime"),
    (factories.event(organizer="'; DROP TABLE records; --" + "x" * 200), "organizer", "too_long"),
    (factories.event(colour="red"), "colour", "unknown_field"),
    (factories.event(device_id="kiosk 1"), "device_id", "not_device_id"),
    (factories.event(location=None), "location", "not_object"),
    (factories.event(organizer=None), "organizer", "not_text"),
    (factories.feedback(schema=1), "kind", "new_in_schema_2"),
    (factories.feedback(rating=4), "rating", "too_large"),
    (factories.feedback(rating=0), "rating", "too_small"),
    (factories.feedback(reason=""), "reason", "empty"),
    (factories.feedback(reason="x" * 1001), "reason", "too_long"),
    (factories.feedback(complaint_uuid="K7Q4-9XZM"), "complaint_uuid", "not_uuid4"),
    (
        factories.feedback(
            attachments=[{"sha256": "a" * 64, "mime": "image/png", "size": 9, "name": "p.png", "role": "photo"}]
        ),
        "attachments.0.role",
        "spoken_reason_only",
    ),
    (factories.complaint(sms_updates=True, reporter={"phone": "0812 3456 7890"}), "sms_updates", "new_in_schema_2"),
    (factories.complaint(schema=2, sms_updates=True), "sms_updates", "sms_without_phone"),
]


@pytest.mark.parametrize(("record", "field", "code"), RULE_CASES)
def test_each_rule_names_its_field(record, field, code):
    """Each broken rule is reported on the field at fault, with a reason of its own."""
    assert errors_of(record).get(field) == code


@pytest.mark.parametrize(("record", "field", "code"), RULE_CASES)
def test_the_screens_models_and_the_record_check_refuse_alike(record, field, code):
    """Screens check their fields with the models; whole records are checked by the same fields
    as TypedDicts (`checker`), which is faster: both find the same faults."""
    from pydantic import ValidationError

    from kiosk.records.errors import from_pydantic
    from kiosk.records.models import MODELS, checker

    def faults(check) -> set:
        try:
            check(record)
        except ValidationError as exc:
            return {(error.field, error.code) for error in map(from_pydantic, exc.errors(include_url=False))}
        return set()

    kind = record["kind"]
    assert faults(MODELS[kind].model_validate) == faults(checker(kind).validate_python)


def test_supersedes_must_name_another_record():
    record = factories.event()
    assert errors_of({**record, "supersedes": record["uuid"]}) == {"supersedes": "supersedes_itself"}


def test_kind_and_shape():
    """A record that is not an object, or has no known kind, is refused as a whole."""
    assert errors_of([1, 2]) == {"record": "not_object"}
    assert errors_of({"uuid": factories.new_uuid()}) == {"kind": "missing"}
    assert errors_of(factories.event(kind="meeting")) == {"kind": "unknown_kind"}
    assert errors_of(factories.event(kind=["event"])) == {"kind": "unknown_kind"}
    assert errors_of(factories.event(kind={})) == {"kind": "unknown_kind"}


def test_deep_nesting_is_refused_not_a_crash():
    nested = factories.event()
    for _ in range(5000):
        nested = {"location": nested}
    assert errors_of(factories.event(location=nested)) in (
        {"record": "too_deep"},
        {"location.location": "unknown_field"},
    )


def test_incident_date_follows_the_real_day_when_the_device_clock_is_wrong():
    """A kiosk whose clock fell back to 1970 can still report last week's incident; tomorrow+1 never."""
    last_week = (date.today() - timedelta(days=7)).isoformat()
    assert validate(factories.complaint(created_at="1970-01-01T07:00:00+07:00", incident_date=last_week))
    far = factories.complaint(created_at="2099-01-01T07:00:00+07:00", incident_date="2098-06-01")
    assert validate(far)  # the device's own day also counts: a record valid once stays valid


def test_every_error_is_reported_at_once():
    errors = errors_of(factories.attendance(gender="x", age_band="y", extra=1))
    assert set(errors) == {"gender", "age_band", "extra"}


def test_reasons_are_translated():
    """The same error reads in the language in use (the catalog must really load)."""
    from kiosk import i18n

    with pytest.raises(RecordInvalid) as caught:
        validate(factories.attendance(gender="x"))
    error = caught.value.errors[0]
    i18n.set_language("id")
    try:
        assert error.message() == "harus salah satu dari: female, male, unspecified"
    finally:
        i18n.set_language("en")
    assert error.message() == "must be one of: female, male, unspecified"


def test_field_names_are_printable():
    """An unknown field named with terminal escapes is shown escaped, and cut when huge."""
    errors = errors_of(factories.event(**{"\x1b[31mred": 1, "k" * 500: 2}))
    assert all(field.isprintable() and len(field) <= 60 for field in errors)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('{"a": 1, "a": 2}', "duplicate_key"),
        ("[NaN]", "not_json_number"),
        ('{"x":', "not_json"),
        ("[" * 100_000, "too_deep"),
        ('{"age": ' + "9" * 5000 + "}", "not_json_number"),
    ],
)
def test_strict_json(text, code):
    with pytest.raises(RecordInvalid) as caught:
        parse_json(text)
    assert caught.value.errors[0].code == code


def test_a_key_given_twice_is_named():
    with pytest.raises(RecordInvalid) as caught:
        parse_json('{"consent": {"given": true, "text_version": "a", "given": false}, "kind": "x"}')
    assert caught.value.errors[0].params == {"key": "given"}


@settings(max_examples=300, deadline=None)
@given(strategies.records)
def test_generated_valid_records_pass_and_match_the_published_schema(record):
    """Whatever the validator accepts, the published JSON Schema accepts too."""
    assert validate(copy.deepcopy(record)) == record
    jsonschema.validate(json.loads(json.dumps(record)), json.loads(SCHEMA_PATH.read_text()))


def _set(record: dict, path: str, value):
    *parents, last = path.split(".")
    node = record
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


CORRUPTIONS = {
    "common": [
        ("uuid", "not-a-uuid"),
        ("uuid", 42),
        ("schema", 99),
        ("schema", True),
        ("created_at", "yesterday"),
        ("created_at", "2026-02-30T10:00:00Z"),
        ("device_id", "a b"),
        ("supersedes", "x"),
        ("nickname", "Budi"),
    ],
    "event": [
        ("name", ""),
        ("name", "n" * 201),
        ("name", "a\x00b"),
        ("type", "party"),
        ("starts_on", "2026-13-01"),
        ("ends_on", "1999-01-01"),
        ("location", "Garut"),
        ("location.lat", 200.0),
        ("organizer", 7),
    ],
    "attendance": [
        ("event_uuid", "e"),
        ("gender", "F"),
        ("age_band", "30-40"),
        ("age", 999),
        ("age", 14.5),
        ("wgss.walking", 9),
        ("wgss.walking", "2"),
        ("name", "x\x1by"),
        ("village", "v" * 201),
        ("consent.given", False),
        ("consent.text_version", ""),
        ("consent", True),
    ],
    "complaint": [
        ("classification", "praise"),
        ("title", "shrt"),
        ("body", "too short"),
        ("body", "b" * 4001),
        ("incident_date", "2099-01-01"),
        ("category", "c" * 101),
        ("agency", "a\x7fgency"),
        ("anonymous", "yes"),
        ("confidential", 0),
        ("reporter.email", "@"),
        ("gender", "x"),
        ("language", "ID!"),
        ("attachments", {}),
        ("attachments", [{}] * 11),
        ("consent", {}),
    ],
}


@st.composite
def corrupted(draw):
    record = draw(strategies.records)
    path, value = draw(st.sampled_from(CORRUPTIONS["common"] + CORRUPTIONS[record["kind"]]))
    _set(record, path, value)
    return record, path


@settings(max_examples=400, deadline=None)
@given(corrupted())
def test_every_single_field_corruption_is_refused_naming_that_field(case):
    """Break one field of a valid record: it is refused, and that field is named, in words we wrote."""
    record, path = case
    with pytest.raises(RecordInvalid) as caught:
        validate(record)
    named = [error.field for error in caught.value.errors]
    assert any(field == path or field.startswith(path + ".") for field in named), named
    for error in caught.value.errors:
        assert error.code in MESSAGES and error.code != "invalid"
        assert error.message()


def test_published_schema_is_current():
    """schema.json is what the models generate (`make schema` rewrites it)."""
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render()


def test_an_incident_on_the_last_representable_day_is_checked_not_crashed():
    """A device clock at year 9999 does not crash the future-date rule (it used to overflow)."""
    record = factories.complaint(created_at="9999-12-31T10:00:00+00:00", incident_date="9999-12-31")
    assert validate(record)["incident_date"] == "9999-12-31"


def test_the_kinds_named_without_the_models_are_the_models_kinds():
    from kiosk.records.models import MODELS
    from kiosk.records.protocol import KINDS

    assert tuple(MODELS) == KINDS


NO_PLUGINS = """
import importlib.metadata

def refuse(*args, **kwargs):
    raise AssertionError("looked for plugins")

importlib.metadata.entry_points = refuse
from kiosk.store import intake
from kiosk.records.check import validate

validate(intake.new_complaint({"classification": "complaint", "title": "Jalan rusak",
                               "body": "Jalan desa berlubang.", "language": "id"}))
print("checked")
"""


def test_the_record_rules_do_not_look_for_pydantic_plugins():
    """Looking for plugins reads the metadata of every installed package (about 15 ms), paid by every
    command that checks a record and by the demo's start; the kiosk and the hub use none."""
    result = fresh(NO_PLUGINS)
    assert result.stdout.strip() == "checked", result.stderr[-800:]


def test_a_verdict_and_a_request_for_sms_updates_are_schema_2_records():
    """A verdict with a spoken reason, and a complaint asking for SMS with a phone number, pass."""
    spoken = {"sha256": "a" * 64, "mime": "audio/ogg", "size": 9, "name": "r.ogg", "role": "voice", "duration_s": 4}
    for record in (
        factories.feedback(rating=1, reason="Jalan masih berlubang", attachments=[spoken]),
        factories.complaint(schema=2, sms_updates=True, reporter={"phone": "0812 3456 7890"}),
    ):
        assert validate(record) == record
