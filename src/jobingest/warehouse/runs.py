"""Run bookkeeping: the `ingest_run`, `ingest_run_source`, `raw_payload` and `quarantine` rows.

Every function takes the caller's connection, so bookkeeping commits with the data it counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, update

from jobingest.warehouse.tables import (
    IngestRun,
    IngestRunSource,
    PostingSource,
    Quarantine,
    RawPayload,
)

run_table: Table = IngestRun.__table__  # type: ignore[attr-defined]
run_source_table: Table = IngestRunSource.__table__  # type: ignore[attr-defined]
quarantine_table: Table = Quarantine.__table__  # type: ignore[attr-defined]
raw_table: Table = RawPayload.__table__  # type: ignore[attr-defined]
listing_table: Table = PostingSource.__table__  # type: ignore[attr-defined]

COUNTERS = (
    "pages", "fetched", "not_modified", "skipped", "bytes", "parsed", "new", "updated", "unchanged",
    "duplicates", "reposts", "closed", "quarantined",
)  # fmt: skip


@dataclass(frozen=True)
class QuarantineItem:
    stage: str
    reason: str
    source_id: str | None = None
    excerpt: str | None = None
    raw_sha256: str | None = None
    url: str | None = None


def start_run(
    connection: Connection, *, now: datetime, sources_file: str | None, flow_run_id: str | None
) -> int:
    result = connection.execute(
        insert(run_table)
        .values(
            started_at=now.astimezone(UTC),
            status="running",
            sources_file=sources_file,
            flow_run_id=flow_run_id,
        )
        .returning(run_table.c.id)
    )
    return int(result.scalar_one())


def start_source(
    connection: Connection,
    *,
    run_id: int,
    source_name: str,
    kind: str,
    board: str | None,
    now: datetime,
) -> None:
    """Open (or, on a retried task, reopen) a source's row in this run. Counters are kept."""
    reopened = connection.execute(
        update(run_source_table)
        .where(run_source_table.c.run_id == run_id, run_source_table.c.source_name == source_name)
        .values(status="running", reason=None, finished_at=None)
    )
    if reopened.rowcount == 0:
        connection.execute(
            insert(run_source_table).values(
                run_id=run_id,
                source_name=source_name,
                kind=kind,
                board=board,
                status="running",
                started_at=now.astimezone(UTC),
                **dict.fromkeys(COUNTERS, 0),
            )
        )


def add_counts(connection: Connection, *, run_id: int, source_name: str, **counts: int) -> None:
    unknown = set(counts) - set(COUNTERS)
    if unknown:
        raise ValueError(f"unknown counters: {sorted(unknown)}")
    increments = {name: value for name, value in counts.items() if value}
    if not increments:
        return
    c = run_source_table.c
    connection.execute(
        update(run_source_table)
        .where(c.run_id == run_id, c.source_name == source_name)
        .values({name: c[name] + value for name, value in increments.items()})
    )


def record_payload(
    connection: Connection,
    *,
    run_id: int,
    source_name: str,
    kind: str,
    board: str | None,
    url: str,
    fetched_at: datetime,
    status: int,
    etag: str | None,
    last_modified: str | None,
    content_type: str | None,
    sha256: str | None,
    size: int | None,
    stored_size: int | None,
    records: int | None,
    follow: list[str] | None = None,
) -> None:
    connection.execute(
        insert(raw_table).values(
            follow=follow,
            run_id=run_id,
            source_name=source_name,
            kind=kind,
            board=board,
            url=url,
            fetched_at=fetched_at.astimezone(UTC),
            status=status,
            etag=etag,
            last_modified=last_modified,
            content_type=content_type,
            sha256=sha256,
            size=size,
            stored_size=stored_size,
            records=records,
        )
    )


def last_good_payload(
    connection: Connection, *, source_name: str, url: str
) -> dict[str, Any] | None:
    """The newest payload of this URL that parsed: what a 304 or an identical body stands for."""
    c = raw_table.c
    query = (
        select(c.run_id, c.sha256, c.etag, c.last_modified, c.records, c.follow)
        .where(
            c.source_name == source_name,
            c.url == url,
            c.sha256.is_not(None),
            c.records.is_not(None),
        )
        .order_by(c.id.desc())
        .limit(1)
    )
    row = connection.execute(query).mappings().first()
    return dict(row) if row is not None else None


