"""The nightly ingest: one Prefect task per source, a run report, and an artifact per run."""

from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State
from prefect.futures import wait
from prefect.runtime import flow_run
from prefect.states import Completed, Failed
from prefect.task_runners import ThreadPoolTaskRunner

from jobingest import pipeline
from jobingest.models import SourceConfig
from jobingest.report import RunReport, SourceReport
from jobingest.settings import Settings


@task(name="ingest-source", task_run_name="ingest-{entry.name}", cache_policy=NO_CACHE)
def ingest_source(run_id: int, entry: SourceConfig) -> SourceReport:
    return pipeline.ingest_source(Settings(), run_id, entry)


@task(name="refresh-marts", cache_policy=NO_CACHE)
def refresh_marts() -> dict[str, int]:
    return pipeline.refresh_marts(Settings())


@flow(
    name="nightly-ingest",
    task_runner=ThreadPoolTaskRunner(max_workers=4),  # type: ignore[arg-type]
    validate_parameters=True,
)
def nightly_ingest(sources: str = "sources.yaml") -> State[RunReport]:
    """Fetch, land, parse, extract and load every enabled source in `sources`."""
    settings = Settings()
    logger = get_run_logger()
    run_id, plan = pipeline.start_run(settings, sources, flow_run_id=str(flow_run.get_id()))
    for problem in plan.errors:
        logger.error("source %s skipped: %s", problem.name, problem.reason)
    task = ingest_source.with_options(retries=settings.source_task_retries, retry_delay_seconds=5)
    futures = {entry.name: task.submit(run_id, entry) for entry in plan.enabled}
    wait(list(futures.values()))
    crashed = {
        name: future.state.message or str(future.state.name)
        for name, future in futures.items()
        if not future.state.is_completed()
    }
    report = pipeline.finish_run(settings, run_id, plan, failures=crashed)
    # Its own task: a mart that fails to refresh is reported, and the loaded data stands.
    marts = refresh_marts.submit()
    marts.wait()
    if not marts.state.is_completed():
        logger.error("marts not refreshed: %s", marts.state.message)
    create_markdown_artifact(
        key="jobingest-run-report", markdown=report.to_markdown(), description=f"run {run_id}"
    )
    create_table_artifact(key="jobingest-run-sources", table=report.table_rows())
    for failed in report.failed:
        logger.warning("source %s failed: %s", failed.source_name, failed.reason)
    if report.status == "failed":
        return Failed(message=f"every source failed (run {run_id})", data=report)
    return Completed(message=f"run {run_id}: {report.status}", data=report)


if __name__ == "__main__":
    # `python flows/nightly.py` serves the flow with a nightly schedule on the current Prefect API.
    nightly_ingest.serve(name="nightly", cron="0 2 * * *", parameters={"sources": "sources.yaml"})
