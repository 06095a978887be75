"""Peak memory of a replay: the growth of a process's peak resident set while it replays the
corpus into a fresh SQLite warehouse, scaled to 100,000 postings.

Each replay runs in a child forked from the (already warm) benchmark process, so imports and
extractor tables are not counted; the child resets its peak-RSS mark first (Linux
`/proc/self/clear_refs`), else falls back to `ru_maxrss`, which includes what it inherited.
Scaling is linear, which overstates a replay whose memory is bounded (it streams payloads);
the row says how many postings were actually replayed.
"""

from __future__ import annotations

import multiprocessing
import resource
from multiprocessing.connection import Connection
from pathlib import Path

from jobingest.bench.landing import LandedCorpus
from jobingest.bench.replay_bench import baseline_once, replay_once

_PROC = Path("/proc/self")


def peak_growth_mib(corpus: LandedCorpus, folder: Path, *, straightforward: bool) -> float:
    """MiB the peak RSS grew by while one replay (ours, or the baseline) ran in a child."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_measure, args=(send, corpus, folder, straightforward))
    child.start()
    send.close()
    growth = float(receive.recv())
    child.join()
    if child.exitcode != 0:
        raise RuntimeError(f"memory child exited with {child.exitcode}")
    return growth


def _measure(send: Connection, corpus: LandedCorpus, folder: Path, straightforward: bool) -> None:
    start = _reset_peak()
    if straightforward:
        baseline_once(corpus, "sqlite", folder, None)
    else:
        replay_once(corpus, "sqlite", folder, 1, None)
    send.send((_peak_kib() - start) / 1024)
    send.close()


def _reset_peak() -> float:
    """Reset the peak-RSS mark where the kernel allows it; the KiB it starts from."""
    try:
        (_PROC / "clear_refs").write_text("5")
        return _current_kib()
    except OSError:
        return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _peak_kib() -> float:
    status = _status()
    if "VmHWM" in status:
        return status["VmHWM"]
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _current_kib() -> float:
    return _status().get("VmRSS", 0.0)


def _status() -> dict[str, float]:
    try:
        lines = (_PROC / "status").read_text().splitlines()
    except OSError:
        return {}
    found = {}
    for line in lines:
        name, _, value = line.partition(":")
        if name in ("VmHWM", "VmRSS"):
            found[name] = float(value.split()[0])
    return found
