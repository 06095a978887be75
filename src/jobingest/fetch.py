"""The one HTTP client policy: timeouts, retries that honour Retry-After, caps, SSRF guard.

Sources never see this module's internals; the pipeline hands them bytes. `file://` URLs are
served from disk under the same size cap, so a saved payload replays like a live board.

SSRF: every URL and redirect hop is checked before the request, and the connection itself is
made by `netguard.PinnedBackend`, which checks the address it dials, so DNS cannot answer one
thing to the check and another to the connect. Bodies are decoded by `inflate`, a layer at a
time in bounded pieces, so the size cap holds against compression bombs.
"""

from __future__ import annotations

import email.utils
import ssl
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import httpcore
import httpx
from protego import Protego
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from jobingest.errors import FetchError, PayloadTooLargeError, UnsafeURLError
from jobingest.inflate import ContentDecodingError, inflate
from jobingest.netguard import PinnedBackend, RefusedAddressError, Resolver, refusal, resolve_host
from jobingest.settings import Settings

RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_MAX_CONTENT_ENCODINGS = 2
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class FetchResult:
    url: str
    status: int
    body: bytes | None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    attempts: int = 1
    elapsed: float = 0.0

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass
class FetchStats:
    """What the fetcher did, for the run report."""

    requests: int = 0
    retries: int = 0
    bytes_received: int = 0
    waits: list[float] = field(default_factory=list)
    host_requests: Counter[str] = field(default_factory=Counter)  # redirects counted too

    def politeness_floor(self, rate: float) -> float:
        """The shortest time these requests could take at `rate` starts per second per host:
        what the busiest host's requests need, however fast everything else is."""
        busiest = max(self.host_requests.values(), default=0)
        return max(busiest - 1, 0) / rate


class HostLimiter:
    """Per-host politeness shared by every fetcher in the process: at most `concurrency`
    requests in flight to a host, and starts spaced at least 1/`rate` seconds apart."""

    def __init__(self, concurrency: int, rate: float) -> None:
        self._concurrency = concurrency
        self._interval = 1.0 / rate
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._next_start: dict[str, float] = {}

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        with self._lock:
            semaphore = self._slots.setdefault(host, threading.BoundedSemaphore(self._concurrency))
        with semaphore:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next_start.get(host, now))
                self._next_start[host] = start + self._interval
            if start > now:
                time.sleep(start - now)
            yield


_limiters: dict[tuple[int, float], HostLimiter] = {}
_limiters_lock = threading.Lock()


def host_limiter(settings: Settings) -> HostLimiter:
    """The process-wide limiter for these politeness settings (shared across task threads)."""
    key = (settings.http_per_host_concurrency, settings.http_per_host_rps)
    with _limiters_lock:
        if key not in _limiters:
            _limiters[key] = HostLimiter(*key)
        return _limiters[key]


class _RetryableStatusError(FetchError):
    def __init__(self, url: str, status: int, retry_after: float | None) -> None:
        super().__init__(url, f"HTTP {status}", status=status)
        self.retry_after = retry_after


