"""A fake SP4N-LAPOR! integration API, a real HTTP server on loopback.

The real API is open only to agencies' developer accounts, so the bridge is tested against this
stand-in of its contract: the bearer token is checked (401 otherwise); `POST /reports` needs an
`Idempotency-Key` (400 without) and a JSON object, and answers 201 `{"tracking_id": "LAP-2026-0000001"}`
(numbers in sequence) or 200 with the same number when the key was seen before; `GET
/reports/{tracking_id}` answers `{"status", "note", "updated_at"}` (404 for an unknown number), the
status starting as "Belum Diverifikasi" until a test calls `set_status`.

It runs in a thread of the test's process, so a hub started as a subprocess reaches it at `url`:

    with FakeNational(token="secret") as fake:
        ...  # fake.url, fake.reports (key -> (tracking_id, body)), fake.posts (POSTs received)

Faults, for the next `times` requests, or for every request with a `probability` drawn from a
generator seeded with `seed` (until `clear_faults()`); `method="POST"` or `"GET"` limits a fault to
those requests. When several are set, the first one set that applies to a request wins:

    fake.fault("drop_after_store", times=1)  # does the work (stores a POST), then closes the
                                             # connection without answering
    fake.fault("status_500", times=2)        # answers 500, stores nothing
    fake.fault("status_429", retry_after="7")  # answers 429 with that Retry-After (seconds or an HTTP-date)
    fake.fault("slow", seconds=0.5)          # waits, then answers as usual
    fake.fault("status_400")                 # answers 400 with a JSON error message (refused)
    fake.fault("status_500", probability=0.2, seed=7)
"""

import json
import random
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FAULTS = ("drop_after_store", "status_500", "status_429", "slow", "status_400")
FIRST_STATUS = "Belum Diverifikasi"
_REPORT_PATH = re.compile(r"^/reports/([^/?#]+)$")


@dataclass
class _Fault:
    kind: str
    times: int | None
    probability: float | None
    generator: random.Random
    method: str | None
    retry_after: str
    seconds: float

    def fires(self, method: str) -> bool:
        if self.method is not None and self.method != method:
            return False
        if self.probability is not None:
            return self.generator.random() < self.probability
        assert self.times is not None
        self.times -= 1
        return True


@dataclass
class _Answer:
    status: int
    payload: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)


class FakeNational:
    """The fake API; start and stop it with `with`."""

    def __init__(self, token: str = "test-token", year: int | None = None):
        self.token = token
        self.prefix = f"LAP-{year or datetime.now(UTC).year}-"
        self.lock = threading.Lock()
        self.reports: dict[str, tuple[str, dict[str, Any]]] = {}
        self.statuses: dict[str, dict[str, str | None]] = {}
        self.posts = 0
        self._faults: list[_Fault] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="fake-national", daemon=True
        )
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> "FakeNational":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def fault(
        self,
        kind: str,
        times: int = 1,
        *,
        probability: float | None = None,
        seed: int = 0,
        method: str | None = None,
        retry_after: str = "1",
        seconds: float = 0.5,
    ) -> None:
        """Applies `kind` to the next `times` requests, or to each with `probability` (see above)."""
        if kind not in FAULTS:
            raise ValueError(f"unknown fault {kind!r}; known: {', '.join(FAULTS)}")
        times_left = None if probability is not None else times
        chosen = _Fault(kind, times_left, probability, random.Random(seed), method, retry_after, seconds)
        with self.lock:
            self._faults.append(chosen)

    def clear_faults(self) -> None:
        with self.lock:
            self._faults.clear()

    def set_status(self, tracking_id: str, national_word: str, note: str | None = None) -> None:
        """What SP4N-LAPOR! now says of one report, as its staff would change it."""
        with self.lock:
            if tracking_id not in self.statuses:
                raise KeyError(tracking_id)
            self.statuses[tracking_id] = {"status": national_word, "note": note, "updated_at": _now()}

    def tracking_ids(self) -> dict[str, str]:
        """Idempotency key (our uuid) -> tracking number, of every report stored."""
        with self.lock:
            return {key: tracking_id for key, (tracking_id, _body) in self.reports.items()}

    def _take_fault(self, method: str) -> _Fault | None:
        with self.lock:
            for fault in self._faults:
                if fault.fires(method):
                    if fault.times == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def _post(self, key: str | None, body: object) -> _Answer:
        with self.lock:
            self.posts += 1
            if not key:
                return _Answer(400, _error("the Idempotency-Key header is required"))
            if not isinstance(body, dict):
                return _Answer(400, _error("the body must be a JSON object"))
            if key in self.reports:
                return _Answer(200, {"tracking_id": self.reports[key][0]})
            tracking_id = f"{self.prefix}{len(self.reports) + 1:07d}"
            self.reports[key] = (tracking_id, body)
            self.statuses[tracking_id] = {"status": FIRST_STATUS, "note": None, "updated_at": _now()}
            return _Answer(201, {"tracking_id": tracking_id})

    def _get(self, tracking_id: str) -> _Answer:
        with self.lock:
            status = self.statuses.get(tracking_id)
            return _Answer(200, dict(status)) if status else _Answer(404, _error("no such report"))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _error(message: str) -> dict[str, Any]:
    return {"error": {"message": message}}


def _handler(fake: FakeNational) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart (delayed ACK)

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            self._serve("POST")

        def do_GET(self) -> None:
            self._serve("GET")

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            fault = fake._take_fault(method)
            kind = fault.kind if fault else None
            if kind == "slow":
                time.sleep(fault.seconds)
            if kind == "status_500":
                answer = _Answer(500, _error("internal error"))
            elif kind == "status_429":
                answer = _Answer(429, _error("too many requests"), {"Retry-After": fault.retry_after})
            elif kind == "status_400":
                answer = _Answer(400, _error("laporan ditolak: format tidak sesuai"))
            elif self.headers.get("Authorization") != f"Bearer {fake.token}":
                answer = _Answer(401, _error("invalid token"))
            else:
                answer = self._route(method, raw)
            if kind == "drop_after_store":
                self.close_connection = True
                return
            self._answer(answer)

        def _route(self, method: str, raw: bytes) -> _Answer:
            if method == "POST" and self.path == "/reports":
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                return fake._post(self.headers.get("Idempotency-Key"), body)
            found = _REPORT_PATH.match(self.path)
            if method == "GET" and found:
                return fake._get(found.group(1))
            return _Answer(404, _error("no such path"))

        def _answer(self, answer: _Answer) -> None:
            data = json.dumps(answer.payload).encode() if answer.payload is not None else b""
            try:
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up waiting (a slow answer)
                self.close_connection = True

    return Handler
