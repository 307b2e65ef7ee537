"""Status changes of the calling device's complaints, paged by a cursor the hub hands out."""

from typing import Any

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from hub.api.deps import UNAUTHORIZED, DeviceDep, HubDep
from hub.storage import now

router = APIRouter()


@router.get("/api/v1/changes", responses=UNAUTHORIZED)
async def changes(
    hub: HubDep, device_id: DeviceDep, cursor: str = Query("0", pattern=r"^[0-9]{1,18}$")
) -> dict[str, Any]:
    found, next_cursor, more = await run_in_threadpool(
        hub.storage.changes, device_id, int(cursor), hub.limits.changes_page
    )
    return {"server_time": now(), "changes": found, "cursor": str(next_cursor), "more": more}
