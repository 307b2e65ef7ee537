"""The admin's pages: the kiosks (last contact, clock, tokens, enrollment codes) and the audit log.

Only the admin comes in. Each action taken here is written to the audit log by the storage that
takes it (hub.storage.fleet). A kiosk's clock is shown because more than the kiosk reads it: the
receipt a citizen takes home and the time a report says it was made come from it.
"""

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import chain
from typing import Annotated
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from babel.support import Translations
from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from hub import i18n
from hub.console import words
from hub.console.auth import Posted, SignedIn
from hub.console.pages import NOT_ALLOWED
from hub.console.web import HEADERS, PREFIX, Refused, address, language, page, state
from hub.i18n import N_
from hub.spreadsheets import spreadsheet_cell
from hub.storage import forwards
from hub.storage.base import HubError
from hub.storage.calendar import DAY_OFF_REMOVED, DAY_OFF_SET
from hub.storage.casework import MERGE, VIEW_PERSONAL
from hub.storage.events import CREATE_EVENT, HUB_DEVICE
from hub.storage.evidence import VIEW_ATTACHMENT
from hub.storage.fleet import ENROLLMENT_CODE, REVOKE_KIOSK, AuditFilters, Entry, Fleet, Kiosk
from hub.storage.roles import ADMIN
from hub.storage.staff import LOGIN_FAILED, LOGIN_OK, LOGIN_REFUSED, LOGOUT, Staffer

SILENT_AFTER = timedelta(days=7)
IN_STEP_S = 120  # a clock less than this far off reads as right
SKEWED_S = 300  # a clock further off than this needs setting (the kiosk warns its officer too)
MAX_CODE_HOURS = 168
AUDIT_PAGE = 100
NO_KIOSK = N_("There is no such kiosk.")
STATUS_ACTION = "status_"  # and the status a report was moved to (hub.storage.casework)
ACTIONS = {
    LOGIN_OK: N_("Signed in"),
    LOGIN_FAILED: N_("Sign-in failed"),
    LOGIN_REFUSED: N_("Sign-in refused: too many failures"),
    LOGOUT: N_("Signed out"),
    VIEW_PERSONAL: N_("Viewed a report's personal data"),
    VIEW_ATTACHMENT: N_("Opened a report's attachment"),
    MERGE: N_("Merged a report into the one it repeats"),
    DAY_OFF_SET: N_("Set a day off or a working day"),
    DAY_OFF_REMOVED: N_("Removed a day the admin had set"),
    REVOKE_KIOSK: N_("Revoked a kiosk's token"),
    ENROLLMENT_CODE: N_("Made an enrollment code"),
    CREATE_EVENT: N_("Set up an event for the kiosks"),
    forwards.QUEUE_NATIONAL: N_("Sent a report to SP4N-LAPOR!"),
    forwards.RETRY_NATIONAL: N_("Tried a refused report again"),
    forwards.FORWARD_NATIONAL: N_("Handed a report with its personal data to SP4N-LAPOR!"),
    "agency_add": N_("Added an agency"),
    "user_add": N_("Added a user"),
    "user_disable": N_("Disabled a user"),
}
CSV_COLUMNS = (N_("Time (UTC)"), N_("User"), N_("Action"), N_("Action code"), N_("Target"), N_("Address"))
router = APIRouter()


def _admin(staffer: Staffer) -> Staffer:
    if staffer.role != ADMIN:
        raise Refused(403, NOT_ALLOWED)
    return staffer


def admin(staffer: SignedIn) -> Staffer:
    return _admin(staffer)


def admin_posted(staffer: Posted) -> Staffer:
    return _admin(staffer)


Admin = Annotated[Staffer, Depends(admin)]
AdminPosted = Annotated[Staffer, Depends(admin_posted)]


def _fleet(request: Request) -> Fleet:
    return Fleet(state(request).staff.storage)


def _text(value: str, longest: int) -> str:
    """A query's or form's value as a filter or a name may hold it; anything else is nothing."""
    return value if len(value) <= longest and value.isprintable() else ""


