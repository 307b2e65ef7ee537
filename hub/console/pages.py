"""The inbox and the complaint page, and the actions taken there.

Every page is for signed-in staff only; what a role may not see is not fetched at all, and
each view of personal data is written to the audit log by the storage that hands it out.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from hub.console import i18n, rights
from hub.console.auth import Posted, SignedIn
from hub.console.i18n import N_
from hub.console.web import PREFIX, ConsoleState, Refused, address, page, state
from hub.console.workdays import Clock, clock, days_off_around
from hub.storage.base import HubError
from hub.storage.casework import Complaint
from hub.storage.roles import LIAISON
from hub.storage.staff import Staffer
from kiosk.records.protocol import COMPLAINT_STATUSES

MAX_NOTE = 1000
NOT_ALLOWED = N_("Your role does not allow this.")
NOT_FOUND = N_("There is no such report.")
router = APIRouter()


@dataclass(frozen=True)
class Row:
    complaint: Complaint
    clock: Clock | None


def _row(console: ConsoleState, complaint: Complaint) -> Row:
    today = datetime.now(console.zone).date()
    off = days_off_around(today)
    return Row(
        complaint, clock(complaint.status, complaint.received_at, complaint.disposed_at, today, console.zone, off)
    )


def _by_deadline(row: Row) -> tuple[bool, str, str]:
    return row.clock is None, row.clock.due.isoformat() if row.clock else "", row.complaint.received_at


@router.get(PREFIX + "/")
def inbox(request: Request, staffer: SignedIn, status: str = "", overdue: bool = False) -> Response:
    console = state(request)
    chosen = status if status in COMPLAINT_STATUSES else None
    agency = staffer.agency if staffer.role == LIAISON else None
    rows = [_row(console, complaint) for complaint in console.casework.inbox(chosen, agency)]
    if overdue:
        rows = [row for row in rows if row.clock and row.clock.overdue]
    rows.sort(key=_by_deadline)
    return page(request, "inbox.html", staffer=staffer, rows=rows, status=chosen or "", overdue=overdue)


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
    if rights.may_see_personal(staffer, complaint):
        personal = console.casework.personal(uuid, staffer.name, address(request))
    citizen = i18n.translations(i18n.chosen(complaint.public.get("language")))
    return page(
        request,
        "complaint.html",
        staffer=staffer,
        row=_row(console, complaint),
        personal=personal,
        history=console.casework.history(uuid),
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
