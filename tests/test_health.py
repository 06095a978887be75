"""Silent-zero detection: a board that suddenly lists far fewer postings than usual is flagged."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from jobingest import backfill, health, pipeline
from jobingest.settings import Settings
from tests.conftest import EXAMPLES
from tests.fakeboards import FakeBoards

NORTHWIND = json.loads((EXAMPLES / "payloads" / "greenhouse_northwind-analytics.json").read_text())
LUMEN = (EXAMPLES / "payloads" / "greenhouse_lumen-health.json").read_bytes()


@pytest.mark.parametrize(
    ("current", "history", "flagged"),
    [
        (0, [14, 14, 13], True),  # the classic: an empty page from a board that had 14
        (5, [14, 14, 13], True),
        (7, [14, 14, 13], False),  # half the median is the line, not below it
        (14, [14, 14, 13], False),
        (0, [14, 14], False),  # too little history to know what is usual
        (0, [0, 0, 0], False),  # a board that usually lists nothing is not silent
        (3, [40, 2, 2, 2, 40], False),  # the median, not the mean: one busy night is not usual
        (10, [40, 2, 40, 40, 2], True),
    ],
)
def test_silent_zero(current: int, history: list[int], flagged: bool) -> None:
    assert health.silent_zero(current, history) is flagged


def test_silent_zero_thresholds_are_settable() -> None:
    assert health.silent_zero(9, [10, 10], min_history=2, ratio=0.95)
    assert not health.silent_zero(9, [10, 10], min_history=2, ratio=0.9)


def _run(settings: Settings, sources: Path, day: int) -> int:
    def clock() -> datetime:
        return datetime(2026, 10, day, 2, 0, tzinfo=UTC)

    run_id, plan = pipeline.start_run(settings, sources, clock=clock)
    for entry in plan.enabled:
        pipeline.ingest_source(settings, run_id, entry, clock=clock)
    pipeline.finish_run(settings, run_id, plan, clock=clock)
    return run_id


def test_a_board_that_drops_to_a_fraction_is_flagged(
    settings: Settings, boards: FakeBoards, tmp_path: Path
) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        json.dumps(
            {
                "sources": [
                    {"name": "northwind", "kind": "greenhouse", "board": "northwind-h",
                     "url": boards.greenhouse("northwind-h", json.dumps(NORTHWIND).encode())},
                    {"name": "lumen", "kind": "greenhouse", "board": "lumen-h",
                     "url": boards.greenhouse("lumen-h", LUMEN)},
                ]
            }
        )
    )  # fmt: skip
    # Three ordinary nights; the second and third are unchanged (not parsed again), which must
    # still count as 14 listed, not 0.
    for day in (1, 2, 3):
        last = _run(settings, sources, day)
    assert health.silent_zeros(settings, last) == []
    with_history = health.silent_zeros(settings, last, min_history=2)
    assert with_history == []

    two = {"jobs": NORTHWIND["jobs"][:2], "meta": {"total": 2}}
    boards.publish("/v1/boards/northwind-h/jobs", json.dumps(two).encode())
    dropped = _run(settings, sources, 4)

    flags = health.silent_zeros(settings, dropped)
    assert [(f.source_name, f.listed, f.median, f.runs) for f in flags] == [("northwind", 2, 14, 3)]
    assert "northwind listed 2 postings" in flags[0].describe()

    # A replay backfill lands no payloads, so it neither counts as history nor is flagged.
    backfill.replay(
        settings, since=date(2026, 10, 1), until=date(2026, 10, 4), sources_file=sources
    )
    runs = health.recent_runs(settings, limit=10)
    assert runs[0]["sources_file"] == "backfill:replay:2026-10-01..2026-10-04"
    assert [r["status"] for r in runs] == ["completed"] * 5
    assert health.silent_zeros(settings, dropped) == flags
