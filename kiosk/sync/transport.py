"""Talking to the hub over HTTP (requests), turning every answer into data or a typed failure.

Only a JSON answer of the expected shape counts: a captive portal's HTML 200, a cut-off
body or a dropped connection is `Offline`, and the caller tries again later. Every
request has a timeout; certificates are always verified.
"""

from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import requests

from kiosk import __version__
from kiosk.records.protocol import CONTENT_RANGE, INVALID, RESULT_STATUSES, UPLOAD_OFFSET, content_range

API = "/api/v1"


class TransportError(Exception):
    """The exchange failed; `code` says how, for the officer and for `kiosk sync --json`."""

    code = "offline"


class Offline(TransportError):
    code = "offline"


class RetryLater(TransportError):
    """429 or 503: the hub asks to wait `seconds` (its Retry-After)."""

    code = "hub_busy"

    def __init__(self, seconds: float | None):
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds


class Unauthorized(TransportError):
    code = "needs_enrollment"


class TooLarge(TransportError):
    code = "too_large"


class Refused(TransportError):
    """A 4xx the kiosk cannot fix by retrying (a bad enrollment code, say)."""

    code = "refused"


class NotResumable(TransportError):
    """The hub takes an attachment only whole (it is older than uploads in chunks)."""

    code = "refused"


