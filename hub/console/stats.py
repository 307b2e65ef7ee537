"""The programme's dashboard (`/console/stats`): participation across every kiosk, the figures of
`kiosk-hub stats`, for every signed-in role (they hold no personal data). Charts are drawn here as
SVG, bars with their numbers written beside them, so they read on a phone, in grey print and to a
screen reader (each chart has the table it draws)."""

from dataclasses import dataclass
from datetime import date

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
BAR_WIDTH = 100  # the longest bar, in the SVG's own units (it scales with the page)
NOT_NAMED = N_("Not named")


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    length: float  # 0..BAR_WIDTH


def bars(groups: dict[str, dict[str, int]], key: str = "total") -> list[Bar]:
    """One bar per group, the largest BAR_WIDTH long."""
    most = max((group[key] for group in groups.values()), default=0)
    return [Bar(label, group[key], BAR_WIDTH * group[key] / most if most else 0) for label, group in groups.items()]


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get(PREFIX + "/stats")
def dashboard(request: Request, staffer: SignedIn) -> Response:
    query = request.query_params
    chosen = Filters(
        date_from=_day(query.get("from")),
        date_to=_day(query.get("to")),
        province=query.get("province", "")[:100] or None,
    )
    console = state(request)
    found = figures(console.casework.storage, chosen)
    agencies = responsiveness.received_between(console.casework.storage, console.zone, chosen.date_from, chosen.date_to)
    names = {agency["code"]: agency["name"] for agency in console.staff.agencies()}
    reports = responsiveness.complaints(
        console.casework.storage, console.zone, chosen.date_from, chosen.date_to, chosen.province, None
    )
    shown_in = language(request)
    translate = i18n.translations(shown_in).gettext

    def place_of(label: str) -> str:
        return translate(NOT_NAMED) if label == UNSPECIFIED else label

    def type_of(label: str) -> str:
        return translate(words.EVENT_TYPES.get(label, NOT_NAMED))

    def month_of(label: str) -> str:
        year, month = map(int, label.split("-"))
        return format_date(date(year, month, 1), "LLLL y", locale=shown_in)

    return page(
        request,
        "stats.html",
        staffer=staffer,
        found=found,
        chosen=chosen,
        provinces=sorted({event.province for event in participation.events(console.casework.storage).values()} - {""}),
        charts={name: bars(found[name]) for name in ("by_province", "by_month", "by_event_type")},
        bar_width=BAR_WIDTH,
        agencies=agencies,
        reports=reports,
        names=names,
        place_of=place_of,
        type_of=type_of,
        month_of=month_of,
    )
