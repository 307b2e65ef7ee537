"""The fault-injecting proxy itself, against a tiny real HTTP server on loopback."""

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from faultproxy import MODES, FaultProxy

BIG = {"items": [{"id": i, "text": f"laporan nomor {i}"} for i in range(500)]}


class Upstream:
    """Answers JSON; counts the POSTs it received and keeps their bodies."""

    def __init__(self):
        self.lock = threading.Lock()
        self.posts: list[bytes] = []
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def answer(self, status: int, payload=None):
                body = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                if payload is not None:
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path == "/count":
                    with upstream.lock:
                        self.answer(200, {"posts": len(upstream.posts)})
                elif self.path == "/big":
                    self.answer(200, BIG)
                elif self.path == "/empty":
                    self.answer(204)
                elif self.path == "/chunked":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for part in (b'{"parts": ', b"[1, 2, ", b"3]}"):
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                    self.wfile.write(b"0\r\n\r\n")
                else:
                    self.answer(404, {"error": "not found"})

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with upstream.lock:
                    upstream.posts.append(body)
                    count = len(upstream.posts)
                self.answer(200, {"posts": count, "received": json.loads(body or b"null")})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def post_count(self) -> int:
        with self.lock:
            return len(self.posts)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def upstream():
    server = Upstream()
    yield server
    server.close()


@pytest.fixture
def proxy_for(upstream):
    proxies = []

    def make(**options) -> FaultProxy:
        proxy = FaultProxy(upstream.port, **options)
        proxies.append(proxy)
        return proxy

    yield make
    for proxy in proxies:
        proxy.close()


def only(mode: str, **options) -> dict:
    return {"rate": 1.0, "modes": (mode,), **options}


def test_rate_zero_relays_answers_and_post_bodies_intact(upstream, proxy_for):
    """At rate 0 every request reaches the server and every answer and POST body arrives byte for byte."""
    proxy = proxy_for(rate=0)
    payload = {"name": "Siti Rahayu — Désa Wates", "notes": "x" * 300_000}
    with requests.Session() as session:  # keep-alive client: the proxy answers Connection: close
        answer = session.post(proxy.url + "/echo", json=payload, timeout=5)
        assert answer.status_code == 200
        assert answer.json() == {"posts": 1, "received": payload}
        assert session.get(proxy.url + "/big", timeout=5).json() == BIG
        for _ in range(3):
            assert session.get(proxy.url + "/count", timeout=5).json() == {"posts": 1}
        assert session.post(proxy.url + "/echo", data=b"", timeout=5).json() == {"posts": 2, "received": None}
        empty = session.get(proxy.url + "/empty", timeout=5)
        assert empty.status_code == 204 and empty.content == b""
    assert json.loads(upstream.posts[0]) == payload
    assert proxy.forwarded == 7
    assert not proxy.faults


def test_chunked_upstream_answer_is_relayed_with_a_content_length(proxy_for):
    """A chunked answer from the server reaches the client decoded, with a matching Content-Length."""
    proxy = proxy_for(rate=0)
    answer = requests.get(proxy.url + "/chunked", timeout=5)
    assert answer.json() == {"parts": [1, 2, 3]}
    assert "Transfer-Encoding" not in answer.headers
    assert int(answer.headers["Content-Length"]) == len(answer.content)


def test_drop_before_closes_without_forwarding(upstream, proxy_for):
    """drop_before: the client gets a ConnectionError and the server never sees the request."""
    proxy = proxy_for(**only("drop_before"))
    with pytest.raises(requests.ConnectionError):
        requests.post(proxy.url + "/echo", json={"id": 1}, timeout=5)
    assert upstream.post_count == 0
    assert proxy.forwarded == 0
    assert proxy.faults == {"drop_before": 1}


def test_drop_after_closes_after_the_server_committed(upstream, proxy_for):
    """drop_after: the client gets a ConnectionError although the server did receive the request."""
    proxy = proxy_for(**only("drop_after"))
    with pytest.raises(requests.ConnectionError):
        requests.post(proxy.url + "/echo", json={"id": 1}, timeout=5)
    assert upstream.post_count == 1
    assert proxy.forwarded == 1
    assert proxy.faults == {"drop_after": 1}


def test_truncate_cuts_the_answer_short(upstream, proxy_for):
    """truncate: the server gets the request but the client never gets the full JSON answer."""
    proxy = proxy_for(**only("truncate"))
    for method, path in (("POST", "/echo"), ("GET", "/big"), ("GET", "/empty")):
        try:
            answer = requests.request(method, proxy.url + path, json={"id": 1}, timeout=5)
        except (requests.exceptions.ChunkedEncodingError, requests.ConnectionError):
            continue
        with pytest.raises(ValueError):
            json.loads(answer.content)
    assert upstream.post_count == 1
    assert proxy.forwarded == 3
    assert proxy.faults == {"truncate": 3}


def test_html_200_answers_like_a_captive_portal(upstream, proxy_for):
    """html_200: the client gets 200 with an HTML page, and the server never sees the request."""
    proxy = proxy_for(**only("html_200"))
    answer = requests.post(proxy.url + "/echo", json={"id": 1}, timeout=5)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "<html>" in answer.text
    assert int(answer.headers["Content-Length"]) == len(answer.content)
    assert upstream.post_count == 0 and proxy.forwarded == 0


