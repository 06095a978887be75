"""Backfills: re-derive postings from landed raw payloads (`replay`) or fetch sources again
(`refetch`), in bounded, resumable chunks.

A replay chunk is one source's payloads of one UTC day. Progress lives in the ordinary run
bookkeeping, so no extra table is needed: one `ingest_run` per backfill (its `sources_file` is
a label such as `backfill:replay:2026-10-01..2026-10-07`) and one `ingest_run_source` row per
chunk, named `<source>@<day>`, written in the same transaction as the chunk's postings. A chunk
row with status `ok` is therefore exactly a committed chunk, and a rerun of the same window
resumes the unfinished run and skips those.

A replayed payload only speaks for the listings it is the latest evidence of: a listing seen
later (by a payload outside the window, say) or closed since is left alone, so replaying an old
window never rolls postings back or reopens them.

With `workers` > 1 (processes in all), parsing and extraction run ahead in `workers` - 1
worker processes (`jobingest.replay_pool`) while this process loads chunk after chunk in the
same order as a one-process replay, so the warehouse ends up the same. Loading (with dedupe)
is about half of a replay's work, so the parent is one of the busy processes: two processes
suit two cores.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, bindparam, select, update

from jobingest.config import SourcesPlan, load_sources
from jobingest.errors import JobIngestError, ParseError
from jobingest.models import Posting, SourceConfig
from jobingest.parse import ParsedPayload, Rejected, parse_payload
from jobingest.pipeline import (
    Clock,
    database_url,
    dedupe_policy,
    finish_run,
    is_survey,
    prepare_warehouse,
    utcnow,
)
from jobingest.rawstore import RawStore
from jobingest.replay_pool import Parsed, ParseJob, ParsePool, ReadyPayload, parse_jobs
from jobingest.report import RunReport
from jobingest.settings import Settings
from jobingest.sources import get_connector
from jobingest.sources.base import RecordContext
from jobingest.warehouse import runs
from jobingest.warehouse.db import get_engine
from jobingest.warehouse.load import (
    LoadCounts,
    PreparedPosting,
    Seen,
    load_batch,
    posting_table,
    source_table,
)

MODES = ("replay", "refetch")
_REPLAYABLE_STATUSES = (200, 304)
# Payloads per worker job, and jobs kept queued per worker: enough to keep workers busy while
# the parent loads and to leave the parent unstarted jobs to parse when it catches up (the
# pool hands two jobs per worker over at once, and those can no longer be taken back: with 3
# queued the parent sat idle; 8 replays ~7% faster with two processes), few enough that
# parsed postings waiting for the parent stay bounded.
_PAYLOADS_PER_JOB = 8
_JOBS_AHEAD_PER_WORKER = 8


class BackfillError(JobIngestError):
    """A backfill cannot start (bad window, unknown mode, missing sources file)."""


class ChunkFailedError(JobIngestError):
    """A chunk could not be replayed; its reason is on its `ingest_run_source` row."""


@dataclass(frozen=True, order=True)
class Chunk:
    """One source's payloads of one UTC day: the unit of work and of resumption."""

    day: date
    source_name: str

    @property
    def name(self) -> str:
        return f"{self.source_name}@{self.day.isoformat()}"


@dataclass
class ChunkOutcome:
    chunk: Chunk
    status: str  # ok | failed | skipped (already committed by an earlier attempt)
    reason: str | None = None


@dataclass
class _ChunkTotals:
    payloads: int = 0
    parsed: int = 0
    left_alone: int = 0
    counts: LoadCounts = field(default_factory=LoadCounts)
    rejected: list[tuple[str, Rejected]] = field(default_factory=list)


def window_label(mode: str, since: date, until: date) -> str:
    """The `ingest_run.sources_file` of a backfill: how a rerun finds the run to resume."""
    return f"backfill:{mode}:{since.isoformat()}..{until.isoformat()}"


def check_window(since: date, until: date, mode: str = "replay") -> None:
    if mode not in MODES:
        raise BackfillError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if until < since:
        raise BackfillError(f"until ({until}) is before since ({since})")


