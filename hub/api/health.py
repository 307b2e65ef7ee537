"""`GET /api/v1/health`: JSON, so a captive portal's HTML answer reads as offline."""

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from hub.api.deps import PROTOCOL, HubDep
from hub.storage import now

router = APIRouter()


@router.get("/api/v1/health")
async def health(hub: HubDep) -> dict[str, Any]:
    """Also how many attachments the hub holds, so an administrator sees voice notes and photos
    arrive; asking the database means a hub whose database is away answers 503, and kiosks wait."""
    attachments = await run_in_threadpool(hub.storage.attachment_count)
    return {"status": "ok", "protocol": PROTOCOL, "server_time": now(), "attachments": attachments}
