"""The record format of DESIGN.md as strict pydantic models.

Strict mode means no coercion: "30" is not an age, 1 is not `true`. Optional fields
default to None without accepting an explicit null, so a field is either present with
a valid value or absent. Rules that span fields live in `rules.py`.
"""

import os
import re
from datetime import UTC, date, datetime
from functools import cache
from typing import Annotated, Literal, NotRequired, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict

# No pydantic plugins are used here (nor by the hub's request models, built after these).
# Without this, the first model built looks for them in the metadata of every installed
# package: about 15 ms, paid by every command that checks a record and by the demo's start.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

SCHEMA_VERSIONS = (1,)
MAX_ATTACHMENTS = 10
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024

UUID4_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
DATETIME_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})$"
DEVICE_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
PHONE_PATTERN = r"^(\+?[0-9][0-9 ()-]{5,19})?$"
EMAIL_PATTERN = r"^([^@\s]{1,64}@[^@\s]+\.[^@\s]+)?$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
MIME_PATTERN = r"^[a-z]+/[A-Za-z0-9.+-]+$"

GENDERS = ("female", "male", "unspecified")
AGE_BANDS = ("0-15", "16-30", "31-45", "46-60", "61+", "unspecified")
EVENT_TYPES = ("workshop", "socialization", "campus", "village_visit", "other")
CLASSIFICATIONS = ("complaint", "aspiration", "information_request")
WGSS_DOMAINS = ("seeing", "hearing", "walking", "cognition", "selfcare", "communication")

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _clean_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise PydanticCustomError("control_characters", "contains control characters")
    return value


def _real_date(value: str) -> str:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("not_a_date", "is not a real date") from None
    return value


def _real_datetime(value: str) -> str:
    try:
        datetime.fromisoformat(value).astimezone(UTC)  # also refuses moments outside years 1-9999 in UTC
    except (ValueError, OverflowError):
        raise PydanticCustomError("not_a_datetime", "is not a real date and time") from None
    return value


def _known_schema(value: int) -> int:
    if value not in SCHEMA_VERSIONS:
        raise PydanticCustomError(
            "unknown_schema", "unknown schema version", {"known": ", ".join(map(str, SCHEMA_VERSIONS))}
        )
    return value


def _consent_given(value: bool) -> bool:
    if value is not True:
        raise PydanticCustomError("consent_not_given", "consent was not given")
    return value


def Text(max_length: int, min_length: int = 0):
    """NFC text without control characters (normalising and trimming happen before)."""
    return Annotated[
        str,
        Field(min_length=min_length or None, max_length=max_length),
        AfterValidator(_clean_characters),
    ]


Uuid4 = Annotated[str, Field(pattern=UUID4_PATTERN)]
Day = Annotated[str, Field(pattern=DATE_PATTERN, json_schema_extra={"format": "date"}), AfterValidator(_real_date)]
Timestamp = Annotated[
    str,
    Field(pattern=DATETIME_PATTERN, json_schema_extra={"format": "date-time"}),
    AfterValidator(_real_datetime),
]
Gender = Literal[GENDERS]
AgeBand = Literal[AGE_BANDS]
WgAnswer = Annotated[int, Field(ge=1, le=4)]


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class Location(Strict):
    province: Text(100) = None
    regency: Text(100) = None
    district: Text(100) = None
    village: Text(100) = None
    text: Text(300) = None
    lat: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)] = None
    lon: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)] = None


class Wgss(Strict):
    """Washington Group Short Set: 1 no difficulty, 2 some, 3 a lot, 4 cannot do at all."""

    seeing: WgAnswer = None
    hearing: WgAnswer = None
    walking: WgAnswer = None
    cognition: WgAnswer = None
    selfcare: WgAnswer = None
    communication: WgAnswer = None


class Consent(Strict):
    given: Annotated[bool, Field(json_schema_extra={"const": True}), AfterValidator(_consent_given)]
    text_version: Text(50, 1)


class Reporter(Strict):
    name: Text(200) = None
    phone: Annotated[str, Field(max_length=20, pattern=PHONE_PATTERN), AfterValidator(_clean_characters)] = None
    email: Annotated[str, Field(max_length=254, pattern=EMAIL_PATTERN), AfterValidator(_clean_characters)] = None


