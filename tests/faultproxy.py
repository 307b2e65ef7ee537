"""A fault-injecting HTTP/1.1 proxy on loopback, between the sync client and a real hub.

Sync must lose nothing and duplicate nothing when the network drops connections, cuts
answers short, stalls, or a captive portal or busy server answers instead of the hub;
this proxy makes those faults happen on purpose, reproducibly from a seed.
"""

import collections
import contextlib
import random
import socket
import threading
import time

MODES = ("drop_before", "drop_after", "truncate", "html_200", "retry_after_503", "slow")

IO_TIMEOUT = 30.0  # seconds any single socket read or write may block
MAX_HEAD = 64 * 1024  # bytes allowed for a request line or status line plus headers
HOP_BY_HOP = {b"connection", b"keep-alive", b"proxy-connection", b"te", b"trailer", b"transfer-encoding", b"upgrade"}

PORTAL_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Sign in to Wi-Fi</title></head>\n"
    b"<body><h1>Welcome to the free Wi-Fi</h1>\n"
    b'<form method="post" action="/login"><button>Accept the terms and connect</button></form>\n'
    b"</body></html>\n"
)
BUSY_BODY = b'{"error": {"code": "busy", "message": "try later"}}'


class _Closed(Exception):
    """The peer closed the connection, or sent something that is not HTTP/1.x."""


