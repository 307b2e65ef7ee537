"""The programme's dashboard (`/console/stats`): participation across every kiosk, the figures of
`kiosk-hub stats`, for every signed-in role (they hold no personal data). Charts are drawn here as
SVG, bars with their numbers written on them, so they read on a phone, in grey print and to a
screen reader (each chart has the table it draws).

The filters are the command's (dates, event, province, regency), read from a plain GET form so
that the page works without JavaScript and a choice can be bookmarked or sent to a colleague.
The form offers only what the kiosks announced; a value from an edited or stale link that names
nothing the hub knows is left out with a notice, never counted as a place with no one in it.
"""

import textwrap
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from operator import attrgetter

from babel.dates import format_date
from fastapi import APIRouter, Request
from fastapi.responses import Response

from hub import i18n
from hub.console import words
from hub.console.auth import SignedIn
from hub.console.web import PREFIX, language, page, state
from hub.i18n import N_
from hub.reports import responsiveness
from hub.reports.participation import UNSPECIFIED, Filters, figures
from hub.storage import participation

router = APIRouter()
LINE, BAR, GAP = 1.3, 1.25, 0.7  # ems: a line of a group's name, a bar, the space under it
DESCENT = 0.3  # ems from the foot of a line or bar up to its words' baseline
LABEL_CHARS = 18  # a line of a group's name: what a phone's width holds at 200% text
INSIDE = 60  # percent: a bar longer than this writes its number inside itself
NOT_NAMED = N_("Not named")
# Days the hub can count from and to: the storage and the working-day arithmetic add a day to the
# last and turn the first into UTC, which fails at the ends of the calendar (year 1, year 9999).
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)
FROM_UNUSABLE = N_("The start date could not be used, so it was left out.")
TO_UNUSABLE = N_("The end date could not be used, so it was left out.")
SWAPPED = N_("The start date was after the end date, so the two were swapped.")
UNKNOWN_PROVINCE = N_("No event was held in the province asked for, so every province is shown.")
UNKNOWN_REGENCY = N_("No event was held in the regency or city asked for, so every regency and city is shown.")
REGENCY_ELSEWHERE = N_(
    "No event in this province was held in the regency or city asked for, so the whole province is shown."
)
UNKNOWN_EVENT = N_("The hub knows no such event, so every event is shown.")
EVENT_ELSEWHERE = N_("The event asked for was not held in this place, so every event there is shown.")
# The events the form lists, newest first: a national hub holds thousands, which no one picks from
# a list (and which would make the page slow to write and to send). Dates or a place find the others.
EVENT_CHOICES = 200


@dataclass(frozen=True)
class Bar:
    """One group: its name above its bar, placed in ems down the chart and in percents across."""

    lines: list[tuple[str, float]]  # the name, wrapped: each line and its baseline
    value: int
    length: float  # the longest bar 100
    top: float  # of the bar
    baseline: float  # of its number
    inside: bool  # the number is written in the bar's end, not after it


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    height: float  # ems


def chart(groups: dict[str, dict[str, int]], label_of: Callable[[str], str]) -> Chart:
    """One bar per group, each under its name. The chart is laid out in ems and percents, not in a
    viewBox that scales with the page: its words then grow with the reader's text size and never
    shrink below the page's, however narrow the phone. A name wraps where 200% text on a phone
    would cut it; a long bar carries its number inside, where a short one has room beside it."""
    most = max((group["total"] for group in groups.values()), default=0)
    bars, y = [], 0.0
    for label, group in groups.items():
        names = textwrap.wrap(label_of(label), LABEL_CHARS, break_on_hyphens=False) or [""]
        lines = [(name, y + (number + 1) * LINE - DESCENT) for number, name in enumerate(names)]
        y += len(names) * LINE
        length = 100 * group["total"] / most if most else 0
        bars.append(Bar(lines, group["total"], length, y, y + BAR - DESCENT, length > INSIDE))
        y += BAR + GAP
    return Chart(bars, y)


def _day(text: str, unusable: str, notices: list[str]) -> date | None:
    if not text:
        return None
    try:
        day: date | None = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or not EARLIEST <= day <= LATEST:
        notices.append(unusable)
        return None
    return day


def regencies(known: Mapping[str, participation.Event], province: str | None) -> dict[str, list[str]]:
    """The regencies events were held in, by province (UNSPECIFIED for events that named none),
    only `province`'s when one is chosen: a form without JavaScript cannot narrow its list as the
    province changes, so it offers each regency under its province's name."""
    found: dict[str, set[str]] = defaultdict(set)
    for event in known.values():
        if event.regency and (not province or event.province == province):
            found[event.province or UNSPECIFIED].add(event.regency)
    return {place: sorted(found[place]) for place in sorted(found)}


