"""Signing in and out, sessions and CSRF tokens.

The session lives in the database (several hub processes share it) and its cookie is HttpOnly
and SameSite=Strict, Secure when the page came over HTTPS. Each session has its own CSRF token,
put in every form as `csrf_token` and checked on every POST. The login form, before any
session, is protected the same way by a token in a short-lived cookie of its own.
"""

import hmac
import secrets
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from hub import i18n
from hub.console.web import (
    LANGUAGE_COOKIE,
    LOGIN,
    PREFIX,
    LoginRequired,
    Refused,
    address,
    page,
    set_cookie,
    state,
)
from hub.i18n import N_
from hub.storage.staff import LOCKED_FOR, LoginRefused, Staffer

SESSION_COOKIE = "lapor_console"
LOGIN_COOKIE = "lapor_console_login"  # the login form's CSRF token
BAD_TOKEN = N_("This form has expired or did not come from this console. Open the page again and retry.")
router = APIRouter()


def _same(given: object, expected: str | None) -> bool:
    return isinstance(given, str) and expected is not None and hmac.compare_digest(given.encode(), expected.encode())


def signed_in(request: Request) -> Staffer:
    token = request.cookies.get(SESSION_COOKIE)
    console = state(request)
    staffer = console.staff.session(token, timedelta(minutes=console.settings.idle_minutes)) if token else None
    if staffer is None:
        raise LoginRequired()
    request.state.staffer = staffer  # for the header of a refusal page
    return staffer


SignedIn = Annotated[Staffer, Depends(signed_in)]


async def posted(request: Request, staffer: SignedIn) -> Staffer:
    """The signed-in user of a POST whose form carries their session's CSRF token."""
    form = await request.form()
    if not _same(form.get("csrf_token"), staffer.csrf_token):
        raise Refused(403, BAD_TOKEN)
    return staffer


Posted = Annotated[Staffer, Depends(posted)]


def _login_page(request: Request, status: int = 200, error: str | None = None) -> Response:
    token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)
    response = page(request, "login.html", status, csrf_token=token, error=error, staffer=None)
    set_cookie(request, response, LOGIN_COOKIE, token, max_age=3600)
    return response


@router.get(LOGIN)
def login_form(request: Request) -> Response:
    return _login_page(request)


@router.post(LOGIN)
async def login(request: Request) -> Response:
    form = await request.form()
    if not _same(form.get("csrf_token"), request.cookies.get(LOGIN_COOKIE)):
        raise Refused(403, BAD_TOKEN)
    name, password = form.get("username"), form.get("password")
    if not isinstance(name, str) or not isinstance(password, str) or len(name) > 64 or len(password) > 1024:
        return _login_page(request, 400, N_("Fill in your user name and password."))
    try:
        token, _staffer = await run_in_threadpool(state(request).staff.login, name, password, address(request))
    except LoginRefused as refusal:
        if refusal.locked:
            response = _login_page(request, 429, N_("Too many failed attempts. Wait 15 minutes and try again."))
            response.headers["Retry-After"] = str(int(LOCKED_FOR.total_seconds()))
            return response
        return _login_page(request, 401, N_("The user name or password is wrong."))
    response = RedirectResponse(PREFIX + "/", status_code=303)
    set_cookie(request, response, SESSION_COOKIE, token)
    response.delete_cookie(LOGIN_COOKIE, path=PREFIX)
    return response


@router.get(PREFIX + "/logout")
def logout_form(request: Request, staffer: SignedIn) -> Response:
    return page(request, "logout.html", staffer=staffer)


@router.post(PREFIX + "/logout")
def logout(request: Request, staffer: Posted) -> Response:
    state(request).staff.logout(request.cookies.get(SESSION_COOKIE, ""), staffer, address(request))
    response = RedirectResponse(LOGIN, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=PREFIX)
    return response


@router.get(PREFIX + "/language")
def choose_language(request: Request, lang: str = "", back: str = PREFIX + "/") -> Response:
    """Sets the console's language for this browser, then goes back to the page it was chosen on."""
    safe_back = back if back.startswith(PREFIX + "/") and "//" not in back and "\\" not in back else PREFIX + "/"
    response = RedirectResponse(safe_back, status_code=303)
    set_cookie(request, response, LANGUAGE_COOKIE, i18n.chosen(lang), max_age=365 * 24 * 3600)
    return response