class _Reader:
    """Buffered reads from a socket: up to a delimiter, an exact count, or end of stream."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buffer = b""

    def _fill(self) -> bool:
        chunk = self.sock.recv(65536)
        self.buffer += chunk
        return bool(chunk)

    def until(self, delimiter: bytes, limit: int) -> bytes:
        """Bytes up to and including the delimiter; _Closed on EOF or past the limit."""
        start = 0
        while True:
            found = self.buffer.find(delimiter, start)
            if found >= 0:
                end = found + len(delimiter)
                data, self.buffer = self.buffer[:end], self.buffer[end:]
                return data
            if len(self.buffer) > limit:
                raise _Closed("line or header block too long")
            start = max(0, len(self.buffer) - len(delimiter) + 1)
            if not self._fill():
                raise _Closed(f"end of stream before {delimiter!r}")

    def exactly(self, count: int) -> bytes:
        while len(self.buffer) < count:
            if not self._fill():
                raise _Closed("end of stream inside a body")
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def to_eof(self) -> bytes:
        while self._fill():
            pass
        data, self.buffer = self.buffer, b""
        return data

    def chunked(self) -> bytes:
        """A chunked body, decoded (trailers are read and dropped)."""
        body = bytearray()
        while True:
            size_line = self.until(b"\r\n", MAX_HEAD)
            try:
                size = int(size_line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise _Closed("bad chunk size") from None
            if size == 0:
                while self.until(b"\r\n", MAX_HEAD) != b"\r\n":
                    pass
                return bytes(body)
            body += self.exactly(size)
            self.exactly(2)


def _parse_head(head: bytes) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """The first line and the (name, value) header pairs of a header block."""
    lines = head[:-4].split(b"\r\n")
    headers = []
    for line in lines[1:]:
        name, sep, value = line.partition(b":")
        if not sep or not name.strip():
            raise _Closed("malformed header line")
        headers.append((name.strip(), value.strip()))
    return lines[0], headers


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _read_body(reader: _Reader, headers: list[tuple[bytes, bytes]], until_eof: bool) -> bytes:
    """The message body: chunked, by Content-Length, or (responses only) up to end of stream."""
    encoding = _header(headers, b"transfer-encoding")
    if encoding is not None and b"chunked" in encoding.lower():
        return reader.chunked()
    length = _header(headers, b"content-length")
    if length is not None:
        try:
            count = int(length)
        except ValueError:
            raise _Closed("bad Content-Length") from None
        if count < 0:
            raise _Closed("bad Content-Length")
        return reader.exactly(count)
    return reader.to_eof() if until_eof else b""


def _build(first_line: bytes, headers: list[tuple[bytes, bytes]], body_length: int | None) -> bytes:
    """A header block: hop-by-hop headers dropped, Content-Length set, Connection: close added."""
    out = [first_line]
    for name, value in headers:
        lowered = name.lower()
        if lowered in HOP_BY_HOP or (body_length is not None and lowered == b"content-length"):
            continue
        out.append(name + b": " + value)
    if body_length is not None:
        out.append(b"Content-Length: %d" % body_length)
    out.append(b"Connection: close")
    return b"\r\n".join(out) + b"\r\n\r\n"


def _canned(status: bytes, content_type: bytes, body: bytes, *extra: bytes) -> bytes:
    lines = [
        b"HTTP/1.1 " + status,
        b"Content-Type: " + content_type,
        *extra,
        b"Content-Length: %d" % len(body),
        b"Connection: close",
    ]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


class FaultProxy:
    """Listens on 127.0.0.1 (a free port) and forwards to 127.0.0.1:upstream_port, injecting faults.

    Each client connection carries one request (answers say Connection: close, which
    keep-alive clients such as requests handle by opening a fresh connection)."""

    def __init__(
        self,
        upstream_port: int,
        rate: float = 0.3,
        modes: tuple[str, ...] = MODES,
        seed: int = 0,
        slow_seconds: float = 3.0,
        retry_after: int = 1,
    ):
        unknown = [mode for mode in modes if mode not in MODES]
        if unknown:
            raise ValueError(f"unknown fault modes: {unknown}")
        self.upstream_port = upstream_port
        self.modes = tuple(modes)
        self.slow_seconds = slow_seconds
        self.retry_after = retry_after
        self.faults: collections.Counter = collections.Counter()
        self.forwarded = 0
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self._rate = 0.0
        self.set_rate(rate)
        self._stopping = threading.Event()
        self._sockets: set[socket.socket] = set()
        self._threads: set[threading.Thread] = set()
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self._listener.settimeout(0.05)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._acceptor = threading.Thread(target=self._accept_loop, name="faultproxy-accept", daemon=True)
        self._acceptor.start()

    def set_rate(self, rate: float) -> None:
        """Change the fault probability per request (0 lets everything through)."""
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate must be within [0, 1], not {rate}")
        with self._lock:
            self._rate = rate

    def close(self) -> None:
        """Stop accepting, cut every open connection, and wait (briefly) for the handlers."""
        self._stopping.set()
        if self._acceptor is not threading.current_thread():
            self._acceptor.join(timeout=0.5)
        self._listener.close()
        with self._lock:
            sockets, threads = list(self._sockets), list(self._threads)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + 1.0
        for thread in threads:
            if thread is not threading.current_thread():
                thread.join(timeout=max(0.0, deadline - time.monotonic()))

    def __enter__(self) -> "FaultProxy":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # --- internals -------------------------------------------------------------------

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._handle, args=(client,), name="faultproxy-conn", daemon=True)
            with self._lock:
                self._threads.add(thread)
            thread.start()

    def _track(self, sock: socket.socket) -> socket.socket:
        sock.settimeout(IO_TIMEOUT)
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            if self._stopping.is_set():
                sock.close()
                raise _Closed("the proxy is closing")
            self._sockets.add(sock)
        return sock

    def _choose(self) -> str | None:
        """A fault mode for this request, or None to forward it normally; counts the fault."""
        with self._lock:
            if not self.modes or self._random.random() >= self._rate:
                return None
            mode = self._random.choice(self.modes)
            self.faults[mode] += 1
            return mode

    def _handle(self, client: socket.socket) -> None:
        upstream = None
        try:
            self._track(client)
            reader = _Reader(client)
            head = reader.until(b"\r\n\r\n", MAX_HEAD)
            request_line, headers = _parse_head(head)
            if len(request_line.split(b" ")) != 3 or not request_line.split(b" ")[2].startswith(b"HTTP/1."):
                raise _Closed("not an HTTP/1.x request line")
            expect = _header(headers, b"expect")
            if expect is not None and expect.lower() == b"100-continue":
                client.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
                headers = [(name, value) for name, value in headers if name.lower() != b"expect"]
            body = _read_body(reader, headers, until_eof=False)
            method = request_line.split(b" ", 1)[0].upper()

            mode = self._choose()
            if mode == "drop_before":
                return
            if mode == "html_200":
                client.sendall(_canned(b"200 OK", b"text/html; charset=utf-8", PORTAL_PAGE))
                return
            if mode == "retry_after_503":
                client.sendall(
                    _canned(
                        b"503 Service Unavailable",
                        b"application/json",
                        BUSY_BODY,
                        b"Retry-After: %d" % self.retry_after,
                    )
                )
                return

            has_length = (
                body
                or _header(headers, b"content-length") is not None
                or _header(headers, b"transfer-encoding") is not None
            )
            upstream = self._track(socket.create_connection(("127.0.0.1", self.upstream_port), timeout=IO_TIMEOUT))
            upstream.sendall(_build(request_line, headers, len(body) if has_length else None) + body)
            with self._lock:
                self.forwarded += 1

            response_reader = _Reader(upstream)
            while True:
                status_line, response_headers = _parse_head(response_reader.until(b"\r\n\r\n", MAX_HEAD))
                parts = status_line.split(b" ", 2)
                if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
                    raise _Closed("not an HTTP/1.x status line")
                status = int(parts[1])
                if not 100 <= status < 200:
                    break
            if method == b"HEAD" or status in (204, 304):
                response_body, body_length = b"", None  # keep whatever Content-Length the upstream sent
            else:
                response_body = _read_body(response_reader, response_headers, until_eof=True)
                body_length = len(response_body)
            response_head = _build(status_line, response_headers, body_length)

            if mode == "drop_after":
                return
            if mode == "truncate":
                if response_body:
                    client.sendall(response_head + response_body[: len(response_body) // 2])
                else:  # nothing to cut short in the body: cut the header block instead
                    client.sendall(response_head[: len(response_head) // 2])
                return
            if mode == "slow" and self._stopping.wait(self.slow_seconds):
                return
            client.sendall(response_head + response_body)
        except Exception:
            pass  # a fault in the proxy must never hang or fail a test on its own
        finally:
            for sock in (upstream, client):
                if sock is not None:
                    with self._lock:
                        self._sockets.discard(sock)
                    with contextlib.suppress(OSError):
                        sock.close()
            with self._lock:
                self._threads.discard(threading.current_thread())
