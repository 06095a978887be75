"""Replay backfills: payloads landed by real runs over loopback, re-derived through an improved
extractor, idempotently, and resumably after a crash."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from jobingest import backfill, pipeline
from jobingest.models import Level, Posting
from jobingest.settings import Settings
from jobingest.sources.base import Record, RecordContext
from jobingest.sources.greenhouse import Greenhouse
from jobingest.warehouse import runs
from jobingest.warehouse.db import get_engine
from jobingest.warehouse.load import posting_table, source_table
from tests.conftest import EXAMPLES
from tests.fakeboards import FakeBoards

NORTHWIND = json.loads((EXAMPLES / "payloads" / "greenhouse_northwind-analytics.json").read_text())
LUMEN = json.loads((EXAMPLES / "payloads" / "greenhouse_lumen-health.json").read_text())
DAY1, DAY2 = date(2026, 10, 1), date(2026, 10, 2)


def _clock(day: date) -> Callable[[], datetime]:
    return lambda: datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


def _northwind_day2() -> bytes:
    """The board a day later: one job filled (gone), one retitled."""
    jobs = [dict(job) for job in NORTHWIND["jobs"][1:]]
    jobs[0]["title"] = jobs[0]["title"] + " (Remote-first)"
    return json.dumps({"jobs": jobs, "meta": {"total": len(jobs)}}).encode()


def _sources(tmp_path: Path, boards: FakeBoards, token_suffix: str) -> Path:
    """Both boards on the fake server; tokens differ per warehouse so their URLs do too."""
    north, lumen = f"northwind{token_suffix}", f"lumen{token_suffix}"
    path = tmp_path / f"sources{token_suffix}.yaml"
    entries = [
        {"name": "northwind", "kind": "greenhouse", "board": "northwind",
         "url": boards.greenhouse(north, json.dumps(NORTHWIND).encode())},
        {"name": "lumen", "kind": "greenhouse", "board": "lumen", "company": "Lumen Health",
         "url": boards.greenhouse(lumen, json.dumps(LUMEN).encode())},
    ]  # fmt: skip
    path.write_text(json.dumps({"sources": entries}))
    return path


def _ingest(settings: Settings, sources: Path, day: date) -> None:
    clock = _clock(day)
    run_id, plan = pipeline.start_run(settings, sources, clock=clock)
    for entry in plan.enabled:
        pipeline.ingest_source(settings, run_id, entry, clock=clock)
    report = pipeline.finish_run(settings, run_id, plan, clock=clock)
    assert report.status == "completed", report.to_markdown()


def _land_two_days(settings: Settings, boards: FakeBoards, tmp_path: Path, suffix: str) -> Path:
    sources = _sources(tmp_path, boards, suffix)
    _ingest(settings, sources, DAY1)
    boards.publish(f"/v1/boards/northwind{suffix}/jobs", _northwind_day2())
    _ingest(settings, sources, DAY2)  # lumen unchanged: its listings are only touched
    return sources


@pytest.fixture
def improve(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Call to ship what a user's extraction improvement looks like to the warehouse: a field
    the mapping did not set before (after the payloads were landed with the old mapping)."""
    original = Greenhouse.to_posting

    def to_posting(self: Greenhouse, record: Record, ctx: RecordContext) -> Posting:
        posting = original(self, record, ctx)
        return posting.model_copy(update={"level": Level.executive})

    def ship() -> None:
        monkeypatch.setattr(Greenhouse, "to_posting", to_posting)

    return ship


def _snapshot(settings: Settings) -> dict[str, Any]:
    """Everything a replay may change, without ids that differ between warehouses."""
    engine = get_engine(settings.database_url.get_secret_value())
    with engine.connect() as connection:
        p, ps = posting_table.c, source_table.c
        postings = connection.execute(
            select(
                ps.source_name,
                ps.board,
                ps.source_id,
                p.title,
                p.level,
                p.company,
                p.content_hash,
                p.closed_at,
                p.first_seen_at,
                p.last_seen_at,
                p.canonical_id.is_not(None),
            )
            .select_from(source_table.join(posting_table, p.id == ps.posting_id))
            .order_by(ps.board, ps.source_id)
        ).all()
        versions = connection.execute(
            text("SELECT kind, COUNT(*) FROM posting_version GROUP BY kind ORDER BY kind")
        ).all()
        counts = {
            table: connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
            for table in ("posting", "posting_source", "company")
        }
    return {
        "postings": [tuple(_plain(value) for value in row) for row in postings],
        "versions": [tuple(row) for row in versions],
        "counts": counts,
    }


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    return bool(value) if isinstance(value, bool) else value


