"""Benchmark: refresh the marts and render one comparison on a generated warehouse.

Not collected by pytest (no test_ prefix). Generates N canonical postings through the real
loader into a fresh SQLite file, and into a fresh PostgreSQL schema when one is reachable, then
times `refresh_marts` and one `compare` render (JSON and HTML).

    .venv/bin/python tests/bench/bench_marts.py 100000 [--postgres URL] [--sqlite-only]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from jobingest.bench.load import unblocked
from jobingest.content.compare import load_comparison, render
from jobingest.models import (
    EmploymentType,
    Level,
    Location,
    PayPeriod,
    Posting,
    Salary,
    SalaryOrigin,
    Workplace,
)
from jobingest.warehouse import runs
from jobingest.warehouse.db import get_engine, upgrade
from jobingest.warehouse.load import load_batch, prepare_postings
from jobingest.warehouse.marts import refresh_marts

ROLES = [
    ("Machine Learning Engineer", "Data & AI"), ("Data Operations Manager", "Data & AI"),
    ("Data Engineer", "Data & AI"), ("Data Scientist", "Data & AI"), ("Data Analyst", "Data & AI"),
    ("Backend Engineer", "Software Engineering"), ("Frontend Engineer", "Software Engineering"),
    ("Product Manager", "Product"), ("Product Designer", "Design"), ("Account Executive", "Sales"),
]  # fmt: skip
PLACES = [("US", "New York"), ("US", "Austin"), ("DE", "Berlin"), ("GB", "London"),
          ("FR", "Paris"), ("CA", "Toronto"), ("ES", "Madrid"), ("IE", "Dublin")]  # fmt: skip
SKILLS = ["Python", "SQL", "Spark", "dbt", "Airflow", "AWS", "Kubernetes", "PyTorch", "Excel",
          "Salesforce", "Figma", "Go", "Java", "TypeScript", "React", "Looker"]  # fmt: skip
NOW = datetime(2026, 11, 1, tzinfo=UTC)
BATCH = 2000


def postings(n: int, seed: int = 7) -> Iterator[Posting]:
    rng = random.Random(seed)
    for i in range(n):
        role, family = ROLES[i % len(ROLES)]
        country, city = rng.choice(PLACES)
        level = rng.choice(list(Level))
        low = rng.randrange(40_000, 250_000, 1000)
        salary = None
        if rng.random() < 0.6:
            high = low + rng.randrange(0, 60_000, 1000)
            salary = Salary(
                min=low, max=high, currency="USD", period=PayPeriod.year, annual_min=low,
                annual_max=high, annual_min_usd=low, annual_max_usd=high,
                origin=SalaryOrigin.structured,
            )  # fmt: skip
        yield Posting(
            source="bench", board=f"board{i % 50}", source_id=str(i),
            url=f"https://jobs.example.org/{i}", company=f"Bench Company {i}",
            title=f"{role} {i}", role=role, role_family=family, level=level,
            employment_type=rng.choice(list(EmploymentType)), workplace=rng.choice(list(Workplace)),
            locations=[Location(city=city, country=country, raw=f"{city}, {country}")],
            salary=salary, skills=rng.sample(SKILLS, 4),
            posted_at=NOW - timedelta(days=rng.randrange(0, 365)),
            description_text="Short benchmark description.",
        )  # fmt: skip


def load(url: str, n: int) -> float:
    upgrade(url)
    engine = get_engine(url)
    started = time.perf_counter()
    with engine.begin() as connection:
        run_id = runs.start_run(connection, now=NOW, sources_file=None, flow_run_id=None)
        runs.start_source(
            connection, run_id=run_id, source_name="bench", kind="bench", board=None, now=NOW
        )
    batch: list[Posting] = []
    for posting in postings(n):
        batch.append(posting)
        if len(batch) == BATCH:
            _load(engine, batch, run_id)
            batch = []
    if batch:
        _load(engine, batch, run_id)
    return time.perf_counter() - started


def _load(engine: object, batch: list[Posting], run_id: int) -> None:
    """The real loader without cross-source matching (no block key): the generated postings
    are distinct jobs by construction, and matching is benchmarked in bench_dedupe.py."""
    seen = NOW - timedelta(days=int(batch[0].source_id) % 300)
    prepared = [unblocked(p) for p in prepare_postings(batch)]
    with engine.begin() as connection:  # type: ignore[attr-defined]
        load_batch(connection, prepared, run_id=run_id, source_name="bench", seen_at=seen)


def measure(url: str, label: str, n: int) -> None:
    load_s = load(url, n)
    engine = get_engine(url)
    started = time.perf_counter()
    with engine.begin() as connection:
        counts = refresh_marts(connection, min_n=10, now=NOW)
    refresh_s = time.perf_counter() - started
    started = time.perf_counter()
    with engine.connect() as connection:
        comparison = load_comparison(
            connection, "Machine Learning Engineer", "Data Operations Manager",
            country=None, since=None, now=NOW, min_n=10,
        )  # fmt: skip
    html, js = render(comparison, "html"), render(comparison, "json")
    compare_s = time.perf_counter() - started
    print(
        f"{label}: n={n} load={load_s:.1f}s refresh_marts={refresh_s:.2f}s "
        f"compare(query+html+json)={compare_s:.2f}s html={len(html)}B json={len(js)}B marts={counts}",
        flush=True,
    )


@contextmanager
def postgres_schema(url: str) -> Iterator[str | None]:
    try:
        import psycopg

        plain = url.replace("postgresql+psycopg://", "postgresql://")
        schema = f"jobingest_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(plain, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
    except Exception as exc:
        print(f"postgresql: skipped ({exc})", flush=True)
        yield None
        return
    try:
        yield f"{url}?options=-csearch_path%3D{schema}"
    finally:
        get_engine.cache_clear()
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", type=int, nargs="?", default=100_000)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgres-only", action="store_true")
    args = parser.parse_args()
    if not args.postgres_only:
        with tempfile.TemporaryDirectory() as folder:
            measure(f"sqlite:///{Path(folder) / 'bench.db'}", "sqlite", args.n)
    if not args.sqlite_only:
        with postgres_schema(args.postgres) as url:
            if url:
                measure(url, "postgresql", args.n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
