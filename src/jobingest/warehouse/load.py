"""Batched upserts of postings, each batch one transaction together with the counts it adds.

Identity is (source, board, source_id). A listing seen again with the same content only moves
`last_seen_at` (and reopens it if it had been closed); changed content rewrites the posting row
and records what changed in `posting_version`. A new listing is matched against the open jobs
of its block (see `identity`): a duplicate is linked to its canonical posting, a repost to the
job its board closed recently. Loading the same batch twice changes nothing else, and a
retried batch within one run is not counted twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from jobingest.dedupe import Features, content_hash, features, normalise_company
from jobingest.models import Posting
from jobingest.warehouse.identity import (
    DedupePolicy,
    Link,
    load_candidates,
    pack_signature,
    record_versions,
    reopen,
)
from jobingest.warehouse.tables import Company, IngestRunSource, PostingSource, SalarySurvey
from jobingest.warehouse.tables import Posting as PostingRow

_IN_CHUNK = 500

posting_table: Table = PostingRow.__table__  # type: ignore[attr-defined]
source_table: Table = PostingSource.__table__  # type: ignore[attr-defined]
company_table: Table = Company.__table__  # type: ignore[attr-defined]
run_source_table: Table = IngestRunSource.__table__  # type: ignore[attr-defined]
survey_table: Table = SalarySurvey.__table__  # type: ignore[attr-defined]


@dataclass
class LoadCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    reposts: int = 0
    reopened: int = 0


def load_batch(
    connection: Connection,
    postings: Sequence[Posting],
    *,
    run_id: int,
    source_name: str,
    seen_at: datetime,
    raw_sha256: str | None = None,
    policy: DedupePolicy | None = None,
) -> LoadCounts:
    """Upsert one batch inside the caller's transaction and add its counts to the run."""
    policy = policy or DedupePolicy()
    seen_at = seen_at.astimezone(UTC)
    latest: dict[tuple[str, str, str], Posting] = {}
    for posting in postings:
        latest[(posting.source, posting.board, posting.source_id)] = posting
    if not latest:
        return LoadCounts()
    company_ids = _company_ids(connection, [p.company for p in latest.values()], seen_at)
    existing = _existing(connection, latest.keys())
    counts = LoadCounts()
    new_rows: list[tuple[Posting, str]] = []
    changed: list[tuple[dict[str, Any], Posting, str]] = []
    touched_sources: list[int] = []
    touched_postings: list[int] = []
    for key, posting in latest.items():
        digest = content_hash(posting)
        row = existing.get(key)
        if row is None:
            new_rows.append((posting, digest))
        elif row["content_hash"] != digest:
            changed.append((row, posting, digest))
        else:
            touched_sources.append(row["id"])
            touched_postings.append(row["posting_id"])
            # Seen earlier in this same run (a retried task): counted then, not again.
            if row["last_run_id"] != run_id:
                counts.unchanged += 1
    if new_rows:
        links = _insert_new(
            connection, new_rows, company_ids, run_id, source_name, seen_at, raw_sha256, policy
        )
        counts.duplicates = sum(1 for link in links if link.kind == "duplicate")
        counts.reposts = sum(1 for link in links if link.kind == "repost")
        counts.new = len(new_rows) - counts.duplicates - counts.reposts
    if changed:
        _update_changed(connection, changed, company_ids, run_id, source_name, seen_at, raw_sha256)
        counts.updated = len(changed)
    if touched_sources:
        _touch(connection, touched_sources, touched_postings, run_id, seen_at, raw_sha256)
    reopened_ids = [row["posting_id"] for row, _, _ in changed] + touched_postings
    counts.reopened = reopen(connection, reopened_ids, run_id=run_id, now=seen_at)
    _add_counts(connection, run_id, source_name, counts)
    return counts


def _add_counts(connection: Connection, run_id: int, source_name: str, counts: LoadCounts) -> None:
    c = run_source_table.c
    connection.execute(
        update(run_source_table)
        .where(c.run_id == run_id, c.source_name == source_name)
        .values(
            new=c.new + counts.new,
            updated=c.updated + counts.updated,
            unchanged=c.unchanged + counts.unchanged,
            duplicates=c.duplicates + counts.duplicates,
            reposts=c.reposts + counts.reposts,
        )
    )


