"""Enrollment: a one-time code for a device id and a bearer token, and the hub's sealing key."""

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from hub.api.deps import UNAUTHORIZED, DeviceDep, HubDep
from hub.api.errors import ApiError
from hub.storage import now
from hub.storage.rules import BAD_CODE

router = APIRouter()


class EnrollRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str


@router.post("/api/v1/enroll", responses={400: {"description": "unknown, used or expired code"}})
async def enroll(request: EnrollRequest, hub: HubDep) -> dict[str, Any]:
    if len(request.code) > 64:
        raise ApiError(400, "bad_code", BAD_CODE)
    device_id, token = await run_in_threadpool(hub.storage.enroll, request.code)
    return {"device_id": device_id, "token": token, "sealing_key": hub.public_key, "server_time": now()}


@router.get("/api/v1/sealing-key", responses=UNAUTHORIZED)
async def get_sealing_key(hub: HubDep, device_id: DeviceDep) -> dict[str, Any]:
    """For kiosks enrolled before the hub had a key: what they seal personal details with."""
    return {"sealing_key": hub.public_key}
