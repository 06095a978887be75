"""A nightly run killed with SIGKILL at chosen points, then run again: nothing lost, nothing twice.

The run happens in a child process (`tests/crash_child.py`) that kills itself mid-fetch,
mid-parse, inside a load transaction, between a page's data commit and its bookkeeping, or
before the run is closed. The warehouse it leaves must never have bookkeeping ahead of the
data; the next normal run must end with exactly the boards' listings, once each; and one more
identical run must change nothing.
"""

from __future__ import annotations

import copy
import signal
import subprocess
from pathlib import Path

import pytest

from jobingest import pipeline
from jobingest.settings import Settings
from tests import warehouse_checks as checks
from tests.conftest import run_child, write_sources
from tests.fakeboards import FakeBoards
from tests.soak_world import World

pytestmark = pytest.mark.slow

SEED = 7_2026
# Four boards (Greenhouse, Lever in two pages, Ashby, Greenhouse) of 15 postings, loaded in
# batches of 4, so every crash point falls with some sources, pages and batches committed:
# the Nth fetch, posting mapped, load batch or parsed page indexed is one of the Lever board's.
BOARDS, POSTINGS, BATCH = 4, 15, 4
POINTS = {
    "mid-fetch": ("fetch", 3),
    "mid-parse": ("parse", 22),
    "inside a load transaction": ("load", 6),
    "between data commit and bookkeeping": ("index", 3),
    "before the run is closed": ("finish", 1),
}
DATA_TABLES = ("posting", "posting_source", "posting_version", "quarantine")


def crash(
    settings: Settings, sources: Path, point: str, nth: int
) -> subprocess.CompletedProcess[str]:
    """Run the ingest in a child process armed to SIGKILL itself at `point`."""
    return run_child(
        ["-m", "tests.crash_child", str(sources), point, str(nth)],
        settings,
        JOBINGEST_HTTP_ALLOW_PRIVATE_HOSTS='["127.0.0.1"]',
        JOBINGEST_HTTP_PER_HOST_RPS=str(settings.http_per_host_rps),
    )


def _assert_killed(child: subprocess.CompletedProcess[str]) -> None:
    assert child.returncode == -signal.SIGKILL, (
        f"the child was not killed (exit {child.returncode}): {child.stdout}{child.stderr[-2000:]}"
    )


def _assert_consistent(settings: Settings, world: World, moment: str) -> None:
    problems = checks.bookkeeping_ahead(settings, world.published)
    dupes = checks.duplicates(settings)
    print(f"{moment}: tables {checks.table_counts(settings)}, duplicates {dupes}")
    assert not problems, f"{moment}: bookkeeping ahead of data: {problems}"
    assert dupes == dict.fromkeys(dupes, 0), f"{moment}: duplicates {dupes}"


def _rerun_matches_oracle_and_repeat_is_a_no_op(
    settings: Settings, world: World, sources: Path
) -> None:
    oracle = set().union(*world.oracle().values())
    report = pipeline.run_once(settings, sources)
    assert report.status == "completed", [(s.source_name, s.reason) for s in report.sources]
    stored, open_now = checks.listings(settings), checks.listings(settings, open_only=True)
    print(
        f"rerun: {len(oracle)} in the oracle, {len(stored)} stored, {len(open_now)} open, "
        f"lost={len(oracle - open_now)}, extra={len(stored - oracle)}"
    )
    assert stored == oracle and open_now == oracle
    _assert_consistent(settings, world, "after the rerun")

    before = checks.table_counts(settings)
    again = pipeline.run_once(settings, sources)
    after = checks.table_counts(settings)
    assert again.status == "completed"
    assert (again.total("new"), again.total("updated"), again.total("closed")) == (0, 0, 0)
    assert again.total("unchanged") == len(oracle)
    assert {t: after[t] for t in DATA_TABLES} == {t: before[t] for t in DATA_TABLES}
    _assert_consistent(settings, world, "after an identical run")


@pytest.mark.parametrize("point", POINTS)
def test_a_run_killed_at_any_point_recovers_on_the_next_run(
    point: str, boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    settings = settings.model_copy(update={"load_batch_size": BATCH})
    world = World(SEED, BOARDS, POSTINGS)
    sources = write_sources(tmp_path, world.publish(boards))
    _assert_killed(crash(settings, sources, *POINTS[point]))
    _assert_consistent(settings, world, f"killed {point}")
    _rerun_matches_oracle_and_repeat_is_a_no_op(settings, world, sources)


def test_a_crash_after_loading_changed_pages_then_the_old_pages_again_closes_nothing(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    """The board changes, the run dies between the data and its index, the board changes back.

    The rows now point at a body that was never indexed, while the last indexed body (and its
    ETag) is the one served again: a 304 must not be taken to stand for those rows.
    """
    settings = settings.model_copy(update={"load_batch_size": BATCH})
    world = World(SEED, 2, 20)  # a Greenhouse board, and a Lever board of two full pages
    sources = write_sources(tmp_path, world.publish(boards))
    first = pipeline.run_once(settings, sources)
    assert first.status == "completed"
    before_edit = copy.deepcopy(world.boards)
    for board in world.boards:
        first_job = min(board.jobs.values(), key=lambda job: job.published)
        first_job.title += " - Hiring now"
    world.publish(boards)
    _assert_killed(crash(settings, sources, "index", 2))
    _assert_consistent(settings, world, "killed after the changed page's data")
    world.boards = before_edit
    world.publish(boards)
    _rerun_matches_oracle_and_repeat_is_a_no_op(settings, world, sources)
