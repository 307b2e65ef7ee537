"""Attachments, content-addressed: a PUT to the bytes' own SHA-256 is idempotent.

A large attachment may come in chunks (a PUT with Content-Range), so a kiosk on a poor line
whose connection drops sends only what had not arrived: HEAD tells it where to go on from.
"""

from typing import Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from hub.api.deps import UNAUTHORIZED, DeviceDep, Hub, HubDep, read_body
from hub.api.errors import ApiError, error_body
from hub.storage.blobs import Upload, UploadWriter
from kiosk.records.protocol import CONTENT_RANGE, UPLOAD_OFFSET, chunk_range

router = APIRouter()
SHA256 = r"^[0-9a-f]{64}$"
BINARY_BODY: dict[str, Any] = {
    "required": True,
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}


@router.put(
    "/api/v1/attachments/{sha256}",
    openapi_extra={"requestBody": BINARY_BODY},
    responses={
        **UNAUTHORIZED,
        202: {"description": "a chunk arrived; Upload-Offset says how many bytes the hub holds"},
        409: {"description": "bytes before the chunk's start are missing; Upload-Offset says where to go on"},
        413: {"description": "attachment too large"},
    },
)
async def put_attachment(
    request: Request, hub: HubDep, device_id: DeviceDep, sha256: str = Path(pattern=SHA256)
) -> JSONResponse:
    declared = request.headers.get(CONTENT_RANGE)
    if declared is not None:
        return await _put_chunk(request, hub, sha256, declared)
    data = await read_body(request, hub.limits.max_attachment)
    created = await run_in_threadpool(hub.storage.put_attachment, sha256, data)
    return JSONResponse({"sha256": sha256, "size": len(data)}, status_code=201 if created else 200)


@router.head(
    "/api/v1/attachments/{sha256}",
    responses={**UNAUTHORIZED, 404: {"description": "not whole yet; Upload-Offset says how many bytes arrived"}},
)
async def attachment_state(hub: HubDep, device_id: DeviceDep, sha256: str = Path(pattern=SHA256)) -> JSONResponse:
    if await run_in_threadpool(hub.storage.has_attachment, sha256):
        return JSONResponse({"sha256": sha256})
    received = await run_in_threadpool(Upload(hub.storage.data_dir, sha256, hub.storage.sealing_key).received)
    return JSONResponse(
        error_body("not_found", f"{received} bytes of this attachment arrived"),
        status_code=404,
        headers={UPLOAD_OFFSET: str(received)},
    )


async def _put_chunk(request: Request, hub: Hub, sha256: str, declared: str) -> JSONResponse:
    chunk = chunk_range(declared)
    if chunk is None:
        raise ApiError(400, "bad_range", f"{CONTENT_RANGE} must read bytes START-END/TOTAL, with END below TOTAL")
    start, end, total = chunk
    if total > hub.limits.max_attachment:
        raise ApiError(413, "too_large", f"an attachment may hold at most {hub.limits.max_attachment} bytes")
    if await run_in_threadpool(hub.storage.has_attachment, sha256):
        return JSONResponse({"sha256": sha256, "size": total}, headers={UPLOAD_OFFSET: str(total)})
    upload = Upload(hub.storage.data_dir, sha256, hub.storage.sealing_key)
    out = await run_in_threadpool(upload.open_at, start)
    if out is None:
        offset = str(await run_in_threadpool(upload.received))
        raise ApiError(
            409, "upload_offset", f"bytes before {start} have not arrived: go on from {offset}", {UPLOAD_OFFSET: offset}
        )
    try:
        received = start + await _write(request, out, end - start)
    finally:
        await run_in_threadpool(out.close)
    if received < total:
        return JSONResponse(
            {"sha256": sha256, "received": received}, status_code=202, headers={UPLOAD_OFFSET: str(received)}
        )
    data = await run_in_threadpool(upload.whole)
    created = await run_in_threadpool(hub.storage.put_attachment, sha256, data)
    await run_in_threadpool(upload.discard)
    return JSONResponse(
        {"sha256": sha256, "size": total}, status_code=201 if created else 200, headers={UPLOAD_OFFSET: str(total)}
    )


async def _write(request: Request, out: UploadWriter, room: int) -> int:
    """Writes the body as it streams in; how many bytes. A cut connection keeps what came before it."""
    written = 0
    try:
        async for piece in request.stream():
            if written + len(piece) > room:
                raise ApiError(400, "bad_range", f"the body is longer than its {CONTENT_RANGE}")
            await run_in_threadpool(out.write, piece)
            written += len(piece)
    except ClientDisconnect:
        pass
    return written
