"""The record format of DESIGN.md as strict pydantic models.

Strict mode means no coercion: "30" is not an age, 1 is not `true`. Optional fields
default to None without accepting an explicit null, so a field is either present with
a valid value or absent. Rules that span fields live in `rules.py`.
"""

import os
import re
from datetime import UTC, date, datetime
from functools import cache
from types import GenericAlias
from typing import TYPE_CHECKING, Annotated, Any, Literal, NotRequired, TypeAlias, TypeVar, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, with_config
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict

from kiosk.records.patterns import (
    DATE_PATTERN,
    DATETIME_PATTERN,
    DEVICE_ID_PATTERN,
    EMAIL_PATTERN,
    LANGUAGE_PATTERN,
    MIME_PATTERN,
    PHONE_PATTERN,
    SHA256_PATTERN,
    UUID4_PATTERN,
)
from kiosk.records.protocol import RATINGS

# No pydantic plugins are used here (nor by the hub's request models, built after these).
# Without this, the first model built looks for them in the metadata of every installed
# package: about 15 ms, paid by every command that checks a record and by the demo's start.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

SCHEMA_VERSIONS = (1, 2)
MAX_ATTACHMENTS = 10
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_VOICE_SECONDS = 180


Gender = Literal["female", "male", "unspecified"]
AgeBand = Literal["0-15", "16-30", "31-45", "46-60", "61+", "unspecified"]
EventType = Literal["workshop", "socialization", "campus", "village_visit", "other"]
Classification = Literal["complaint", "aspiration", "information_request"]
Role = Literal["voice", "photo", "document"]
GENDERS: tuple[str, ...] = get_args(Gender)
AGE_BANDS: tuple[str, ...] = get_args(AgeBand)
EVENT_TYPES: tuple[str, ...] = get_args(EventType)
CLASSIFICATIONS: tuple[str, ...] = get_args(Classification)
ROLES: tuple[str, ...] = get_args(Role)
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


if TYPE_CHECKING:
    _T = TypeVar("_T")
    # A field that may be left out: its value is None then. To a type checker that is `T | None`;
    # to pydantic it is T alone, so an explicit null is refused (and the JSON Schema says so).
    Omissible: TypeAlias = _T | None
else:

    class Omissible:
        """`Omissible[T]` is T itself at run time (see above)."""

        def __class_getitem__(cls, item: object) -> object:
            return item


# Free text: NFC without control characters (normalising and trimming happen before), named
# for its length limits in characters: at most N (TextN), or from M to N (TextMtoN).
_CLEAN = AfterValidator(_clean_characters)
Text100 = Annotated[str, Field(max_length=100), _CLEAN]
Text200 = Annotated[str, Field(max_length=200), _CLEAN]
Text300 = Annotated[str, Field(max_length=300), _CLEAN]
Text1to50 = Annotated[str, Field(min_length=1, max_length=50), _CLEAN]
Text1to200 = Annotated[str, Field(min_length=1, max_length=200), _CLEAN]
Text5to150 = Annotated[str, Field(min_length=5, max_length=150), _CLEAN]
Text20to4000 = Annotated[str, Field(min_length=20, max_length=4000), _CLEAN]
Text1to1000 = Annotated[str, Field(min_length=1, max_length=1000), _CLEAN]

Uuid4 = Annotated[str, Field(pattern=UUID4_PATTERN)]
Day = Annotated[str, Field(pattern=DATE_PATTERN, json_schema_extra={"format": "date"}), AfterValidator(_real_date)]
Timestamp = Annotated[
    str,
    Field(pattern=DATETIME_PATTERN, json_schema_extra={"format": "date-time"}),
    AfterValidator(_real_datetime),
]
Phone = Annotated[str, Field(max_length=20, pattern=PHONE_PATTERN), _CLEAN]
Email = Annotated[str, Field(max_length=254, pattern=EMAIL_PATTERN), _CLEAN]
WgAnswer = Annotated[int, Field(ge=1, le=4)]


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class Location(Strict):
    province: Omissible[Text100] = None
    regency: Omissible[Text100] = None
    district: Omissible[Text100] = None
    village: Omissible[Text100] = None
    text: Omissible[Text300] = None
    lat: Omissible[Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]] = None
    lon: Omissible[Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]] = None


class Wgss(Strict):
    """Washington Group Short Set: 1 no difficulty, 2 some, 3 a lot, 4 cannot do at all."""

    seeing: Omissible[WgAnswer] = None
    hearing: Omissible[WgAnswer] = None
    walking: Omissible[WgAnswer] = None
    cognition: Omissible[WgAnswer] = None
    selfcare: Omissible[WgAnswer] = None
    communication: Omissible[WgAnswer] = None


class Consent(Strict):
    given: Annotated[bool, Field(json_schema_extra={"const": True}), AfterValidator(_consent_given)]
    text_version: Text1to50


class Reporter(Strict):
    name: Omissible[Text200] = None
    phone: Omissible[Phone] = None
    email: Omissible[Email] = None


class Attachment(Strict):
    sha256: Annotated[str, Field(pattern=SHA256_PATTERN)]
    mime: Annotated[str, Field(max_length=100, pattern=MIME_PATTERN)]
    size: Annotated[int, Field(ge=1, le=MAX_ATTACHMENT_BYTES)]
    name: Text1to200
    # Schema 2 (rules.py says which schema and role may carry them).
    role: Omissible[Role] = None
    duration_s: Omissible[Annotated[int, Field(ge=1, le=MAX_VOICE_SECONDS)]] = None