class Fetcher:
    """GETs with the project's policy. Build it with `open_fetcher`; pass it to whoever fetches."""

    def __init__(
        self,
        client: httpx.Client,
        settings: Settings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        resolve: Resolver | None = None,
        limiter: HostLimiter | None = None,
    ) -> None:
        self._client = client
        self._settings = settings
        self._sleep = sleep
        self._resolve = resolve or resolve_host
        self._limiter = limiter or host_limiter(settings)
        self._allowed_hosts = {h.lower() for h in settings.http_allow_private_hosts}
        self._robots: dict[str, Protego | None] = {}
        self.stats = FetchStats()

    def robots_allowed(self, url: str) -> bool:
        """Whether robots.txt lets us fetch `url` (career pages; APIs are not crawled).

        Read once per host per fetcher: a 4xx means no rules; a 5xx or an unreachable
        robots.txt means the host is not crawled at all this run.
        """
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return True
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._load_robots(origin)
        rules = self._robots[origin]
        return rules is not None and bool(rules.can_fetch(url, self._settings.user_agent))

    def _load_robots(self, origin: str) -> Protego | None:
        try:
            result = self.get(origin + "/robots.txt")
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                return Protego.parse("")
            return None
        return Protego.parse((result.body or b"").decode("utf-8", errors="replace"))

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        if url.startswith("file://"):
            return self._read_file(url)
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        started = time.monotonic()
        retrying = Retrying(
            stop=stop_after_attempt(self._settings.http_max_attempts),
            wait=self._wait,
            retry=retry_if_exception(_is_retryable),
            sleep=self._record_sleep,
            reraise=True,
        )
        attempts = 0
        try:
            for attempt in retrying:
                with attempt:
                    attempts += 1
                    self.stats.requests += 1
                    if attempts > 1:
                        self.stats.retries += 1
                    result = self._get_once(url, headers)
        except _RetryableStatusError as exc:
            raise FetchError(
                url, f"HTTP {exc.status} after {attempts} attempts", status=exc.status
            ) from exc
        except httpx.TransportError as exc:
            raise FetchError(url, f"{type(exc).__name__} after {attempts} attempts: {exc}") from exc
        return FetchResult(
            url=result.url,
            status=result.status,
            body=result.body,
            content_type=result.content_type,
            etag=result.etag,
            last_modified=result.last_modified,
            attempts=attempts,
            elapsed=time.monotonic() - started,
        )

    def _get_once(self, url: str, headers: dict[str, str]) -> FetchResult:
        current = url
        for _ in range(self._settings.http_max_redirects + 1):
            self._check_url(current)
            host = urlsplit(current).netloc.lower()
            self.stats.host_requests[host] += 1
            with (
                self._limiter.slot(host),
                _refusals_as_unsafe(current),
                self._client.stream("GET", current, headers=headers) as response,
            ):
                if response.status_code in _REDIRECT_STATUSES:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchError(current, f"HTTP {response.status_code} without Location")
                    current = urljoin(current, location)
                    continue
                if response.status_code == 304:
                    return FetchResult(
                        url=current,
                        status=304,
                        body=None,
                        etag=response.headers.get("etag"),
                        last_modified=response.headers.get("last-modified"),
                    )
                if response.status_code in RETRYABLE_STATUSES:
                    raise _RetryableStatusError(
                        current, response.status_code, _retry_after(response.headers)
                    )
                if response.status_code >= 400:
                    raise FetchError(
                        current, f"HTTP {response.status_code}", status=response.status_code
                    )
                body = self._read_capped(response, current)
                return FetchResult(
                    url=current,
                    status=response.status_code,
                    body=body,
                    content_type=response.headers.get("content-type"),
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                )
        raise FetchError(url, f"more than {self._settings.http_max_redirects} redirects")

    def _read_capped(self, response: httpx.Response, url: str) -> bytes:
        """The body, decoded layer by layer in bounded pieces and stopped at the cap."""
        encodings = [
            e for e in response.headers.get("content-encoding", "").split(",") if e.strip()
        ]
        if len(encodings) > _MAX_CONTENT_ENCODINGS:
            raise FetchError(url, f"refused {len(encodings)} stacked content encodings")
        cap = self._settings.http_max_body_bytes
        declared = response.headers.get("content-length")
        if not encodings and declared and declared.isdigit() and int(declared) > cap:
            raise PayloadTooLargeError(url, f"body of {declared} bytes is over the {cap}-byte cap")
        chunks: list[bytes] = []
        size = 0
        try:
            for piece in inflate(response.iter_raw(_CHUNK), encodings):
                size += len(piece)
                if size > cap:
                    raise PayloadTooLargeError(
                        url, f"body passed the {cap}-byte cap (decompressed)"
                    )
                chunks.append(piece)
        except ContentDecodingError as exc:
            raise FetchError(url, str(exc)) from exc
        finally:
            self.stats.bytes_received += response.num_bytes_downloaded
        return b"".join(chunks)

    def _read_file(self, url: str) -> FetchResult:
        path = Path(unquote(urlsplit(url).path))
        cap = self._settings.http_max_body_bytes
        try:
            size = path.stat().st_size
            if size > cap:
                raise PayloadTooLargeError(url, f"file of {size} bytes is over the {cap}-byte cap")
            body = path.read_bytes()
        except OSError as exc:
            raise FetchError(url, f"cannot read file: {exc.strerror or exc}") from exc
        return FetchResult(url=url, status=200, body=body)

    def _check_url(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise UnsafeURLError(url, f"refused scheme {parts.scheme!r}")
        host = (parts.hostname or "").lower()
        if not host:
            raise UnsafeURLError(url, "no host in URL")
        if host in self._allowed_hosts:
            return
        try:
            addresses = self._resolve(host)
        except OSError as exc:
            raise FetchError(url, f"cannot resolve host {host!r}: {exc}") from exc
        reason = refusal(host, addresses)
        if reason:
            raise UnsafeURLError(url, reason)

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _RetryableStatusError) and exc.retry_after is not None:
            return min(exc.retry_after, self._settings.http_retry_after_cap)
        backoff = wait_random_exponential(multiplier=0.5, max=self._settings.http_backoff_max)
        return float(backoff(state))

    def _record_sleep(self, seconds: float) -> None:
        self.stats.waits.append(seconds)
        self._sleep(seconds)


def _is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, _RetryableStatusError):
        return True
    return isinstance(exc, httpx.TransportError) and not isinstance(exc, httpx.UnsupportedProtocol)


def _retry_after(headers: httpx.Headers) -> float | None:
    """Seconds to wait from a Retry-After header, in either of its two forms."""
    value = headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


@contextmanager
def _refusals_as_unsafe(url: str) -> Iterator[None]:
    """The connect-time check knows only the host; name the URL it refused."""
    try:
        yield
    except RefusedAddressError as exc:
        raise UnsafeURLError(url, str(exc)) from exc


class PinnedTransport(httpx.HTTPTransport):
    """httpx's transport, connecting through `PinnedBackend` (see `jobingest.netguard`)."""

    def __init__(
        self,
        settings: Settings,
        resolve: Resolver = resolve_host,
        *,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        super().__init__(trust_env=False)
        limits = _limits(settings)
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context or httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=PinnedBackend(resolve, settings.http_allow_private_hosts),
        )


def _limits(settings: Settings) -> httpx.Limits:
    return httpx.Limits(
        max_connections=settings.http_max_connections,
        max_keepalive_connections=settings.http_max_connections,
    )


def build_client(
    settings: Settings,
    transport: httpx.BaseTransport | None = None,
    *,
    resolve: Resolver = resolve_host,
) -> httpx.Client:
    """The one client: pinned connections, no proxies or netrc from the environment (a proxy
    would resolve names itself, past the address check)."""
    return httpx.Client(
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        timeout=httpx.Timeout(settings.http_timeout),
        limits=_limits(settings),
        follow_redirects=False,
        transport=transport or PinnedTransport(settings, resolve),
        trust_env=False,
    )


@contextmanager
def open_fetcher(
    settings: Settings,
    *,
    transport: httpx.BaseTransport | None = None,
    resolve: Resolver = resolve_host,
) -> Iterator[Fetcher]:
    with build_client(settings, transport, resolve=resolve) as client:
        yield Fetcher(client, settings, resolve=resolve)