def _levels(settings: Settings) -> dict[tuple[str, str], str | None]:
    engine = get_engine(settings.database_url.get_secret_value())
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT board, source_id, level, closed_at FROM posting"))
        return {(r.board, r.source_id): (r.level, r.closed_at is not None) for r in rows}


def _chunk_rows(settings: Settings, run_id: int) -> dict[str, dict[str, Any]]:
    with get_engine(settings.database_url.get_secret_value()).connect() as connection:
        return {row["source_name"]: row for row in runs.source_rows(connection, run_id)}


def test_replay_applies_an_improved_extractor_without_duplicates(
    settings: Settings, boards: FakeBoards, tmp_path: Path, improve: Callable[[], None]
) -> None:
    sources = _land_two_days(settings, boards, tmp_path, "-a")
    improve()
    before = _snapshot(settings)
    assert before["counts"]["posting"] == 24
    # Open postings the new mapping changes (a few titles already said "Director" and the like).
    stale = dict.fromkeys(("northwind", "lumen"), 0)
    for (board, _), (level, closed) in _levels(settings).items():
        stale[board] += level != "executive" and not closed
    assert stale["northwind"] > 5 and stale["lumen"] > 5

    report = backfill.replay(settings, since=DAY1, until=DAY2, sources_file=sources)

    assert report.status == "completed"
    chunks = {s.source_name: s for s in report.sources}
    assert set(chunks) == {"northwind@2026-10-01", "northwind@2026-10-02",
                           "lumen@2026-10-01", "lumen@2026-10-02"}  # fmt: skip
    after = _snapshot(settings)
    assert after["counts"] == before["counts"], "a replay must not add postings or listings"
    levels = _levels(settings)
    first_job = str(NORTHWIND["jobs"][0]["id"])
    # The job filled on day 2 stays closed with what it had; every open job is re-derived.
    assert levels.pop(("northwind", first_job))[1] is True
    assert all(level == "executive" and not closed for level, closed in levels.values())
    # Day 1 payloads speak only for listings nobody saw later: the retitled job keeps day 2's
    # title, and lumen (unchanged on day 2) is updated once, from the day-2 chunk.
    titles = {row[2]: row[3] for row in after["postings"]}
    assert titles[str(NORTHWIND["jobs"][1]["id"])].endswith("(Remote-first)")
    assert chunks["northwind@2026-10-02"].updated == stale["northwind"]
    assert chunks["lumen@2026-10-02"].updated == stale["lumen"]
    assert chunks["lumen@2026-10-01"].updated == 0
    assert "left alone" in (chunks["lumen@2026-10-01"].note or "")
    changed = dict(after["versions"]).pop("changed") - dict(before["versions"]).get("changed", 0)
    assert changed == sum(stale.values()), "one `changed` version per re-derived open posting"
    assert {k: v for k, v in after["versions"] if k != "changed"} == {
        k: v for k, v in before["versions"] if k != "changed"
    }, "nothing reopened or closed by a replay"

    again = backfill.replay(settings, since=DAY1, until=DAY2, sources_file=sources)
    assert again.run_id != report.run_id, "a completed window starts a new run"
    assert again.total("updated") == 0 and again.total("new") == 0
    assert _snapshot(settings) == after


class Crash(BaseException):
    """Stands for the process dying: not an error the backfill may catch and record."""


