"""Events made elsewhere (another kiosk, the console), offered to every kiosk so that several
kiosks at one outreach event count into one event; paged by a cursor the hub hands out."""

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from hub.api.deps import UNAUTHORIZED, DeviceDep, HubDep
from hub.storage import events, now

router = APIRouter()


@router.get("/api/v1/events", responses=UNAUTHORIZED)
async def shared_events(
    hub: HubDep, device_id: DeviceDep, cursor: str = Query("0", pattern=r"^[0-9]{1,18}$")
) -> dict[str, Any]:
    found, next_cursor, more = await run_in_threadpool(
        events.offered, hub.storage, device_id, int(cursor), hub.limits.changes_page, datetime.now(UTC).date()
    )
    return {"server_time": now(), "events": found, "cursor": str(next_cursor), "more": more}
