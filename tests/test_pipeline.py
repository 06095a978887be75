"""The whole job in one process over real sockets: fetch → raw → parse → load, twice."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text

from jobingest import pipeline
from jobingest.rawstore import RawStore
from jobingest.settings import Settings
from jobingest.warehouse.db import get_engine
from tests.conftest import EXAMPLES, write_sources
from tests.fakeboards import FakeBoards, Fault

NORTHWIND = (EXAMPLES / "payloads" / "greenhouse_northwind-analytics.json").read_bytes()
LUMEN = (EXAMPLES / "payloads" / "greenhouse_lumen-health.json").read_bytes()


def _scalar(settings: Settings, sql: str) -> object:
    url = settings.database_url.get_secret_value()
    with get_engine(url).connect() as connection:
        return connection.execute(text(sql)).scalar_one()


def test_two_runs_load_once_and_then_report_all_unchanged(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    sources = write_sources(
        tmp_path,
        [
            {"name": "northwind", "kind": "greenhouse", "board": "northwind",
             "url": boards.greenhouse("northwind", NORTHWIND)},
            {"name": "lumen", "kind": "greenhouse", "board": "lumen",
             "url": boards.greenhouse("lumen", LUMEN)},
        ],
    )  # fmt: skip
    first = pipeline.run_once(settings, sources)
    assert first.status == "completed"
    assert {s.source_name: s.new for s in first.sources} == {"northwind": 14, "lumen": 10}
    rows = _scalar(settings, "SELECT count(*) FROM posting")
    assert rows == 24

    second = pipeline.run_once(settings, sources)
    assert second.status == "completed"
    assert second.total("new") == 0 and second.total("updated") == 0
    assert second.total("unchanged") == 24
    assert _scalar(settings, "SELECT count(*) FROM posting") == rows
    assert _scalar(settings, "SELECT count(*) FROM posting_source") == rows
    assert _scalar(settings, "SELECT count(*) FROM ingest_run") == 2
    stored = _scalar(settings, "SELECT unchanged FROM ingest_run WHERE id = 2")
    assert stored == 24
    # Every landed body is indexed and can be read back without the network.
    url = settings.database_url.get_secret_value()
    with get_engine(url).connect() as connection:
        hashes = [r[0] for r in connection.execute(text("SELECT DISTINCT sha256 FROM raw_payload"))]
    store = RawStore(settings.raw_store)
    assert sorted(store.get(h) for h in hashes) == sorted([NORTHWIND, LUMEN])


def test_a_failing_source_is_named_and_the_others_still_load(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    broken_path = "/v1/boards/broken/jobs"
    boards.fail(broken_path, *[Fault("status", 503)] * 3)
    sources = write_sources(
        tmp_path,
        [
            {"name": "northwind", "kind": "greenhouse", "board": "northwind",
             "url": boards.greenhouse("northwind", NORTHWIND)},
            {"name": "broken", "kind": "greenhouse", "board": "broken",
             "url": boards.greenhouse("broken", NORTHWIND)},
            {"name": "misspelt", "kind": "greenhouse", "bord": "x"},
        ],
    )  # fmt: skip
    report = pipeline.run_once(settings, sources)
    assert report.status == "partial"
    by_name = {s.source_name: s for s in report.sources}
    assert by_name["northwind"].status == "ok" and by_name["northwind"].new == 14
    assert by_name["broken"].status == "failed"
    assert "HTTP 503 after 3 attempts" in (by_name["broken"].reason or "")
    assert [p.source_name for p in report.config_errors] == ["misspelt"]
    assert _scalar(settings, "SELECT failed_sources FROM ingest_run") == 2
    assert _scalar(settings, "SELECT count(*) FROM quarantine WHERE stage = 'config'") == 1
    stored = _scalar(settings, "SELECT report FROM ingest_run")
    stored = json.loads(stored) if isinstance(stored, str) else stored
    assert stored["status"] == "partial", "dashboards reading the stored report see the outcome"


def test_an_html_page_served_as_json_is_quarantined_and_loaded_rows_survive(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    sources = write_sources(
        tmp_path,
        [{"name": "northwind", "kind": "greenhouse", "board": "northwind",
          "url": boards.greenhouse("northwind", NORTHWIND)}],
    )  # fmt: skip
    pipeline.run_once(settings, sources)
    boards.fail("/v1/boards/northwind/jobs", Fault("html"))
    report = pipeline.run_once(settings, sources)
    (source,) = report.sources
    assert source.status == "failed" and "HTML" in (source.reason or "")
    assert source.quarantined == 1
    assert _scalar(settings, "SELECT count(*) FROM posting") == 14
    reason = _scalar(settings, "SELECT reason FROM quarantine WHERE stage = 'parse'")
    assert "HTML" in str(reason)
    sha = _scalar(settings, "SELECT raw_sha256 FROM quarantine WHERE stage = 'parse'")
    assert b"<html>" in RawStore(settings.raw_store).get(str(sha))


def test_bad_records_are_quarantined_and_the_batch_goes_on(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    jobs = json.loads(NORTHWIND)["jobs"]
    jobs[3] = {**jobs[3], "title": None}
    jobs[5] = {k: v for k, v in jobs[5].items() if k != "id"}
    body = json.dumps({"jobs": jobs, "meta": {"total": len(jobs)}}).encode()
    sources = write_sources(
        tmp_path,
        [{"name": "mixed", "kind": "greenhouse", "board": "mixed",
          "url": boards.greenhouse("mixed", body)}],
    )  # fmt: skip
    report = pipeline.run_once(settings, sources)
    (source,) = report.sources
    assert source.status == "ok"
    assert (source.parsed, source.new, source.quarantined) == (12, 12, 2)
    assert report.status == "completed"
    assert _scalar(settings, "SELECT count(*) FROM quarantine WHERE stage = 'map'") == 2
    assert _scalar(settings, "SELECT quarantined FROM ingest_run") == 2


def test_an_unchanged_board_is_asked_conditionally_and_sends_no_body(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    path = "/v1/boards/steady/jobs"
    sources = write_sources(
        tmp_path,
        [{"name": "steady", "kind": "greenhouse", "board": "steady",
          "url": boards.greenhouse("steady", NORTHWIND)}],
    )  # fmt: skip
    pipeline.run_once(settings, sources)
    boards.reset_log()
    second = pipeline.run_once(settings, sources)
    (request,) = boards.seen(path)
    assert request.status == 304 and "if-none-match" in request.headers
    (source,) = second.sources
    assert (source.fetched, source.not_modified, source.bytes) == (1, 1, 0)
    assert (source.new, source.updated, source.unchanged) == (0, 0, 14)
    newest = _scalar(settings, "SELECT max(last_seen_at) FROM posting")
    oldest = _scalar(settings, "SELECT min(last_seen_at) FROM posting_source")
    assert newest == oldest  # every listing of the unchanged board was marked seen

    # The board changes: the next run downloads and loads the difference.
    jobs = json.loads(NORTHWIND)["jobs"]
    jobs[0] = {**jobs[0], "title": jobs[0]["title"] + " (Platform)"}
    boards.greenhouse("steady", json.dumps({"jobs": jobs, "meta": {"total": 14}}).encode())
    third = pipeline.run_once(settings, sources)
    (source,) = third.sources
    assert (source.not_modified, source.new, source.updated, source.unchanged) == (0, 0, 1, 13)
