"""What every console page shares: the console's state, rendering in the reader's language
with protective headers, and the two ways a request is turned away.

Strangers are sent to the login page; a signed-in user without the right gets a 403 page.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from hub import i18n
from hub.console import dates, numbers, words
from hub.settings import Console
from hub.storage import evidence
from hub.storage.casework import Casework
from hub.storage.staff import Staff

PREFIX = "/console"
LOGIN = PREFIX + "/login"
LANGUAGE_COOKIE = "lapor_console_lang"
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # pages may hold personal data: not kept by the browser
}
_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
)
_templates.filters.update({**dates.FILTERS, **numbers.FILTERS}, attachment_kind=evidence.kind)


@dataclass(frozen=True)
class ConsoleState:
    staff: Staff
    casework: Casework
    settings: Console
    zone: ZoneInfo


class LoginRequired(Exception):
    """No session, or one that ended."""


class Refused(Exception):
    """The request is understood and refused; `status` is its HTTP status (403, 404, ...)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def state(request: Request) -> ConsoleState:
    console: ConsoleState = request.app.state.console
    return console


def address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def language(request: Request) -> str:
    return i18n.chosen(request.cookies.get(LANGUAGE_COOKIE))


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def page(request: Request, template: str, http_status: int = 200, **context: Any) -> HTMLResponse:
    chosen = language(request)
    translations = i18n.translations(chosen)
    html = _templates.get_template(template).render(
        _=translations.gettext,
        ngettext=lambda singular, plural, num: translations.ngettext(singular, plural, num) % {"num": num},
        language=chosen,
        zone=state(request).zone,  # the hub's, for the dates filters
        path=request.url.path,
        here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),  # where a language link returns
        words=words,
        **context,
    )
    return HTMLResponse(html, status_code=http_status, headers=HEADERS)


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path=PREFIX, httponly=True, samesite="strict", secure=is_https(request)
    )


async def login_required(request: Request, exc: LoginRequired) -> Response:
    return RedirectResponse(LOGIN, status_code=303)


async def refused(request: Request, exc: Refused) -> Response:
    staffer = getattr(request.state, "staffer", None)
    return page(request, "refused.html", exc.status, status=exc.status, message=str(exc), staffer=staffer)
