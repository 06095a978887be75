"""Replay throughput (raw landing zone → parse → extract → dedupe → load), postings per second,
on a fresh warehouse per run, next to the straightforward replay on its own fresh warehouse."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from jobingest import backfill
from jobingest.bench.baseline import replay_straightforward
from jobingest.bench.landing import LandedCorpus, index_corpus
from jobingest.bench.warehouses import fresh_warehouse
from jobingest.replay_pool import ParsePool


@dataclass(frozen=True)
class ReplayRun:
    postings: int
    seconds: float
    duplicates: int = 0
    cpu_seconds: float = 0.0  # this process's CPU time: the critical path when workers parse

    @property
    def cpu_rate(self) -> float:
        return self.postings / self.cpu_seconds if self.cpu_seconds else 0.0

    @property
    def rate(self) -> float:
        return self.postings / self.seconds


def warm_up(corpus: LandedCorpus) -> None:
    """Load the extractors here and start the workers' forkserver, so no run pays for either."""
    with ParsePool(2, corpus.raw_store) as pool:
        started = [pool.submit("greenhouse", []) for _ in range(2)]  # the forkserver warms...
        import jobingest.replay_warm  # noqa: F401 - ...while this process does: importing warms

        for future in started:
            future.result()


def replay_once(
    corpus: LandedCorpus, database: str, folder: Path, workers: int, postgres_url: str | None
) -> ReplayRun:
    with fresh_warehouse(
        database, folder, raw_store=corpus.raw_store, postgres_url=postgres_url
    ) as settings:
        index_corpus(settings, corpus)
        start, cpu = time.perf_counter(), time.process_time()
        report = backfill.replay(
            settings,
            since=corpus.day,
            until=corpus.day,
            sources_file=corpus.sources_file,
            workers=workers,
        )
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    if report.status != "completed":
        failed = "; ".join(f"{s.source_name}: {s.reason}" for s in report.failed[:3])
        raise RuntimeError(f"benchmark replay did not complete: {failed}")
    return ReplayRun(report.total("parsed"), seconds, report.total("duplicates"), cpu)


def baseline_once(
    corpus: LandedCorpus, database: str, folder: Path, postgres_url: str | None
) -> ReplayRun:
    with fresh_warehouse(
        database, folder, raw_store=corpus.raw_store, postgres_url=postgres_url
    ) as settings:
        index_corpus(settings, corpus)
        start = time.perf_counter()
        postings = replay_straightforward(settings, str(corpus.sources_file))
        return ReplayRun(postings, time.perf_counter() - start)
