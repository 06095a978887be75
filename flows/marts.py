"""Recompute the marts on demand (after a backfill, or a change of `JOBINGEST_MARTS_MIN_N`)."""

from __future__ import annotations

from prefect import flow

from jobingest import pipeline
from jobingest.settings import Settings


@flow(name="rebuild-marts")
def rebuild_marts() -> dict[str, int]:
    settings = Settings()
    pipeline.prepare_warehouse(settings)
    return pipeline.refresh_marts(settings)
