"""Worker processes that parse and extract landed payloads for a replay, while the parent loads.

Parsing and extraction are pure and CPU-bound, so they spread over processes; loading stays in
the parent, the single writer (SQLite allows no other). A job is a slice of one chunk's
payloads; what crosses the process boundary is the raw store's URL, the payload's id, hash and
URL, and its `RecordContext` in, `ParsedPayload`s with their postings already hashed and
featurised for dedupe (`prepare_postings`) out. Bodies are read from the store by the
worker, never shipped through a pipe.

Workers fork from a forkserver that has imported the extractors and loaded their gazetteers
once (`jobingest.replay_warm`), so a pool starts in milliseconds instead of paying that warm-up
per worker; where forkserver is unavailable, spawned workers warm up in their initializer.
A payload a worker cannot parse comes back as None: the parent parses it again itself, so the
error it records is exactly the one a one-process replay records.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from types import TracebackType

from jobingest.parse import ParsedPayload, parse_payload
from jobingest.rawstore import RawStore
from jobingest.sources import get_connector
from jobingest.sources.base import RecordContext
from jobingest.warehouse.load import PreparedPosting, prepare_postings

_WARM_MODULE = "jobingest.replay_warm"


@dataclass(frozen=True)
class ParseJob:
    payload_id: int
    sha256: str
    url: str
    ctx: RecordContext


@dataclass(frozen=True)
class ReadyPayload:
    """A parsed payload with its postings prepared for loading (content hash and dedupe
    features), the CPU-bound part of a load."""

    parsed: ParsedPayload
    prepared: list[PreparedPosting]


Parsed = dict[int, ReadyPayload | None]


def parse_jobs(store_url: str, kind: str, jobs: Sequence[ParseJob]) -> Parsed:
    """Run in a worker: every payload of the slice parsed and prepared, or None where it
    failed."""
    store = _store(store_url)
    connector = get_connector(kind)
    parsed: Parsed = {}
    for job in jobs:
        try:
            payload = parse_payload(connector, store.get(job.sha256), url=job.url, ctx=job.ctx)
            parsed[job.payload_id] = ReadyPayload(payload, prepare_postings(payload.postings))
        except Exception:  # the parent parses it again and records the real error
            parsed[job.payload_id] = None
    return parsed


@lru_cache(maxsize=4)
def _store(url: str) -> RawStore:
    return RawStore(url)


def _warm_worker() -> None:
    from jobingest.replay_warm import warm

    warm()


def _executor(workers: int) -> ProcessPoolExecutor:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([_WARM_MODULE])
        return ProcessPoolExecutor(workers, mp_context=context)
    spawn = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(workers, mp_context=spawn, initializer=_warm_worker)


class ParsePool:
    """A process pool for parse jobs; use as a context manager."""

    def __init__(self, workers: int, store_url: str) -> None:
        if workers < 1:
            raise ValueError("a parse pool needs at least one worker")
        self.workers = workers
        self._store_url = store_url
        self._executor = _executor(workers)

    def submit(self, kind: str, jobs: Sequence[ParseJob]) -> Future[Parsed]:
        return self._executor.submit(parse_jobs, self._store_url, kind, list(jobs))

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