def _retry_after(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return float(value.strip())
    return None


class HubClient:
    def __init__(self, base_url: str, token: str | None = None, timeout: tuple[float, float] = (5.0, 30.0)):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers["User-Agent"] = f"lapor-kiosk/{__version__}"
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        self.skew: float | None = None  # from the last answer that carried the hub's time

    def close(self) -> None:
        self.session.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
        response, body = self._request(method, path, **kwargs)
        return self._checked(response, body), body

    def _request(self, method: str, path: str, **kwargs: Any) -> tuple[requests.Response, dict[str, Any]]:
        sent = datetime.now(UTC)
        # The hub compares Date with its own clock, to show the admin how far off this kiosk's is.
        kwargs["headers"] = {"Date": format_datetime(sent, usegmt=True), **kwargs.get("headers", {})}
        try:
            response = self.session.request(method, self.base_url + API + path, timeout=self.timeout, **kwargs)
            body = response.json()
        except requests.RequestException as exc:  # refused, dropped, timed out, cut off, or not JSON
            raise Offline(type(exc).__name__) from None
        except ValueError:
            raise Offline("not JSON") from None
        if not isinstance(body, dict):
            raise Offline("not a JSON object")
        skew = server_skew(body.get("server_time"), sent, datetime.now(UTC))
        self.skew = self.skew if skew is None else skew
        return response, body

    @staticmethod
    def _checked(response: requests.Response, body: dict[str, Any]) -> int:
        """The status of an answer that is not a failure; a failure raised as its kind."""
        status = response.status_code
        if status in (429, 503):
            raise RetryLater(_retry_after(response.headers.get("Retry-After")))
        if status == 401:
            raise Unauthorized(_error_message(body))
        if status == 413:
            raise TooLarge(_error_message(body))
        if 400 <= status < 500:
            raise Refused(_error_message(body))
        if status >= 300:
            raise Offline(f"HTTP {status}")
        return status

    def health(self) -> dict[str, Any]:
        _, body = self._call("GET", "/health")
        if body.get("status") != "ok":
            raise Offline("not a LAPOR! hub")
        return body

    def enroll(self, code: str) -> dict[str, Any]:
        _, body = self._call("POST", "/enroll", json={"code": code})
        if not all(isinstance(body.get(key), str) for key in ("device_id", "token", "sealing_key")):
            raise Offline("malformed enrollment answer")
        return body

    def post_records(self, records: list[tuple[str, str]]) -> dict[str, Any]:
        """Sends (uuid, record JSON) pairs; {"server_time", "results"} with one well-formed
        result per record, in order."""
        payload = '{"records":[' + ",".join(body for _uuid, body in records) + "]}"
        _, body = self._call("POST", "/records", data=payload.encode(), headers={"Content-Type": "application/json"})
        results = body.get("results")
        if not isinstance(results, list) or len(results) != len(records):
            raise Offline("malformed results")
        for (uuid, _record), result in zip(records, results, strict=True):
            if not isinstance(result, dict) or result.get("status") not in RESULT_STATUSES:
                raise Offline("malformed result")
            if result.get("uuid") != uuid and not (result["status"] == INVALID and result.get("uuid") is None):
                raise Offline("a result for another record")
        return body

    def sealing_key(self) -> str:
        _, body = self._call("GET", "/sealing-key")
        if not isinstance(body.get("sealing_key"), str):
            raise Offline("malformed sealing key answer")
        return str(body["sealing_key"])

    def withdraw(self, uuids: list[str]) -> None:
        """Asks the hub to erase the personal fields of these records (consent withdrawn)."""
        _, body = self._call("POST", "/withdrawals", json={"uuids": uuids})
        if body.get("withdrawn") != len(uuids):
            raise Offline("malformed withdrawal answer")

    def put_attachment(self, sha256: str, data: bytes) -> None:
        self._call("PUT", f"/attachments/{sha256}", data=data, headers={"Content-Type": "application/octet-stream"})

    def upload_offset(self, sha256: str) -> int | None:
        """How many bytes of this attachment's upload the hub holds; None when it holds it whole.

        A HEAD answer has no body to tell the hub from a captive portal, so its JSON content
        type, and on 404 a well-formed offset, must say so instead."""
        try:
            response = self.session.head(f"{self.base_url}{API}/attachments/{sha256}", timeout=self.timeout)
        except requests.RequestException as exc:
            raise Offline(type(exc).__name__) from None
        if response.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
            raise Offline("not JSON")
        offset = response.headers.get(UPLOAD_OFFSET, "")
        if response.status_code == 405:
            raise NotResumable()
        if response.status_code == 404:
            if not offset.isdigit():
                raise Offline(f"malformed {UPLOAD_OFFSET}")
            return int(offset)
        self._checked(response, {})
        return None

    def put_chunk(self, sha256: str, data: bytes, start: int, total: int) -> int:
        """Sends the bytes from `start` on of an attachment of `total` bytes; how many bytes of it the
        hub then holds (`total` once it holds it whole)."""
        response, body = self._request(
            "PUT",
            f"/attachments/{sha256}",
            data=data,
            headers={
                "Content-Type": "application/octet-stream",
                CONTENT_RANGE: content_range(start, start + len(data), total),
            },
        )
        if self._checked(response, body) != 202:
            return total
        received = body.get("received")
        if not isinstance(received, int) or not start < received <= total:
            raise Offline("malformed upload answer")
        return received

    def _page(self, path: str, key: str, cursor: str) -> dict[str, Any]:
        """A page of a feed the hub numbers: its items under `key`, the next cursor, and `more`."""
        _, body = self._call("GET", path, params={"cursor": cursor})
        if not isinstance(body.get(key), list) or not isinstance(body.get("cursor"), str):
            raise Offline(f"malformed {key}")
        return body

    def events(self, cursor: str) -> dict[str, Any]:
        """Events made elsewhere; each is held to the record rules where the store keeps it."""
        return self._page("/events", "events", cursor)

    def changes(self, cursor: str) -> dict[str, Any]:
        body = self._page("/changes", "changes", cursor)
        for change in body["changes"]:
            if not (
                isinstance(change, dict)
                and isinstance(change.get("uuid"), str)
                and isinstance(change.get("status"), str)
                and isinstance(change.get("updated_at"), str)
                and isinstance(change.get("national_tracking_id", ""), str | None)
            ):
                raise Offline("malformed change")
        return body


def _error_message(body: dict[str, Any]) -> str:
    error = body.get("error")
    return str(error.get("message", "")) if isinstance(error, dict) else ""


def server_skew(server_time: object, sent: datetime, received: datetime) -> float | None:
    """Seconds the device clock is behind the hub's (negative: ahead), from one exchange."""
    if not isinstance(server_time, str):
        return None
    try:
        server = datetime.fromisoformat(server_time)
    except ValueError:
        return None
    if server.tzinfo is None:
        return None
    return (server - (sent + (received - sent) / 2)).total_seconds()
