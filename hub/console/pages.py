"""The inbox and the complaint page, and the actions taken there.

Every page is for signed-in staff only; what a role may not see is not fetched at all, and
each view of personal data is written to the audit log by the storage that hands it out.
"""

import csv
import heapq
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from hub import i18n
from hub.console import rights, words
from hub.console.auth import Posted, SignedIn
from hub.console.web import HEADERS, PREFIX, ConsoleState, Refused, address, language, page, state
from hub.i18n import N_
from hub.spreadsheets import spreadsheet_cell
from hub.storage import forwards
from hub.storage.base import HubError
from hub.storage.calendar import DaysOff
from hub.storage.casework import FOLLOW, STAGES, VERIFY, Complaint, Filters
from hub.storage.evidence import Evidence
from hub.storage.roles import LIAISON
from hub.storage.staff import Staffer
from hub.workdays import FOLLOW_UP_WITHIN, VERIFY_WITHIN, Clock, clock, days_off_around, overdue_before
from kiosk.records.protocol import COMPLAINT_STATUSES, FORWARDED
from kiosk.records.refcode import ref_code

MAX_NOTE = 1000
NOT_ALLOWED = N_("Your role does not allow this.")
NOT_FOUND = N_("There is no such report.")
router = APIRouter()


PAGE_SIZE = 50
MAX_PAGE = 200  # deeper than this, the CSV of the view


@dataclass(frozen=True)
class Row:
    complaint: Complaint
    clock: Clock | None


class Calendar:
    """Today and the days off around it in the hub's time zone, for every row of one request;
    the admin's overrides are read once for all of them."""

    def __init__(self, console: ConsoleState) -> None:
        self.zone = console.zone
        self.today = datetime.now(self.zone).date()
        self.off = days_off_around(self.today, DaysOff(console.casework.storage).working_by_day())

    def row(self, complaint: Complaint) -> Row:
        return Row(
            complaint,
            clock(complaint.status, complaint.received_at, complaint.disposed_at, self.today, self.zone, self.off),
        )

    def overdue(self) -> dict[str, str]:
        return {
            VERIFY.name: overdue_before(self.today, VERIFY_WITHIN, self.zone, self.off),
            FOLLOW.name: overdue_before(self.today, FOLLOW_UP_WITHIN, self.zone, self.off),
        }


def _by_deadline(row: Row) -> tuple[bool, str, str, int]:
    """Nearest deadline first, then the clock that started first; reports without a clock last,
    in order of arrival. Each stage's stream is already in this order, so a merge keeps it."""
    complaint, running = row.complaint, row.clock
    if running is None:
        return True, "", "", complaint.seq
    started = complaint.disposed_at if complaint.status == FORWARDED else complaint.received_at
    return False, running.due.isoformat(), started or "", complaint.seq


@dataclass(frozen=True)
class View:
    """The inbox's filters as the query string gives them, and what the storage is asked."""

    filters: Filters
    chosen: dict[str, str]  # each filter's value as chosen, for the form and the links

    @classmethod
    def of(cls, request: Request, staffer: Staffer, calendar: Calendar) -> "View":
        query = request.query_params
        chosen = {
            name: query.get(name, "")[:200] for name in ("status", "classification", "kiosk", "event", "province")
        }
        chosen["agency"] = (
            staffer.agency if staffer.role == LIAISON and staffer.agency else query.get("agency", "")[:50]
        )
        chosen["overdue"] = "true" if query.get("overdue") == "true" else ""
        filters = Filters(
            status=chosen["status"] if chosen["status"] in COMPLAINT_STATUSES else None,
            classification=chosen["classification"] if chosen["classification"] in words.CLASSIFICATIONS else None,
            device_id=chosen["kiosk"] or None,
            event_uuid=chosen["event"] or None,
            province=chosen["province"] or None,
            agency=chosen["agency"] or None,
            overdue=calendar.overdue() if chosen["overdue"] else None,
        )
        return cls(filters, chosen)

    def query(self, **changed: str | int) -> str:
        values = {name: value for name, value in {**self.chosen, **changed}.items() if value}
        return urlencode(values)


def _rows(console: ConsoleState, view: View, calendar: Calendar) -> Iterator[Row]:
    streams = ((calendar.row(c) for c in console.casework.stream(view.filters, stage)) for stage in STAGES)
    return heapq.merge(*streams, key=_by_deadline)


def _page_number(text: str) -> int:
    return min(MAX_PAGE, max(1, int(text))) if text.isdigit() else 1


