"""Loopback boards for the fetch benchmark: landed pages served by path with a fixed latency,
strong ETags and 304s, one server per host.

Not `tests/fakeboards`: the benchmark has to run from an installed package, where the tests are
not, and it needs what that server does not do (latency on every response, bodies read from the
raw store instead of held in memory) and none of what it does (fault injection, request logs).
Politeness limits are per host, and a host here is a port: the Greenhouse, Lever and Ashby APIs
each get one, and career sites and feeds share a few, as many small sites do behind one CDN.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from jobingest.bench.landing import LandedPage
from jobingest.rawstore import RawStore

API_KINDS = ("greenhouse", "lever", "ashby")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client closing its kept-alive connection at the end of a night is not an error.
        return


class BenchBoards:
    """Every landed page, served after `latency` seconds, on `site_hosts` + 3 loopback ports."""

    def __init__(
        self, pages: Iterable[LandedPage], raw_store: str, *, latency: float, site_hosts: int = 4
    ) -> None:
        self._store = RawStore(raw_store)
        self._latency = latency
        self._pages = {page.path: page for page in pages}
        self.requests = 0
        self.not_modified = 0
        self._lock = threading.Lock()
        self._hosts = [*API_KINDS, *(f"site{i}" for i in range(site_hosts))]
        self._servers = {host: _Server(("127.0.0.1", 0), self._handler()) for host in self._hosts}
        self._threads = [
            threading.Thread(target=server.serve_forever, daemon=True)
            for server in self._servers.values()
        ]

    def origin(self, kind: str, board: str) -> str:
        """The loopback origin (`http://127.0.0.1:<port>`) that serves this board."""
        host = kind if kind in API_KINDS else self._site_host(board)
        port = self._servers[host].server_address[1]
        return f"http://127.0.0.1:{port}"

    def _site_host(self, board: str) -> str:
        return f"site{zlib.crc32(board.encode()) % (len(self._hosts) - len(API_KINDS))}"

    def __enter__(self) -> BenchBoards:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()

    def _count(self, not_modified: bool) -> None:
        with self._lock:
            self.requests += 1
            self.not_modified += not_modified

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        boards = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                time.sleep(boards._latency)
                page = boards._pages.get(self.path)
                if page is None:
                    self._send(404, b"not found", "text/plain")
                    return
                etag = f'"{page.sha256[:32]}"'
                if self.headers.get("If-None-Match") == etag:
                    boards._count(not_modified=True)
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                boards._count(not_modified=False)
                body = boards._store.get(page.sha256)
                self._send(200, body, page.content_type, {"ETag": etag})

            def _send(
                self,
                status: int,
                body: bytes,
                content_type: str,
                extra: dict[str, str] | None = None,
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                for name, value in (extra or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler
