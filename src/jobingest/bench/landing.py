"""The corpus landed as a nightly run lands what it fetches: bodies gzip-compressed in a raw
store under their sha256, one `raw_payload` row per response, and a sources file naming every
board, so `jobingest.backfill.replay` can replay it like any landed night.

Bodies are written once (`land_corpus`); each measured warehouse gets the index rows
(`index_corpus`), so runs on fresh warehouses replay the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from jobingest.bench.boards import ORIGINS, boards
from jobingest.bench.corpus import Corpus
from jobingest.models import Posting
from jobingest.pipeline import database_url, prepare_warehouse
from jobingest.rawstore import RawStore
from jobingest.settings import Settings
from jobingest.warehouse import runs
from jobingest.warehouse.db import get_engine

LANDED_ON = date(2026, 10, 1)
_INSERT_ROWS = 1000


@dataclass(frozen=True)
class LandedPage:
    source_name: str
    kind: str
    path: str  # path and query, unique across the corpus
    url: str  # at the kind's real origin
    content_type: str
    sha256: str
    size: int
    stored_size: int
    records: int


@dataclass(frozen=True)
class LandedCorpus:
    raw_store: str
    sources_file: Path
    pages: list[LandedPage]
    postings: int
    copies: int  # postings that are cross-posted copies of another (the known duplicates)
    boards: int
    body_bytes: int

    @property
    def day(self) -> date:
        return LANDED_ON

    def head(self, pages: int) -> LandedCorpus:
        """The corpus cut to its first `pages` payloads (for a second, smaller size)."""
        kept = self.pages[:pages]
        return replace(
            self,
            pages=kept,
            postings=sum(page.records for page in kept),
            boards=len({page.source_name for page in kept}),
            body_bytes=sum(page.size for page in kept),
        )


def land_corpus(folder: Path, *, postings: int, seed: int) -> LandedCorpus:
    """Render and store the corpus under `folder` (raw store and sources file), board by board,
    so no more than one board's bodies are in memory."""
    folder.mkdir(parents=True, exist_ok=True)
    store_url = str(folder / "raw")
    store = RawStore(store_url)
    clusters: set[int] = set()

    def counted() -> Iterator[tuple[Posting, int]]:
        for posting, cluster in Corpus(postings, seed=seed):
            clusters.add(cluster)
            yield posting, cluster

    pages, entries = [], []
    for board in boards(counted()):
        origin = ORIGINS[board.kind]
        entries.append(board.entry(origin))
        for page in board.pages:
            stored = store.put(page.body)
            pages.append(
                LandedPage(board.name, board.kind, page.path, origin + page.path,
                           page.content_type, stored.sha256, stored.size, stored.stored_size,
                           page.records)
            )  # fmt: skip
    sources_file = folder / "sources.yaml"
    sources_file.write_text(json.dumps({"sources": entries}, indent=1))
    return LandedCorpus(
        raw_store=store_url,
        sources_file=sources_file,
        pages=pages,
        postings=sum(page.records for page in pages),
        copies=postings - len(clusters),
        boards=len(entries),
        body_bytes=sum(page.size for page in pages),
    )


def index_corpus(settings: Settings, corpus: LandedCorpus) -> int:
    """Index every landed page in the warehouse's `raw_payload`, as the run that fetched them
    would have; returns that run's id."""
    prepare_warehouse(settings)
    fetched_at = datetime.combine(corpus.day, time(2, 0), tzinfo=UTC)
    with get_engine(database_url(settings)).begin() as connection:
        run_id = runs.start_run(
            connection, now=fetched_at, sources_file=str(corpus.sources_file), flow_run_id=None
        )
        rows: list[dict[str, Any]] = [
            {"run_id": run_id, "source_name": page.source_name, "kind": page.kind,
             "board": page.source_name, "url": page.url, "fetched_at": fetched_at,
             "status": 200, "etag": None, "last_modified": None,
             "content_type": page.content_type, "sha256": page.sha256, "size": page.size,
             "stored_size": page.stored_size, "records": page.records, "follow": []}
            for page in corpus.pages
        ]  # fmt: skip
        for start in range(0, len(rows), _INSERT_ROWS):
            connection.execute(insert(runs.raw_table), rows[start : start + _INSERT_ROWS])
        runs.finish_run(connection, run_id=run_id, now=fetched_at, report={})
    return run_id
