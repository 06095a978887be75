"""On-demand backfills: replay landed payloads through today's extractors, or fetch again.

Thin wiring: one task per group of chunks (all days of a few sources), never per posting;
every decision is in `jobingest.backfill`.
"""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State
from prefect.futures import wait
from prefect.runtime import flow_run
from prefect.states import Completed, Failed
from prefect.task_runners import ThreadPoolTaskRunner

from jobingest import backfill as lib
from jobingest import pipeline
from jobingest.models import SourceConfig
from jobingest.report import RunReport, SourceReport
from jobingest.settings import Settings


@task(name="replay-chunks", cache_policy=NO_CACHE)
def replay_group(
    run_id: int, chunks: list[lib.Chunk], sources_file: str, workers: int = 1
) -> list[str]:
    """Replay a group; raises when one of its chunks failed, so the task shows it."""
    outcomes = lib.replay_chunks(
        Settings(), run_id, chunks, sources_file=sources_file, workers=workers
    )
    failed = [f"{o.chunk.name}: {o.reason}" for o in outcomes if o.status == "failed"]
    if failed:
        raise lib.ChunkFailedError("; ".join(failed))
    return [o.chunk.name for o in outcomes]


@task(name="refetch-source", task_run_name="refetch-{entry.name}", cache_policy=NO_CACHE)
def refetch_source(run_id: int, entry: SourceConfig) -> SourceReport:
    return pipeline.ingest_source(Settings(), run_id, entry)


@flow(
    name="backfill",
    task_runner=ThreadPoolTaskRunner(max_workers=4),  # type: ignore[arg-type]
    validate_parameters=True,
)
def backfill(
    since: str,
    until: str,
    sources: list[str] | None = None,
    mode: str = "replay",
    sources_file: str = "sources.yaml",
    max_tasks: int = 200,
    workers: int = 1,
) -> State[RunReport]:
    """Replay (or refetch) the sources in `sources` (all when empty) for days since..until.

    `workers` > 1 gives each replay task that many processes (`workers` - 1 parse while the
    task loads); keep `workers` × concurrent tasks within the machine's cores.
    """
    start, end = date.fromisoformat(since), date.fromisoformat(until)
    lib.check_window(start, end, mode)
    settings = Settings()
    if mode == "refetch":
        report = _refetch(settings, sources_file, sources)
    else:
        report = _replay(settings, start, end, sources, sources_file, max_tasks, workers)
    create_markdown_artifact(
        key="jobingest-backfill-report",
        markdown=report.to_markdown(),
        description=f"run {report.run_id}",
    )
    create_table_artifact(key="jobingest-backfill-chunks", table=report.table_rows())
    if report.status == "failed":
        return Failed(message=f"every chunk failed (run {report.run_id})", data=report)
    return Completed(message=f"run {report.run_id}: {report.status}", data=report)


def _replay(
    settings: Settings,
    start: date,
    end: date,
    sources: list[str] | None,
    sources_file: str,
    max_tasks: int,
    workers: int = 1,
) -> RunReport:
    run_id = lib.open_backfill(
        settings, mode="replay", since=start, until=end, flow_run_id=str(flow_run.get_id())
    )
    chunks = lib.plan_chunks(settings, since=start, until=end, sources=sources)
    get_run_logger().info("replaying %d chunks in run %d", len(chunks), run_id)
    futures = [
        replay_group.submit(run_id, group, sources_file, workers)
        for group in lib.group_chunks(chunks, max_tasks)
    ]
    wait(futures)
    return lib.close_backfill(settings, run_id)


def _refetch(settings: Settings, sources_file: str, sources: list[str] | None) -> RunReport:
    plan = lib.refetch_plan(sources_file, sources)
    run_id, _ = pipeline.start_run(settings, sources_file, flow_run_id=str(flow_run.get_id()))
    task = refetch_source.with_options(retries=settings.source_task_retries, retry_delay_seconds=5)
    futures = {entry.name: task.submit(run_id, entry) for entry in plan.enabled}
    wait(list(futures.values()))
    crashed = {
        name: future.state.message or str(future.state.name)
        for name, future in futures.items()
        if not future.state.is_completed()
    }
    return pipeline.finish_run(settings, run_id, plan, failures=crashed)
