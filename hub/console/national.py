"""SP4N-LAPOR! in the console: a verifier sends a checked report on to the national system, and
the reports it refused (dead letters) are listed with its reason and a button to try again once
the cause is fixed. The bridge (`kiosk-hub bridge run`, or `serve --bridge`) does the sending;
the console only fills its outbox, in the same transaction as the audit entry.
"""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from hub.console import rights
from hub.console.auth import Posted, SignedIn
from hub.console.pages import NOT_ALLOWED, NOT_FOUND
from hub.console.web import PREFIX, Refused, address, page, state
from hub.i18n import N_
from hub.storage import forwards
from hub.storage.base import HubError, Storage
from hub.storage.roles import ADMIN, VERIFIER
from hub.storage.staff import Staffer, audit

PATH = PREFIX + "/national"
router = APIRouter()


def _queue(storage: Storage, uuid: str, actor: str, at: str) -> None:
    with storage.writing() as run:
        if forwards.queue(run, uuid, actor):
            audit(run, actor, forwards.QUEUE_NATIONAL, uuid, at)


def _revive(storage: Storage, uuid: str, actor: str, at: str) -> None:
    with storage.writing() as run:
        forwards.revive(run, uuid)
        audit(run, actor, forwards.RETRY_NATIONAL, uuid, at)


def _may_send(staffer: Staffer) -> Staffer:
    if staffer.role not in (ADMIN, VERIFIER):
        raise Refused(403, NOT_ALLOWED)
    return staffer


@router.post(PREFIX + "/complaints/{uuid}/national")
async def send(request: Request, staffer: Posted, uuid: str) -> Response:
    console = state(request)
    complaint = await run_in_threadpool(console.casework.complaint, uuid)
    if complaint is None:
        raise Refused(404, NOT_FOUND)
    if not rights.may_send_national(staffer, complaint):
        raise Refused(403, NOT_ALLOWED)
    try:
        await run_in_threadpool(_queue, console.casework.storage, uuid, staffer.name, address(request))
    except HubError:
        raise Refused(409, N_("This report cannot go to SP4N-LAPOR!: it may have moved on meanwhile.")) from None
    return RedirectResponse(f"{PREFIX}/complaints/{uuid}", status_code=303)


@router.get(PATH)
def outboxes(request: Request, staffer: SignedIn) -> Response:
    _may_send(staffer)
    casework = state(request).casework
    dead, counts = forwards.dead_letters(casework.storage)
    return page(
        request,
        "national.html",
        staffer=staffer,
        dead=dead,
        counts=counts,
        sms=forwards.notice_counts(casework.storage),
        verdicts=casework.verdicts(),
    )


@router.post(PATH + "/{uuid}/retry")
async def retry(request: Request, staffer: Posted, uuid: str) -> Response:
    _may_send(staffer)
    try:
        await run_in_threadpool(_revive, state(request).casework.storage, uuid, staffer.name, address(request))
    except HubError:
        raise Refused(404, N_("There is no such refused report.")) from None
    return RedirectResponse(PATH, status_code=303)
