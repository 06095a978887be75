"""One place that runs a batch through the stages: fetch → land raw → parse → extract → load.

Prefect flows and the CLI call these functions; they hold no logic of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, Engine

from jobingest.config import SourcesPlan, load_sources
from jobingest.errors import FetchError, JobIngestError, ParseError
from jobingest.fetch import Fetcher, FetchResult, open_fetcher
from jobingest.health import silent_zeros
from jobingest.models import SourceConfig
from jobingest.parse import ParsedPayload, ParsedSurvey, parse_payload, parse_survey
from jobingest.progress import ProgressEvent, emit
from jobingest.rawstore import RawStore, sha256_of
from jobingest.report import ConfigProblem, RunReport, SourceReport
from jobingest.settings import Settings
from jobingest.sources import get_connector
from jobingest.sources.base import Connector, RecordContext
from jobingest.warehouse import runs
from jobingest.warehouse.db import get_engine, upgrade
from jobingest.warehouse.identity import (
    DedupePolicy,
    RebuildCounts,
    close_unseen,
    explain,
    rebuild,
)
from jobingest.warehouse.load import load_batch, load_survey_batch, touch_payload

# A board that keeps pointing at more pages than this is looping, not paging.
_MAX_PAGES_PER_SOURCE = 1000

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


class SourceFailedError(JobIngestError):
    """A source could not be read completely; its reason is in the run report."""


def database_url(settings: Settings) -> str:
    return settings.database_url.get_secret_value()


def prepare_warehouse(settings: Settings) -> None:
    upgrade(database_url(settings))


def start_run(
    settings: Settings,
    sources_file: str | Path,
    *,
    flow_run_id: str | None = None,
    clock: Clock = utcnow,
) -> tuple[int, SourcesPlan]:
    """Upgrade the schema, read the sources file and open the run row.

    Entries that fail validation are quarantined (stage `config`) and reported; the rest run.
    """
    prepare_warehouse(settings)
    plan = load_sources(sources_file)
    now = clock()
    with get_engine(database_url(settings)).begin() as connection:
        run_id = runs.start_run(
            connection, now=now, sources_file=str(sources_file), flow_run_id=flow_run_id
        )
        for error in plan.errors:
            # No source row exists for an invalid entry; finish_run counts these separately.
            runs.quarantine(
                connection,
                [runs.QuarantineItem(stage="config", reason=error.reason)],
                run_id=run_id,
                source_name=error.name,
                kind=None,
                board=None,
                now=now,
            )
    return run_id, plan


def ingest_source(
    settings: Settings,
    run_id: int,
    entry: SourceConfig,
    *,
    fetcher: Fetcher | None = None,
    store: RawStore | None = None,
    clock: Clock = utcnow,
) -> SourceReport:
    """Fetch every page of one source, land it, parse it and load it, batch by batch.

    Raises SourceFailedError after recording why, so orchestration sees the failure.
    """
    if fetcher is None:
        with open_fetcher(settings) as own_fetcher:
            return ingest_source(
                settings, run_id, entry, fetcher=own_fetcher, store=store, clock=clock
            )
    connector = get_connector(entry.kind)
    board = connector.board_of(entry)
    store = store or RawStore(settings.raw_store)
    engine = get_engine(database_url(settings))
    with engine.begin() as connection:
        runs.start_source(
            connection,
            run_id=run_id,
            source_name=entry.name,
            kind=entry.kind,
            board=board,
            now=clock(),
        )
    emit(ProgressEvent(entry.name, "started"))
    ctx = RecordContext(
        source=entry.kind,
        board=board,
        fetched_on=clock().date(),
        company=entry.company,
        hours_per_year=settings.hours_per_year,
        options=entry.options,
    )
    start_urls = getattr(connector, "start_urls", None)
    queue = list(start_urls(entry)) if start_urls else [entry.url or connector.start_url(entry)]
    visited: set[str] = set()
    try:
        while queue:
            url = queue.pop(0)
            if url in visited:
                continue
            if len(visited) >= _MAX_PAGES_PER_SOURCE:
                raise SourceFailedError(f"stopped after {_MAX_PAGES_PER_SOURCE} pages")
            visited.add(url)
            if getattr(connector, "respects_robots", False) and not fetcher.robots_allowed(url):
                if len(visited) == 1:
                    raise SourceFailedError(f"robots.txt does not allow {url} (or is unreachable)")
                _count(engine, run_id, entry.name, skipped=1)
                continue
            follow = _ingest_page(
                settings, connector, run_id, entry, board, url, fetcher, store, ctx, clock
            )
            allowed = followable(url, follow)
            if len(allowed) < len(follow):
                _count(engine, run_id, entry.name, skipped=len(follow) - len(allowed))
            queue.extend(allowed)
            emit(ProgressEvent(entry.name, "page", url))
    except (FetchError, ParseError, SourceFailedError) as exc:
        reason = exc.reason if isinstance(exc, FetchError) else str(exc)
        _finish_source(engine, run_id, entry.name, "failed", reason, clock)
        emit(ProgressEvent(entry.name, "failed", reason))
        raise SourceFailedError(f"{entry.name}: {reason}") from exc
    except Exception as exc:
        _finish_source(engine, run_id, entry.name, "failed", f"{type(exc).__name__}: {exc}", clock)
        emit(ProgressEvent(entry.name, "failed", type(exc).__name__))
        raise
    if getattr(connector, "complete_snapshot", True) and not is_survey(connector):
        with engine.begin() as connection:
            closed, note = close_unseen(
                connection,
                source=entry.kind,
                board=board,
                run_id=run_id,
                now=clock(),
                policy=dedupe_policy(settings),
            )
            runs.add_counts(connection, run_id=run_id, source_name=entry.name, closed=closed)
            if note:
                runs.set_note(connection, run_id=run_id, source_name=entry.name, note=note)
    _finish_source(engine, run_id, entry.name, "ok", None, clock)
    report = source_report(settings, run_id, entry.name)
    emit(ProgressEvent(entry.name, "finished", postings=report.parsed))
    return report


def _ingest_page(
    settings: Settings,
    connector: Connector,
    run_id: int,
    entry: SourceConfig,
    board: str,
    url: str,
    fetcher: Fetcher,
    store: RawStore,
    ctx: RecordContext,
    clock: Clock,
) -> list[str]:
    """One URL through every stage; returns the URLs the page points to next.

    A 304, or a body identical to the last one that parsed, is not parsed again: its listings
    are marked seen and the stored follow-up URLs are reused.
    """
    engine = get_engine(database_url(settings))
    with engine.connect() as connection:
        previous = runs.last_good_payload(connection, source_name=entry.name, url=url)
        if previous is not None and runs.loaded_from_unindexed(
            connection, source=entry.kind, board=board, since_run_id=previous["run_id"]
        ):
            previous = None  # after a crash mid-page: fetch and parse in full, once
    result = fetcher.get(
        url,
        etag=previous["etag"] if previous else None,
        last_modified=previous["last_modified"] if previous else None,
    )
    fetched_at = clock()
    body = result.body or b""
    if previous is not None and (result.not_modified or sha256_of(body) == previous["sha256"]):
        return _unchanged_page(engine, run_id, entry, board, result, previous, fetched_at)
    if result.not_modified:
        raise ParseError(f"{url}: 304 Not Modified for a payload we never stored")
    stored = store.put(body)
    try:
        parsed: ParsedPayload | ParsedSurvey = (
            parse_survey(connector, body, url=result.url)
            if is_survey(connector)
            else parse_payload(connector, body, url=result.url, ctx=ctx)
        )
    except ParseError as exc:
        with engine.begin() as connection:
            _record_page(
                connection, run_id, entry, board, result, fetched_at, sha256=stored.sha256,
                size=stored.size, stored_size=stored.stored_size, records=None, follow=[],
            )  # fmt: skip
            runs.quarantine(
                connection,
                [
                    runs.QuarantineItem(
                        stage="parse",
                        reason=str(exc),
                        raw_sha256=stored.sha256,
                        url=result.url,
                        excerpt=body[:500].decode("utf-8", errors="replace").replace("\x00", ""),
                    )
                ],
                run_id=run_id,
                source_name=entry.name,
                kind=entry.kind,
                board=board,
                now=fetched_at,
            )
        raise
    size = settings.load_batch_size
    items: list[Any] = parsed.rows if isinstance(parsed, ParsedSurvey) else parsed.postings
    for start in range(0, len(items), size):
        with engine.begin() as connection:
            if isinstance(parsed, ParsedSurvey):
                load_survey_batch(
                    connection,
                    items[start : start + size],
                    run_id=run_id,
                    source_name=entry.name,
                    loaded_at=fetched_at,
                )
            else:
                load_batch(
                    connection,
                    items[start : start + size],
                    run_id=run_id,
                    source_name=entry.name,
                    seen_at=fetched_at,
                    raw_sha256=stored.sha256,
                    policy=dedupe_policy(settings),
                )
    # Indexed last: until this commits, a rerun treats the payload as never processed.
    with engine.begin() as connection:
        _record_page(
            connection, run_id, entry, board, result, fetched_at, sha256=stored.sha256,
            size=stored.size, stored_size=stored.stored_size, records=parsed.records,
            follow=parsed.follow,
        )  # fmt: skip
        runs.add_counts(connection, run_id=run_id, source_name=entry.name, parsed=len(items))
        runs.quarantine(
            connection,
            [
                runs.QuarantineItem(
                    stage=item.stage,
                    reason=item.reason,
                    source_id=item.source_id,
                    excerpt=item.excerpt,
                    raw_sha256=stored.sha256,
                    url=result.url,
                )
                for item in parsed.rejected
            ],
            run_id=run_id,
            source_name=entry.name,
            kind=entry.kind,
            board=board,
            now=fetched_at,
        )
    return parsed.follow


def _unchanged_page(
    engine: Engine,
    run_id: int,
    entry: SourceConfig,
    board: str,
    result: FetchResult,
    previous: dict[str, Any],
    fetched_at: datetime,
) -> list[str]:
    follow = list(previous["follow"] or [])
    # A 304 may omit the validators; keep the ones the stored body came with.
    result = replace(
        result,
        etag=result.etag or previous["etag"],
        last_modified=result.last_modified or previous["last_modified"],
    )
    with engine.begin() as connection:
        _record_page(
            connection, run_id, entry, board, result, fetched_at,
            sha256=previous["sha256"], size=len(result.body or b""), stored_size=None,
            records=previous["records"], follow=follow,
        )  # fmt: skip
        touch_payload(
            connection,
            source=entry.kind,
            board=board,
            raw_sha256=previous["sha256"],
            run_id=run_id,
            source_name=entry.name,
            seen_at=fetched_at,
        )
    return follow


def _record_page(
    connection: Connection,
    run_id: int,
    entry: SourceConfig,
    board: str,
    result: FetchResult,
    fetched_at: datetime,
    *,
    sha256: str,
    size: int,
    stored_size: int | None,
    records: int | None,
    follow: list[str],
) -> None:
    """Index a response in `raw_payload` and count it against the source."""
    runs.record_payload(
        connection,
        run_id=run_id,
        source_name=entry.name,
        kind=entry.kind,
        board=board,
        url=result.url,
        fetched_at=fetched_at,
        status=result.status,
        etag=result.etag,
        last_modified=result.last_modified,
        content_type=result.content_type,
        sha256=sha256,
        size=size,
        stored_size=stored_size,
        records=records,
        follow=follow,
    )
    runs.add_counts(
        connection,
        run_id=run_id,
        source_name=entry.name,
        pages=1,
        fetched=1,
        not_modified=1 if result.not_modified else 0,
        bytes=size,
    )


def followable(page_url: str, follow: list[str]) -> list[str]:
    """The follow-up links a page may lead to: http(s) always (the fetcher still checks each
    address), `file://` only from a page that was itself read from disk. A payload fetched from
    the web names its next pages; it must never make the pipeline read a local file."""
    local = urlsplit(page_url).scheme == "file"
    allowed = ("http", "https", "file") if local else ("http", "https")
    return [link for link in follow if urlsplit(link).scheme.lower() in allowed]


def is_survey(connector: object) -> bool:
    return getattr(connector, "target", "posting") == "salary_survey"


def dedupe_policy(settings: Settings) -> DedupePolicy:
    return DedupePolicy(
        merge_locations=settings.dedupe_merge_locations,
        repost_window=timedelta(days=settings.repost_window_days),
        close_guard_ratio=settings.close_guard_ratio,
    )


def _count(engine: Engine, run_id: int, source_name: str, **counts: int) -> None:
    with engine.begin() as connection:
        runs.add_counts(connection, run_id=run_id, source_name=source_name, **counts)


def _finish_source(
    engine: Engine, run_id: int, name: str, status: str, reason: str | None, clock: Clock
) -> None:
    with engine.begin() as connection:
        runs.finish_source(
            connection, run_id=run_id, source_name=name, status=status, reason=reason, now=clock()
        )


def source_report(settings: Settings, run_id: int, source_name: str) -> SourceReport:
    with get_engine(database_url(settings)).connect() as connection:
        rows = runs.source_rows(connection, run_id)
    row = next(r for r in rows if r["source_name"] == source_name)
    return SourceReport.model_validate(row, from_attributes=False)


def finish_run(
    settings: Settings,
    run_id: int,
    plan: SourcesPlan,
    *,
    failures: dict[str, str] | None = None,
    clock: Clock = utcnow,
) -> RunReport:
    """Close the run: settle its status from the per-source rows and store the report.

    `failures` names sources whose task died without recording why (a crash before its first
    transaction, say); they are recorded as failed so no source vanishes from the report.
    """
    engine = get_engine(database_url(settings))
    problems = [ConfigProblem(source_name=e.name, reason=e.reason) for e in plan.errors]
    now = clock()
    # A board listing far fewer postings than its recent median is likelier broken than empty.
    silent = [flag.describe() for flag in silent_zeros(settings, run_id)]
    with engine.begin() as connection:
        recorded = {row["source_name"]: row for row in runs.source_rows(connection, run_id)}
        for entry in plan.enabled:
            row = recorded.get(entry.name)
            if row is not None and row["status"] != "running":
                continue
            reason = (failures or {}).get(entry.name) or "stopped before finishing"
            if row is None:
                runs.start_source(
                    connection, run_id=run_id, source_name=entry.name, kind=entry.kind,
                    board=None, now=now,
                )  # fmt: skip
            runs.finish_source(
                connection, run_id=run_id, source_name=entry.name, status="failed",
                reason=reason, now=now,
            )  # fmt: skip
        sources = [SourceReport.model_validate(row) for row in runs.source_rows(connection, run_id)]
        draft = RunReport(
            run_id=run_id,
            status="running",
            sources=sources,
            config_errors=problems,
            silent_zero=silent,
        )
        status = runs.finish_run(
            connection, run_id=run_id, now=now, report=draft.model_dump(mode="json")
        )
    return draft.model_copy(update={"status": status})


def refresh_marts(settings: Settings, *, clock: Clock = utcnow) -> dict[str, int]:
    """Recompute the marts dashboards read, in one transaction (readers see old or new)."""
    from jobingest.warehouse.marts import refresh_marts as refresh

    with get_engine(database_url(settings)).begin() as connection:
        return refresh(connection, min_n=settings.marts_min_n, now=clock())


def rebuild_dedupe(settings: Settings) -> RebuildCounts:
    """Re-derive duplicate and repost links under the current settings (one transaction)."""
    prepare_warehouse(settings)
    with get_engine(database_url(settings)).begin() as connection:
        return rebuild(connection, dedupe_policy(settings))


def explain_posting(settings: Settings, posting_id: int) -> dict[str, Any]:
    with get_engine(database_url(settings)).connect() as connection:
        return explain(connection, posting_id, dedupe_policy(settings))


def load_report(settings: Settings, run_id: int | None = None) -> RunReport | None:
    """The stored report of a run (the latest finished one when no id is given)."""
    with get_engine(database_url(settings)).connect() as connection:
        row = runs.latest_report(connection, run_id)
    if row is None or row["report"] is None:
        return None
    return RunReport.model_validate({**row["report"], "status": row["status"]})


def run_once(settings: Settings, sources_file: str | Path) -> RunReport:
    """The whole nightly job in this process, without an orchestrator (used by `jobingest run
    --no-prefect` and by tests of the stages)."""
    run_id, plan = start_run(settings, sources_file)
    with open_fetcher(settings) as fetcher:
        store = RawStore(settings.raw_store)
        for entry in plan.enabled:
            try:
                ingest_source(settings, run_id, entry, fetcher=fetcher, store=store)
            except Exception:  # noqa: S112 - recorded with its reason; no source stops the run
                continue
    report = finish_run(settings, run_id, plan)
    refresh_marts(settings)
    return report