def test_replay_resumes_after_a_crash_with_the_result_of_a_clean_run(
    settings: Settings,
    boards: FakeBoards,
    tmp_path: Path,
    improve: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Small load batches, so the crash lands between two batches of one chunk.
    settings = Settings(**{**settings.model_dump(), "load_batch_size": 5})
    clean = Settings(
        **{**settings.model_dump(), "database_url": f"sqlite:///{tmp_path / 'clean.db'}",
           "raw_store": str(tmp_path / "clean-raw")}
    )  # fmt: skip
    clean_sources = _land_two_days(clean, boards, tmp_path, "-clean")
    sources = _land_two_days(settings, boards, tmp_path, "-crash")
    improve()
    backfill.replay(clean, since=DAY1, until=DAY2, sources_file=clean_sources)

    real_load = backfill.load_batch
    calls = {"n": 0}

    def crashing_load(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        # Chunks run lumen@1, northwind@1 (nothing to load: seen later), lumen@2 (two batches),
        # northwind@2 (three): the fourth batch is northwind@2's second.
        if calls["n"] == 4:
            raise Crash
        return real_load(*args, **kwargs)

    monkeypatch.setattr(backfill, "load_batch", crashing_load)
    with pytest.raises(Crash):
        backfill.replay(settings, since=DAY1, until=DAY2, sources_file=sources)
    with get_engine(settings.database_url.get_secret_value()).connect() as connection:
        run = connection.execute(
            select(runs.run_table.c.id, runs.run_table.c.status).order_by(
                runs.run_table.c.id.desc()
            )
        ).first()
    assert run is not None and run.status == "running"
    committed = backfill.committed_chunks(settings, run.id)
    assert committed == {"lumen@2026-10-01", "northwind@2026-10-01", "lumen@2026-10-02"}
    # The chunk that crashed left nothing behind: no row, no half-loaded postings.
    assert set(_chunk_rows(settings, run.id)) == committed

    monkeypatch.setattr(backfill, "load_batch", real_load)
    calls["n"] = 0
    report = backfill.replay(settings, since=DAY1, until=DAY2, sources_file=sources)
    assert report.run_id == run.id, "the rerun resumes the unfinished backfill"
    assert report.status == "completed"
    assert len(report.sources) == 4
    assert _snapshot(settings) == _snapshot(clean)


def test_a_failing_chunk_is_recorded_and_retried_by_the_rerun(
    settings: Settings,
    boards: FakeBoards,
    tmp_path: Path,
    improve: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sources = _land_two_days(settings, boards, tmp_path, "-fail")
    improve()
    real_parse = backfill.parse_payload

    def parse_fails_for_lumen(connector: Any, body: bytes, **kwargs: Any) -> Any:
        if b"Lumen" in body:
            raise backfill.ParseError("the board changed its shape")
        return real_parse(connector, body, **kwargs)

    monkeypatch.setattr(backfill, "parse_payload", parse_fails_for_lumen)
    first = backfill.replay(settings, since=DAY1, until=DAY2, sources_file=sources)
    assert first.status == "partial"
    northwind_updated = next(
        s.updated for s in first.sources if s.source_name == "northwind@2026-10-02"
    )
    assert northwind_updated > 5
    failed = {s.source_name: s.reason for s in first.failed}
    assert set(failed) == {"lumen@2026-10-01", "lumen@2026-10-02"}
    assert all("no longer parses" in (reason or "") for reason in failed.values())

    monkeypatch.setattr(backfill, "parse_payload", real_parse)
    second = backfill.replay(settings, since=DAY1, until=DAY2, sources_file=sources)
    assert second.run_id == first.run_id and second.status == "completed"
    rows = _chunk_rows(settings, second.run_id)
    assert rows["lumen@2026-10-02"]["status"] == "ok" and rows["lumen@2026-10-02"]["updated"] > 5
    # Committed chunks were not replayed twice: their counts are those of the first attempt.
    assert rows["northwind@2026-10-02"]["updated"] == northwind_updated


def test_replay_of_a_window_without_payloads_changes_nothing(
    settings: Settings, boards: FakeBoards, tmp_path: Path, improve: Callable[[], None]
) -> None:
    sources = _land_two_days(settings, boards, tmp_path, "-empty")
    improve()
    before = _snapshot(settings)
    assert backfill.plan_chunks(settings, since=date(2026, 9, 1), until=date(2026, 9, 30)) == []
    report = backfill.replay(
        settings, since=date(2026, 9, 1), until=date(2026, 9, 30), sources_file=sources
    )
    assert report.sources == [] and report.status == "completed"
    assert _snapshot(settings) == before


def test_replay_can_be_limited_to_named_sources(
    settings: Settings, boards: FakeBoards, tmp_path: Path, improve: Callable[[], None]
) -> None:
    sources = _land_two_days(settings, boards, tmp_path, "-named")
    improve()
    northwind_before = {k: v for k, v in _levels(settings).items() if k[0] == "northwind"}
    report = backfill.replay(
        settings, since=DAY2, until=DAY2, sources_file=sources, sources=["lumen"]
    )
    assert [s.source_name for s in report.sources] == ["lumen@2026-10-02"]
    levels = _levels(settings)
    assert {levels[("lumen", str(job["id"]))][0] for job in LUMEN["jobs"]} == {"executive"}
    assert {k: v for k, v in levels.items() if k[0] == "northwind"} == northwind_before


def test_bad_windows_and_modes_are_refused(settings: Settings) -> None:
    with pytest.raises(backfill.BackfillError, match="before since"):
        backfill.plan_chunks(settings, since=DAY2, until=DAY1)
    with pytest.raises(backfill.BackfillError, match="mode"):
        backfill.check_window(DAY1, DAY2, "rewind")


def test_refetch_fetches_only_the_named_sources(
    settings: Settings, boards: FakeBoards, tmp_path: Path
) -> None:
    sources = _sources(tmp_path, boards, "-refetch")
    report = backfill.refetch(settings, sources_file=sources, sources=["lumen"])
    assert [s.source_name for s in report.sources] == ["lumen"]
    assert report.sources[0].new == 10
    with pytest.raises(backfill.BackfillError, match="nowhere"):
        backfill.refetch(settings, sources_file=sources, sources=["nowhere"])


def test_chunk_groups_keep_a_source_together_within_the_task_budget() -> None:
    chunks = [
        backfill.Chunk(date(2026, 10, day), name)
        for day in (1, 2, 3)
        for name in ("a", "b", "c", "d", "e")
    ]
    groups = backfill.group_chunks(chunks, 2)
    assert len(groups) == 2
    assert sorted(c for g in groups for c in g) == sorted(chunks)
    for group in groups:
        assert group == sorted(group)
        names = {c.source_name for c in group}
        assert all(sum(c.source_name == n for c in group) == 3 for n in names), (
            "every day of a source is in the same group"
        )
    assert len(backfill.group_chunks(chunks, 50)) == 5
    assert backfill.group_chunks([], 3) == []


def test_two_worker_processes_build_the_same_warehouse_as_one(tmp_path: Path) -> None:
    """Parsing in worker processes changes nothing the warehouse or the report shows: the same
    postings, duplicate links and versions, and the same chunk failing for the same reason."""
    from jobingest.bench.landing import index_corpus, land_corpus
    from jobingest.rawstore import RawStore

    corpus = land_corpus(tmp_path / "corpus", postings=150, seed=3)
    broken = next(page for page in corpus.pages if page.kind == "lever")
    # A payload whose stored bytes no longer match their hash: that chunk must fail either way.
    with gzip.open(RawStore(corpus.raw_store).path_of(broken.sha256), "wb") as handle:
        handle.write(b"[]")
    results = {}
    for workers in (1, 2):
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / f'workers{workers}.db'}",
            raw_store=corpus.raw_store,
            load_batch_size=7,
        )
        index_corpus(settings, corpus)
        report = backfill.replay(
            settings, since=corpus.day, until=corpus.day, sources_file=corpus.sources_file,
            workers=workers,
        )  # fmt: skip
        counts = {s.source_name: (s.status, s.reason, s.parsed, s.new, s.duplicates)
                  for s in report.sources}  # fmt: skip
        results[workers] = (report.status, counts, _snapshot(settings))
    status, counts, snapshot = results[1]
    assert status == "partial"
    assert counts[f"{broken.source_name}@{corpus.day}"][0] == "failed"
    assert "corrupt" in (counts[f"{broken.source_name}@{corpus.day}"][1] or "")
    assert snapshot["counts"]["posting"] == sum(c[3] + c[4] for c in counts.values()) > 100
    assert sum(c[4] for c in counts.values()) > 5, "cross-posted copies were linked"
    assert results[2] == results[1]
