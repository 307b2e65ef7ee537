"""Attachments, content-addressed: a PUT to the bytes' own SHA-256 is idempotent."""

from typing import Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from hub.api.deps import UNAUTHORIZED, DeviceDep, HubDep, read_body

router = APIRouter()
SHA256 = r"^[0-9a-f]{64}$"
BINARY_BODY: dict[str, Any] = {
    "required": True,
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}


@router.put(
    "/api/v1/attachments/{sha256}",
    openapi_extra={"requestBody": BINARY_BODY},
    responses={**UNAUTHORIZED, 413: {"description": "attachment too large"}},
)
async def put_attachment(
    request: Request, hub: HubDep, device_id: DeviceDep, sha256: str = Path(pattern=SHA256)
) -> JSONResponse:
    data = await read_body(request, hub.limits.max_attachment)
    created = await run_in_threadpool(hub.storage.put_attachment, sha256, data)
    return JSONResponse({"sha256": sha256, "size": len(data)}, status_code=201 if created else 200)
