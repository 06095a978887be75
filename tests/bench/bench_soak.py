"""The soak at scale: thousands of boards on the loopback fake server, under the fault mix.

    .venv/bin/python tests/bench/bench_soak.py                        # 5,000 boards x 50, 1 night
    .venv/bin/python tests/bench/bench_soak.py --boards 500 --nights 3
    .venv/bin/python tests/bench/bench_soak.py --database-url postgresql+psycopg://...

Prints wall time per night, fetches, retries per fetch, p50/p95 fetch latency (one `get`,
retries and Retry-After waits included), the run status, failed sources by reason, postings
lost (the oracle minus the warehouse for sources that completed), duplicates and peak RSS.
Not a test: pytest never collects it (tests/bench/conftest.py), and nothing here asserts a time.
Uses the same seeded fault mix as tests/test_soak.py (5% 429 with Retry-After: 1, 3% 5xx,
1% resets, 1% truncated bodies, 0.5% slow bodies, 0.2% each oversized and gzip bombs).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from jobingest.fetch import Fetcher, FetchResult, build_client
from jobingest.settings import Settings
from tests import warehouse_checks as checks
from tests.conftest import write_sources
from tests.fakeboards import FakeBoards, FaultMix
from tests.nightly import nightly
from tests.soak_world import World

SEED = 20261130
BODY_CAP = 4 * 1024 * 1024


class TimedFetcher(Fetcher):
    """A fetcher that also keeps how long each `get` took, retries and waits included."""

    latencies: ClassVar[list[float]] = []
    totals: ClassVar[Counter[str]] = Counter()
    lock: ClassVar[threading.Lock] = threading.Lock()

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        started = time.monotonic()
        try:
            return super().get(url, etag=etag, last_modified=last_modified)
        finally:
            with self.lock:
                self.latencies.append(time.monotonic() - started)

    def close_stats(self) -> None:
        with self.lock:
            self.totals["requests"] += self.stats.requests
            self.totals["retries"] += self.stats.retries


@contextmanager
def timed_fetcher(settings: Settings) -> Iterator[Fetcher]:
    with build_client(settings) as client:
        fetcher = TimedFetcher(client, settings)
        try:
            yield fetcher
        finally:
            fetcher.close_stats()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--boards", type=int, default=5000)
    parser.add_argument("--postings", type=int, default=50)
    parser.add_argument("--nights", type=int, default=1)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--per-host", type=int, default=4)
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp folder")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    settings = Settings(
        database_url=args.database_url or f"sqlite:///{folder / 'warehouse.db'}",
        raw_store=str(folder / "raw"),
        http_allow_private_hosts=["127.0.0.1"],
        http_per_host_rps=100_000,
        http_per_host_concurrency=args.per_host,
        http_max_attempts=4,
        http_backoff_max=0.2,
        http_timeout=10.0,
        http_max_body_bytes=BODY_CAP,
        source_task_retries=0,
    )
    print(
        f"{args.boards} boards x {args.postings} postings, {args.nights} night(s), "
        f"{args.workers} workers, {args.per_host} per host, {settings.database_url}"
    )
    started = time.monotonic()
    world = World(SEED, args.boards, args.postings)
    mix = FaultMix(seed=SEED, oversized_bytes=2 * BODY_CAP, bomb_bytes=8 * BODY_CAP)
    print(f"world built in {time.monotonic() - started:.1f}s")
    with FakeBoards() as boards:
        boards.fault_mix(mix)
        for night in range(1, args.nights + 1):
            if night > 1:
                world.churn()
            sources = write_sources(folder, world.publish(boards))
            boards.reset_log()
            TimedFetcher.latencies.clear()
            TimedFetcher.totals.clear()
            began = time.monotonic()
            report = nightly(settings, sources, workers=args.workers, fetcher=timed_fetcher)
            wall = time.monotonic() - began
            _print_night(night, wall, report, boards, world, settings)
        print(f"faults injected: {dict(sorted(boards.drawn.items()))}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the process (server included): {peak:.0f} MB; data in {folder}")


def _print_night(
    night: int,
    wall: float,
    report: object,
    boards: FakeBoards,
    world: World,
    settings: Settings,
) -> None:
    from jobingest.report import RunReport

    assert isinstance(report, RunReport)
    completed = {s.source_name for s in report.sources if s.status == "ok"}
    failed = Counter(
        (s.reason or "").split(":")[0][:60] for s in report.sources if s.status != "ok"
    )
    oracle = world.oracle()
    expected = set().union(*(oracle[name] for name in completed))
    held = {
        key
        for key in checks.listings(settings, open_only=True)
        if f"{key[0]}-{key[1]}" in completed
    }
    totals = TimedFetcher.totals
    gets = len(TimedFetcher.latencies)
    print(
        f"night {night}: wall {wall:.1f}s, run {report.status}, "
        f"{len(completed)}/{len(report.sources)} sources completed, "
        f"{report.total('parsed')} parsed, new {report.total('new')}, "
        f"updated {report.total('updated')}, unchanged {report.total('unchanged')}, "
        f"closed {report.total('closed')}"
    )
    print(
        f"  fetches {gets}, HTTP requests {totals['requests']}, retries {totals['retries']} "
        f"({totals['retries'] / max(gets, 1):.3f} per fetch), "
        f"p50 {percentile(TimedFetcher.latencies, 0.5) * 1000:.0f} ms, "
        f"p95 {percentile(TimedFetcher.latencies, 0.95) * 1000:.0f} ms, "
        f"max in flight {boards.max_in_flight}"
    )
    print(
        f"  lost {len(expected - held)}, not closed {len(held - expected)}, "
        f"duplicates {checks.duplicates(settings)}, failed by reason {dict(failed)}"
    )


if __name__ == "__main__":
    main()