class Attachment(Strict):
    sha256: Annotated[str, Field(pattern=SHA256_PATTERN)]
    mime: Annotated[str, Field(max_length=100, pattern=MIME_PATTERN)]
    size: Annotated[int, Field(ge=1, le=MAX_ATTACHMENT_BYTES)]
    name: Text(200, 1)


class Common(Strict):
    uuid: Uuid4
    schema_: Annotated[int, AfterValidator(_known_schema)] = Field(
        alias="schema", json_schema_extra={"enum": list(SCHEMA_VERSIONS)}
    )
    created_at: Timestamp
    device_id: Annotated[str, Field(pattern=DEVICE_ID_PATTERN)] = None
    supersedes: Uuid4 = None


class Event(Common):
    kind: Literal["event"]
    name: Text(200, 1)
    type: Literal[EVENT_TYPES]
    starts_on: Day
    ends_on: Day = None
    location: Location
    organizer: Text(200) = None


class Attendance(Common):
    kind: Literal["attendance"]
    event_uuid: Uuid4
    gender: Gender
    age_band: AgeBand
    age: Annotated[int, Field(ge=0, le=120)] = None
    wgss: Wgss = None
    name: Text(200) = None
    village: Text(200) = None
    consent: Consent


class Complaint(Common):
    kind: Literal["complaint"]
    classification: Literal[CLASSIFICATIONS]
    title: Text(150, 5)
    body: Text(4000, 20)
    incident_date: Day = None
    location: Location
    category: Text(100) = None
    agency: Text(200) = None
    anonymous: bool
    confidential: bool
    reporter: Reporter = None
    gender: Gender = None
    age_band: AgeBand = None
    wgss: Wgss = None
    language: Annotated[str, Field(max_length=35, pattern=LANGUAGE_PATTERN)]
    event_uuid: Uuid4 = None
    attachments: Annotated[list[Attachment], Field(max_length=MAX_ATTACHMENTS)]
    consent: Consent


MODELS: dict[str, type[Common]] = {"event": Event, "attendance": Attendance, "complaint": Complaint}


def _nested(info) -> tuple[type[Strict] | None, bool]:
    """The model a field holds, alone or in a list (None for plain values), and whether in a list."""
    in_list = get_origin(info.annotation) is list
    target = get_args(info.annotation)[0] if in_list else info.annotation
    return (target if isinstance(target, type) and issubclass(target, Strict) else None), in_list


def _as_typed_dict(model: type[Strict]) -> type:
    """The same fields and rules as a TypedDict, which pydantic checks without building model
    objects: about 2.5 times as fast, and the hub checks every record it receives."""
    fields = {}
    for name, info in model.model_fields.items():
        annotation = info.annotation
        inner, in_list = _nested(info)
        if inner is not None:
            annotation = list[_as_typed_dict(inner)] if in_list else _as_typed_dict(inner)
        if info.metadata:
            annotation = Annotated[(annotation, *info.metadata)]
        fields[info.alias or name] = annotation if info.is_required() else NotRequired[annotation]
    checked = TypedDict(model.__name__, fields)
    checked.__pydantic_config__ = Strict.model_config
    return checked


@cache
def checker(kind: str) -> TypeAdapter:
    """The validator of one kind's records, built when first asked for."""
    return TypeAdapter(_as_typed_dict(MODELS[kind]))


def text_limits(model: type[Strict], name: str) -> tuple[int, int]:
    """(min, max) length of a text field, read from the model so screens cannot drift from it."""
    metadata = model.model_fields[name].metadata
    low = next((m.min_length for m in metadata if getattr(m, "min_length", None)), 0)
    high = next(m.max_length for m in metadata if getattr(m, "max_length", None))
    return low, high


def _is_text(info) -> bool:
    return any(getattr(meta, "func", None) is _clean_characters for meta in info.metadata) and info.annotation is str


def text_fields(model: type[Strict]) -> dict:
    """Which fields hold free text (True) or nested records holding some ({...}), by JSON name.

    Only these are normalised (NFC, trimmed); codes, uuids and dates must arrive exact.
    """
    spec = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if _is_text(info):
            spec[key] = True
            continue
        inner, _in_list = _nested(info)
        if inner is not None:
            spec[key] = text_fields(inner)
    return spec


TEXT_FIELDS = {kind: text_fields(model) for kind, model in MODELS.items()}