# the kiosks
@dataclass(frozen=True)
class Issued:
    """An enrollment code just made, shown this once."""

    code: str
    device_id: str | None  # None: for a new kiosk
    hours: int


@dataclass(frozen=True)
class KioskRow:
    kiosk: Kiosk
    silent_days: int | None  # days without a word from an active kiosk, once more than SILENT_AFTER
    clock: str  # how far off its clock is, in words
    skewed: bool


def clock_words(skew_s: float | None, translations: Translations) -> str:
    """A kiosk's clock against the hub's as staff say it: "3 min ahead", "1 h 5 min behind", "In step"."""
    _, ngettext = translations.gettext, translations.ngettext
    if skew_s is None:
        return _("Not known yet")
    if abs(skew_s) < IN_STEP_S:
        return _("In step")
    minutes = round(abs(skew_s) / 60)
    hours, rest = divmod(minutes, 60)
    if hours >= 48:
        days = round(minutes / (24 * 60))
        span = ngettext("%(num)d day", "%(num)d days", days) % {"num": days}
    elif hours and rest:
        span = _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": rest}
    elif hours:
        span = _("%(hours)d h") % {"hours": hours}
    else:
        span = _("%(minutes)d min") % {"minutes": minutes}
    return (_("%(span)s ahead") if skew_s > 0 else _("%(span)s behind")) % {"span": span}


def _row(kiosk: Kiosk, moment: datetime, translations: Translations) -> KioskRow:
    silent = moment - datetime.fromisoformat(kiosk.last_seen_at or kiosk.enrolled_at)
    return KioskRow(
        kiosk,
        silent.days if kiosk.revoked_at is None and silent > SILENT_AFTER else None,
        clock_words(kiosk.clock_skew_s, translations),
        kiosk.clock_skew_s is not None and abs(kiosk.clock_skew_s) > SKEWED_S,
    )


def _kiosks_page(request: Request, staffer: Staffer, issued: Issued | None = None) -> Response:
    translations = i18n.translations(language(request))
    moment = datetime.now(UTC)
    rows = [_row(kiosk, moment, translations) for kiosk in _fleet(request).kiosks()]
    return page(request, "kiosks.html", staffer=staffer, rows=rows, issued=issued, max_hours=MAX_CODE_HOURS)


def _known(device_id: str) -> str:
    """A device id the hub could have given; any other is no kiosk (nor text PostgreSQL keeps)."""
    if not _text(device_id, 100) or device_id == HUB_DEVICE:
        raise Refused(404, NO_KIOSK)
    return device_id


@router.get(PREFIX + "/kiosks")
def kiosks(request: Request, staffer: Admin) -> Response:
    return _kiosks_page(request, staffer)


@router.post(PREFIX + "/kiosks/{device_id}/revoke")
async def revoke(request: Request, staffer: AdminPosted, device_id: str) -> Response:
    """The kiosk's next call is refused (401) and it asks its officer for a new enrollment."""
    try:
        await run_in_threadpool(_fleet(request).revoke, _known(device_id), staffer.name, address(request))
    except HubError:
        raise Refused(404, NO_KIOSK) from None
    return RedirectResponse(PREFIX + "/kiosks", status_code=303)


@router.post(PREFIX + "/kiosks/enrollment-code")
async def new_kiosk_code(request: Request, staffer: AdminPosted) -> Response:
    return await _issue(request, staffer, None)


@router.post(PREFIX + "/kiosks/{device_id}/enrollment-code")
async def kiosk_code(request: Request, staffer: AdminPosted, device_id: str) -> Response:
    """A new token for a known kiosk (its old one stops working once the code is used)."""
    return await _issue(request, staffer, _known(device_id))


async def _issue(request: Request, staffer: Staffer, device_id: str | None) -> Response:
    """The kiosks page with the code on top; the code is kept only as a hash, so this is its one showing."""
    hours = (await request.form()).get("hours")
    if not (isinstance(hours, str) and hours.isascii() and hours.isdigit() and 1 <= int(hours) <= MAX_CODE_HOURS):
        raise Refused(400, N_("A code can be valid for 1 to 168 hours."))
    try:
        code = await run_in_threadpool(
            _fleet(request).enrollment_code, timedelta(hours=int(hours)), staffer.name, address(request), device_id
        )
    except HubError:
        raise Refused(404, NO_KIOSK) from None
    return await run_in_threadpool(_kiosks_page, request, staffer, Issued(code, device_id, int(hours)))