def _day_bounds(since: date, until: date) -> tuple[datetime, datetime]:
    start = datetime.combine(since, time.min, tzinfo=UTC)
    return start, datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC)


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _replayable(since: date, until: date, sources: Sequence[str] | None) -> Any:
    c = runs.raw_table.c
    start, end = _day_bounds(since, until)
    condition = and_(
        c.fetched_at >= start,
        c.fetched_at < end,
        c.sha256.is_not(None),
        c.records.is_not(None),
        c.status.in_(_REPLAYABLE_STATUSES),
    )
    if sources:
        condition = and_(condition, c.source_name.in_(list(sources)))
    return condition


def plan_chunks(
    settings: Settings, *, since: date, until: date, sources: Sequence[str] | None = None
) -> list[Chunk]:
    """Every (day, source) with at least one parsed payload in the window, oldest day first.

    304 rows count: they stand for the body stored earlier, and are what last saw its listings.
    """
    check_window(since, until)
    c = runs.raw_table.c
    query = select(c.source_name, c.fetched_at).where(_replayable(since, until, sources))
    with get_engine(database_url(settings)).connect() as connection:
        found = {
            Chunk(_utc(row.fetched_at).date(), row.source_name) for row in connection.execute(query)
        }
    return sorted(found)


def open_backfill(
    settings: Settings,
    *,
    mode: str,
    since: date,
    until: date,
    flow_run_id: str | None = None,
    clock: Clock = utcnow,
) -> int:
    """The run to record this backfill in: the newest unfinished (or not fully ok) run of the
    same window, reopened, or a new one."""
    check_window(since, until, mode)
    prepare_warehouse(settings)
    label = window_label(mode, since, until)
    c = runs.run_table.c
    with get_engine(database_url(settings)).begin() as connection:
        previous = connection.execute(
            select(c.id)
            .where(c.sources_file == label, c.status != "completed")
            .order_by(c.id.desc())
            .limit(1)
        ).scalar()
        if previous is None:
            return runs.start_run(
                connection, now=clock(), sources_file=label, flow_run_id=flow_run_id
            )
        connection.execute(
            update(runs.run_table)
            .where(c.id == previous)
            .values(status="running", finished_at=None, flow_run_id=flow_run_id)
        )
        return int(previous)


def committed_chunks(settings: Settings, run_id: int) -> set[str]:
    """Names of the chunks of this run already committed (status ok)."""
    with get_engine(database_url(settings)).connect() as connection:
        return {
            row["source_name"]
            for row in runs.source_rows(connection, run_id)
            if row["status"] == "ok"
        }


def replay_chunks(
    settings: Settings,
    run_id: int,
    chunks: Iterable[Chunk],
    *,
    sources_file: str | Path,
    store: RawStore | None = None,
    clock: Clock = utcnow,
    workers: int = 1,
) -> list[ChunkOutcome]:
    """Replay a group of chunks in order; a failed chunk is recorded and the next one runs.

    With `workers` > 1, that many processes in all: `workers` - 1 parse while this one loads.
    """
    entries = {entry.name: entry for entry in load_sources(sources_file).entries}
    store = store or RawStore(settings.raw_store)
    done = committed_chunks(settings, run_id)
    if workers < 2:
        return [
            _replay_one(settings, run_id, chunk, entries.get(chunk.source_name), store, clock, done)
            for chunk in chunks
        ]
    outcomes = []
    with ParsePool(workers - 1, settings.raw_store) as pool:
        for chunk, parsed in _parsed_ahead(settings, pool, list(chunks), entries, done):
            entry = entries.get(chunk.source_name)
            outcomes.append(_replay_one(settings, run_id, chunk, entry, store, clock, done, parsed))
    return outcomes


def _replay_one(
    settings: Settings,
    run_id: int,
    chunk: Chunk,
    entry: SourceConfig | None,
    store: RawStore,
    clock: Clock,
    done: set[str],
    parsed: Parsed | None = None,
) -> ChunkOutcome:
    if chunk.name in done:
        return ChunkOutcome(chunk, "skipped")
    try:
        replay_chunk(settings, run_id, chunk, entry, store, clock, parsed=parsed)
    except ChunkFailedError as exc:
        return ChunkOutcome(chunk, "failed", str(exc))
    return ChunkOutcome(chunk, "ok")


