"""The backfill flow on a Dask cluster, for CPU-heavy replays that outgrow one process.

Replay tasks parse and extract; on the default thread pool they share one interpreter (and its
GIL). Here each task runs in a Dask worker process: on a local cluster of `dask_workers`
processes, or on the cluster whose scheduler is `dask_address`, so several machines can share
one replay. The flow body is the same `backfill` flow; only the task runner differs. Needs the
`dask` extra (`pip install -e '.[dask]'`) and a Prefect API the workers can reach (a real
server; the ephemeral API of `prefect_test_harness` works on one machine).
"""

from __future__ import annotations

from typing import Any

from prefect_dask.task_runners import DaskTaskRunner

from flows.backfill import backfill
from jobingest.settings import Settings


def dask_task_runner(settings: Settings) -> DaskTaskRunner:
    """A runner on the configured scheduler, or on a local cluster of worker processes."""
    if settings.dask_address:
        return DaskTaskRunner(address=settings.dask_address)
    cluster: dict[str, Any] = {
        "n_workers": settings.dask_workers,
        "threads_per_worker": 1,
        "processes": True,
        "dashboard_address": None,
    }
    return DaskTaskRunner(cluster_kwargs=cluster)


backfill_dask = backfill.with_options(
    name="backfill-dask",
    task_runner=dask_task_runner(Settings()),  # type: ignore[arg-type]
)
