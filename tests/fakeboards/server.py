"""Fake job boards on 127.0.0.1 for tests and benchmarks.

Routes mirror the real APIs (`/v1/boards/{token}/jobs` for Greenhouse); bodies are whatever a
test publishes. Faults are queued per path and consumed one per request, so a test says
"the first two requests get 503, then serve normally" and the server does exactly that.
"""

from __future__ import annotations

import gzip
import hashlib
import random
import socket
import struct
import threading
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Resets and truncations are injected on purpose; clients see them, the log need not.
        return


@dataclass(frozen=True)
class Fault:
    """One misbehaviour for one request.

    kind: status | reset | truncate | redirect | gzip_bomb | oversized | slow | html | raw
    """

    kind: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    location: str | None = None
    size: int = 0
    delay: float = 0.0
    body: bytes = b""  # kind "raw": sent as-is with `status` and `headers` (encoded bodies)


@dataclass(frozen=True)
class FaultMix:
    """Faults drawn per request with fixed odds, for soak tests and benchmarks.

    A request's draw depends only on the seed, its path and how many requests that path has had,
    never on thread timing, so a seeded soak misbehaves the same way every time it runs.
    """

    seed: int
    rate_limited: float = 0.05
    server_error: float = 0.03
    reset: float = 0.01
    truncate: float = 0.01
    slow: float = 0.005
    oversized: float = 0.002
    gzip_bomb: float = 0.002
    retry_after: int = 1
    slow_delay: float = 0.3
    oversized_bytes: int = 2 * 1024 * 1024
    bomb_bytes: int = 8 * 1024 * 1024

    def draw(self, path: str, nth: int) -> tuple[str, Fault] | None:
        """The fault (with its label for counting) for the `nth` request to `path`, if any."""
        rng = random.Random(f"{self.seed}:{path}:{nth}")
        roll = rng.random()
        choices: list[tuple[float, str, Fault]] = [
            (
                self.rate_limited,
                "429",
                Fault("status", 429, {"Retry-After": str(self.retry_after)}),
            ),
            (self.server_error, "5xx", Fault("status", rng.choice((500, 502, 503, 504)))),
            (self.reset, "reset", Fault("reset")),
            (self.truncate, "truncate", Fault("truncate")),
            (self.slow, "slow", Fault("slow", delay=self.slow_delay)),
            (self.oversized, "oversized", Fault("oversized", size=self.oversized_bytes)),
            (self.gzip_bomb, "gzip_bomb", Fault("gzip_bomb", size=self.bomb_bytes)),
        ]
        for odds, label, fault in choices:
            if roll < odds:
                return label, fault
            roll -= odds
        return None


@dataclass(frozen=True)
class SeenRequest:
    path: str
    headers: dict[str, str]
    status: int
    at: float


