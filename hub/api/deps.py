"""What the routers are given: the hub's storage and limits, the calling device, a bounded body.

Storage work runs in the thread pool, never on the event loop.
"""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from hub.api.errors import ApiError
from hub.settings import Limits
from hub.storage import Storage

PROTOCOL = 1
UNAUTHORIZED: dict[int | str, dict[str, Any]] = {401: {"description": "missing, forged or revoked token"}}


@dataclass(frozen=True)
class Hub:
    storage: Storage
    limits: Limits
    public_key: str  # what kiosks seal personal details with


def _hub(request: Request) -> Hub:
    hub: Hub = request.app.state.hub
    return hub


HubDep = Annotated[Hub, Depends(_hub)]
_bearer = HTTPBearer(auto_error=False)


async def _device(hub: HubDep, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> str:
    token = credentials.credentials if credentials else ""
    found = await run_in_threadpool(hub.storage.authenticate, token) if token else None
    if found is None:
        raise ApiError(
            401,
            "unauthorized",
            "enroll this kiosk again: its token is missing, unknown or revoked",
            {"WWW-Authenticate": "Bearer"},
        )
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
