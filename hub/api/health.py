"""`GET /api/v1/health`: JSON, so a captive portal's HTML answer reads as offline."""

from typing import Any

from fastapi import APIRouter

from hub.api.deps import PROTOCOL
from hub.storage import now

router = APIRouter()


@router.get("/api/v1/health")
async def health() -> dict[str, Any]:
    return {"status": "ok", "protocol": PROTOCOL, "server_time": now()}