def _parsed_ahead(
    settings: Settings,
    pool: ParsePool,
    chunks: list[Chunk],
    entries: dict[str, SourceConfig],
    done: set[str],
) -> Iterator[tuple[Chunk, Parsed]]:
    """The chunks in order, each with its payloads parsed by the pool; later chunks are queued
    while the caller loads the current one. When the workers are behind, this process parses
    queued jobs no worker has started yet rather than wait."""
    queued: deque[tuple[Chunk, list[_Job]]] = deque()
    upcoming = iter(chunks)
    limit = _JOBS_AHEAD_PER_WORKER * pool.workers

    def top_up() -> None:
        while sum(len(jobs) for _, jobs in queued) < limit:
            chunk = next(upcoming, None)
            if chunk is None:
                return
            skip = chunk.name in done
            entry = entries.get(chunk.source_name)
            queued.append((chunk, [] if skip else _submit(settings, pool, chunk, entry)))

    top_up()
    while queued:
        chunk, jobs = queued.popleft()
        top_up()
        parsed: Parsed = {}
        for kind, part, future in jobs:
            if not future.done() and future.cancel():
                parsed.update(parse_jobs(settings.raw_store, kind, part))
                continue
            while not future.done() and _steal(queued, settings.raw_store):
                pass
            parsed.update(future.result())
        yield chunk, parsed


def _steal(queued: deque[tuple[Chunk, list[_Job]]], store_url: str) -> bool:
    """Parse here the newest queued job no worker has started; False when there is none."""
    for _, jobs in reversed(queued):
        for index in range(len(jobs) - 1, -1, -1):
            kind, part, future = jobs[index]
            if future.cancel():
                done: Future[Parsed] = Future()
                done.set_result(parse_jobs(store_url, kind, part))
                jobs[index] = (kind, part, done)
                return True
    return False


_Job = tuple[str, list[ParseJob], Future[Parsed]]  # kind, payloads, their parse in a worker


def _submit(
    settings: Settings, pool: ParsePool, chunk: Chunk, entry: SourceConfig | None
) -> list[_Job]:
    """Parse jobs for a chunk's payloads; none when the chunk will fail before parsing (the
    parent then fails it with the same reason as a one-process replay)."""
    if entry is None:
        return []
    try:
        connector = get_connector(entry.kind)
    except JobIngestError:
        return []
    if is_survey(connector):
        return []
    with get_engine(database_url(settings)).connect() as connection:
        payloads = _chunk_payloads(connection, chunk)
    jobs = [
        ParseJob(
            payload["id"],
            payload["sha256"],
            payload["url"],
            _record_context(settings, entry, connector, payload),
        )
        for payload in payloads
    ]
    slices = [
        jobs[start : start + _PAYLOADS_PER_JOB] for start in range(0, len(jobs), _PAYLOADS_PER_JOB)
    ]
    return [(entry.kind, part, pool.submit(entry.kind, part)) for part in slices]


def _record_context(
    settings: Settings, entry: SourceConfig, connector: Any, payload: dict[str, Any]
) -> RecordContext:
    return RecordContext(
        source=entry.kind,
        board=payload["board"] or connector.board_of(entry),
        fetched_on=_utc(payload["fetched_at"]).date(),
        company=entry.company,
        hours_per_year=settings.hours_per_year,
        options=entry.options,
    )


