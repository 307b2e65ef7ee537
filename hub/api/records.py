"""Records in batches, each answered in its place, and withdrawals of consent."""

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.concurrency import run_in_threadpool

from hub.api.deps import UNAUTHORIZED, DeviceDep, HubDep, read_body
from hub.api.errors import ApiError
from hub.storage import Answer, Record, now
from kiosk.records import RecordInvalid, digest
from kiosk.records.check import parse_json, validate
from kiosk.records.protocol import INVALID
from kiosk.records.sealing import unseal_record

log = logging.getLogger("hub")
router = APIRouter()

RECORDS_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["records"],
                "additionalProperties": False,
                "properties": {"records": {"type": "array", "items": {"type": "object"}}},
            }
        }
    },
}


class WithdrawalRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    uuids: list[Annotated[str, StringConstraints(max_length=64)]] = Field(max_length=1000)


def echoed_uuid(value: object) -> str | None:
    """An invalid record's uuid as given, when it is text the JSON answer can carry (no lone surrogates)."""
    uuid = value.get("uuid") if isinstance(value, dict) else None
    if not isinstance(uuid, str):
        return None
    try:
        uuid.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return uuid


@router.post(
    "/api/v1/records",
    openapi_extra={"requestBody": RECORDS_BODY},
    responses={**UNAUTHORIZED, 413: {"description": "too many records or bytes: split the batch"}},
)
async def post_records(request: Request, hub: HubDep, device_id: DeviceDep) -> JSONResponse:
    limits = hub.limits
    try:
        payload = parse_json((await read_body(request, limits.max_body)).decode("utf-8"))
    except (RecordInvalid, UnicodeDecodeError):
        raise ApiError(400, "bad_request", "the body must be UTF-8 JSON") from None
    if not isinstance(payload, dict) or set(payload) != {"records"} or not isinstance(payload["records"], list):
        raise ApiError(400, "bad_request", 'the body must be {"records": [...]}')
    if len(payload["records"]) > limits.max_batch:
        raise ApiError(413, "too_large", f"a batch may hold at most {limits.max_batch} records")
    results: list[Answer | None] = []
    valid: list[tuple[int, tuple[Record, str]]] = []
    for index, value in enumerate(payload["records"]):
        try:
            record = validate(unseal_record(value, hub.storage.sealing_key))
        except RecordInvalid as exc:
            results.append({"uuid": echoed_uuid(value), "status": INVALID, "error": "; ".join(map(str, exc.errors))})
            continue
        except Exception:  # a checker that crashes refuses this one record, not the whole batch
            log.exception("checking a record failed")
            results.append({"uuid": echoed_uuid(value), "status": INVALID, "error": "record: is not valid"})
            continue
        results.append(None)
        valid.append((index, (record, digest(record))))
    stored = await run_in_threadpool(hub.storage.store_records, device_id, [pair for _, pair in valid])
    for (index, _), result in zip(valid, stored, strict=True):
        results[index] = result.answer()
    # Encoded as it is: FastAPI's own encoder would walk the answer for each record again.
    return JSONResponse({"server_time": now(), "results": results})


@router.post("/api/v1/withdrawals", responses=UNAUTHORIZED)
async def withdrawals(request: WithdrawalRequest, hub: HubDep, device_id: DeviceDep) -> dict[str, Any]:
    """Consent withdrawn: the personal fields of these records (this device's only) are erased.
    The answer counts the request, not what was found, so it tells nothing of other devices."""
    await run_in_threadpool(hub.storage.withdraw, device_id, request.uuids)
    return {"server_time": now(), "withdrawn": len(request.uuids)}
