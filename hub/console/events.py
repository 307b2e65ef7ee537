"""Outreach events made at the hub: a coordinator (verifier) or admin sets one up before it
starts, and every kiosk is offered it on its next sync (`GET /api/v1/events`), so the several
kiosks of one event count their registrations into one event instead of each into its own.

The form is checked field by field first, so each mistake is named in the coordinator's words;
kiosk.records then validates the record as it would any kiosk's, so an event made here is one
every kiosk accepts. A form that cannot be saved is shown again as it was filled in.
"""

import uuid as uuidlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from hub.console.auth import Posted, SignedIn
from hub.console.pages import NOT_ALLOWED
from hub.console.web import PREFIX, Refused, address, page, state
from hub.i18n import N_
from hub.storage import events
from hub.storage.roles import ADMIN, VERIFIER
from hub.storage.staff import Staffer
from kiosk.records import RecordInvalid
from kiosk.records.check import validate
from kiosk.records.models import EVENT_TYPES

PATH = PREFIX + "/events"
SHOWN = 200  # the newest events listed
PLACES = ("province", "regency", "district", "village")
FIELDS = ("name", "type", "starts_on", "ends_on", "organizer", *PLACES)
LONGEST = {"name": 200, "organizer": 200, **dict.fromkeys(PLACES, 100)}
FIRST, LAST = date(2000, 1, 1), date(2100, 12, 31)
router = APIRouter()


@dataclass(frozen=True)
class Row:
    """An event as the page lists it."""

    uuid: str
    name: str
    type: str
    starts_on: str
    ends_on: str | None
    place: str  # village first, province last; '' when none was named
    from_console: bool
    device: str
    registrations: int

    @classmethod
    def of(cls, record: dict[str, Any], device: str, registrations: int) -> "Row":
        where = record.get("location") or {}
        return cls(
            record["uuid"],
            record["name"],
            record["type"],
            record["starts_on"],
            record.get("ends_on"),
            ", ".join(where[place] for place in reversed(PLACES) if where.get(place)),
            device == events.HUB_DEVICE,
            device,
            registrations,
        )


class Unfit(Exception):
    """What to correct in the form, marked for translation."""


def _may_create(staffer: Staffer) -> Staffer:
    if staffer.role not in (ADMIN, VERIFIER):
        raise Refused(403, NOT_ALLOWED)
    return staffer


def _day(text: str, required: bool) -> date | None:
    if not text and not required:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise Unfit(N_("The date is not valid. Write it as year-month-day, for example 2026-03-26.")) from None
    if not FIRST <= day <= LAST:
        raise Unfit(N_("Choose a date from the year 2000 to the year 2100."))
    return day


def new_event(entered: dict[str, str], zone_now: datetime) -> dict[str, Any]:
    """The record of an event as the form describes it, or Unfit naming the first mistake."""
    if not entered["name"]:
        raise Unfit(N_("Give the event a name."))
    for field, longest in LONGEST.items():
        if len(entered[field]) > longest:
            raise Unfit(N_("A field is too long: names at most 200 characters, places at most 100."))
    if entered["type"] not in EVENT_TYPES:
        raise Unfit(N_("Choose the type of event."))
    starts_on, ends_on = _day(entered["starts_on"], True), _day(entered["ends_on"], False)
    if ends_on and starts_on and ends_on < starts_on:
        raise Unfit(N_("The last day cannot be before the first day."))
    record: dict[str, Any] = {
        "uuid": str(uuidlib.uuid4()),
        "kind": "event",
        "schema": 1,
        "created_at": zone_now.isoformat(timespec="seconds"),
        "name": entered["name"],
        "type": entered["type"],
        "starts_on": entered["starts_on"],
        "location": {place: entered[place] for place in PLACES if entered[place]},
    }
    record |= {field: entered[field] for field in ("ends_on", "organizer") if entered[field]}
    try:
        return validate(record)
    except RecordInvalid:  # what the checks above let through: control characters, say
        raise Unfit(N_("The event cannot be saved: remove unusual characters from its fields.")) from None


def _shown(
    request: Request,
    staffer: Staffer,
    status: int = 200,
    error: str | None = None,
    entered: dict[str, str] | None = None,
    made: str = "",
) -> Response:
    listed = [Row.of(*found) for found in events.listed(state(request).casework.storage, SHOWN)]
    return page(
        request,
        "events.html",
        status,
        staffer=staffer,
        listed=listed,
        event_types=EVENT_TYPES,
        error=error,
        entered=entered or {"starts_on": datetime.now(state(request).zone).date().isoformat()},
        longest=LONGEST,
        first=FIRST,
        last=LAST,
        made=next((row for row in listed if row.uuid == made), None),
    )


@router.get(PATH)
def events_page(request: Request, staffer: SignedIn, made: str = "") -> Response:
    return _shown(request, _may_create(staffer), made=made)


@router.post(PATH)
async def create(request: Request, staffer: Posted) -> Response:
    _may_create(staffer)
    form = await request.form()
    entered = {field: value.strip() if isinstance(value := form.get(field), str) else "" for field in FIELDS}
    try:
        record = new_event(entered, datetime.now(state(request).zone))
    except Unfit as unfit:
        return await run_in_threadpool(_shown, request, staffer, 400, str(unfit), entered)
    storage = state(request).casework.storage
    await run_in_threadpool(events.create, storage, record, staffer.name, address(request))
    return RedirectResponse(f"{PATH}?made={record['uuid']}", status_code=303)