def replay_chunk(
    settings: Settings,
    run_id: int,
    chunk: Chunk,
    entry: SourceConfig | None,
    store: RawStore,
    clock: Clock = utcnow,
    *,
    parsed: Parsed | None = None,
) -> None:
    """Re-derive one chunk and commit its postings with its bookkeeping row, all or nothing.

    `parsed` holds payloads a worker already parsed, by raw payload id; the others are parsed
    here. Raises ChunkFailedError (after recording the reason) when a payload is missing, no
    longer parses, or its source is gone from the sources file.
    """
    engine = get_engine(database_url(settings))
    try:
        with engine.begin() as connection:
            payloads = _chunk_payloads(connection, chunk)
            if not payloads:
                return
            first = payloads[0]
            runs.start_source(
                connection,
                run_id=run_id,
                source_name=chunk.name,
                kind=first["kind"],
                board=first["board"],
                now=clock(),
            )
            totals = _replay_payloads(
                connection, settings, run_id, chunk, entry, payloads, store, parsed or {}
            )
            _record_chunk(connection, run_id, chunk, first, totals, clock())
    except Exception as exc:  # one bad chunk must not stop the others
        reason = f"{type(exc).__name__}: {exc}"
        with engine.begin() as connection:
            kind, board = _chunk_identity(connection, chunk)
            runs.start_source(
                connection, run_id=run_id, source_name=chunk.name, kind=kind, board=board,
                now=clock(),
            )  # fmt: skip
            runs.finish_source(
                connection, run_id=run_id, source_name=chunk.name, status="failed",
                reason=reason, now=clock(),
            )  # fmt: skip
        raise ChunkFailedError(f"{chunk.name}: {reason}") from exc


def _chunk_payloads(connection: Connection, chunk: Chunk) -> list[dict[str, Any]]:
    c = runs.raw_table.c
    query = (
        select(c.id, c.kind, c.board, c.url, c.fetched_at, c.sha256)
        .where(_replayable(chunk.day, chunk.day, [chunk.source_name]))
        .order_by(c.fetched_at, c.id)
    )
    return [dict(row) for row in connection.execute(query).mappings()]


def _chunk_identity(connection: Connection, chunk: Chunk) -> tuple[str, str | None]:
    rows = _chunk_payloads(connection, chunk)
    return (rows[0]["kind"], rows[0]["board"]) if rows else ("unknown", None)


def _replay_payloads(
    connection: Connection,
    settings: Settings,
    run_id: int,
    chunk: Chunk,
    entry: SourceConfig | None,
    payloads: list[dict[str, Any]],
    store: RawStore,
    ready: Parsed,
) -> _ChunkTotals:
    totals = _ChunkTotals()
    if entry is None:
        raise BackfillError(
            f"source {chunk.source_name!r} is not in the sources file, so its company and "
            "options are unknown; add it back (enabled: false is fine) to replay it"
        )
    connector = get_connector(entry.kind)
    if is_survey(connector):
        # Survey rows are keyed by their content: a changed mapping would add rows beside the
        # old ones instead of replacing them.
        raise BackfillError(f"{entry.kind} is a survey source; surveys are not replayed")
    pending = _Pending(settings.load_batch_size)

    def flush() -> None:
        kept = _latest_evidence(connection, pending.items, pending.seen)
        totals.left_alone += len(pending.items) - len(kept)
        if kept:
            counts = load_batch(
                connection,
                [pending.items[index] for index in kept],
                run_id=run_id,
                source_name=chunk.source_name,
                seen_at=pending.seen[kept[0]].at,
                policy=dedupe_policy(settings),
                seen=[pending.seen[index] for index in kept],
            )
            _add(totals.counts, counts)
        pending.clear()

    for payload in payloads:
        found = ready.get(payload["id"])
        parsed = found.parsed if found else _parse_stored(
            connector, store, payload, _record_context(settings, entry, connector, payload)
        )  # fmt: skip
        totals.payloads += 1
        totals.parsed += len(parsed.postings)
        totals.rejected.extend((payload["sha256"], item) for item in parsed.rejected)
        seen = Seen(_utc(payload["fetched_at"]), payload["sha256"])
        # A listing twice in one payload loads once, as its last occurrence (as load_batch
        # keeps it); a listing seen again in a later payload loads after the earlier one.
        listed = {item.key: item for item in _prepared(parsed.postings, found)}
        for item in listed.values():
            if pending.must_flush_before(item):
                flush()
            pending.add(item, seen)
    if pending.items:
        flush()
    return totals