def choose(query: Mapping[str, str], known: Mapping[str, participation.Event]) -> tuple[Filters, list[str]]:
    """The filters a query asks for, and the notices (msgids) for what it asked and cannot have.

    Whatever names no event the hub knows is dropped rather than passed on: counting it would
    answer "nobody came" about a place that is only misspelt, and would send arbitrary text
    from a link to the database. A regency or event outside the chosen province gives way to it,
    as happens when the province is changed and the form still holds the old regency."""
    notices: list[str] = []
    first = _day(query.get("from", ""), FROM_UNUSABLE, notices)
    last = _day(query.get("to", ""), TO_UNUSABLE, notices)
    if first and last and first > last:
        first, last = last, first
        notices.append(SWAPPED)
    province = query.get("province", "")
    if province and province not in {event.province for event in known.values()}:
        notices.append(UNKNOWN_PROVINCE)
        province = ""
    regency = query.get("regency", "")
    if regency and not any(regency in names for names in regencies(known, province).values()):
        notices.append(REGENCY_ELSEWHERE if province else UNKNOWN_REGENCY)
        regency = ""
    place = Filters(province=province or None, regency=regency or None)
    event = query.get("event", "")
    if event and event not in known:
        notices.append(UNKNOWN_EVENT)
        event = ""
    elif event and not place.chosen(known[event]):
        notices.append(EVENT_ELSEWHERE)
        event = ""
    return Filters(first, last, event or None, place.province, place.regency), notices


def choices(
    known: Mapping[str, participation.Event], place: Filters, event_uuid: str | None
) -> tuple[list[participation.Event], bool]:
    """The events the form offers (newest first, each day's by name; the one chosen always among
    them), and whether there are more than it lists."""
    found = sorted(
        sorted(
            (event for event in known.values() if place.chosen(event) and place.starts_inside(event)),
            key=attrgetter("name"),
        ),
        key=attrgetter("starts_on"),
        reverse=True,
    )
    listed = found[:EVENT_CHOICES]
    if event_uuid and known[event_uuid] not in listed:
        listed.append(known[event_uuid])
    return listed, len(found) > EVENT_CHOICES


@router.get(PREFIX + "/stats")
def dashboard(request: Request, staffer: SignedIn) -> Response:
    console = state(request)
    storage = console.casework.storage
    known = participation.events(storage)
    chosen, notices = choose(request.query_params, known)
    found = figures(storage, chosen)
    agencies = responsiveness.received_between(storage, console.zone, chosen.date_from, chosen.date_to)
    reports = responsiveness.complaints(
        storage, console.zone, chosen.date_from, chosen.date_to, chosen.province, chosen.regency
    )
    names = {agency["code"]: agency["name"] for agency in console.staff.agencies()}
    shown_in = language(request)
    translate = i18n.translations(shown_in).gettext

    def place_of(label: str) -> str:
        return translate(NOT_NAMED) if label == UNSPECIFIED else label

    def type_of(label: str) -> str:
        return translate(words.EVENT_TYPES.get(label, NOT_NAMED))

    def month_of(label: str) -> str:
        year, month = map(int, label.split("-"))
        return format_date(date(year, month, 1), "LLLL y", locale=shown_in)

    def day_of(label: str) -> str:
        return format_date(date.fromisoformat(label), "medium", locale=shown_in)

    place = Filters(chosen.date_from, chosen.date_to, province=chosen.province, regency=chosen.regency)
    events, more_events = choices(known, place, chosen.event_uuid)
    where = "by_regency" if chosen.province else "by_province"
    return page(
        request,
        "stats.html",
        staffer=staffer,
        found=found,
        chosen=chosen,
        notices=notices,
        provinces=sorted({event.province for event in known.values()} - {""}),
        regencies=regencies(known, chosen.province),
        events=events,
        more_events=more_events,
        max_events=EVENT_CHOICES,
        where=where,
        charts={
            name: chart(found[name], label_of)
            for name, label_of in ((where, place_of), ("by_month", month_of), ("by_event_type", type_of))
        },
        bar_height=BAR,
        agencies=agencies,
        reports=reports,
        names=names,
        place_of=place_of,
        type_of=type_of,
        month_of=month_of,
        day_of=day_of,
    )