@router.get(PREFIX + "/")
def inbox(request: Request, staffer: SignedIn) -> Response:
    console = state(request)
    calendar = Calendar(console)
    view = View.of(request, staffer, calendar)
    number = _page_number(request.query_params.get("page", ""))
    rows = list(islice(_rows(console, view, calendar), (number - 1) * PAGE_SIZE, number * PAGE_SIZE))
    total = console.casework.count(view.filters)
    return page(
        request,
        "inbox.html",
        staffer=staffer,
        rows=rows,
        view=view,
        total=total,
        number=number,
        pages=min(MAX_PAGE, max(1, -(-total // PAGE_SIZE))),
        provinces=console.casework.tally("province"),
        kiosks=console.casework.tally("device_id") if staffer.role != LIAISON else {},
        agencies=console.staff.agencies(),
        events=console.casework.events(),
    )


CSV_COLUMNS = (
    N_("Intake number"),
    N_("Title"),
    N_("Type"),
    N_("Status"),
    N_("Due"),
    N_("Working days left"),
    N_("Agency"),
    N_("Province"),
    N_("Regency or city"),
    N_("Kiosk"),
    N_("Received at the hub"),
)


@router.get(PREFIX + "/inbox.csv")
def inbox_csv(request: Request, staffer: SignedIn) -> Response:
    """Every report of the view, in its order, without personal data; streamed, so a national
    view is written as it is read."""
    console = state(request)
    calendar = Calendar(console)
    view = View.of(request, staffer, calendar)
    translate = i18n.translations(language(request)).gettext

    def lines() -> Iterator[str]:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([translate(column) for column in CSV_COLUMNS])
        for row in _rows(console, view, calendar):
            c, place = row.complaint, row.complaint.public.get("location") or {}
            writer.writerow(
                spreadsheet_cell(value)
                for value in (
                    c.tracking_id,
                    c.public.get("title"),
                    translate(words.CLASSIFICATIONS[c.public["classification"]]),
                    translate(words.STATUSES[c.status]),
                    row.clock.due.isoformat() if row.clock else "",
                    row.clock.left if row.clock else "",
                    c.agency,
                    place.get("province"),
                    place.get("regency"),
                    c.device_id,
                    c.received_at,
                )
            )
            yield out.getvalue()
            out.seek(0)
            out.truncate()

    headers = {**HEADERS, "Content-Disposition": 'attachment; filename="laporan.csv"'}
    return StreamingResponse(lines(), media_type="text/csv; charset=utf-8", headers=headers)


def _opened(console: ConsoleState, staffer: Staffer, uuid: str) -> Complaint:
    complaint = console.casework.complaint(uuid)
    if complaint is None:
        raise Refused(404, NOT_FOUND)
    if not rights.may_open(staffer, complaint):
        raise Refused(403, NOT_ALLOWED)
    return complaint


@router.get(PREFIX + "/complaints/{uuid}")
def complaint_page(request: Request, staffer: SignedIn, uuid: str) -> Response:
    console = state(request)
    complaint = _opened(console, staffer, uuid)
    personal: dict[str, Any] | None = None
    held: frozenset[str] = frozenset()
    if rights.may_see_personal(staffer, complaint):
        personal = console.casework.personal(uuid, staffer.name, address(request))
        held = Evidence(console.casework.storage).held(uuid)
    similar = (
        console.casework.similar(uuid, staffer.name, address(request)) if rights.may_merge(staffer, complaint) else []
    )
    citizen = i18n.translations(i18n.chosen(complaint.public.get("language")))
    return page(
        request,
        "complaint.html",
        staffer=staffer,
        row=Calendar(console).row(complaint),
        personal=personal,
        held=held,
        similar=similar,
        history=console.casework.history(uuid),
        receipt=ref_code(uuid),
        forward=forwards.forward_of(console.casework.storage, uuid),
        may_send=rights.may_send_national(staffer, complaint),
        verdict=console.casework.verdict(uuid),
        actions=[(action, citizen.gettext(action.note)) for action in rights.actions(staffer, complaint)],
        agencies=console.staff.agencies(),
        max_note=MAX_NOTE,
    )


@router.post(PREFIX + "/complaints/{uuid}/{name}")
async def act(request: Request, staffer: Posted, uuid: str, name: str) -> Response:
    console = state(request)
    action = rights.ACTIONS.get(name)
    complaint = await run_in_threadpool(_opened, console, staffer, uuid)
    if action is None or action not in rights.actions(staffer, complaint):
        raise Refused(403, NOT_ALLOWED)
    form = await request.form()
    note, agency = form.get("note"), form.get("agency")
    if not isinstance(note, str) or not note.strip() or len(note) > MAX_NOTE:
        raise Refused(400, N_("Write a note to the citizen (at most 1000 characters)."))
    try:
        await run_in_threadpool(
            console.casework.change_status,
            uuid,
            action.status,
            note.strip(),
            staffer.name,
            address(request),
            agency if isinstance(agency, str) and action.name == "dispose" else None,
        )
    except HubError:
        raise Refused(
            409, N_("The report could not be moved: it may have changed meanwhile, or no agency was chosen.")
        ) from None
    return RedirectResponse(f"{PREFIX}/complaints/{uuid}", status_code=303)