def _existing(
    connection: Connection, keys: Iterable[tuple[str, str, str]]
) -> dict[tuple[str, str, str], dict[str, Any]]:
    by_board: dict[tuple[str, str], list[str]] = {}
    for source, board, source_id in keys:
        by_board.setdefault((source, board), []).append(source_id)
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    c = source_table.c
    for (source, board), ids in by_board.items():
        for start in range(0, len(ids), _IN_CHUNK):
            query = select(c.id, c.posting_id, c.source_id, c.content_hash, c.last_run_id).where(
                and_(
                    c.source == source,
                    c.board == board,
                    c.source_id.in_(ids[start : start + _IN_CHUNK]),
                )
            )
            for row in connection.execute(query).mappings():
                found[(source, board, row["source_id"])] = dict(row)
    return found


def _company_ids(
    connection: Connection, names: Iterable[str | None], now: datetime
) -> dict[str, int]:
    wanted: dict[str, str] = {}
    for name in names:
        key = normalise_company(name)
        if name and key:
            wanted.setdefault(key, name)
    if not wanted:
        return {}
    rows = [
        {"name": name, "normalized_name": key, "created_at": now} for key, name in wanted.items()
    ]
    connection.execute(_insert_ignore(connection, company_table, ["normalized_name"]), rows)
    ids: dict[str, int] = {}
    keys = list(wanted)
    for start in range(0, len(keys), _IN_CHUNK):
        query = select(company_table.c.normalized_name, company_table.c.id).where(
            company_table.c.normalized_name.in_(keys[start : start + _IN_CHUNK])
        )
        ids.update({row.normalized_name: row.id for row in connection.execute(query)})
    return ids


def _insert_ignore(connection: Connection, table: Table, conflict: list[str]) -> Any:
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=conflict)
    if connection.dialect.name == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing(index_elements=conflict)
    raise NotImplementedError(f"warehouse does not support {connection.dialect.name}")


def posting_values(
    posting: Posting, digest: str, company_ids: dict[str, int], feats: Features
) -> dict[str, Any]:
    """The `posting` row of a contract posting (salary flattened, first place denormalised)."""
    salary = posting.salary
    first = next((p for p in posting.locations if p.country), None)
    return {
        "url": posting.url,
        "company_id": company_ids.get(normalise_company(posting.company)),
        "company": posting.company,
        "title": posting.title,
        "role": posting.role,
        "role_family": posting.role_family,
        "level": posting.level.value if posting.level else None,
        "employment_type": posting.employment_type.value if posting.employment_type else None,
        "workplace": posting.workplace.value if posting.workplace else None,
        "country": first.country if first else None,
        "city": first.city if first else None,
        "locations": [p.model_dump(mode="json") for p in posting.locations],
        "salary_min": salary.min if salary else None,
        "salary_max": salary.max if salary else None,
        "salary_currency": salary.currency if salary else None,
        "salary_period": salary.period.value if salary and salary.period else None,
        "salary_annual_min": salary.annual_min if salary else None,
        "salary_annual_max": salary.annual_max if salary else None,
        "salary_annual_min_usd": salary.annual_min_usd if salary else None,
        "salary_annual_max_usd": salary.annual_max_usd if salary else None,
        "salary_fx_rate_date": salary.fx_rate_date if salary else None,
        "salary_origin": salary.origin.value if salary else None,
        "salary_raw": salary.raw if salary else None,
        "skills": list(posting.skills),
        "posted_at": posting.posted_at.astimezone(UTC) if posting.posted_at else None,
        "description_text": posting.description_text,
        "fingerprint": posting.fingerprint,
        "content_hash": digest,
        "block_key": feats.block_key,
        "signature": pack_signature(feats.signature),
        "shingles": feats.shingles or None,
    }


