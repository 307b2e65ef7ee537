"""Every answer is JSON, errors included (`{"error": {"code", "message"}}`), so a kiosk can
tell the hub from a captive portal's HTML page."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from hub.storage import DatabaseUnavailable, HubError, StorageFull

log = logging.getLogger(__name__)
RETRY_AFTER_S = 5  # a restarting database is usually back within seconds
FULL_RETRY_AFTER_S = 300  # a full disk waits for an administrator


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.headers = status, code, headers


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
    return JSONResponse(error_body(exc.code, str(exc)), status_code=exc.status, headers=exc.headers)


async def _refused(request: Request, exc: HubError) -> JSONResponse:
    return JSONResponse(error_body(exc.code, str(exc)), status_code=400)


async def _database_away(request: Request, exc: DatabaseUnavailable) -> JSONResponse:
    """The kiosk keeps its records and tries again; the log says what, never whose."""
    log.warning("%s %s: the database is unavailable (%s)", request.method, request.url.path, exc)
    return JSONResponse(
        error_body("database_unavailable", "the hub's database is unavailable; try again shortly"),
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


async def _disk_full(request: Request, exc: StorageFull) -> JSONResponse:
    """Nothing of the request was kept; the kiosk keeps its records and tries again later."""
    log.error("%s %s: the disk is full, nothing was stored (%s)", request.method, request.url.path, exc)
    return JSONResponse(
        error_body("storage_full", "the hub's disk is full; nothing was stored, try again later"),
        status_code=503,
        headers={"Retry-After": str(FULL_RETRY_AFTER_S)},
    )


async def _bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    return JSONResponse(error_body("bad_request", problems), status_code=400)


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    return JSONResponse(
        error_body(f"http_{exc.status_code}", str(exc.detail)),
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


def install(app: FastAPI) -> None:
    app.exception_handler(ApiError)(_api_error)
    app.exception_handler(HubError)(_refused)
    app.exception_handler(DatabaseUnavailable)(_database_away)
    app.exception_handler(StorageFull)(_disk_full)
    app.exception_handler(RequestValidationError)(_bad_request)
    app.exception_handler(StarletteHTTPException)(_http_error)