class FakeBoards:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self._bodies: dict[str, tuple[bytes, str]] = {}
        self._query_bodies: dict[tuple[str, tuple[tuple[str, str], ...]], tuple[bytes, str]] = {}
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._mix: FaultMix | None = None
        self._mix_requests: Counter[str] = Counter()
        self.drawn: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.requests: list[SeenRequest] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._server = _QuietServer((host, 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # lifecycle -------------------------------------------------------------------------------
    def start(self) -> FakeBoards:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeBoards:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # publishing ------------------------------------------------------------------------------
    def publish(
        self,
        path: str,
        body: bytes,
        content_type: str = "application/json",
        *,
        query: str | None = None,
    ) -> str:
        """Serve `body` at `path`; returns its URL.

        Query strings are ignored when matching, unless `query` is given: then this body answers
        only requests to `path` with exactly those query parameters (in any order), which is how
        a test publishes the pages of an API that pages by `?offset=`/`?skip=`. A request whose
        query matches no such body falls back to the body published for the bare path.
        """
        with self._lock:
            if query is None:
                self._bodies[path] = (body, content_type)
            else:
                self._query_bodies[(path, _query_key(query))] = (body, content_type)
        return self.base_url + path + (f"?{query}" if query else "")

    def greenhouse(self, token: str, body: bytes) -> str:
        self.publish(f"/v1/boards/{token}/jobs", body)
        return f"{self.base_url}/v1/boards/{token}/jobs?content=true&pay_transparency=true"

    def fail(self, path: str, *faults: Fault) -> None:
        with self._lock:
            self._faults[path].extend(faults)

    def fault_mix(self, mix: FaultMix | None) -> None:
        """Draw a fault for every request to a published path from `mix` (None: stop).

        Faults queued with `fail` still come first. `drawn` counts what the mix injected.
        """
        with self._lock:
            self._mix = mix
            self._mix_requests.clear()
            self.drawn.clear()

    def seen(self, path: str) -> list[SeenRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()
            self.max_in_flight = 0

    # serving ---------------------------------------------------------------------------------
    def _next_fault(self, path: str) -> Fault | None:
        with self._lock:
            queue = self._faults.get(path)
            if queue:
                return queue.popleft()
            if self._mix is None or not self._is_published(path):
                return None
            nth = self._mix_requests[path]
            self._mix_requests[path] += 1
            drawn = self._mix.draw(path, nth)
            if drawn is None:
                return None
            self.drawn[drawn[0]] += 1
            return drawn[1]

    def _is_published(self, path: str) -> bool:
        return path in self._bodies or any(key[0] == path for key in self._query_bodies)

    def _log(self, path: str, headers: dict[str, str], status: int) -> None:
        with self._lock:
            self.requests.append(SeenRequest(path, headers, status, time.monotonic()))

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        boards = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def do_GET(self) -> None:
                # In flight = from the request line until the response starts, so a client that
                # has finished reading is never counted against the next one.
                self._counted = True
                with boards._lock:
                    boards.in_flight += 1
                    boards.max_in_flight = max(boards.max_in_flight, boards.in_flight)
                try:
                    self._get()
                finally:
                    self._done()

            def _done(self) -> None:
                if self._counted:
                    self._counted = False
                    with boards._lock:
                        boards.in_flight -= 1

            def send_response(self, code: int, message: str | None = None) -> None:
                self._done()
                super().send_response(code, message)

            def _get(self) -> None:
                parts = urlsplit(self.path)
                path = parts.path
                headers = {k.lower(): v for k, v in self.headers.items()}
                fault = boards._next_fault(path)
                if fault is not None:
                    self._fault(path, headers, fault)
                    return
                with boards._lock:
                    found = boards._query_bodies.get((path, _query_key(parts.query)))
                    if found is None:
                        found = boards._bodies.get(path)
                if found is None:
                    boards._log(path, headers, 404)
                    self._send(404, b'{"status": 404, "error": "Job board not found"}')
                    return
                body, content_type = found
                etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
                if headers.get("if-none-match") == etag:
                    boards._log(path, headers, 304)
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                boards._log(path, headers, 200)
                self._send(200, body, {"Content-Type": content_type, "ETag": etag})

            def _send(self, status: int, body: bytes, extra: dict[str, str] | None = None) -> None:
                self.send_response(status)
                for name, value in (extra or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _fault(self, path: str, headers: dict[str, str], fault: Fault) -> None:
                boards._log(path, headers, fault.status if fault.kind == "status" else 0)
                if fault.kind == "status":
                    self._send(fault.status, b'{"error": "injected"}', fault.headers)
                elif fault.kind == "html":
                    page = b"<!DOCTYPE html><html><body><h1>Service temporarily unavailable</h1></body></html>"
                    self._send(200, page, {"Content-Type": "text/html"})
                elif fault.kind == "redirect":
                    self._send(302, b"", {"Location": fault.location or "/"})
                elif fault.kind == "reset":
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    self.connection.close()
                    self.close_connection = True
                elif fault.kind == "truncate":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "100000")
                    self.end_headers()
                    self.wfile.write(b'{"jobs": [{"id": 1, "title": "cut')
                    self.wfile.flush()
                    self.close_connection = True
                elif fault.kind == "oversized":
                    self._send(200, b"x" * fault.size, {"Content-Type": "application/json"})
                elif fault.kind == "gzip_bomb":
                    bomb = gzip.compress(b"\0" * fault.size, compresslevel=9)
                    self._send(
                        200, bomb, {"Content-Type": "application/json", "Content-Encoding": "gzip"}
                    )
                elif fault.kind == "slow":
                    time.sleep(fault.delay)
                    query = _query_key(urlsplit(self.path).query)
                    with boards._lock:
                        body, content_type = boards._query_bodies.get(
                            (path, query), boards._bodies.get(path, (b"{}", "application/json"))
                        )
                    self._send(200, body, {"Content-Type": content_type})
                elif fault.kind == "raw":
                    self._send(fault.status, fault.body, fault.headers)
                else:  # pragma: no cover - a typo in a test
                    raise ValueError(f"unknown fault {fault.kind}")

        return Handler


def _query_key(query: str) -> tuple[tuple[str, str], ...]:
    """A query string's parameters, order-free, so `?a=1&b=2` and `?b=2&a=1` match."""
    return tuple(sorted(parse_qsl(query, keep_blank_values=True)))
