"""Runs every measurement `runs` times and collects the table's rows.

Sizes: the full run replays a 20,000-posting corpus and fetches 1,000 boards; `--quick` scales
everything down so the whole table takes about a minute (CI), which makes its figures noisy and
its memory row an extrapolation. Rates are medians over runs; each run starts from a fresh
warehouse, and each baseline is measured in the same run on the same corpus.
"""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from jobingest.bench import fetch_bench, memory_bench, replay_bench
from jobingest.bench.landing import LandedCorpus, land_corpus
from jobingest.bench.load import measure_load
from jobingest.bench.server import BenchBoards
from jobingest.bench.table import Row
from jobingest.bench.warehouses import fresh_warehouse, postgres_problem
from jobingest.settings import Settings

DATABASES = (("sqlite", "SQLite"), ("postgresql", "PostgreSQL"))


@dataclass(frozen=True)
class BenchOptions:
    runs: int = 3
    postgres_url: str | None = None
    replay_postings: int = 20_000
    fetch_boards: int = 1_000
    fetch_baseline_boards: int = 200  # the one-at-a-time night is slow; its rate is per board
    load_rows: int = 20_000
    latency: float = 0.1
    seed: int = 20260511
    quick: bool = False

    @classmethod
    def quick_mode(cls, runs: int = 1, postgres_url: str | None = None) -> BenchOptions:
        return cls(
            runs=runs, postgres_url=postgres_url, replay_postings=120, fetch_boards=8,
            fetch_baseline_boards=8, load_rows=1_000, quick=True,
        )  # fmt: skip


Progress = Callable[[str], None]


def run_bench(options: BenchOptions, progress: Progress = print) -> tuple[list[Row], str]:
    """Every row of the table, and a one-line description of the corpus."""
    with tempfile.TemporaryDirectory(prefix="jobingest-bench-") as scratch:
        folder = Path(scratch)
        progress(f"landing a {options.replay_postings:,}-posting corpus")
        corpus = land_corpus(folder / "corpus", postings=options.replay_postings, seed=options.seed)
        replay_bench.warm_up(corpus)
        pg_problem = postgres_problem(options.postgres_url)
        rows = _replay_rows(options, corpus, folder, pg_problem, progress)
        rows += _fetch_rows(options, corpus, folder, progress)
        rows += _load_rows(options, folder, pg_problem, progress)
        rows.append(_memory_row(options, corpus, folder, progress))
    described = (
        f"corpus: {corpus.postings:,} postings ({corpus.copies:,} cross-posted copies, "
        f"{corpus.copies / max(corpus.postings, 1):.0%}), {corpus.boards:,} boards, "
        f"{len(corpus.pages):,} payloads, {corpus.body_bytes / 2**20:,.1f} MiB of bodies; "
        f"seed {options.seed}; {options.runs} run(s) per figure, medians"
    )
    return rows, described


def _replay_rows(
    options: BenchOptions,
    corpus: LandedCorpus,
    folder: Path,
    pg_problem: str | None,
    progress: Progress,
) -> list[Row]:
    rows: list[Row] = []
    for database, label in DATABASES:
        ours = {
            workers: Row(
                f"replay raw→parse→extract→dedupe→load, {label}, {workers} process"
                + ("es" if workers > 1 else ""),
                "postings/s",
                "BeautifulSoup html.parser, ORM add+commit per posting",
            )
            for workers in (1, 2)
        }
        if database == "postgresql" and pg_problem:
            for row in ours.values():
                row.skipped = pg_problem
            rows += ours.values()
            continue
        url = options.postgres_url if database == "postgresql" else None
        duplicates: list[int] = []
        cpu_rates: dict[int, list[float]] = {workers: [] for workers in ours}
        for run in range(options.runs):
            progress(f"replay on {label}, run {run + 1}/{options.runs}")
            base = replay_bench.baseline_once(corpus, database, folder / "db", url)
            for workers, row in ours.items():
                measured = replay_bench.replay_once(corpus, database, folder / "db", workers, url)
                row.ours.append(measured.rate)
                row.baseline.append(base.rate)
                duplicates.append(measured.duplicates)
                cpu_rates[workers].append(measured.cpu_rate)
        for workers, row in ours.items():
            row.note = (
                f"{corpus.postings:,} postings; duplicates linked {min(duplicates):,} of "
                f"{corpus.copies:,} known copies; {statistics.median(cpu_rates[workers]):,.0f} "
                "postings per CPU-second of the loading process"
            )
        rows += ours.values()
    return rows


