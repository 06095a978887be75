"""Three nights of Greenhouse, Lever and Ashby boards over real sockets, under a seeded fault mix.

The fake boards answer about 5% of requests with 429 + Retry-After, 3% with a 5xx, 1% with a
connection reset, 1% with a truncated body, 0.5% slowly, and now and then with a body over the
size cap or a gzip bomb. Sources run on worker threads as the nightly flow runs them, sharing
one per-host limit. Every night the boards change a little (jobs closed, opened, edited), and
the warehouse is compared with the oracle of what the boards hold.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import os
import resource
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from jobingest.report import RunReport
from jobingest.settings import Settings
from tests import warehouse_checks as checks
from tests.conftest import write_sources
from tests.fakeboards import FakeBoards, Fault, FaultMix
from tests.nightly import nightly
from tests.soak_world import World

pytestmark = pytest.mark.slow

SEED = 20261130
BOARDS, POSTINGS, NIGHTS = 24, 20, 3
WORKERS, PER_HOST = 6, 2
BODY_CAP = 1024 * 1024
RETRY_AFTER = 1
# Later nights may peak a little higher (caches fill, a gzip bomb lands on another night), but
# memory that grows with the postings handled would pass this within a few nights. The first
# night usually peaks highest: it loads the gazetteer and taxonomies.
PEAK_GROWTH_BOUND = 64 * 2**20


def _rss() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # not Linux: the high-water mark is the best there is
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


@contextlib.contextmanager
def peak_rss(peaks: list[int]) -> Iterator[None]:
    """Append the highest resident set size of this process while the block ran (sampled)."""
    done = threading.Event()
    seen = [_rss()]

    def sample() -> None:
        while not done.wait(0.01):
            seen.append(_rss())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield
    finally:
        done.set()
        sampler.join()
        peaks.append(max(*seen, _rss()))


def _short_waits(boards: FakeBoards) -> list[str]:
    """429s whose path was asked again before its Retry-After had passed."""
    by_path: dict[str, list[float]] = {}
    statuses: dict[tuple[str, float], int] = {}
    for request in boards.requests:
        by_path.setdefault(request.path, []).append(request.at)
        statuses[(request.path, request.at)] = request.status
    early = []
    for path, times in by_path.items():
        for before, after in itertools.pairwise(sorted(times)):
            if statuses[(path, before)] == 429 and after - before < RETRY_AFTER:
                early.append(f"{path}: asked again {after - before:.3f}s after a 429")
    return early


def _faulted_sources(boards: FakeBoards, entries: list[dict[str, object]]) -> set[str]:
    """Sources whose requests met at least one injected fault this night."""
    faulted_paths = {r.path for r in boards.requests if r.status == 0 or r.status >= 400}
    return {str(e["name"]) for e in entries if urlsplit(str(e["url"])).path in faulted_paths}


def test_three_nights_under_a_fault_mix_lose_and_duplicate_nothing(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    soak = settings.model_copy(
        update={
            "http_per_host_concurrency": PER_HOST,
            "http_max_body_bytes": BODY_CAP,
            "http_max_attempts": 4,
            "http_backoff_max": 0.05,
            "http_timeout": 5.0,
        }
    )
    world = World(SEED, BOARDS, POSTINGS)
    mix = FaultMix(
        seed=SEED,
        retry_after=RETRY_AFTER,
        slow_delay=0.2,
        oversized_bytes=2 * BODY_CAP,
        bomb_bytes=8 * BODY_CAP,
    )
    peaks: list[int] = []
    baseline = _rss()
    boards.fault_mix(mix)
    try:
        for night in range(1, NIGHTS + 1):
            if night > 1:
                world.churn()
            entries = world.publish(boards)
            sources = write_sources(tmp_path, entries)
            if night == 1:
                _queue_rare_faults(boards, entries)
            boards.reset_log()
            gc.collect()
            with peak_rss(peaks):
                report = nightly(soak, sources, workers=WORKERS)
            _check_night(night, boards, soak, world, entries, report)
        drawn = Counter(boards.drawn)
    finally:
        boards.fault_mix(None)

    print(f"faults injected by the mix over {NIGHTS} nights: {dict(sorted(drawn.items()))}")
    print(
        f"RSS before the first night {baseline / 2**20:.1f} MB, peak per night (MB): "
        + ", ".join(f"{p / 2**20:.1f}" for p in peaks)
    )
    assert drawn["429"] and drawn["5xx"], "the mix never rate-limited or failed a request"
    assert max(peaks[1:]) - peaks[0] <= PEAK_GROWTH_BOUND, f"peak memory grew: {peaks}"
    assert peaks[-1] - peaks[1] <= PEAK_GROWTH_BOUND / 2, f"peak memory grew: {peaks}"


def _queue_rare_faults(boards: FakeBoards, entries: list[dict[str, object]]) -> None:
    """At this scale the mix may draw no rare fault; queue one of each on the first night."""
    paths = [urlsplit(str(e["url"])).path for e in entries]
    rare = [
        Fault("reset"),
        Fault("truncate"),
        Fault("slow", delay=0.2),
        Fault("oversized", size=2 * BODY_CAP),
        Fault("gzip_bomb", size=8 * BODY_CAP),
    ]
    for path, fault in zip(paths[1::4], rare, strict=False):
        boards.fail(path, fault)


def _check_night(
    night: int,
    boards: FakeBoards,
    settings: Settings,
    world: World,
    entries: list[dict[str, object]],
    report: RunReport,
) -> None:
    names = [str(e["name"]) for e in entries]
    by_name = {s.source_name: s for s in report.sources}
    failed = {name: s.reason for name, s in by_name.items() if s.status != "ok"}
    completed = [name for name in names if by_name[name].status == "ok"]
    oracle = world.oracle()
    open_now = checks.listings(settings, open_only=True)
    expected = set().union(*(oracle[name] for name in completed))
    held = {key for key in open_now if f"{key[0]}-{key[1]}" in completed}
    lost, stale = expected - held, held - expected
    dupes = checks.duplicates(settings)
    early = _short_waits(boards)
    status_counts = Counter(r.status for r in boards.requests)
    print(
        f"night {night}: run {report.status}, {len(completed)}/{len(names)} sources completed, "
        f"{len(expected)} postings in the oracle for them, lost={len(lost)}, "
        f"not closed={len(stale)}, duplicates={dupes}, requests={len(boards.requests)} "
        f"by status {dict(sorted(status_counts.items()))}, "
        f"max in flight={boards.max_in_flight} (limit {PER_HOST})"
    )
    for name, reason in sorted(failed.items()):
        print(f"  failed {name}: {reason}")

    assert sorted(by_name) == sorted(names), "every source is in the report"
    assert report.status in ("completed", "partial"), "no source failure aborts the run"
    assert all(reason for reason in failed.values()), f"a failure without its reason: {failed}"
    assert set(failed) <= _faulted_sources(boards, entries), "a source failed without a fault"
    assert len(completed) >= len(names) // 2
    assert not lost, f"postings lost: {sorted(lost)[:5]}"
    assert not stale, f"postings the boards no longer list are still open: {sorted(stale)[:5]}"
    assert dupes == dict.fromkeys(dupes, 0)
    assert not early, early[:5]
    assert boards.max_in_flight <= PER_HOST
    assert not checks.bookkeeping_ahead(settings, world.published)
