"""The staff console at `/console/` (DESIGN.md, "The staff console"): server-rendered pages
in Indonesian and English for the verifier, the agencies' liaisons, viewers and the admin."""

from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from hub import i18n
from hub.console import admin, attachments, auth, days_off, duplicates, events, national, pages, stats
from hub.console.web import PREFIX, ConsoleState, LoginRequired, Refused, login_required, refused
from hub.settings import Console
from hub.storage import Storage
from hub.storage.casework import Casework
from hub.storage.staff import Staff


def install(app: FastAPI, storage: Storage, settings: Console) -> None:
    for language in i18n.LANGUAGES:
        i18n.translations(language)  # a missing catalog stops the hub here, not on a page
    app.state.console = ConsoleState(Staff(storage), Casework(storage), settings, ZoneInfo(settings.timezone))
    app.exception_handler(LoginRequired)(login_required)
    app.exception_handler(Refused)(refused)
    app.include_router(auth.router, include_in_schema=False)
    app.include_router(national.router, include_in_schema=False)  # before pages' /complaints/{uuid}/{action}
    app.include_router(pages.router, include_in_schema=False)
    app.include_router(attachments.router, include_in_schema=False)
    app.include_router(days_off.router, include_in_schema=False)
    app.include_router(admin.router, include_in_schema=False)
    app.include_router(duplicates.router, include_in_schema=False)
    app.include_router(stats.router, include_in_schema=False)
    app.include_router(events.router, include_in_schema=False)
    app.mount(PREFIX + "/static", StaticFiles(directory=Path(__file__).parent / "static"), name="console-static")
