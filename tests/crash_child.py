"""One nightly ingest that SIGKILLs its own process at a chosen point (crash-recovery tests).

    python -m tests.crash_child SOURCES_FILE POINT NTH

Settings come from JOBINGEST_* environment variables, as in a deployment. The library is not
changed: this process wraps one of its functions so that the NTH time the run gets there, the
process dies as a power cut would, with no cleanup and no rollback sent.

POINT:
- fetch: a response's headers are in and its body is being read;
- parse: the connector has read the payload and the NTH posting is being mapped;
- load: the NTH load batch has written its rows, inside its transaction, before the commit;
- index: a page's data has committed and its `raw_payload` index row and counts have not;
- finish: every source is done and the run row is not yet closed.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

from jobingest import fetch, parse, pipeline
from jobingest.settings import Settings


def _die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def _kill_on(
    nth: int,
    function: Callable[..., Any],
    *,
    after: bool = False,
    counts: Callable[..., bool] = lambda *a, **k: True,
) -> Callable[..., Any]:
    """`function`, but the NTH counted call kills the process (before it runs, or after)."""
    calls = 0

    @functools.wraps(function)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        counted = counts(*args, **kwargs)
        calls += 1 if counted else 0
        if counted and calls == nth and not after:
            _die()
        result = function(*args, **kwargs)
        if counted and calls == nth and after:
            _die()
        return result

    return wrapped


def _parsed_page(*args: Any, **kwargs: Any) -> bool:
    """The index write after a page's data (not an unchanged page, not an unparsable one)."""
    return kwargs.get("records") is not None and kwargs.get("stored_size") is not None


def arm(point: str, nth: int) -> None:
    if point == "fetch":
        fetch.Fetcher._read_capped = _kill_on(nth, fetch.Fetcher._read_capped)  # type: ignore[method-assign]
    elif point == "parse":
        parse.finish_posting = _kill_on(nth, parse.finish_posting)
    elif point == "load":
        pipeline.load_batch = _kill_on(nth, pipeline.load_batch, after=True)
    elif point == "index":
        pipeline._record_page = _kill_on(nth, pipeline._record_page, counts=_parsed_page)
    elif point == "finish":
        pipeline.finish_run = _kill_on(nth, pipeline.finish_run)
    else:
        raise SystemExit(f"unknown crash point {point!r}")


def main(argv: list[str]) -> int:
    sources, point, nth = argv[1], argv[2], int(argv[3])
    arm(point, nth)
    report = pipeline.run_once(Settings(), sources)
    print(f"finished without reaching {point} #{nth}: {report.status}")
    return 3


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
