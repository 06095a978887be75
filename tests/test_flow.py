"""The nightly Prefect flow, run for real against a temporary Prefect API and loopback boards."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from jobingest.report import RunReport
from jobingest.settings import Settings
from jobingest.warehouse.db import get_engine
from tests.conftest import EXAMPLES, write_sources
from tests.fakeboards import FakeBoards, Fault

pytestmark = pytest.mark.slow

NORTHWIND = (EXAMPLES / "payloads" / "greenhouse_northwind-analytics.json").read_bytes()


def test_nightly_flow_completes_with_a_report_and_artifacts(
    boards: FakeBoards, flow_env: Settings, tmp_path: Path
) -> None:
    from flows.nightly import nightly_ingest
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    sources = write_sources(
        tmp_path,
        [
            {"name": "northwind", "kind": "greenhouse", "board": "northwind",
             "url": boards.greenhouse("northwind", NORTHWIND)},
            {"name": "down", "kind": "greenhouse", "board": "down",
             "url": boards.greenhouse("down", NORTHWIND)},
            {"name": "busy", "kind": "greenhouse", "board": "busy",
             "url": boards.greenhouse("busy", NORTHWIND)},
        ],
    )  # fmt: skip
    boards.fail("/v1/boards/down/jobs", *[Fault("status", 500)] * 2)
    # A 429 burst within the retry budget: waited out, then loaded.
    boards.fail("/v1/boards/busy/jobs", Fault("status", 429, {"Retry-After": "1"}))
    state = nightly_ingest(sources=str(sources), return_state=True)
    assert state.is_completed(), "one failed source must not fail the flow"
    report = state.result()
    assert isinstance(report, RunReport)
    assert report.status == "partial"
    by_name = {s.source_name: s for s in report.sources}
    assert by_name["northwind"].new == 14
    assert by_name["busy"].status == "ok"
    assert by_name["busy"].parsed == 14 and by_name["busy"].duplicates == 14
    busy = boards.seen("/v1/boards/busy/jobs")
    assert [r.status for r in busy] == [429, 200]
    assert busy[1].at - busy[0].at >= 1.0, "the 429's Retry-After was not waited out"
    assert by_name["down"].status == "failed" and "HTTP 500" in (by_name["down"].reason or "")
    with get_engine(flow_env.database_url.get_secret_value()).connect() as connection:
        flow_run_id = connection.execute(text("SELECT flow_run_id FROM ingest_run")).scalar_one()
    assert flow_run_id == str(state.state_details.flow_run_id)
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["jobingest-run-report"]))
        )
    assert any("northwind" in str(a.data) and "HTTP 500" in str(a.data) for a in artifacts)


def test_nightly_flow_fails_only_when_every_source_failed(
    boards: FakeBoards, flow_env: Settings, tmp_path: Path
) -> None:
    from flows.nightly import nightly_ingest

    sources = write_sources(
        tmp_path,
        [{"name": "gone", "kind": "greenhouse", "board": "gone",
          "url": boards.base_url + "/v1/boards/gone/jobs"}],
    )  # fmt: skip
    state = nightly_ingest(sources=str(sources), return_state=True)
    assert state.is_failed()
    report = state.result(raise_on_failure=False)
    assert isinstance(report, RunReport)
    assert report.status == "failed"
    assert "HTTP 404" in (report.sources[0].reason or "")
