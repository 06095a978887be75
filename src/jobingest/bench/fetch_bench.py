"""Nights against loopback boards with injected latency: the real pipeline (fetch → land → parse →
extract → load) over every board, four sources at a time as the nightly flow runs them, at the
configured politeness limits. The baseline night runs the same boards one after another, as
`jobingest run --no-prefect` does. A second night over unchanged boards is answered with 304s.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as clock_time
from pathlib import Path

from jobingest import pipeline
from jobingest.bench.boards import ORIGINS
from jobingest.bench.landing import LandedCorpus
from jobingest.bench.server import BenchBoards
from jobingest.fetch import Fetcher, open_fetcher
from jobingest.models import SourceConfig
from jobingest.rawstore import RawStore
from jobingest.settings import Settings

FLOW_WORKERS = 4  # flows/nightly.py: ThreadPoolTaskRunner(max_workers=4)


@dataclass(frozen=True)
class Night:
    seconds: float
    body_bytes: int
    boards: int
    failed: int
    not_modified: int
    requests: int = 0
    floor: float = 0.0  # seconds the busiest host's requests need at the politeness rate
    cpu_seconds: float = 0.0  # this process: the pipeline and the loopback boards it talks to

    @property
    def boards_per_second(self) -> float:
        return self.boards / self.seconds


def serve_sources(corpus: LandedCorpus, server: BenchBoards, folder: Path, boards: int) -> Path:
    """The corpus's sources file with its first `boards` boards pointed at the loopback hosts."""
    entries = json.loads(corpus.sources_file.read_text())["sources"][:boards]
    for entry in entries:
        real, served = ORIGINS[entry["kind"]], server.origin(entry["kind"], entry["name"])
        entry["url"] = entry["url"].replace(real, served, 1)
        pages = entry.get("options", {}).get("pages")
        if pages:
            entry["options"]["pages"] = [url.replace(real, served, 1) for url in pages]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"served-{boards}.yaml"
    path.write_text(json.dumps({"sources": entries}))
    return path


def run_night(settings: Settings, sources_file: Path, day: date, *, workers: int) -> Night:
    """One nightly run of every source in the file; its time and the body bytes it received."""

    def clock() -> datetime:
        return datetime.combine(day, clock_time(2, 0), tzinfo=UTC)

    run_id, plan = pipeline.start_run(settings, sources_file, clock=clock)
    store = RawStore(settings.raw_store)
    with open_fetcher(settings) as fetcher:
        start, cpu = time.perf_counter(), time.process_time()
        with ThreadPoolExecutor(workers) as pool:
            outcomes = list(
                pool.map(
                    lambda e: _ingest(settings, run_id, e, fetcher, store, clock), plan.enabled
                )
            )
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    report = pipeline.finish_run(settings, run_id, plan, clock=clock)
    return Night(
        seconds=seconds,
        body_bytes=fetcher.stats.bytes_received,
        boards=len(outcomes),
        failed=sum(not ok for ok in outcomes),
        not_modified=report.total("not_modified"),
        requests=fetcher.stats.requests,
        floor=fetcher.stats.politeness_floor(settings.http_per_host_rps),
        cpu_seconds=cpu,
    )


def _ingest(
    settings: Settings,
    run_id: int,
    entry: SourceConfig,
    fetcher: Fetcher,
    store: RawStore,
    clock: pipeline.Clock,
) -> bool:
    try:
        pipeline.ingest_source(settings, run_id, entry, fetcher=fetcher, store=store, clock=clock)
    except pipeline.SourceFailedError:
        return False
    return True
