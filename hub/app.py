"""The hub's HTTP API, protocol version 1 (DESIGN.md, "Sync protocol").

Every answer is JSON, errors included (`{"error": {"code", "message"}}`), so a kiosk can
tell the hub from a captive portal. Bodies are read with a limit before they are parsed;
storage work runs in the thread pool, never on the event loop.
"""

import logging
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from hub.storage import Answer, HubError, HubStorage, Record, now
from kiosk.records import RecordInvalid, digest
from kiosk.records.check import parse_json, validate
from kiosk.records.protocol import INVALID
from kiosk.records.sealing import public_key_text, unseal_record

PROTOCOL = 1
log = logging.getLogger("hub")
SHA256 = r"^[0-9a-f]{64}$"


@dataclass(frozen=True)
class Limits:
    max_batch: int = 1000  # records in one POST
    max_body: int = 4 * 1024 * 1024  # bytes of one POST of records
    max_attachment: int = 10 * 1024 * 1024
    changes_page: int = 500


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.headers = status, code, headers


class EnrollRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str


class WithdrawalRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    uuids: list[Annotated[str, StringConstraints(max_length=64)]] = Field(max_length=1000)


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
BINARY_BODY: dict[str, Any] = {
    "required": True,
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}
UNAUTHORIZED: dict[int | str, dict[str, Any]] = {401: {"description": "missing, forged or revoked token"}}


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


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


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


def create_app(storage: HubStorage, limits: Limits = Limits()) -> FastAPI:
    app = FastAPI(
        title="LAPOR! intake hub",
        version=str(PROTOCOL),
        description="Receives records from LAPOR! field kiosks and sends complaint status back.",
    )
    bearer = HTTPBearer(auto_error=False)
    public_key = public_key_text(storage.sealing_key)  # what kiosks seal personal details with

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, str(exc)), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(HubError)
    async def refused(request: Request, exc: HubError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, str(exc)), status_code=400)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return JSONResponse(error_body("bad_request", problems), status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            error_body(f"http_{exc.status_code}", str(exc.detail)),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    async def device(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> str:
        token = credentials.credentials if credentials else ""
        found = await run_in_threadpool(storage.authenticate, token) if token else None
        if found is None:
            raise ApiError(
                401,
                "unauthorized",
                "enroll this kiosk again: its token is missing, unknown or revoked",
                {"WWW-Authenticate": "Bearer"},
            )
        return found

    @app.get("/api/v1/health")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "protocol": PROTOCOL, "server_time": now()}

    @app.post("/api/v1/enroll", responses={400: {"description": "unknown, used or expired code"}})
    async def enroll(request: EnrollRequest) -> dict[str, Any]:
        if len(request.code) > 64:
            raise ApiError(400, "bad_code", "the enrollment code is unknown, used or expired")
        device_id, token = await run_in_threadpool(storage.enroll, request.code)
        return {"device_id": device_id, "token": token, "sealing_key": public_key, "server_time": now()}

    @app.post(
        "/api/v1/records",
        openapi_extra={"requestBody": RECORDS_BODY},
        responses={**UNAUTHORIZED, 413: {"description": "too many records or bytes: split the batch"}},
    )
    async def post_records(request: Request, device_id: str = Depends(device)) -> JSONResponse:
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
                record = validate(unseal_record(value, storage.sealing_key))
            except RecordInvalid as exc:
                results.append(
                    {"uuid": echoed_uuid(value), "status": INVALID, "error": "; ".join(map(str, exc.errors))}
                )
                continue
            except Exception:  # a checker that crashes refuses this one record, not the whole batch
                log.exception("checking a record failed")
                results.append({"uuid": echoed_uuid(value), "status": INVALID, "error": "record: is not valid"})
                continue
            results.append(None)
            valid.append((index, (record, digest(record))))
        stored = await run_in_threadpool(storage.store_records, device_id, [pair for _, pair in valid])
        for (index, _), result in zip(valid, stored, strict=True):
            results[index] = result.answer()
        # Encoded as it is: FastAPI's own encoder would walk the answer for each record again.
        return JSONResponse({"server_time": now(), "results": results})

    @app.get("/api/v1/sealing-key", responses=UNAUTHORIZED)
    async def get_sealing_key(device_id: str = Depends(device)) -> dict[str, Any]:
        """For kiosks enrolled before the hub had a key: what they seal personal details with."""
        return {"sealing_key": public_key}

    @app.post("/api/v1/withdrawals", responses=UNAUTHORIZED)
    async def withdrawals(request: WithdrawalRequest, device_id: str = Depends(device)) -> dict[str, Any]:
        """Consent withdrawn: the personal fields of these records (this device's only) are erased.
        The answer counts the request, not what was found, so it tells nothing of other devices."""
        await run_in_threadpool(storage.withdraw, device_id, request.uuids)
        return {"server_time": now(), "withdrawn": len(request.uuids)}

    @app.put(
        "/api/v1/attachments/{sha256}",
        openapi_extra={"requestBody": BINARY_BODY},
        responses={**UNAUTHORIZED, 413: {"description": "attachment too large"}},
    )
    async def put_attachment(
        request: Request, sha256: str = Path(pattern=SHA256), device_id: str = Depends(device)
    ) -> JSONResponse:
        data = await read_body(request, limits.max_attachment)
        created = await run_in_threadpool(storage.put_attachment, sha256, data)
        return JSONResponse({"sha256": sha256, "size": len(data)}, status_code=201 if created else 200)

    @app.get("/api/v1/changes", responses=UNAUTHORIZED)
    async def changes(
        cursor: str = Query("0", pattern=r"^[0-9]{1,18}$"), device_id: str = Depends(device)
    ) -> dict[str, Any]:
        found, next_cursor, more = await run_in_threadpool(storage.changes, device_id, int(cursor), limits.changes_page)
        return {"server_time": now(), "changes": found, "cursor": str(next_cursor), "more": more}

    return app
