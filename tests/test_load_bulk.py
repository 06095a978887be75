"""The bulk load path (driver executemany on SQLite; on PostgreSQL COPY + INSERT … ON CONFLICT
for big batches, pipelined inserts for small ones) leaves exactly the rows the plain SQLAlchemy
Core path leaves: postings with their duplicate and repost links, listings, versions, companies
and run counts, over a night of new listings in big batches, a retried batch, and a next night
of changed, unchanged, reopened and reposted ones in small batches."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select, text, update

from jobingest.bench.corpus import Corpus
from jobingest.models import Posting
from jobingest.settings import Settings
from jobingest.warehouse import runs
from jobingest.warehouse.db import get_engine, upgrade
from jobingest.warehouse.load import (
    LoadCounts,
    Seen,
    load_batch,
    posting_table,
    prepare_postings,
    source_table,
)

NIGHT_ONE = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
NIGHT_TWO = NIGHT_ONE + timedelta(days=1)
TABLES = ("company", "posting", "posting_source", "posting_version", "ingest_run_source")
BIG_BATCH = 120  # PostgreSQL stages these with COPY (bulk._COPY_FROM_ROWS is 100)
SMALL_BATCH = 60


def _corpus(n: int) -> list[Posting]:
    return [posting for posting, _ in Corpus(n, seed=7)]


def _load(
    connection: Connection,
    postings: Sequence[Posting],
    *,
    run_id: int,
    seen_at: datetime,
    bulk: bool,
    batch: int = SMALL_BATCH,
) -> list[LoadCounts]:
    items = prepare_postings(postings) if bulk else list(postings)
    return [
        load_batch(
            connection,
            items[start : start + batch],
            run_id=run_id,
            source_name="corpus",
            seen_at=seen_at,
            raw_sha256="a" * 64,
            bulk=bulk,
        )
        for start in range(0, len(items), batch)
    ]


def _start(connection: Connection, at: datetime) -> int:
    run_id = runs.start_run(connection, now=at, sources_file=None, flow_run_id=None)
    runs.start_source(
        connection, run_id=run_id, source_name="corpus", kind="jsonl", board=None, now=at
    )
    return run_id


_Tables = dict[str, list[tuple[Any, ...]]]
_Counts = Any  # what a scenario reported, compared as a whole


def _snapshot(url: str) -> _Tables:
    with get_engine(url).connect() as connection:
        return {
            table: [
                tuple(row) for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY id"))
            ]
            for table in TABLES
        }


def _changed(posting: Posting, index: int) -> Posting:
    """What boards change overnight: a retitle, an edited description, other terms."""
    if index % 3 == 0:
        return posting.model_copy(update={"title": f"{posting.title} (Remote)"})
    if index % 3 == 1:
        text_now = (posting.description_text or "") + " Visa sponsorship is available."
        return posting.model_copy(update={"description_text": text_now})
    return posting.model_copy(update={"employment_type": None, "skills": ["sql", "python"]})


def _two_nights(url: str, *, bulk: bool) -> list[dict[str, Any]]:
    """Load the scenario; returns what each step reported, and checks the retry is a no-op."""
    corpus = _corpus(420)
    first, later = corpus[:240], corpus[240:]
    reported: list[dict[str, Any]] = []
    engine = get_engine(url)
    with engine.begin() as connection:
        run_one = _start(connection, NIGHT_ONE)
    for start in range(0, len(first), BIG_BATCH):  # two transactions of one big batch each
        with engine.begin() as connection:
            chunk = first[start : start + BIG_BATCH]
            counts = _load(
                connection, chunk, run_id=run_one, seen_at=NIGHT_ONE, bulk=bulk, batch=BIG_BATCH
            )
            reported.append({"night_one": counts})
    before_retry = _snapshot(url)
    with engine.begin() as connection:
        retried = _load(connection, first, run_id=run_one, seen_at=NIGHT_ONE, bulk=bulk)
    assert _snapshot(url) == before_retry, "a retried batch must change nothing"
    assert all(c == LoadCounts() for c in retried)
    # The board closes some jobs; night two relists a few of them as they were (reopened) and
    # one under a new id (a repost), changes others and brings new listings.
    closed = [p for i, p in enumerate(first) if i % 11 == 0]
    with engine.begin() as connection:
        ids = select(source_table.c.posting_id).where(
            source_table.c.source_id.in_([p.source_id for p in closed])
        )
        connection.execute(
            update(posting_table)
            .where(posting_table.c.id.in_(ids.scalar_subquery()))
            .values(closed_at=NIGHT_ONE + timedelta(hours=12))
        )
    reposted = closed[1].model_copy(update={"source_id": f"{closed[1].source_id}-r"})
    changed = [_changed(p, i) for i, p in enumerate(first[5:65])]
    night_two = [*closed[2:], reposted, *changed, *first[65:150], *later]
    with engine.begin() as connection:
        run_two = _start(connection, NIGHT_TWO)
        reported.append(
            {
                "night_two": _load(
                    connection, night_two, run_id=run_two, seen_at=NIGHT_TWO, bulk=bulk
                )
            }
        )
    return reported


def _without_id(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return row[1:]


def _versions(url: str) -> list[Any]:
    with get_engine(url).connect() as connection:
        return list(connection.execute(text("SELECT kind FROM posting_version")))


def _wipe(url: str) -> None:
    """Empty the warehouse and restart its ids, so a second load numbers rows the same way."""
    with get_engine(url).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text(
                    "TRUNCATE posting_version, posting_source, posting, company, "
                    "ingest_run_source, ingest_run RESTART IDENTITY CASCADE"
                )
            )
        else:
            for table in (*reversed(TABLES), "ingest_run"):
                connection.execute(text(f"DELETE FROM {table}"))


def _assert_same_tables(ours: _Tables, expected: _Tables) -> None:
    for table in TABLES:
        if table == "posting_version":  # one statement's versions come in no set order
            assert sorted(map(_without_id, ours[table]), key=repr) == sorted(
                map(_without_id, expected[table]), key=repr
            )
        else:
            assert ours[table] == expected[table], table


def _loaded_both_ways(
    url: str, load: Callable[[str, bool], _Counts]
) -> tuple[_Counts, _Tables, _Counts, _Tables]:
    """`load(url, False)` then, on the emptied warehouse, `load(url, True)`: what each
    reported and left."""
    upgrade(url)
    first_counts = load(url, False)
    first = _snapshot(url)
    _wipe(url)
    second_counts = load(url, True)
    return first_counts, first, second_counts, _snapshot(url)


def test_bulk_and_plain_loads_leave_identical_warehouses(settings: Settings) -> None:
    url = settings.database_url.get_secret_value()
    plain_counts, plain, bulk_counts, bulk = _loaded_both_ways(
        url, lambda url, bulk: _two_nights(url, bulk=bulk)
    )

    assert bulk_counts == plain_counts
    _assert_same_tables(bulk, plain)
    # The scenario exercised every kind of write, so equal contents mean something.
    kinds = {row.kind for row in _versions(url)}
    assert {"changed", "reopened"} <= kinds
    night_two = bulk_counts[-1]["night_two"]
    assert sum(c.updated for c in night_two) == 60
    assert sum(c.reposts for c in night_two) >= 1
    assert sum(c.reopened for c in night_two) >= 1
    assert sum(c.duplicates for counts in bulk_counts for c in next(iter(counts.values()))) > 20


def _payloads(postings: Sequence[Posting], at: datetime) -> list[tuple[Seen, list[Posting]]]:
    """The postings as career pages of three listings each, fetched a minute apart."""
    return [
        (Seen(at + timedelta(minutes=index), f"{index:064x}"), list(postings[start : start + 3]))
        for index, start in enumerate(range(0, len(postings), 3))
    ]


def _nights_of_pages(url: str, *, one_batch: bool) -> list[LoadCounts]:
    corpus = _corpus(90)
    night_two = [_changed(p, i) if i % 2 else p for i, p in enumerate(corpus[:45])] + corpus[45:]
    counts = []
    for at, postings in ((NIGHT_ONE, corpus[:60]), (NIGHT_TWO, night_two)):
        with get_engine(url).begin() as connection:
            run_id = _start(connection, at)
            pages = _payloads(postings, at)
            if one_batch:
                items = [p for _, listed in pages for p in listed]
                seen = [evidence for evidence, listed in pages for _ in listed]
                counts.append(
                    load_batch(
                        connection,
                        items,
                        run_id=run_id,
                        source_name="corpus",
                        seen_at=at,
                        seen=seen,
                    )
                )
                continue
            for evidence, listed in pages:
                counts.append(
                    load_batch(
                        connection,
                        listed,
                        run_id=run_id,
                        source_name="corpus",
                        seen_at=evidence.at,
                        raw_sha256=evidence.raw_sha256,
                    )
                )
    return counts


def test_one_batch_of_many_pages_stamps_each_listing_with_its_own_page(settings: Settings) -> None:
    """A replay loads a career site's one-posting pages as one batch: every listing still gets
    its own page's hash and time (first and last seen, versions), as page-by-page loads give."""
    url = settings.database_url.get_secret_value()
    by_page, paged, batched, together = _loaded_both_ways(
        url, lambda url, one_batch: _nights_of_pages(url, one_batch=one_batch)
    )

    def total(counts: list[LoadCounts], name: str) -> int:
        return sum(getattr(c, name) for c in counts)

    for name in ("new", "updated", "unchanged", "duplicates", "reposts", "reopened"):
        assert total(batched, name) == total(by_page, name), name
    assert total(batched, "updated") > 0 and total(batched, "unchanged") > 0
    _assert_same_tables(together, paged)
    with get_engine(url).connect() as connection:
        stamps = connection.execute(
            select(source_table.c.raw_sha256, source_table.c.first_seen_at)
        ).all()
    assert len({sha for sha, _ in stamps}) > 20, "each listing keeps its own page's hash"
