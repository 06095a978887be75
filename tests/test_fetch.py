"""The fetch policy over real sockets against the fake boards server."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from jobingest.errors import FetchError, PayloadTooLargeError, UnsafeURLError
from jobingest.fetch import Fetcher, build_client
from jobingest.settings import Settings
from tests.fakeboards import FakeBoards, Fault

BODY = b'{"jobs": [], "meta": {"total": 0}}'


@pytest.fixture
def fetch_settings() -> Settings:
    return Settings(
        http_allow_private_hosts=["127.0.0.1"],
        http_max_attempts=3,
        http_backoff_max=0.01,
        http_timeout=5,
        http_max_body_bytes=1024 * 1024,
        http_per_host_rps=1000,
    )


@pytest.fixture
def fetcher(fetch_settings: Settings):  # type: ignore[no-untyped-def]
    sleeps: list[float] = []
    with build_client(fetch_settings) as client:
        f = Fetcher(client, fetch_settings, sleep=sleeps.append)
        f.slept = sleeps  # type: ignore[attr-defined]
        yield f


def test_plain_get_sends_our_user_agent(boards: FakeBoards, fetcher: Fetcher) -> None:
    url = boards.greenhouse("plain", BODY)
    result = fetcher.get(url)
    assert (result.status, result.body, result.attempts) == (200, BODY, 1)
    (request,) = boards.seen("/v1/boards/plain/jobs")
    assert request.headers["user-agent"].startswith("jobingest/")


def test_429_waits_for_retry_after_then_succeeds(boards: FakeBoards, fetcher: Fetcher) -> None:
    url = boards.greenhouse("busy", BODY)
    boards.fail("/v1/boards/busy/jobs", Fault("status", 429, {"Retry-After": "7"}))
    result = fetcher.get(url)
    assert result.body == BODY and result.attempts == 2
    assert fetcher.slept == [7.0]  # type: ignore[attr-defined]


def test_retry_after_is_capped(boards: FakeBoards, fetch_settings: Settings) -> None:
    capped = fetch_settings.model_copy(update={"http_retry_after_cap": 2.0})
    slept: list[float] = []
    url = boards.greenhouse("capped", BODY)
    boards.fail("/v1/boards/capped/jobs", Fault("status", 503, {"Retry-After": "3600"}))
    with build_client(capped) as client:
        assert Fetcher(client, capped, sleep=slept.append).get(url).status == 200
    assert slept == [2.0]


@pytest.mark.parametrize(
    "fault", [Fault("status", 500), Fault("status", 502), Fault("reset"), Fault("truncate")]
)
def test_transient_faults_are_retried(boards: FakeBoards, fetcher: Fetcher, fault: Fault) -> None:
    url = boards.greenhouse("flaky", BODY)
    boards.fail("/v1/boards/flaky/jobs", fault)
    result = fetcher.get(url)
    assert result.body == BODY and result.attempts == 2


def test_retries_give_up_with_the_reason(boards: FakeBoards, fetcher: Fetcher) -> None:
    url = boards.greenhouse("down", BODY)
    boards.fail("/v1/boards/down/jobs", *[Fault("status", 503)] * 3)
    with pytest.raises(FetchError, match="HTTP 503 after 3 attempts"):
        fetcher.get(url)
    assert len(boards.seen("/v1/boards/down/jobs")) == 3


def test_client_errors_fail_fast(boards: FakeBoards, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match="HTTP 404") as caught:
        fetcher.get(boards.base_url + "/v1/boards/missing/jobs")
    assert caught.value.status == 404
    assert len(boards.seen("/v1/boards/missing/jobs")) == 1


def test_redirect_to_cloud_metadata_is_refused(boards: FakeBoards, fetcher: Fetcher) -> None:
    url = boards.greenhouse("sneaky", BODY)
    boards.fail(
        "/v1/boards/sneaky/jobs",
        Fault("redirect", location="http://169.254.169.254/latest/meta-data/"),
    )
    with pytest.raises(UnsafeURLError, match=r"169\.254\.169\.254"):
        fetcher.get(url)


def test_redirect_to_another_scheme_is_refused(boards: FakeBoards, fetcher: Fetcher) -> None:
    url = boards.greenhouse("ftp", BODY)
    boards.fail("/v1/boards/ftp/jobs", Fault("redirect", location="file:///etc/passwd"))
    with pytest.raises(UnsafeURLError, match="scheme"):
        fetcher.get(url)


def test_private_hosts_are_refused_unless_allowed(boards: FakeBoards) -> None:
    strict = Settings(http_max_attempts=1)
    with build_client(strict) as client, pytest.raises(UnsafeURLError, match="non-public"):
        Fetcher(client, strict).get(boards.greenhouse("private", BODY))


def test_same_host_redirect_is_followed(boards: FakeBoards, fetcher: Fetcher) -> None:
    target = boards.greenhouse("moved-here", BODY)
    boards.greenhouse("moved", b"unused")
    boards.fail("/v1/boards/moved/jobs", Fault("redirect", location="/v1/boards/moved-here/jobs"))
    result = fetcher.get(boards.base_url + "/v1/boards/moved/jobs")
    assert result.body == BODY and result.url == target.split("?")[0]


def test_oversized_body_stops_at_the_cap(boards: FakeBoards, fetcher: Fetcher) -> None:
    url = boards.greenhouse("huge", BODY)
    boards.fail("/v1/boards/huge/jobs", Fault("oversized", size=2 * 1024 * 1024))
    with pytest.raises(PayloadTooLargeError):
        fetcher.get(url)


def test_gzip_bomb_stops_at_the_decompressed_cap(boards: FakeBoards, fetcher: Fetcher) -> None:
    url = boards.greenhouse("bomb", BODY)
    boards.fail("/v1/boards/bomb/jobs", Fault("gzip_bomb", size=64 * 1024 * 1024))
    with pytest.raises(PayloadTooLargeError, match="decompressed"):
        fetcher.get(url)


def test_conditional_request_gets_304_without_a_body(boards: FakeBoards, fetcher: Fetcher) -> None:
    url = boards.greenhouse("etag", BODY)
    first = fetcher.get(url)
    assert first.etag
    second = fetcher.get(url, etag=first.etag)
    assert second.not_modified and second.body is None


def test_file_urls_are_read_under_the_same_cap(tmp_path: Path, fetcher: Fetcher) -> None:
    saved = tmp_path / "board with space.json"
    saved.write_bytes(BODY)
    assert fetcher.get(saved.as_uri()).body == BODY
    with pytest.raises(FetchError, match="cannot read file"):
        fetcher.get((tmp_path / "missing.json").as_uri())
    big = tmp_path / "big.json"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    with pytest.raises(PayloadTooLargeError):
        fetcher.get(big.as_uri())


def test_concurrent_requests_to_one_host_stay_under_the_limit(boards: FakeBoards) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from jobingest.fetch import HostLimiter

    polite = Settings(http_allow_private_hosts=["127.0.0.1"], http_max_attempts=1)
    limiter = HostLimiter(concurrency=2, rate=1000)
    url = boards.greenhouse("slow", BODY)
    boards.fail("/v1/boards/slow/jobs", *[Fault("slow", delay=0.2)] * 8)

    def fetch_once(_: int) -> int:
        with build_client(polite) as client:
            return Fetcher(client, polite, limiter=limiter).get(url).status

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(fetch_once, range(8)))
    assert statuses == [200] * 8
    assert 1 <= boards.max_in_flight <= 2


def test_request_starts_to_one_host_are_spaced_by_the_rate(boards: FakeBoards) -> None:
    from jobingest.fetch import HostLimiter

    polite = Settings(http_allow_private_hosts=["127.0.0.1"], http_max_attempts=1)
    url = boards.greenhouse("paced", BODY)
    with build_client(polite) as client:
        fetcher = Fetcher(client, polite, limiter=HostLimiter(concurrency=4, rate=20))
        for _ in range(5):
            fetcher.get(url)
    starts = [r.at for r in boards.seen("/v1/boards/paced/jobs")]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(gaps) == 4
    assert min(gaps) >= 0.04, f"requests closer than 1/rate apart: {gaps}"


def test_robots_rules_are_honoured_per_host(boards: FakeBoards, fetcher: Fetcher) -> None:
    boards.publish("/robots.txt", b"User-agent: *\nDisallow: /private/\n", "text/plain")
    assert fetcher.robots_allowed(boards.base_url + "/careers/data-engineer")
    assert not fetcher.robots_allowed(boards.base_url + "/private/job-1")
    assert len(boards.seen("/robots.txt")) == 1, "robots.txt is read once per host"


def test_missing_robots_allows_and_failing_robots_forbids(
    boards: FakeBoards, fetch_settings: Settings
) -> None:
    boards.publish("/robots.txt", b"", "text/plain")
    with build_client(fetch_settings) as client:
        missing = Fetcher(client, fetch_settings, sleep=lambda _: None)
        boards.fail("/robots.txt", Fault("status", 404))
        assert missing.robots_allowed(boards.base_url + "/careers/1")
    with build_client(fetch_settings) as client:
        failing = Fetcher(client, fetch_settings, sleep=lambda _: None)
        boards.fail("/robots.txt", *[Fault("status", 503)] * 3)
        assert not failing.robots_allowed(boards.base_url + "/careers/1")
