"""The hub's HTTP API for kiosks, protocol version 1 (DESIGN.md, "Sync protocol"), with the
staff console beside it under `/console/`.

Bodies are read with a limit before they are parsed; every answer of the API is JSON.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from hub import console
from hub.api import attachments, changes, enrollment, errors, events, health, records
from hub.api.deps import PROTOCOL, Hub
from hub.settings import Console, Limits
from hub.storage import Storage
from kiosk.records.sealing import public_key_text

DEFAULT_LIMITS = Limits()
DEFAULT_CONSOLE = Console()


def create_app(
    storage: Storage, limits: Limits = DEFAULT_LIMITS, console_settings: Console = DEFAULT_CONSOLE
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        storage.close()

    app = FastAPI(
        title="LAPOR! intake hub",
        version=str(PROTOCOL),
        description="Receives records from LAPOR! field kiosks and sends complaint status back.",
        lifespan=lifespan,
    )
    app.state.hub = Hub(storage, limits, public_key_text(storage.sealing_key))
    errors.install(app)
    for area in (health, enrollment, records, attachments, changes, events):
        app.include_router(area.router)
    console.install(app, storage, console_settings)
    return app
