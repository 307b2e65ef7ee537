"""Merging a report with another about the same matter (the verifier's, DESIGN.md "The staff
console"): the later one joins the earlier, so the report that came first keeps its place in
the deadlines, and each reporter hears of the progress through their own receipt code.
"""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from hub import i18n
from hub.console import rights
from hub.console.auth import Posted
from hub.console.web import PREFIX, Refused, address, state
from hub.i18n import N_
from hub.storage.base import HubError
from hub.storage.casework import Complaint

router = APIRouter()
JOINED = N_(
    "Your report is about the same matter as another report, which is being handled together with it."
    " You will hear of its progress here."
)


def _open(request: Request, staffer: Posted, uuid: object) -> Complaint:
    complaint = state(request).casework.complaint(uuid) if isinstance(uuid, str) else None
    if complaint is None:
        raise Refused(404, N_("There is no such report."))
    if not rights.may_merge(staffer, complaint):
        raise Refused(403, N_("Your role does not allow this."))
    return complaint


@router.post(PREFIX + "/merges")
async def merge(request: Request, staffer: Posted) -> Response:
    form = await request.form()
    one = await run_in_threadpool(_open, request, staffer, form.get("uuid"))
    other = await run_in_threadpool(_open, request, staffer, form.get("other"))
    first, later = sorted((one, other), key=lambda complaint: complaint.seq)
    citizen = i18n.translations(i18n.chosen(later.public.get("language")))
    note = citizen.gettext(JOINED)
    try:
        await run_in_threadpool(
            state(request).casework.merge, later.uuid, first.uuid, note, staffer.name, address(request)
        )
    except HubError:
        raise Refused(409, N_("These reports cannot be merged: one of them has moved on meanwhile.")) from None
    return RedirectResponse(f"{PREFIX}/complaints/{first.uuid}", status_code=303)
