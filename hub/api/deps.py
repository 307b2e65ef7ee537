"""What the routers are given: the hub's storage and limits, the calling device, a bounded body.

Storage work runs in the thread pool, never on the event loop.
"""

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import cached_property
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers

from hub.api.errors import ApiError
from hub.settings import Limits
from hub.storage import Storage
from hub.storage.fleet import CONTACT_EVERY, Fleet

PROTOCOL = 1
UNAUTHORIZED: dict[int | str, dict[str, Any]] = {401: {"description": "missing, forged or revoked token"}}
KIOSK_AGENT = "lapor-kiosk/"  # kiosk.sync.transport's User-Agent, before the app's version
MAX_VERSION = 40
log = logging.getLogger("hub")


def app_version(user_agent: str | None) -> str | None:
    """The kiosk app's version its User-Agent names; None from anything else, or too long to be one."""
    if not user_agent or not user_agent.startswith(KIOSK_AGENT):
        return None
    version = user_agent.removeprefix(KIOSK_AGENT)
    return version if 0 < len(version) <= MAX_VERSION and version.isascii() and version.isprintable() else None


def clock_skew(date: str | None, hub_time: datetime) -> float | None:
    """Seconds the kiosk's clock, by its request's Date header, is ahead of the hub's (negative:
    behind); None without a Date the hub can read."""
    try:
        kiosk_time = parsedate_to_datetime(date or "")
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if kiosk_time.tzinfo is None:  # "-0000": a time whose zone the sender did not know
        return None
    return round((kiosk_time - hub_time).total_seconds(), 1)


class Contacts:
    """Each kiosk's last contact, app version and clock skew, for the admin's kiosks page.

    Written at most once a minute per kiosk by this process (it remembers when it last wrote
    each) and by the database's condition across processes; a failure is logged and forgotten,
    since the kiosk's request matters more than the bookkeeping.
    """

    def __init__(self, storage: Storage) -> None:
        self.fleet = Fleet(storage)
        self._written: dict[str, float] = {}  # device -> time.monotonic() of this process's last write

    async def note(self, device_id: str, headers: Headers) -> None:
        moment = time.monotonic()
        last = self._written.get(device_id)
        if last is not None and moment - last < CONTACT_EVERY.total_seconds():
            return
        self._written[device_id] = moment
        skew = clock_skew(headers.get("date"), datetime.now(UTC))
        try:
            await run_in_threadpool(self.fleet.contact, device_id, app_version(headers.get("user-agent")), skew)
        except Exception as exc:  # the bookkeeping failing is never the kiosk's failure
            log.warning("noting a kiosk's contact failed (%s)", type(exc).__name__)


@dataclass(frozen=True)
class Hub:
    storage: Storage
    limits: Limits
    public_key: str  # what kiosks seal personal details with

    @cached_property
    def contacts(self) -> Contacts:
        return Contacts(self.storage)


def _hub(request: Request) -> Hub:
    hub: Hub = request.app.state.hub
    return hub


HubDep = Annotated[Hub, Depends(_hub)]
_bearer = HTTPBearer(auto_error=False)


async def _device(
    request: Request, hub: HubDep, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> str:
    token = credentials.credentials if credentials else ""
    found = await run_in_threadpool(hub.storage.authenticate, token) if token else None
    if found is None:
        raise ApiError(
            401,
            "unauthorized",
            "enroll this kiosk again: its token is missing, unknown or revoked",
            {"WWW-Authenticate": "Bearer"},
        )
    await hub.contacts.note(found, request.headers)
    return found


DeviceDep = Annotated[str, Depends(_device)]


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "too_large", f"the body may hold at most {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise ApiError(413, "too_large", f"the body may hold at most {limit} bytes")
    return bytes(body)