def _fetch_rows(
    options: BenchOptions, corpus: LandedCorpus, folder: Path, progress: Progress
) -> list[Row]:
    boards = min(options.fetch_boards, corpus.boards)
    baseline_boards = min(options.fetch_baseline_boards, boards)
    latency_ms = f"{options.latency * 1000:.0f} ms latency"
    fetch = Row(
        f"fetch night: {fetch_bench.FLOW_WORKERS} sources at a time, politeness limits",
        "boards/s",
        "one source at a time",
        note=f"{boards:,} boards, {latency_ms}; baseline on {baseline_boards:,}",
    )
    seconds = Row(
        "incremental night (unchanged boards, 304s): time",
        "s",
        "first night",
        ratio_kind="share",
        lower_is_better=True,
    )
    cpu = Row(
        "incremental night: CPU time (pipeline and loopback boards)",
        "s",
        "first night",
        ratio_kind="share",
        lower_is_better=True,
    )
    body = Row(
        "incremental night: body bytes received",
        "bytes",
        "first night",
        ratio_kind="share",
        lower_is_better=True,
    )
    with BenchBoards(corpus.pages, corpus.raw_store, latency=options.latency) as server:
        served = fetch_bench.serve_sources(corpus, server, folder / "served", boards)
        sequential = fetch_bench.serve_sources(corpus, server, folder / "served", baseline_boards)
        for run in range(options.runs):
            progress(f"fetch nights, run {run + 1}/{options.runs}")
            with fresh_warehouse(
                "sqlite", folder / "db", raw_store=str(folder / f"fetched-{run}"), loopback=True
            ) as settings:
                first = fetch_bench.run_night(settings, served, corpus.day, workers=4)
                second = fetch_bench.run_night(
                    settings, served, corpus.day + timedelta(days=1), workers=4
                )
            with fresh_warehouse(
                "sqlite", folder / "db", raw_store=str(folder / f"fetched-seq-{run}"), loopback=True
            ) as settings:
                alone = fetch_bench.run_night(settings, sequential, corpus.day, workers=1)
            fetch.ours.append(first.boards_per_second)
            fetch.baseline.append(alone.boards_per_second)
            seconds.ours.append(second.seconds)
            seconds.baseline.append(first.seconds)
            cpu.ours.append(second.cpu_seconds)
            cpu.baseline.append(first.cpu_seconds)
            body.ours.append(second.body_bytes)
            body.baseline.append(first.body_bytes)
            failed = first.failed + second.failed + alone.failed
    seconds.note = (
        f"{second.not_modified:,} of the second night's {second.requests:,} responses were 304 "
        f"(first night: {first.requests:,} requests); the politeness limit alone "
        f"({settings.http_per_host_rps:g} requests/s per host) needs {second.floor:.1f} s for "
        "the busiest host's requests, either night"
    )
    cpu.note = "process CPU while the night ran, server threads included"
    body.note = "bytes on the wire after decompression" + (
        f"; {failed} source(s) failed" if failed else ""
    )
    return [fetch, seconds, cpu, body]


def _load_rows(
    options: BenchOptions, folder: Path, pg_problem: str | None, progress: Progress
) -> list[Row]:
    """The load rows of `jobingest.bench.load.measure_load` (postings prepared first, as a
    replay's workers prepare them; the ORM baseline on its first rows)."""
    rows = []
    for database, label in DATABASES:
        row = Row(f"load: load_batch upserts, {label}", "rows/s", "ORM add+commit per row")
        rows.append(row)
        if database == "postgresql" and pg_problem:
            row.skipped = pg_problem
            continue
        progress(f"load on {label}, {options.runs} run(s)")
        url = options.postgres_url if database == "postgresql" else f"sqlite:///{folder / 'l.db'}"
        settings = Settings(database_url=url, raw_store=str(folder / "unused-raw"))
        figures = {
            f["measure"]: f for f in measure_load(settings, options.load_rows, runs=options.runs)
        }
        new = figures["upsert new postings (bulk)"]
        row.ours = [float(v) for v in new["values"]]
        row.baseline = [float(new["baseline_value"])]
        share = figures["matcher share of new-posting load"]["value"]
        narrow = figures["upsert listing rows alone (posting_source, bulk)"]["value"]
        row.note = (
            f"{options.load_rows:,} new rows; {new['note']}; dedupe matching {share}% of it; "
            f"the same upsert of narrow posting_source rows alone: {narrow:,} rows/s"
        )
    return rows


def _memory_row(
    options: BenchOptions, corpus: LandedCorpus, folder: Path, progress: Progress
) -> Row:
    """Peak growth at the full corpus and at its first half: the fixed part plus the slope
    between the two, extrapolated to 100,000 postings (exact only when the corpus is 100k)."""
    half = corpus.head(len(corpus.pages) // 2)
    row = Row(
        "peak memory per 100k postings replayed (SQLite, 1 process)",
        "MiB",
        "straightforward replay",
        lower_is_better=True,
        note=f"peak RSS growth at {half.postings:,} and {corpus.postings:,} postings, "
        + ("extrapolated to 100k" if corpus.postings != 100_000 else "at 100k"),
    )
    for run in range(options.runs):
        progress(f"peak memory, run {run + 1}/{options.runs}")
        for straightforward, figures in ((False, row.ours), (True, row.baseline)):
            small = memory_bench.peak_growth_mib(
                half, folder / "db", straightforward=straightforward
            )
            large = memory_bench.peak_growth_mib(
                corpus, folder / "db", straightforward=straightforward
            )
            figures.append(per_100k(half.postings, small, corpus.postings, large))
    return row


def per_100k(small_n: int, small_mib: float, large_n: int, large_mib: float) -> float:
    """MiB at 100k postings on the line through two measurements (never a negative slope)."""
    slope = max(0.0, (large_mib - small_mib) / (large_n - small_n)) if large_n > small_n else 0.0
    return large_mib + slope * (100_000 - large_n)