class _Pending:
    """Listings of consecutive payloads waiting to load as one batch (a career site's pages
    hold one posting each, and a batch per page would cost a dozen statements per posting).
    A listing already waiting flushes the batch first, so its sightings load in order, as
    they would payload by payload."""

    def __init__(self, size: int) -> None:
        self.size = max(size, 1)
        self.items: list[PreparedPosting] = []
        self.seen: list[Seen] = []
        self._keys: set[tuple[str, str, str]] = set()

    def must_flush_before(self, item: PreparedPosting) -> bool:
        return len(self.items) >= self.size or item.key in self._keys

    def add(self, item: PreparedPosting, seen: Seen) -> None:
        self.items.append(item)
        self.seen.append(seen)
        self._keys.add(item.key)

    def clear(self) -> None:
        self.items, self.seen, self._keys = [], [], set()


def _parse_stored(
    connector: Any, store: RawStore, payload: dict[str, Any], ctx: RecordContext
) -> ParsedPayload:
    body = store.get(payload["sha256"])
    try:
        return parse_payload(connector, body, url=payload["url"], ctx=ctx)
    except ParseError as exc:
        raise ParseError(f"payload {payload['sha256'][:12]} no longer parses: {exc}") from exc


def _prepared(postings: list[Posting], found: ReadyPayload | None) -> list[PreparedPosting]:
    """The postings to load, with the hashes and features a worker computed where there are
    (the others are computed when the load first needs them)."""
    ready = {item.key: item for item in found.prepared} if found else {}
    return [ready.get((p.source, p.board, p.source_id)) or PreparedPosting(p) for p in postings]


_KNOWN = (
    select(source_table.c.source_id, source_table.c.last_seen_at, posting_table.c.closed_at)
    .select_from(source_table.join(posting_table, posting_table.c.id == source_table.c.posting_id))
    .where(
        source_table.c.source == bindparam("k_source"),
        source_table.c.board == bindparam("k_board"),
        source_table.c.source_id.in_(bindparam("k_ids", expanding=True)),
    )
)


def _latest_evidence(
    connection: Connection, items: Sequence[PreparedPosting], seen: Sequence[Seen]
) -> list[int]:
    """Positions of the listings these payloads may update: listings not yet in the
    warehouse, or open ones no payload has seen after the one that lists them here."""
    if not items:
        return []
    known: dict[tuple[str, str, str], tuple[datetime, datetime | None]] = {}
    by_board: dict[tuple[str, str], list[str]] = {}
    keys = [item.key for item in items]
    for source, board, source_id in keys:
        by_board.setdefault((source, board), []).append(source_id)
    for (source, board), ids in by_board.items():
        for start in range(0, len(ids), 500):
            params = {"k_source": source, "k_board": board, "k_ids": ids[start : start + 500]}
            for row in connection.execute(_KNOWN, params):
                known[(source, board, row.source_id)] = (row.last_seen_at, row.closed_at)
    keep = []
    for index, key in enumerate(keys):
        found = known.get(key)
        if found is None or (found[1] is None and _utc(found[0]) <= seen[index].at):
            keep.append(index)
    return keep


def _add(total: LoadCounts, counts: LoadCounts) -> None:
    for name in ("new", "updated", "unchanged", "duplicates", "reposts", "reopened"):
        setattr(total, name, getattr(total, name) + getattr(counts, name))


def _record_chunk(
    connection: Connection,
    run_id: int,
    chunk: Chunk,
    first: dict[str, Any],
    totals: _ChunkTotals,
    now: datetime,
) -> None:
    # load_batch counts against the real source name, which has no row in a backfill run, so
    # the chunk's own row gets the counts here, in the same transaction.
    counts = totals.counts
    runs.add_counts(
        connection,
        run_id=run_id,
        source_name=chunk.name,
        pages=totals.payloads,
        parsed=totals.parsed,
        new=counts.new,
        updated=counts.updated,
        unchanged=counts.unchanged,
        duplicates=counts.duplicates,
        reposts=counts.reposts,
    )
    for sha256, item in totals.rejected:
        runs.quarantine(
            connection,
            [runs.QuarantineItem(item.stage, item.reason, item.source_id, item.excerpt, sha256)],
            run_id=run_id,
            source_name=chunk.name,
            kind=first["kind"],
            board=first["board"],
            now=now,
        )
    if totals.left_alone:
        runs.set_note(
            connection,
            run_id=run_id,
            source_name=chunk.name,
            note=f"{totals.left_alone} listings left alone: seen later than these payloads, "
            "or closed since",
        )
    runs.finish_source(
        connection, run_id=run_id, source_name=chunk.name, status="ok", reason=None, now=now
    )


