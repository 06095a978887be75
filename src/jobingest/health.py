"""Run health: silent-zero detection and the run history people look at.

A board that suddenly lists far fewer postings than usual has more likely broken (an empty
page, a changed API, a block) than emptied; such a source is flagged rather than trusted.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from jobingest.settings import Settings
from jobingest.warehouse import runs
from jobingest.warehouse.db import get_engine

_BACKFILL_LABEL = "backfill:%"


def silent_zero(
    current: int, history: Sequence[int], *, ratio: float = 0.5, min_history: int = 3
) -> bool:
    """True when `current` is below `ratio` times the median of `history`.

    With fewer than `min_history` past values there is no "usual" yet, so nothing is flagged;
    a source that usually lists nothing is never flagged either.
    """
    if len(history) < min_history:
        return False
    usual = statistics.median(history)
    return usual > 0 and current < ratio * usual


@dataclass(frozen=True)
class SilentZero:
    source_name: str
    listed: int
    median: float
    runs: int

    def describe(self) -> str:
        return (
            f"{self.source_name} listed {self.listed} postings, its median over the last "
            f"{self.runs} runs is {self.median:g}: treat as a possible silent failure"
        )


def listed_history(
    connection: Connection,
    source_names: Sequence[str] | None = None,
    *,
    before_run_id: int | None = None,
    limit: int = 7,
) -> dict[str, list[int]]:
    """Records each source's board returned in its recent successful runs, newest first.

    Counted from `raw_payload.records`, not `ingest_run_source.parsed`: an unchanged page (304
    or same body) is not parsed again, so `parsed` is 0 on a quiet night, while the payload row
    still carries its record count. Backfill runs land no payloads and are left out.
    """
    raw, rs, run = runs.raw_table.c, runs.run_source_table.c, runs.run_table.c
    query = (
        select(raw.source_name, raw.run_id, func.coalesce(func.sum(raw.records), 0))
        .select_from(
            runs.raw_table.join(
                runs.run_source_table,
                (rs.run_id == raw.run_id) & (rs.source_name == raw.source_name),
            ).join(runs.run_table, run.id == raw.run_id)
        )
        .where(rs.status == "ok", run.sources_file.not_like(_BACKFILL_LABEL))
        .group_by(raw.source_name, raw.run_id)
        .order_by(raw.run_id.desc())
    )
    if before_run_id is not None:
        query = query.where(raw.run_id < before_run_id)
    if source_names is not None:
        query = query.where(raw.source_name.in_(list(source_names)))
    history: dict[str, list[int]] = {}
    for name, _run_id, listed in connection.execute(query):
        values = history.setdefault(name, [])
        if len(values) < limit:
            values.append(int(listed))
    return history


def silent_zeros(
    settings: Settings,
    run_id: int,
    *,
    ratio: float = 0.5,
    min_history: int = 3,
    window: int = 7,
) -> list[SilentZero]:
    """The sources of a run that listed far fewer records than their recent median."""
    with get_engine(settings.database_url.get_secret_value()).connect() as connection:
        names = [
            row["source_name"]
            for row in runs.source_rows(connection, run_id)
            if row["status"] == "ok"
        ]
        past = listed_history(connection, names, before_run_id=run_id, limit=window)
        this_run = _listed_in_run(connection, run_id)
    flagged = []
    for name in names:
        listed = this_run.get(name, 0)
        history = past.get(name, [])
        if silent_zero(listed, history, ratio=ratio, min_history=min_history):
            flagged.append(SilentZero(name, listed, statistics.median(history), len(history)))
    return flagged


def _listed_in_run(connection: Connection, run_id: int) -> dict[str, int]:
    raw = runs.raw_table.c
    query = (
        select(raw.source_name, func.coalesce(func.sum(raw.records), 0))
        .where(raw.run_id == run_id)
        .group_by(raw.source_name)
    )
    return {name: int(listed) for name, listed in connection.execute(query)}


_RUN_COLUMNS = (
    "id", "started_at", "finished_at", "status", "sources_file", "sources_total",
    "failed_sources", "fetched", "parsed", "new", "updated", "unchanged", "duplicates",
    "closed", "quarantined",
)  # fmt: skip


def recent_runs(settings: Settings, limit: int = 20) -> list[dict[str, Any]]:
    """The newest runs (nightly and backfill), newest first, for `jobingest runs`."""
    c = runs.run_table.c
    query = select(*(c[name] for name in _RUN_COLUMNS)).order_by(c.id.desc()).limit(limit)
    with get_engine(settings.database_url.get_secret_value()).connect() as connection:
        return [dict(row) for row in connection.execute(query).mappings()]
