"""A replay backfill killed with SIGKILL (no exception handler, no cleanup) inside a load
transaction, then rerun: the result equals one clean run, and a further run changes nothing."""

from __future__ import annotations

import signal
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from jobingest import backfill
from jobingest.settings import Settings
from tests.conftest import run_child
from tests.fakeboards import FakeBoards
from tests.test_backfill import DAY1, DAY2, _land_two_days, _snapshot, improve  # noqa: F401

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals"),
]

# The child ships the same improved extractor as the `improve` fixture, and kills itself right
# after the Nth load batch was written, before its chunk's transaction commits.
CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from datetime import date

    from jobingest import backfill
    from jobingest.models import Level
    from jobingest.settings import Settings
    from jobingest.sources.greenhouse import Greenhouse

    original = Greenhouse.to_posting

    def to_posting(self, record, ctx):
        return original(self, record, ctx).model_copy(update={"level": Level.executive})

    Greenhouse.to_posting = to_posting
    real_load = backfill.load_batch
    calls = 0

    def load_then_die(*args, **kwargs):
        global calls
        calls += 1
        counts = real_load(*args, **kwargs)
        if calls == int(os.environ["KILL_AT_BATCH"]):
            os.kill(os.getpid(), signal.SIGKILL)
        return counts

    backfill.load_batch = load_then_die
    backfill.replay(
        Settings(), since=date(2026, 10, 1), until=date(2026, 10, 2), sources_file=sys.argv[1]
    )
    """
)


def _replay_in_a_child_killed_at(settings: Settings, sources: Path, batch: int) -> int:
    return run_child(["-c", CHILD, str(sources)], settings, KILL_AT_BATCH=str(batch)).returncode


@pytest.mark.parametrize("kill_at_batch", [1, 4])
def test_replay_killed_inside_a_load_transaction_resumes_to_the_clean_result(
    settings: Settings,
    boards: FakeBoards,
    tmp_path: Path,
    improve: Callable[[], None],  # noqa: F811
    kill_at_batch: int,
) -> None:
    # Small load batches, so a chunk commits several batches in one transaction.
    settings = Settings(**{**settings.model_dump(), "load_batch_size": 5})
    clean = Settings(
        **{**settings.model_dump(), "database_url": f"sqlite:///{tmp_path / 'clean.db'}",
           "raw_store": str(tmp_path / "clean-raw")}
    )  # fmt: skip
    suffix = f"-kill{kill_at_batch}"
    clean_sources = _land_two_days(clean, boards, tmp_path, f"{suffix}-clean")
    sources = _land_two_days(settings, boards, tmp_path, suffix)
    landed = _snapshot(settings)

    returncode = _replay_in_a_child_killed_at(settings, sources, kill_at_batch)
    assert returncode == -signal.SIGKILL, "the child died by SIGKILL, mid-replay"
    after_kill = _snapshot(settings)
    assert after_kill["counts"] == landed["counts"], "a replay never adds rows, even half-done"

    improve()
    backfill.replay(clean, since=DAY1, until=DAY2, sources_file=clean_sources)
    report = backfill.replay(settings, since=DAY1, until=DAY2, sources_file=sources)
    assert report.status == "completed" and len(report.sources) == 4
    assert _snapshot(settings) == _snapshot(clean), "killed + resumed == one clean run"

    again = backfill.replay(settings, since=DAY1, until=DAY2, sources_file=sources)
    assert again.status == "completed"
    assert _snapshot(settings) == _snapshot(clean), "a further replay is a no-op"