def close_backfill(settings: Settings, run_id: int, *, clock: Clock = utcnow) -> RunReport:
    """Settle the run's status and report from its chunk rows."""
    return finish_run(settings, run_id, SourcesPlan(), clock=clock)


def replay(
    settings: Settings,
    *,
    since: date,
    until: date,
    sources_file: str | Path,
    sources: Sequence[str] | None = None,
    flow_run_id: str | None = None,
    clock: Clock = utcnow,
    workers: int = 1,
) -> RunReport:
    """Replay every chunk of the window from this process (the CLI and tests; the flow spreads
    the same calls over tasks), parsing in `workers` processes when more than one. Rerunning
    the same window resumes an unfinished run."""
    run_id = open_backfill(
        settings, mode="replay", since=since, until=until, flow_run_id=flow_run_id, clock=clock
    )
    chunks = plan_chunks(settings, since=since, until=until, sources=sources)
    replay_chunks(settings, run_id, chunks, sources_file=sources_file, clock=clock, workers=workers)
    return close_backfill(settings, run_id, clock=clock)


def group_chunks(chunks: Sequence[Chunk], max_groups: int) -> list[list[Chunk]]:
    """At most `max_groups` groups, each holding all days of its sources in day order, so one
    listing is never written by two tasks at once and a flow stays within its task budget."""
    if max_groups < 1:
        raise ValueError("max_groups must be at least 1")
    by_source: dict[str, list[Chunk]] = {}
    for chunk in sorted(chunks):
        by_source.setdefault(chunk.source_name, []).append(chunk)
    groups: list[list[Chunk]] = [[] for _ in range(min(max_groups, len(by_source)))]
    # Largest sources first onto the lightest group: groups of similar size.
    for source_chunks in sorted(by_source.values(), key=len, reverse=True):
        min(groups, key=len).extend(source_chunks)
    return [sorted(group) for group in groups if group]


def refetch_plan(sources_file: str | Path, sources: Sequence[str] | None) -> SourcesPlan:
    """The enabled entries to fetch again (all of them, or the named ones)."""
    plan = load_sources(sources_file)
    if not sources:
        return plan
    wanted = set(sources)
    unknown = wanted - {entry.name for entry in plan.entries}
    if unknown:
        raise BackfillError(f"not in {sources_file}: {', '.join(sorted(unknown))}")
    return SourcesPlan(
        entries=[entry for entry in plan.entries if entry.name in wanted],
        errors=[error for error in plan.errors if error.name in wanted],
    )


def refetch(
    settings: Settings,
    *,
    sources_file: str | Path,
    sources: Sequence[str] | None = None,
    clock: Clock = utcnow,
) -> RunReport:
    """Fetch the named sources again now, as an ordinary ingest run of just those sources.

    Boards only serve what is open today, so a refetch has no window; unchanged pages are
    recognised by their conditional GET and hash as in a nightly run.
    """
    from jobingest.fetch import open_fetcher
    from jobingest.pipeline import SourceFailedError, ingest_source, start_run

    plan = refetch_plan(sources_file, sources)
    run_id, _ = start_run(settings, sources_file, clock=clock)
    with open_fetcher(settings) as fetcher:
        store = RawStore(settings.raw_store)
        for entry in plan.enabled:
            try:
                ingest_source(settings, run_id, entry, fetcher=fetcher, store=store, clock=clock)
            except SourceFailedError:
                continue
    return finish_run(settings, run_id, plan, clock=clock)
