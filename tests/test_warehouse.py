"""The warehouse on SQLite and PostgreSQL: migrations, idempotent batched upserts, bookkeeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text

from jobingest.models import Location, Posting, Salary
from jobingest.warehouse import runs
from jobingest.warehouse.db import current_revision, get_engine, upgrade
from jobingest.warehouse.load import load_batch, posting_table, source_table
from jobingest.warehouse.tables import metadata

T0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


def _postings(n: int, *, board: str = "acme", salary_max: float = 130_000) -> list[Posting]:
    return [
        Posting(
            source="greenhouse",
            board=board,
            source_id=str(1000 + i),
            url=f"https://boards.greenhouse.io/{board}/jobs/{1000 + i}",
            company="Acme Analytics, Inc.",
            title=f"Data Engineer {i}",
            locations=[Location(city="Berlin", country="DE", raw="Berlin, Germany")],
            salary=Salary(min=100_000, max=salary_max, currency="USD", period="year",
                          annual_min=100_000, annual_max=salary_max, origin="structured"),
            description_text="Build pipelines.",
        )
        for i in range(n)
    ]  # fmt: skip


def _start(url: str, source_name: str = "acme") -> int:
    with get_engine(url).begin() as connection:
        run_id = runs.start_run(connection, now=T0, sources_file=None, flow_run_id=None)
        runs.start_source(
            connection, run_id=run_id, source_name=source_name, kind="greenhouse", board="acme",
            now=T0,
        )  # fmt: skip
    return run_id


def _count(url: str, table: str) -> int:
    with get_engine(url).connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def _load(url: str, postings: list[Posting], run_id: int, at: datetime):  # type: ignore[no-untyped-def]
    with get_engine(url).begin() as connection:
        return load_batch(connection, postings, run_id=run_id, source_name="acme", seen_at=at)


def test_migrations_build_exactly_the_models_schema(database_url: str) -> None:
    upgrade(database_url)
    assert current_revision(database_url) == "0002"
    with get_engine(database_url).connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), metadata)
    assert diff == [], f"tables.py and the migrations disagree; add a migration: {diff}"
    upgrade(database_url)  # a second upgrade is a no-op


def test_loading_the_same_batch_twice_changes_nothing_but_last_seen(database_url: str) -> None:
    upgrade(database_url)
    first_run = _start(database_url)
    counts = _load(database_url, _postings(30), first_run, T0)
    assert (counts.new, counts.updated, counts.unchanged) == (30, 0, 0)
    with get_engine(database_url).connect() as connection:
        before = connection.execute(select(posting_table).order_by(posting_table.c.id)).all()

    second_run = _start(database_url)
    later = T0 + timedelta(days=1)
    again = _load(database_url, _postings(30), second_run, later)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 30)
    assert _count(database_url, "posting") == 30
    assert _count(database_url, "posting_source") == 30
    assert _count(database_url, "company") == 1
    with get_engine(database_url).connect() as connection:
        after = connection.execute(select(posting_table).order_by(posting_table.c.id)).all()
        seen = connection.execute(select(func.min(source_table.c.last_seen_at))).scalar_one()
    volatile = {"last_seen_at", "last_run_id"}
    keep = [c.name for c in posting_table.c if c.name not in volatile]
    assert [[getattr(r, c) for c in keep] for r in before] == [
        [getattr(r, c) for c in keep] for r in after
    ]
    assert seen.replace(tzinfo=UTC) == later


def test_changed_content_updates_the_row_in_place(database_url: str) -> None:
    upgrade(database_url)
    run_id = _start(database_url)
    _load(database_url, _postings(5), run_id, T0)
    second = _start(database_url)
    changed = _postings(5)
    changed[2] = _postings(5, salary_max=150_000)[2]
    counts = _load(database_url, changed, second, T0 + timedelta(days=1))
    assert (counts.new, counts.updated, counts.unchanged) == (0, 1, 4)
    with get_engine(database_url).connect() as connection:
        row = connection.execute(
            select(posting_table).where(posting_table.c.source_id == "1002")
        ).one()
    assert row.salary_max == 150_000
    assert row.first_run_id == run_id and row.last_run_id == second
    assert _count(database_url, "posting") == 5


def test_a_retried_batch_in_the_same_run_is_not_counted_twice(database_url: str) -> None:
    upgrade(database_url)
    run_id = _start(database_url)
    _load(database_url, _postings(10), run_id, T0)
    retried = _load(database_url, _postings(10), run_id, T0 + timedelta(minutes=5))
    assert (retried.new, retried.updated, retried.unchanged) == (0, 0, 0)
    with get_engine(database_url).connect() as connection:
        (row,) = runs.source_rows(connection, run_id)
    assert (row["new"], row["unchanged"]) == (10, 0)


def test_counts_roll_back_with_a_failed_batch(database_url: str) -> None:
    upgrade(database_url)
    run_id = _start(database_url)
    with pytest.raises(RuntimeError), get_engine(database_url).begin() as connection:  # noqa: PT012
        load_batch(connection, _postings(10), run_id=run_id, source_name="acme", seen_at=T0)
        raise RuntimeError("crash between the load and the commit")
    assert _count(database_url, "posting") == 0
    with get_engine(database_url).connect() as connection:
        (row,) = runs.source_rows(connection, run_id)
    assert row["new"] == 0, "bookkeeping must never run ahead of committed data"


def test_same_id_on_two_boards_is_two_listings(database_url: str) -> None:
    upgrade(database_url)
    run_id = _start(database_url)
    _load(database_url, _postings(3, board="acme") + _postings(3, board="beta"), run_id, T0)
    assert _count(database_url, "posting_source") == 6