def loaded_from_unindexed(
    connection: Connection, *, source: str, board: str, since_run_id: int | None
) -> bool:
    """Whether a listing of this board was loaded, in run `since_run_id` or later, from a payload
    that was never indexed: a run died between a page's data and its index row.

    Those rows no longer point at the last indexed payload, so a 304 or an identical body cannot
    stand for them (touching by that payload's hash would miss them and closing would follow).
    """
    ls, raw = listing_table.c, raw_table.c
    indexed = select(raw.id).where(raw.sha256 == ls.raw_sha256, raw.records.is_not(None))
    query = select(ls.id).where(
        ls.source == source,
        ls.board == board,
        ls.raw_sha256.is_not(None),
        ~indexed.exists(),
    )
    if since_run_id is not None:
        query = query.where(ls.last_run_id >= since_run_id)
    return connection.execute(query.limit(1)).first() is not None


def quarantine(
    connection: Connection,
    items: Sequence[QuarantineItem],
    *,
    run_id: int | None,
    source_name: str,
    kind: str | None,
    board: str | None,
    now: datetime,
) -> None:
    """Keep unusable input with its reason, and count it against the source in this run."""
    if not items:
        return
    connection.execute(
        insert(quarantine_table),
        [
            {
                "run_id": run_id,
                "stage": item.stage,
                "source_name": source_name,
                "kind": kind,
                "board": board,
                "source_id": item.source_id,
                "reason": item.reason,
                "raw_sha256": item.raw_sha256,
                "url": item.url,
                "excerpt": item.excerpt,
                "created_at": now.astimezone(UTC),
            }
            for item in items
        ],
    )
    if run_id is not None:
        add_counts(connection, run_id=run_id, source_name=source_name, quarantined=len(items))


def set_note(connection: Connection, *, run_id: int, source_name: str, note: str) -> None:
    connection.execute(
        update(run_source_table)
        .where(run_source_table.c.run_id == run_id, run_source_table.c.source_name == source_name)
        .values(note=note)
    )


def finish_source(
    connection: Connection,
    *,
    run_id: int,
    source_name: str,
    status: str,
    reason: str | None,
    now: datetime,
) -> None:
    connection.execute(
        update(run_source_table)
        .where(run_source_table.c.run_id == run_id, run_source_table.c.source_name == source_name)
        .values(status=status, reason=reason, finished_at=now.astimezone(UTC))
    )


def source_rows(connection: Connection, run_id: int) -> list[dict[str, Any]]:
    query = (
        select(run_source_table)
        .where(run_source_table.c.run_id == run_id)
        .order_by(run_source_table.c.id)
    )
    return [dict(row) for row in connection.execute(query).mappings()]


def finish_run(
    connection: Connection, *, run_id: int, now: datetime, report: dict[str, Any]
) -> str:
    """Sum the per-source rows into the run row and settle its status."""
    rows = source_rows(connection, run_id)
    failed = sum(1 for row in rows if row["status"] != "ok") + len(report.get("config_errors", []))
    total = len(rows) + len(report.get("config_errors", []))
    if total == 0 or failed == 0:
        status = "completed"
    elif failed == total:
        status = "failed"
    else:
        status = "partial"
    config_quarantined = connection.execute(
        select(func.count())
        .select_from(quarantine_table)
        .where(quarantine_table.c.run_id == run_id, quarantine_table.c.stage == "config")
    ).scalar_one()
    connection.execute(
        update(run_table)
        .where(run_table.c.id == run_id)
        .values(
            finished_at=now.astimezone(UTC),
            status=status,
            sources_total=total,
            failed_sources=failed,
            fetched=sum(row["fetched"] for row in rows),
            parsed=sum(row["parsed"] for row in rows),
            new=sum(row["new"] for row in rows),
            updated=sum(row["updated"] for row in rows),
            unchanged=sum(row["unchanged"] for row in rows),
            duplicates=sum(row["duplicates"] for row in rows),
            reposts=sum(row["reposts"] for row in rows),
            closed=sum(row["closed"] for row in rows),
            quarantined=sum(row["quarantined"] for row in rows) + config_quarantined,
            report={**report, "status": status},
        )
    )
    return status


def latest_report(connection: Connection, run_id: int | None) -> dict[str, Any] | None:
    query = select(run_table.c.id, run_table.c.status, run_table.c.report)
    if run_id is not None:
        query = query.where(run_table.c.id == run_id)
    else:
        query = query.where(run_table.c.finished_at.is_not(None)).order_by(run_table.c.id.desc())
    row = connection.execute(query.limit(1)).mappings().first()
    return dict(row) if row is not None else None
