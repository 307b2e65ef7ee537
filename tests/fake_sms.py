"""A fake SMS provider's web API, a real HTTP server on loopback.

The SMS adapter must tell "try again" from "give up" the way a real provider answers: busy,
down, refusing a number, or hanging up after it took the message. This server answers so on
demand, and keeps what it was sent, dropping repeats by key as a careful provider would.
"""

import json
import socket
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FAULTS = ("500", "429", "drop")  # the next request gets a 500, a 429, or is hung up on after it is recorded


@dataclass(frozen=True)
class Message:
    to: str
    text: str
    key: str


@dataclass(frozen=True)
class _Fault:
    kind: str
    retry_after: str | None


class FakeGateway:
    """`with FakeGateway(token="t") as gateway:` serves at `gateway.url`; POST a JSON object with
    the fields named `to_field` and `text_field`, a "key", and the same key as Idempotency-Key."""

    def __init__(self, token: str | None = "gateway-token", to_field: str = "to", text_field: str = "text"):
        self.token = token
        self.to_field = to_field
        self.text_field = text_field
        self.repeats = 0  # messages dropped because their key had been received before
        self._messages: list[Message] = []
        self._faults: deque[_Fault] = deque()
        self._rejected: set[str] = set()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/messages"

    @property
    def messages(self) -> list[Message]:
        with self._lock:
            return list(self._messages)

    def fail_next(self, kind: str, times: int = 1, retry_after: str | None = None) -> None:
        """The next `times` requests meet this fault (one of FAULTS) instead of the usual answer."""
        assert kind in FAULTS, kind
        with self._lock:
            self._faults.extend(_Fault(kind, retry_after) for _ in range(times))

    def reject_number(self, phone: str) -> None:
        """Messages to `phone` (as sent) are answered 400 "invalid number"."""
        with self._lock:
            self._rejected.add(phone)

    def __enter__(self) -> "FakeGateway":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def _answer(self, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes] | None:
        """(status, headers, body) for one request, or None to hang up without answering."""
        if self.token is not None and headers.get("authorization") != f"Bearer {self.token}":
            return 401, {}, b'{"error": "bad token"}'
        try:
            fields = json.loads(body)
            message = Message(fields[self.to_field], fields[self.text_field], headers["idempotency-key"])
        except (ValueError, KeyError, TypeError):
            return 400, {}, b'{"error": "malformed message"}'
        if fields.get("key") != message.key:
            return 400, {}, b'{"error": "key and Idempotency-Key differ"}'
        with self._lock:
            fault = self._faults.popleft() if self._faults else None
            if fault and fault.kind == "500":
                return 500, {}, b'{"error": "internal error"}'
            if fault and fault.kind == "429":
                return 429, {"Retry-After": fault.retry_after} if fault.retry_after else {}, b'{"error": "slow down"}'
            if message.to in self._rejected:
                return 400, {}, json.dumps({"error": f"invalid number {message.to}"}).encode()
            if any(kept.key == message.key for kept in self._messages):
                self.repeats += 1
            else:
                self._messages.append(message)
        return None if fault else (200, {}, b'{"status": "queued"}')


def _handler(gateway: FakeGateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            answer = gateway._answer({name.lower(): value for name, value in self.headers.items()}, body)
            if answer is None:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            status, headers, content = answer
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the tests read the recorded messages instead."""

    return Handler