class Common(Strict):
    uuid: Uuid4
    schema_: Annotated[int, AfterValidator(_known_schema)] = Field(
        alias="schema", json_schema_extra={"enum": list(SCHEMA_VERSIONS)}
    )
    created_at: Timestamp
    device_id: Omissible[Annotated[str, Field(pattern=DEVICE_ID_PATTERN)]] = None
    supersedes: Omissible[Uuid4] = None


class Event(Common):
    kind: Literal["event"]
    name: Text1to200
    type: EventType
    starts_on: Day
    ends_on: Omissible[Day] = None
    location: Location
    organizer: Omissible[Text200] = None


class Attendance(Common):
    kind: Literal["attendance"]
    event_uuid: Uuid4
    gender: Gender
    age_band: AgeBand
    age: Omissible[Annotated[int, Field(ge=0, le=120)]] = None
    wgss: Omissible[Wgss] = None
    name: Omissible[Text200] = None
    village: Omissible[Text200] = None
    consent: Consent


class Complaint(Common):
    kind: Literal["complaint"]
    classification: Classification
    title: Text5to150
    body: Omissible[Text20to4000] = None  # required but with a voice attachment (rules.py)
    incident_date: Omissible[Day] = None
    location: Location
    category: Omissible[Text100] = None
    agency: Omissible[Text200] = None
    anonymous: bool
    confidential: bool
    reporter: Omissible[Reporter] = None
    gender: Omissible[Gender] = None
    age_band: Omissible[AgeBand] = None
    wgss: Omissible[Wgss] = None
    language: Annotated[str, Field(max_length=35, pattern=LANGUAGE_PATTERN)]
    event_uuid: Omissible[Uuid4] = None
    attachments: Annotated[list[Attachment], Field(max_length=MAX_ATTACHMENTS)]
    consent: Consent
    # Schema 2: the reporter asked for an SMS at each step (needs reporter.phone; rules.py).
    sms_updates: Omissible[bool] = None


class Feedback(Common):
    """Schema 2: the citizen's verdict on their completed report, given at the kiosk's status screen."""

    kind: Literal["feedback"]
    complaint_uuid: Uuid4
    rating: Annotated[int, Field(ge=RATINGS[0], le=RATINGS[-1])]  # 1 not solved, 2 partly, 3 solved
    reason: Omissible[Text1to1000] = None
    language: Annotated[str, Field(max_length=35, pattern=LANGUAGE_PATTERN)]
    attachments: Omissible[Annotated[list[Attachment], Field(max_length=1)]] = None  # a spoken reason


MODELS: dict[str, type[Common]] = {
    "event": Event,
    "attendance": Attendance,
    "complaint": Complaint,
    "feedback": Feedback,
}


def _nested(info: FieldInfo) -> tuple[type[Strict] | None, bool]:
    """The model a field holds, alone or in a list (None for plain values), and whether in a list."""
    in_list = get_origin(info.annotation) is list
    target = get_args(info.annotation)[0] if in_list else info.annotation
    return (target if isinstance(target, type) and issubclass(target, Strict) else None), in_list


def _as_typed_dict(model: type[Strict]) -> type:
    """The same fields and rules as a TypedDict, which pydantic checks without building model
    objects: about 2.5 times as fast, and the hub checks every record it receives."""
    fields: dict[str, Any] = {}  # annotations built at run time, so plain values to a type checker
    for name, info in model.model_fields.items():
        annotation: Any = info.annotation
        inner, in_list = _nested(info)
        if inner is not None:
            annotation = GenericAlias(list, (_as_typed_dict(inner),)) if in_list else _as_typed_dict(inner)
        if info.metadata:
            annotation = Annotated[(annotation, *info.metadata)]
        fields[info.alias or name] = annotation if info.is_required() else NotRequired[annotation]
    checked: type = TypedDict(model.__name__, fields)  # type: ignore[misc]  # its fields are known at run time only
    return with_config(Strict.model_config)(checked)


@cache
def checker(kind: str) -> TypeAdapter[Any]:
    """The validator of one kind's records, built when first asked for."""
    return TypeAdapter(_as_typed_dict(MODELS[kind]))


def text_limits(model: type[Strict], name: str) -> tuple[int, int]:
    """(min, max) length of a text field, read from the model so screens cannot drift from it."""
    metadata = model.model_fields[name].metadata
    low = next((m.min_length for m in metadata if getattr(m, "min_length", None)), 0)
    high = next(m.max_length for m in metadata if getattr(m, "max_length", None))
    return low, high


# Which fields of a record hold free text (True), or nested records holding some, by JSON name.
TextFields: TypeAlias = dict[str, "Literal[True] | TextFields"]


def _is_text(info: FieldInfo) -> bool:
    return any(getattr(meta, "func", None) is _clean_characters for meta in info.metadata) and info.annotation is str


def text_fields(model: type[Strict]) -> TextFields:
    """Which fields hold free text (True) or nested records holding some ({...}), by JSON name.

    Only these are normalised (NFC, trimmed); codes, uuids and dates must arrive exact.
    """
    spec: TextFields = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if _is_text(info):
            spec[key] = True
            continue
        inner, _in_list = _nested(info)
        if inner is not None:
            spec[key] = text_fields(inner)
    return spec


TEXT_FIELDS: dict[str, TextFields] = {kind: text_fields(model) for kind, model in MODELS.items()}
