"""The backfill flow, run for real against a temporary Prefect API and loopback boards."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from jobingest import pipeline
from jobingest.report import RunReport
from jobingest.settings import Settings
from tests.conftest import EXAMPLES
from tests.fakeboards import FakeBoards

pytestmark = pytest.mark.slow

NORTHWIND = (EXAMPLES / "payloads" / "greenhouse_northwind-analytics.json").read_bytes()
LUMEN = (EXAMPLES / "payloads" / "greenhouse_lumen-health.json").read_bytes()


def _sources(tmp_path: Path, boards: FakeBoards) -> str:
    path = tmp_path / "sources.yaml"
    entries = [
        {"name": "northwind", "kind": "greenhouse", "board": "northwind",
         "url": boards.greenhouse("northwind-flow", NORTHWIND)},
        {"name": "lumen", "kind": "greenhouse", "board": "lumen",
         "url": boards.greenhouse("lumen-flow", LUMEN)},
    ]  # fmt: skip
    path.write_text(json.dumps({"sources": entries}))
    return str(path)


def _land(settings: Settings, sources: str, day: int) -> None:
    def clock() -> datetime:
        return datetime(2026, 10, day, 2, 0, tzinfo=UTC)

    run_id, plan = pipeline.start_run(settings, sources, clock=clock)
    for entry in plan.enabled:
        pipeline.ingest_source(settings, run_id, entry, clock=clock)
    pipeline.finish_run(settings, run_id, plan, clock=clock)


def test_replay_flow_runs_one_task_per_group_and_reports_every_chunk(
    boards: FakeBoards, flow_env: Settings, tmp_path: Path
) -> None:
    from flows.backfill import backfill
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    sources = _sources(tmp_path, boards)
    _land(flow_env, sources, 1)
    _land(flow_env, sources, 2)
    state = backfill(
        since="2026-10-01", until="2026-10-02", sources_file=sources, max_tasks=1,
        return_state=True,
    )  # fmt: skip
    assert state.is_completed()
    report = state.result()
    assert isinstance(report, RunReport) and report.status == "completed"
    assert sorted(s.source_name for s in report.sources) == [
        "lumen@2026-10-01", "lumen@2026-10-02", "northwind@2026-10-01", "northwind@2026-10-02",
    ]  # fmt: skip
    with get_client(sync_client=True) as client:
        tasks = client.read_task_runs(
            flow_run_filter=FlowRunFilter(
                id=FlowRunFilterId(any_=[state.state_details.flow_run_id])
            )
        )
    assert [t.name.split("-")[0] for t in tasks] == ["replay"], "one task for the one group"


def test_refetch_flow_fetches_the_named_source_again(
    boards: FakeBoards, flow_env: Settings, tmp_path: Path
) -> None:
    from flows.backfill import backfill

    sources = _sources(tmp_path, boards)
    state = backfill(
        since="2026-10-01", until="2026-10-01", sources=["lumen"], mode="refetch",
        sources_file=sources, return_state=True,
    )  # fmt: skip
    assert state.is_completed()
    report = state.result()
    assert [(s.source_name, s.new) for s in report.sources] == [("lumen", 10)]