def test_retry_after_503_answers_busy(upstream, proxy_for):
    """retry_after_503: the client gets 503 with Retry-After and the JSON busy error, unforwarded."""
    proxy = proxy_for(**only("retry_after_503", retry_after=7))
    answer = requests.post(proxy.url + "/echo", json={"id": 1}, timeout=5)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "7"
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.json() == {"error": {"code": "busy", "message": "try later"}}
    assert upstream.post_count == 0 and proxy.forwarded == 0


def test_slow_makes_the_client_time_out_after_the_server_committed(upstream, proxy_for):
    """slow: the client times out although the server did receive the request."""
    proxy = proxy_for(**only("slow", slow_seconds=1.5))
    started = time.monotonic()
    with pytest.raises(requests.Timeout):
        requests.post(proxy.url + "/echo", json={"id": 1}, timeout=0.5)
    assert time.monotonic() - started < 1.4
    assert upstream.post_count == 1
    assert proxy.forwarded == 1
    assert proxy.faults == {"slow": 1}


def test_slow_answer_arrives_when_the_client_waits(proxy_for):
    """slow: a client patient enough gets the whole answer after the delay."""
    proxy = proxy_for(**only("slow", slow_seconds=0.3))
    started = time.monotonic()
    assert requests.get(proxy.url + "/big", timeout=5).json() == BIG
    assert time.monotonic() - started >= 0.3


def classify(proxy_url: str, index: int) -> str:
    try:
        answer = requests.post(proxy_url + "/echo", json={"index": index}, timeout=5)
    except (requests.exceptions.ChunkedEncodingError, requests.ConnectionError):
        return "error"
    if answer.status_code == 503:
        return "busy"
    if answer.headers.get("Content-Type", "").startswith("text/html"):
        return "html"
    assert answer.json()["received"] == {"index": index}
    return "clean"


def test_fault_counts_and_forwarded_match_what_happened(upstream, proxy_for):
    """faults counts every injected mode, forwarded every request sent upstream, reproducibly per seed."""
    modes = tuple(mode for mode in MODES if mode != "slow")
    proxy = proxy_for(rate=0.5, modes=modes, seed=3)
    outcomes = [classify(proxy.url, index) for index in range(60)]

    faults = proxy.faults
    assert set(faults) == set(modes)  # with this seed every mode shows up at least once
    assert outcomes.count("clean") == 60 - sum(faults.values())
    assert outcomes.count("html") == faults["html_200"]
    assert outcomes.count("busy") == faults["retry_after_503"]
    assert outcomes.count("error") == faults["drop_before"] + faults["drop_after"] + faults["truncate"]
    expected_forwarded = outcomes.count("clean") + faults["drop_after"] + faults["truncate"]
    assert proxy.forwarded == expected_forwarded == upstream.post_count

    again = proxy_for(rate=0.5, modes=modes, seed=3)
    assert [classify(again.url, index) for index in range(60)] == outcomes
    assert again.faults == faults


def test_set_rate_changes_the_fault_rate_at_run_time(upstream, proxy_for):
    """set_rate(0) lets the next requests through; rates outside [0, 1] and unknown modes are refused."""
    proxy = proxy_for(**only("drop_before"))
    with pytest.raises(requests.ConnectionError):
        requests.get(proxy.url + "/count", timeout=5)
    proxy.set_rate(0)
    assert requests.get(proxy.url + "/count", timeout=5).json() == {"posts": 0}
    with pytest.raises(ValueError):
        proxy.set_rate(1.5)
    with pytest.raises(ValueError):
        FaultProxy(upstream.port, modes=("drop_before", "eat_packets"))


def test_garbage_and_abandoned_connections_do_not_break_the_proxy(proxy_for):
    """A client that sends garbage or hangs up mid-request does not stop the proxy serving others."""
    proxy = proxy_for(rate=0)
    port = int(proxy.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as garbage:
        garbage.sendall(b"\x16\x03\x01 not http at all\r\n\r\n")
        assert garbage.recv(100) == b""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as abandoned:
        abandoned.sendall(b'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"id"')
    assert requests.get(proxy.url + "/count", timeout=5).json() == {"posts": 0}


def test_close_returns_quickly_and_stops_everything(upstream):
    """close() returns within 2 s despite idle and stalled connections, and leaves no thread behind."""
    proxy = FaultProxy(upstream.port, **only("slow", slow_seconds=30))
    port = int(proxy.url.rsplit(":", 1)[1])
    idle = socket.create_connection(("127.0.0.1", port), timeout=5)
    stalled = threading.Thread(
        target=lambda: pytest.raises(requests.RequestException, requests.get, proxy.url + "/count", timeout=10),
        daemon=True,
    )
    stalled.start()
    deadline = time.monotonic() + 5
    while proxy.forwarded == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proxy.forwarded == 1

    started = time.monotonic()
    with proxy:
        pass  # leaving the context manager closes the proxy
    assert time.monotonic() - started < 2
    assert not [
        thread for thread in threading.enumerate() if thread.name.startswith("faultproxy") and thread.is_alive()
    ]
    assert idle.recv(100) == b""
    idle.close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    stalled.join(timeout=5)
    assert not stalled.is_alive()
