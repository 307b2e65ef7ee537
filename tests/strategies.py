"""Hypothesis strategies for valid records: canonical (NFC, trimmed) so they round-trip."""

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone

from hypothesis import strategies as st

from kiosk.records.models import AGE_BANDS, CLASSIFICATIONS, EVENT_TYPES, GENDERS, WGSS_DOMAINS
from kiosk.records.rules import AGE_BAND_RANGES

_EDGE = re.compile(r"^\s+|\s+$")
_ALPHABET = st.characters(exclude_categories=("Cc", "Cs"), include_characters="\n\t")


def text(max_size: int, min_size: int = 0):
    def canonical(value: str) -> str:
        return _EDGE.sub("", unicodedata.normalize("NFC", value))

    return (
        st.text(_ALPHABET, min_size=min_size, max_size=max_size)
        .map(canonical)
        .filter(lambda s: min_size <= len(s) <= max_size and s == canonical(s))
    )


uuids = st.uuids(version=4).map(str)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31))
offsets = st.sampled_from([timedelta(hours=h) for h in (7, 8, 9, 0, -5)] + [timedelta(hours=5, minutes=30)])


@st.composite
def timestamps(draw):
    moment = draw(st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2035, 12, 31)))
    stamp = moment.replace(microsecond=0, tzinfo=timezone(draw(offsets))).isoformat()
    return stamp.replace("+00:00", "Z") if draw(st.booleans()) else stamp


def optional(draw, record: dict, key: str, strategy) -> None:
    if draw(st.booleans()):
        record[key] = draw(strategy)


@st.composite
def locations(draw):
    location = {}
    for key in ("province", "regency", "district", "village"):
        optional(draw, location, key, text(100))
    optional(draw, location, "text", text(300))
    if draw(st.booleans()):
        location["lat"] = draw(st.floats(-90, 90, allow_nan=False))
        location["lon"] = draw(st.floats(-180, 180, allow_nan=False))
    return location


@st.composite
def wgss(draw):
    return {domain: draw(st.integers(1, 4)) for domain in draw(st.sets(st.sampled_from(WGSS_DOMAINS)))}


consents = st.fixed_dictionaries({"given": st.just(True), "text_version": text(50, 1)})


@st.composite
def common(draw, kind: str) -> dict:
    record = {"uuid": draw(uuids), "kind": kind, "schema": 1, "created_at": draw(timestamps())}
    optional(draw, record, "device_id", st.from_regex(r"\A[A-Za-z0-9_-]{1,64}\Z"))
    if draw(st.integers(0, 9)) == 0:
        record["supersedes"] = draw(uuids.filter(lambda u: u != record["uuid"]))
    return record


@st.composite
def events(draw):
    record = draw(common("event"))
    starts = draw(days)
    record |= {"name": draw(text(200, 1)), "type": draw(st.sampled_from(EVENT_TYPES)), "starts_on": starts.isoformat()}
    optional(draw, record, "ends_on", st.dates(starts, date(2035, 12, 31)).map(date.isoformat))
    record["location"] = draw(locations())
    optional(draw, record, "organizer", text(200))
    return record


@st.composite
def attendances(draw):
    record = draw(common("attendance"))
    band = draw(st.sampled_from(AGE_BANDS))
    record |= {"event_uuid": draw(uuids), "gender": draw(st.sampled_from(GENDERS)), "age_band": band}
    if band in AGE_BAND_RANGES:
        optional(draw, record, "age", st.integers(*AGE_BAND_RANGES[band]))
    optional(draw, record, "wgss", wgss())
    optional(draw, record, "name", text(200))
    optional(draw, record, "village", text(200))
    record["consent"] = draw(consents)
    return record


attachments = st.fixed_dictionaries(
    {
        "sha256": st.from_regex(r"\A[0-9a-f]{64}\Z"),
        "mime": st.sampled_from(["image/jpeg", "image/png", "application/pdf"]),
        "size": st.integers(1, 20 * 1024 * 1024),
        "name": text(200, 1),
    }
)


@st.composite
def complaints(draw):
    record = draw(common("complaint"))
    anonymous = draw(st.booleans())
    record |= {
        "classification": draw(st.sampled_from(CLASSIFICATIONS)),
        "title": draw(text(150, 5)),
        "body": draw(text(4000, 20)),
    }
    created_on = datetime.fromisoformat(record["created_at"]).date()
    optional(draw, record, "incident_date", st.dates(date(1970, 1, 1), created_on).map(date.isoformat))
    record["location"] = draw(locations())
    optional(draw, record, "category", text(100))
    optional(draw, record, "agency", text(200))
    record |= {"anonymous": anonymous, "confidential": draw(st.booleans())}
    if not anonymous:
        reporter = {}
        optional(draw, reporter, "name", text(200))
        optional(draw, reporter, "phone", st.from_regex(r"\A\+?62[0-9]{8,12}\Z"))
        optional(draw, reporter, "email", st.from_regex(r"\A[a-z0-9._]{1,20}@[a-z0-9]{1,20}\.(id|com)\Z"))
        optional(draw, record, "reporter", st.just(reporter))
    optional(draw, record, "gender", st.sampled_from(GENDERS))
    optional(draw, record, "age_band", st.sampled_from(AGE_BANDS))
    optional(draw, record, "wgss", wgss())
    record["language"] = draw(st.sampled_from(["id", "en", "jv", "su", "id-ID"]))
    optional(draw, record, "event_uuid", uuids)
    record["attachments"] = draw(st.lists(attachments, max_size=3))
    record["consent"] = draw(consents)
    return record


records = st.one_of(events(), attendances(), complaints())
