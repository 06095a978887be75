"""A nightly run the way the Prefect flow runs it, without Prefect: sources on worker threads.

`flows/nightly.py` submits one task per source to a thread pool; each task opens its own
fetcher and all of them share the process-wide per-host limiter. The soak test and benchmark
need that concurrency (a sequential `run_once` could never exceed a per-host limit) and, in the
benchmark, a say in which fetcher a source uses.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from pathlib import Path

from jobingest import pipeline
from jobingest.fetch import Fetcher, open_fetcher
from jobingest.models import SourceConfig
from jobingest.report import RunReport
from jobingest.settings import Settings

FetcherFactory = Callable[[Settings], AbstractContextManager[Fetcher]]


def nightly(
    settings: Settings,
    sources: Path,
    *,
    workers: int,
    fetcher: FetcherFactory = open_fetcher,
) -> RunReport:
    run_id, plan = pipeline.start_run(settings, sources)

    def ingest(entry: SourceConfig) -> None:
        # A failed task is recorded with its reason (finish_run names any that could not be);
        # as in the flow, the run goes on.
        with fetcher(settings) as own, contextlib.suppress(Exception):
            pipeline.ingest_source(settings, run_id, entry, fetcher=own)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(ingest, plan.enabled))
    report = pipeline.finish_run(settings, run_id, plan)
    pipeline.refresh_marts(settings)
    return report
