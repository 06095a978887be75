"""Load throughput in rows per second: `load_batch` as the pipeline calls it (batches of
`load_batch_size`, a transaction each) next to the straightforward loader, one ORM `add` and
commit per row, measured in the same run on the same kind of database.

Postings are prepared first (content hash and dedupe features, `prepare_postings`): that is CPU
work a replay does in its worker processes, and it is reported as its own figure, so the load
figures are the warehouse's. Matching new listings against their blocks (`match_new`) is part
of loading and stays in; its share is reported. Each run gets a scratch warehouse (a new SQLite
file, or a new PostgreSQL schema dropped afterwards), never the one in the settings.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url
from sqlmodel import Session

from jobingest.bench.corpus import Corpus
from jobingest.bench.warehouses import fresh_warehouse
from jobingest.settings import Settings
from jobingest.warehouse import runs as run_rows
from jobingest.warehouse.bulk import allocate_ids, upsert_by_id
from jobingest.warehouse.db import get_engine, upgrade
from jobingest.warehouse.identity import DedupePolicy
from jobingest.warehouse.load import (
    PreparedPosting,
    load_batch,
    match_new,
    posting_values,
    prepare_postings,
    source_table,
)
from jobingest.warehouse.tables import Posting as PostingRow
from jobingest.warehouse.tables import PostingSource

SEEN = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
BASELINE = "ORM add + commit per row"
_BASELINE_ROWS = 2_000  # a rate: the per-row baseline needs no more rows to be stable


def measure_load(settings: Settings, n_rows: int, *, runs: int = 3) -> list[dict[str, Any]]:
    """Rows/s of new, changed and unchanged listings through `load_batch`, new ones also through
    its plain Core path and the ORM baseline; medians of `runs` runs on the database `settings`
    names. `value` is wall-clock rows/s; `cpu_value` rows per CPU second of this process (all
    the work on SQLite, the client's share on PostgreSQL), steadier on a busy machine."""
    url = settings.database_url.get_secret_value()
    database = make_url(url).get_backend_name()
    postings = [posting for posting, _ in Corpus(n_rows)]
    started = time.process_time()
    prepared = prepare_postings(postings)
    prepare_rate = n_rows / (time.process_time() - started)
    edited = prepare_postings(_edited(p) for p in postings)
    baseline_rows = prepared[: min(n_rows, _BASELINE_ROWS)]
    size = settings.load_batch_size
    rates: dict[str, list[_Rate]] = {}
    matcher: list[float] = []
    for _ in range(runs):
        with _scratch(url) as engine:
            run_id = _start_run(engine)
            nights = (("new", prepared, 0), ("changed", edited, 1), ("unchanged", edited, 2))
            for name, items, day in nights:
                seen = SEEN + timedelta(days=day)
                rates.setdefault(name, []).append(_timed_load(engine, items, run_id, seen, size))
            rates.setdefault("listings", []).append(_timed_listing_upserts(engine, run_id, size))
        with _scratch(url) as engine:
            run_id = _start_run(engine)
            unmatched = [unblocked(item) for item in prepared]
            rates.setdefault("unmatched", []).append(
                _timed_load(engine, unmatched, run_id, SEEN, size)
            )
        with _scratch(url) as engine:
            run_id = _start_run(engine)
            rates.setdefault("plain", []).append(
                _timed_load(engine, prepared, run_id, SEEN, size, bulk=False)
            )
        with _scratch(url) as engine:
            matcher.append(_matcher_share(engine, prepared, size))
        with _scratch(url) as engine:
            rates.setdefault("orm", []).append(_orm_rates(engine, baseline_rows))
    figure = _figure_maker(database, n_rows, runs)
    orm = rates["orm"]
    note = f"baseline on {len(baseline_rows):,} rows"
    return [
        figure("upsert new postings (bulk)", rates["new"], orm, note),
        figure("upsert new postings (plain Core path)", rates["plain"], orm, note),
        figure("upsert new postings, no matching (bulk)", rates["unmatched"], orm, note),
        figure("upsert changed postings (with versions)", rates["changed"]),
        figure("upsert listing rows alone (posting_source, bulk)", rates["listings"], (),
               "12 narrow columns: the upsert itself, without the wide posting row"),
        figure("unchanged postings (seen again)", rates["unchanged"]),
        {**figure("matcher share of new-posting load", []), "unit": "%",
         "value": round(100 * statistics.median(matcher), 1)},
        {**figure("prepare (content hash + dedupe features)", []), "cpu_value": round(prepare_rate),
         "note": "CPU only, not inside the load figures"},
    ]  # fmt: skip


_Rate = tuple[float, float]  # rows per wall-clock second, rows per CPU second


def _figure_maker(database: str, n_rows: int, runs: int) -> Callable[..., dict[str, Any]]:
    def figure(
        measure: str, ours: list[_Rate], base: Sequence[_Rate] = (), note: str = ""
    ) -> dict[str, Any]:
        value, cpu = _median(ours, 0), _median(ours, 1)
        baseline, baseline_cpu = _median(base, 0), _median(base, 1)
        return {
            "benchmark": "load",
            "measure": measure,
            "database": database,
            "unit": "rows/s",
            "rows": n_rows,
            "runs": runs,
            "value": value,
            "values": [round(wall) for wall, _ in ours],
            "cpu_value": cpu,
            "baseline": BASELINE if base else None,
            "baseline_value": baseline,
            "baseline_cpu_value": baseline_cpu,
            "ratio": round(value / baseline, 1) if value and baseline else None,
            "note": note,
        }

    return figure


def _median(rates: Sequence[_Rate], which: int) -> int | None:
    return round(statistics.median(rate[which] for rate in rates)) if rates else None


def unblocked(item: PreparedPosting) -> PreparedPosting:
    """The same posting with no block, so no candidates: the load without its matching."""
    return PreparedPosting(item.posting, item.digest, replace(item.features, block_key=None))


def _edited(posting: Any) -> Any:
    """The same listing the next night with a new title: a changed posting, with a version."""
    return posting.model_copy(update={"title": f"{posting.title} (Remote)"})


def _start_run(engine: Engine) -> int:
    with engine.begin() as connection:
        run_id = run_rows.start_run(connection, now=SEEN, sources_file=None, flow_run_id=None)
        run_rows.start_source(
            connection, run_id=run_id, source_name="bench", kind="bench", board=None, now=SEEN
        )
    return run_id


def _timed_load(
    engine: Engine,
    prepared: list[PreparedPosting],
    run_id: int,
    seen: datetime,
    size: int,
    *,
    bulk: bool = True,
) -> _Rate:
    wall, cpu = time.perf_counter(), time.process_time()
    for first in range(0, len(prepared), size):
        with engine.begin() as connection:
            load_batch(
                connection, prepared[first : first + size], run_id=run_id, source_name="bench",
                seen_at=seen, bulk=bulk,
            )  # fmt: skip
    return _rates(len(prepared), wall, cpu)


def _timed_listing_upserts(engine: Engine, run_id: int, size: int) -> _Rate:
    """`upsert_by_id` of new `posting_source` rows (a second listing of every stored posting),
    in batches of `size`, a transaction each: the bulk path on a narrow row."""
    with engine.connect() as connection:
        listed = [dict(row) for row in connection.execute(select(source_table)).mappings()]
    wall, cpu = time.perf_counter(), time.process_time()
    for first in range(0, len(listed), size):
        with engine.begin() as connection:
            batch = listed[first : first + size]
            ids = allocate_ids(connection, source_table, len(batch))
            rows = [
                {
                    **row,
                    "id": new_id,
                    "source_id": f"{row['source_id']}-again",
                    "last_run_id": run_id,
                }
                for row, new_id in zip(batch, ids, strict=True)
            ]
            upsert_by_id(connection, source_table, rows, ("last_seen_at", "last_run_id"))
    return _rates(len(listed), wall, cpu)


def _rates(rows: int, wall: float, cpu: float) -> _Rate:
    return rows / (time.perf_counter() - wall), rows / max(time.process_time() - cpu, 1e-9)


def _matcher_share(engine: Engine, prepared: list[PreparedPosting], size: int) -> float:
    """Time of matching each batch (done again, read-only, just before it loads) over the time
    of loading it."""
    run_id = _start_run(engine)
    matching = loading = 0.0
    for first in range(0, len(prepared), size):
        batch = prepared[first : first + size]
        with engine.begin() as connection:
            started = time.perf_counter()
            match_new(connection, batch, seen_at=SEEN, policy=DedupePolicy())
            matched = time.perf_counter()
            load_batch(connection, batch, run_id=run_id, source_name="bench", seen_at=SEEN)
            matching += matched - started
            loading += time.perf_counter() - matched
    return matching / loading if loading else 0.0


def _orm_rates(engine: Engine, prepared: list[PreparedPosting]) -> _Rate:
    """The straightforward loader: a posting and its listing added through the ORM, a commit
    each (no matching, so the baseline is if anything flattered)."""
    wall, cpu = time.perf_counter(), time.process_time()
    with Session(engine) as session:
        for item in prepared:
            posting = item.posting
            row = PostingRow(
                **posting_values(posting, item.digest, {}, item.features),
                source=posting.source, board=posting.board, source_id=posting.source_id,
                first_seen_at=SEEN, last_seen_at=SEEN, updated_at=SEEN,
            )  # fmt: skip
            session.add(row)
            session.flush()
            listing = PostingSource(
                posting_id=row.id or 0, source=posting.source, board=posting.board,
                source_id=posting.source_id, source_name="bench", url=posting.url,
                content_hash=item.digest, first_seen_at=SEEN, last_seen_at=SEEN,
            )  # fmt: skip
            session.add(listing)
            session.commit()
    return _rates(len(prepared), wall, cpu)


@contextmanager
def _scratch(url: str) -> Iterator[Engine]:
    """An empty, migrated warehouse beside the one `url` names, removed afterwards."""
    database = make_url(url).get_backend_name()
    with (
        tempfile.TemporaryDirectory(prefix="jobingest-bench-") as folder,
        fresh_warehouse(
            database, Path(folder), raw_store=str(Path(folder) / "raw"),
            postgres_url=url if database == "postgresql" else None,
        ) as settings,
    ):  # fmt: skip
        scratch = settings.database_url.get_secret_value()
        upgrade(scratch)
        yield get_engine(scratch)
        get_engine(scratch).dispose()
