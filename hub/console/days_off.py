"""The admin's page of days off: a year of the national calendar as the `holidays` package
knows it, with the admin's overrides, and the forms that set and remove them (DESIGN.md,
"Working days").

Every deadline in the console counts these days, so only the admin changes them. A form that
cannot be carried out is shown again, as it was filled in, with what to correct.
"""

from dataclasses import dataclass
from datetime import date, datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from hub.console.admin import Admin, AdminPosted
from hub.console.web import PREFIX, address, language, page, state
from hub.i18n import N_
from hub.storage.calendar import DaysOff, Override
from hub.storage.staff import Staffer
from hub.workdays import SATURDAY, holiday_names

PATH = PREFIX + "/days-off"
MAX_NOTE = 200
FIRST, LAST = date(2000, 1, 1), date(2100, 12, 31)
DAY_OFF, WORKING_DAY = "off", "working"  # the form's two kinds of day
WEEKEND = N_("Saturday and Sunday are always days off: only Monday to Friday can be made a working day.")
router = APIRouter()


class Unfit(Exception):
    """A form the page cannot carry out; the message, marked for translation, says what to correct."""


@dataclass(frozen=True)
class Day:
    """A row of the page: a day the package lists, one the admin set, or both."""

    day: date
    name: str | None  # the package's, in the reader's language
    override: Override | None

    @property
    def working(self) -> bool:
        return self.override is not None and self.override.working


def _this_year(request: Request) -> int:
    return datetime.now(state(request).zone).year


def _year(request: Request, text: str) -> int:
    """The year the query asks for, or this year when it names none the page can show."""
    return int(text) if text.isdigit() and FIRST.year <= int(text) <= LAST.year else _this_year(request)


def _day(text: str) -> date:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise Unfit(N_("The date is not valid. Write it as year-month-day, for example 2026-03-26.")) from None
    if not FIRST <= day <= LAST:
        raise Unfit(N_("Choose a date from the year 2000 to the year 2100."))
    return day


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _shown(
    request: Request, staffer: Staffer, year: int, status: int = 200, error: str | None = None, **entered: str
) -> Response:
    """The page of `year`; after an `error`, the form as it was filled in (`entered`)."""
    overrides = {o.day: o for o in DaysOff(state(request).casework.storage).overrides(year)}
    names = dict(holiday_names(year, language(request)))
    this_year = _this_year(request)
    return page(
        request,
        "days_off.html",
        status,
        staffer=staffer,
        year=year,
        years=sorted({this_year, this_year + 1, year}),
        days=[Day(day, names.get(day), overrides.get(day)) for day in sorted(names.keys() | overrides.keys())],
        error=error,
        entered=entered,
        first=FIRST,
        last=LAST,
        max_note=MAX_NOTE,
    )


@router.get(PATH)
def days_off(request: Request, staffer: Admin, year: str = "") -> Response:
    return _shown(request, staffer, _year(request, year))


@router.post(PATH)
async def set_day(request: Request, staffer: AdminPosted, year: str = "") -> Response:
    """After an error the year the form was sent from is shown again, else the day's year: the
    admin sees the day just set."""
    form = await request.form()
    entered = {name: _text(form, name) for name in ("day", "kind", "note")}
    note = entered["note"].strip()
    try:
        day = _day(entered["day"])
        if entered["kind"] not in (DAY_OFF, WORKING_DAY):
            raise Unfit(N_("Choose whether the day is a day off or a working day."))
        if entered["kind"] == WORKING_DAY and day.weekday() >= SATURDAY:
            raise Unfit(WEEKEND)
        if not note or len(note) > MAX_NOTE:
            raise Unfit(N_("Write a note of at most 200 characters, for example the decree that sets the day."))
    except Unfit as unfit:
        return await run_in_threadpool(_shown, request, staffer, _year(request, year), 400, str(unfit), **entered)
    changes = DaysOff(state(request).casework.storage)
    await run_in_threadpool(changes.set, day, entered["kind"] == WORKING_DAY, note, staffer.name, address(request))
    return RedirectResponse(f"{PATH}?year={day.year}", status_code=303)


@router.post(PATH + "/remove")
async def remove_day(request: Request, staffer: AdminPosted, year: str = "") -> Response:
    try:
        day = _day(_text(await request.form(), "day"))
    except Unfit as unfit:
        return await run_in_threadpool(_shown, request, staffer, _year(request, year), 400, str(unfit))
    await run_in_threadpool(DaysOff(state(request).casework.storage).remove, day, staffer.name, address(request))
    return RedirectResponse(f"{PATH}?year={day.year}", status_code=303)