def _insert_new(
    connection: Connection,
    rows: list[tuple[Posting, str]],
    company_ids: dict[str, int],
    run_id: int,
    source_name: str,
    seen_at: datetime,
    raw_sha256: str | None,
    policy: DedupePolicy,
) -> list[Link]:
    feats = [features(posting) for posting, _ in rows]
    matcher = load_candidates(
        connection, (f.block_key for f in feats if f.block_key), now=seen_at, policy=policy
    )
    links = [
        matcher.decide(index, f, posting.source, posting.board)
        for index, ((posting, _), f) in enumerate(zip(rows, feats, strict=True))
    ]
    values = [
        {
            **posting_values(posting, digest, company_ids, f),
            **_link_columns(link),
            "source": posting.source,
            "board": posting.board,
            "source_id": posting.source_id,
            "first_seen_at": seen_at,
            "last_seen_at": seen_at,
            "updated_at": seen_at,
            "first_run_id": run_id,
            "last_run_id": run_id,
        }
        for (posting, digest), f, link in zip(rows, feats, links, strict=True)
    ]
    statement = insert(posting_table).returning(posting_table.c.id, sort_by_parameter_order=True)
    ids = [row.id for row in connection.execute(statement, values)]
    _resolve_batch_links(connection, ids, links)
    connection.execute(
        insert(source_table),
        [
            {
                "posting_id": posting_id,
                "source": posting.source,
                "board": posting.board,
                "source_id": posting.source_id,
                "source_name": source_name,
                "url": posting.url,
                "content_hash": digest,
                "raw_sha256": raw_sha256,
                "first_seen_at": seen_at,
                "last_seen_at": seen_at,
                "first_run_id": run_id,
                "last_run_id": run_id,
            }
            for posting_id, (posting, digest) in zip(ids, rows, strict=True)
        ],
    )
    return links


def _link_columns(link: Link) -> dict[str, Any]:
    """Columns for links to postings already in the warehouse; batch links are set after insert."""
    target = link.target if isinstance(link.target, int) else None
    return {
        "canonical_id": target if link.kind == "duplicate" else None,
        "repost_of": target if link.kind == "repost" else None,
        "dedupe_score": link.verdict.score if link.verdict else None,
        "dedupe_reason": link.verdict.reason if link.verdict else None,
    }


def _resolve_batch_links(connection: Connection, ids: list[int], links: list[Link]) -> None:
    """Point links to postings inserted earlier in this same batch at their new ids."""
    updates: dict[str, list[dict[str, int]]] = {"canonical_id": [], "repost_of": []}
    for index, link in enumerate(links):
        if isinstance(link.target, tuple):
            column = "canonical_id" if link.kind == "duplicate" else "repost_of"
            updates[column].append({"b_id": ids[index], "b_target": ids[link.target[1]]})
    for column, rows in updates.items():
        if rows:
            connection.execute(
                update(posting_table)
                .where(posting_table.c.id == bindparam("b_id"))
                .values({column: bindparam("b_target")}),
                rows,
            )


def _update_changed(
    connection: Connection,
    rows: list[tuple[dict[str, Any], Posting, str]],
    company_ids: dict[str, int],
    run_id: int,
    source_name: str,
    seen_at: datetime,
    raw_sha256: str | None,
) -> None:
    # Bind names must differ from column names in an executemany UPDATE, hence the prefix.
    posting_rows = [
        {
            **posting_values(posting, digest, company_ids, features(posting)),
            "last_seen_at": seen_at,
            "updated_at": seen_at,
            "last_run_id": run_id,
        }
        for row, posting, digest in rows
    ]
    _record_changes(
        connection, [row["posting_id"] for row, _, _ in rows], posting_rows, run_id, seen_at
    )
    columns = list(posting_rows[0])
    connection.execute(
        update(posting_table)
        .where(posting_table.c.id == bindparam("b_id"))
        .values({column: bindparam(f"b_{column}") for column in columns}),
        [
            {"b_id": row["posting_id"], **{f"b_{k}": v for k, v in values.items()}}
            for (row, _, _), values in zip(rows, posting_rows, strict=True)
        ],
    )
    source_columns = (
        "url",
        "content_hash",
        "raw_sha256",
        "source_name",
        "last_seen_at",
        "last_run_id",
    )
    connection.execute(
        update(source_table)
        .where(source_table.c.id == bindparam("b_id"))
        .values({column: bindparam(f"b_{column}") for column in source_columns}),
        [
            {
                "b_id": row["id"],
                "b_url": posting.url,
                "b_content_hash": digest,
                "b_raw_sha256": raw_sha256,
                "b_source_name": source_name,
                "b_last_seen_at": seen_at,
                "b_last_run_id": run_id,
            }
            for row, posting, digest in rows
        ],
    )


_TRACKED = (
    "title", "company", "role", "level", "employment_type", "workplace", "locations",
    "salary_min", "salary_max", "salary_currency", "salary_period", "posted_at",
)  # fmt: skip


