"""The backfill flow on a local Dask cluster: replay tasks run in worker processes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from jobingest.report import RunReport
from jobingest.settings import Settings
from jobingest.warehouse.db import get_engine
from jobingest.warehouse.tables import Posting, PostingSource
from tests.fakeboards import FakeBoards
from tests.test_flow_backfill import _land, _sources

pytestmark = pytest.mark.slow
pytest.importorskip("prefect_dask", reason="the dask extra is not installed")


def _counts(settings: Settings) -> tuple[int, int, int]:
    engine = get_engine(settings.database_url.get_secret_value())
    with engine.connect() as connection:
        postings = connection.scalar(select(func.count()).select_from(Posting))
        sources = connection.scalar(select(func.count()).select_from(PostingSource))
        keys = connection.scalar(
            select(func.count()).select_from(
                select(Posting.source, Posting.board, Posting.source_id).distinct().subquery()
            )
        )
    return int(postings or 0), int(sources or 0), int(keys or 0)


def test_replay_on_a_local_dask_cluster_matches_the_landed_warehouse(
    boards: FakeBoards, flow_env: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOBINGEST_DASK_WORKERS", "2")
    from flows.backfill_dask import backfill_dask

    sources = _sources(tmp_path, boards)
    _land(flow_env, sources, 1)
    _land(flow_env, sources, 2)
    before = _counts(flow_env)

    state = backfill_dask(
        since="2026-10-01", until="2026-10-02", sources_file=sources, max_tasks=2,
        return_state=True,
    )  # fmt: skip

    assert state.is_completed(), state.message
    report = state.result()
    assert isinstance(report, RunReport) and report.status == "completed"
    assert sorted(s.source_name for s in report.sources) == [
        "lumen@2026-10-01", "lumen@2026-10-02", "northwind@2026-10-01", "northwind@2026-10-02",
    ]  # fmt: skip
    assert {s.status for s in report.sources} == {"ok"}
    after = _counts(flow_env)
    assert after == before, "a replay in worker processes adds and duplicates nothing"
    assert after[0] == after[2], "one row per (source, board, source_id)"