# the audit log
def action_names(translate: Callable[[str], str]) -> dict[str, str]:
    """Each action the console writes, in the reader's words; one it does not know keeps its code."""
    moved = translate(N_("Moved a report to: %(status)s"))
    return {code: translate(name) for code, name in ACTIONS.items()} | {
        STATUS_ACTION + status: moved % {"status": translate(name)} for status, name in words.STATUSES.items()
    }


def _start_of(day: date, zone: ZoneInfo) -> str | None:
    """The moment `day` begins in the hub's time zone, as UTC text; None past the calendar's ends."""
    try:
        return datetime.combine(day, time(), zone).astimezone(UTC).isoformat(timespec="milliseconds")
    except (OverflowError, ValueError):
        return None


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == len("YYYY-MM-DD") else None
    except ValueError:
        return None


@dataclass(frozen=True)
class AuditView:
    """The audit page's filters as the query string gives them, the page's place in the log, and
    what the storage is asked."""

    filters: AuditFilters
    chosen: dict[str, str]  # each filter's value as chosen, for the form and the links
    before: int | None  # the page holds entries older than this one

    @classmethod
    def of(cls, request: Request, zone: ZoneInfo) -> "AuditView":
        query = request.query_params
        chosen = {name: _text(query.get(name, ""), 64) for name in ("actor", "action", "from", "to")}
        since, until = _day(chosen["from"]), _day(chosen["to"])
        chosen["from"], chosen["to"] = since.isoformat() if since else "", until.isoformat() if until else ""
        before = query.get("before", "")
        return cls(
            AuditFilters(
                actor=chosen["actor"] or None,
                action=chosen["action"] or None,
                since=_start_of(since, zone) if since else None,
                until=_start_of(until + timedelta(days=1), zone) if until and until < date.max else None,
            ),
            chosen,
            int(before) if before.isascii() and before.isdigit() and len(before) <= 18 else None,
        )

    def query(self, **changed: str | int) -> str:
        values = {name: value for name, value in {**self.chosen, **changed}.items() if value}
        return urlencode(values)


@router.get(PREFIX + "/audit")
def audit_log(request: Request, staffer: Admin) -> Response:
    console = state(request)
    view = AuditView.of(request, console.zone)
    entries = _fleet(request).audit_page(view.filters, view.before, AUDIT_PAGE + 1)
    return page(
        request,
        "audit.html",
        staffer=staffer,
        view=view,
        entries=entries[:AUDIT_PAGE],
        older=entries[AUDIT_PAGE - 1].seq if len(entries) > AUDIT_PAGE else None,
        actions=action_names(i18n.translations(language(request)).gettext),
        users=console.staff.users(),
    )


@router.get(PREFIX + "/audit.csv")
def audit_csv(request: Request, staffer: Admin) -> Response:
    """Every entry the filters let through, newest first; streamed, as the log has no end."""
    view = AuditView.of(request, state(request).zone)
    translate = i18n.translations(language(request)).gettext
    names, fleet = action_names(translate), _fleet(request)

    def lines() -> Iterator[str]:
        out = io.StringIO()
        writer = csv.writer(out)
        entries = fleet.audit_entries(view.filters)
        for row in chain([[translate(column) for column in CSV_COLUMNS]], (_csv_row(e, names) for e in entries)):
            writer.writerow(row)
            yield out.getvalue()
            out.seek(0)
            out.truncate()

    headers = {**HEADERS, "Content-Disposition": 'attachment; filename="audit.csv"'}
    return StreamingResponse(lines(), media_type="text/csv; charset=utf-8", headers=headers)


def _csv_row(entry: Entry, names: dict[str, str]) -> list[str]:
    return [
        spreadsheet_cell(value)
        for value in (entry.at, entry.actor, names.get(entry.action), entry.action, entry.target, entry.address)
    ]