def _record_changes(
    connection: Connection,
    posting_ids: list[int],
    new_values: list[dict[str, Any]],
    run_id: int,
    at: datetime,
) -> None:
    """A `changed` version per posting: old and new value of each field that changed (for the
    description, only its length, which keeps the history small)."""
    c = posting_table.c
    old: dict[int, Any] = {}
    for start in range(0, len(posting_ids), _IN_CHUNK):
        query = select(c.id, c.description_text, *(c[name] for name in _TRACKED)).where(
            c.id.in_(posting_ids[start : start + _IN_CHUNK])
        )
        old.update({row.id: row for row in connection.execute(query)})
    versions = []
    for posting_id, values in zip(posting_ids, new_values, strict=True):
        before = old.get(posting_id)
        if before is None:
            continue
        changes = {
            name: {"from": _plain(getattr(before, name)), "to": _plain(values[name])}
            for name in _TRACKED
            if _plain(getattr(before, name)) != _plain(values[name])
        }
        if (before.description_text or "") != (values["description_text"] or ""):
            changes["description_text"] = {
                "from_chars": len(before.description_text or ""),
                "to_chars": len(values["description_text"] or ""),
            }
        versions.append(
            {
                "posting_id": posting_id,
                "kind": "changed",
                "at": at,
                "content_hash": values["content_hash"],
                "changes": changes,
            }
        )
    record_versions(connection, versions, run_id=run_id)


def _plain(value: Any) -> Any:
    """A JSON-able value, with datetimes compared in UTC whatever the driver returned."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    return value


def _touch(
    connection: Connection,
    source_ids: list[int],
    posting_ids: list[int],
    run_id: int,
    seen_at: datetime,
    raw_sha256: str | None,
) -> None:
    for start in range(0, len(source_ids), _IN_CHUNK):
        connection.execute(
            update(source_table)
            .where(source_table.c.id.in_(source_ids[start : start + _IN_CHUNK]))
            .values(last_seen_at=seen_at, last_run_id=run_id, raw_sha256=raw_sha256)
        )
    for start in range(0, len(posting_ids), _IN_CHUNK):
        connection.execute(
            update(posting_table)
            .where(posting_table.c.id.in_(posting_ids[start : start + _IN_CHUNK]))
            .values(last_seen_at=seen_at, last_run_id=run_id)
        )


def touch_payload(
    connection: Connection,
    *,
    source: str,
    board: str,
    raw_sha256: str,
    run_id: int,
    source_name: str,
    seen_at: datetime,
) -> int:
    """Mark every listing of an unchanged payload as seen now, without parsing it again.

    Returns how many listings were seen for the first time in this run (the `unchanged` count).
    """
    seen_at = seen_at.astimezone(UTC)
    c = source_table.c
    listed = and_(c.source == source, c.board == board, c.raw_sha256 == raw_sha256)
    posting_ids = select(c.posting_id).where(listed).scalar_subquery()
    connection.execute(
        update(posting_table)
        .where(posting_table.c.id.in_(posting_ids))
        .values(last_seen_at=seen_at, last_run_id=run_id)
    )
    counted = connection.execute(
        update(source_table)
        .where(listed, or_(c.last_run_id.is_(None), c.last_run_id != run_id))
        .values(last_seen_at=seen_at, last_run_id=run_id)
    ).rowcount
    connection.execute(
        update(source_table).where(listed).values(last_seen_at=seen_at, last_run_id=run_id)
    )
    reopen(
        connection,
        [row.posting_id for row in connection.execute(select(c.posting_id).where(listed))],
        run_id=run_id,
        now=seen_at,
    )
    connection.execute(
        update(run_source_table)
        .where(run_source_table.c.run_id == run_id, run_source_table.c.source_name == source_name)
        .values(unchanged=run_source_table.c.unchanged + counted)
    )
    return int(counted)


def load_survey_batch(
    connection: Connection,
    rows: Sequence[Mapping[str, Any]],
    *,
    run_id: int,
    source_name: str,
    loaded_at: datetime,
) -> LoadCounts:
    """Insert survey answers once each (identity: `row_hash`); repeats count as unchanged."""
    if not rows:
        return LoadCounts()
    values = [{**row, "run_id": run_id, "loaded_at": loaded_at.astimezone(UTC)} for row in rows]
    statement = _insert_ignore(connection, survey_table, ["row_hash"]).returning(survey_table.c.id)
    inserted = len(connection.execute(statement, values).all())
    counts = LoadCounts(new=inserted, unchanged=len(values) - inserted)
    connection.execute(
        update(run_source_table)
        .where(run_source_table.c.run_id == run_id, run_source_table.c.source_name == source_name)
        .values(
            new=run_source_table.c.new + counts.new,
            unchanged=run_source_table.c.unchanged + counts.unchanged,
        )
    )
    return counts
