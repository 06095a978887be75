"""Batched upserts of postings, each batch one transaction together with the counts it adds.

Identity is (source, board, source_id). A listing seen again with the same content only moves
`last_seen_at` (and reopens it if it had been closed); changed content rewrites the posting row
and records what changed in `posting_version`. A new listing is matched against the open jobs
of its block (see `identity`): a duplicate is linked to its canonical posting, a repost to the
job its board closed recently. Loading the same batch twice changes nothing else, and a
retried batch within one run is not counted twice.

New and changed rows are written in bulk by default (see `bulk`): ids handed out first, so
links inside a batch are known before anything is written, then one upsert per table. The
plain path (`bulk=False`) writes them with SQLAlchemy Core statements; both leave the same rows.
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
from jobingest.warehouse.bulk import allocate_ids, upsert_by_id
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


class PreparedPosting:
    """A posting with its content hash and matching features, each computed once, on first use
    or ahead of the load (`prepare_postings`, e.g. in a worker process)."""

    __slots__ = ("_digest", "_features", "posting")

    def __init__(
        self, posting: Posting, digest: str | None = None, feats: Features | None = None
    ) -> None:
        self.posting = posting
        self._digest = digest
        self._features = feats

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.posting.source, self.posting.board, self.posting.source_id)

    @property
    def digest(self) -> str:
        if self._digest is None:
            self._digest = content_hash(self.posting)
        return self._digest

    @property
    def features(self) -> Features:
        if self._features is None:
            self._features = features(self.posting)
        return self._features


def prepare_postings(postings: Iterable[Posting]) -> list[PreparedPosting]:
    """Hash and features of each posting now: the CPU-bound part of a load, with no I/O."""
    return [PreparedPosting(p, content_hash(p), features(p)) for p in postings]


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
    postings: Sequence[Posting | PreparedPosting],
    *,
    run_id: int,
    source_name: str,
    seen_at: datetime,
    raw_sha256: str | None = None,
    policy: DedupePolicy | None = None,
    bulk: bool = True,
    seen: Sequence[Seen] | None = None,
) -> LoadCounts:
    """Upsert one batch inside the caller's transaction and add its counts to the run.

    Every listing was seen at `seen_at` in the payload `raw_sha256`, unless `seen` (one entry
    per posting) says otherwise: a replay loads many small payloads (career pages of one
    posting each) as one batch, each listing stamped with its own payload and time. A key
    repeated in one batch keeps its last occurrence, so a caller that needs the earlier one
    loaded first (as separate payloads were) splits the batch there.
    """
    policy = policy or DedupePolicy()
    default = Seen(seen_at, raw_sha256)
    if seen is not None and len(seen) != len(postings):
        raise ValueError("seen needs one entry per posting")
    stamps: dict[Seen, _Stamp] = {}
    latest: dict[tuple[str, str, str], tuple[PreparedPosting, _Stamp]] = {}
    for position, item in enumerate(postings):
        prepared = item if isinstance(item, PreparedPosting) else PreparedPosting(item)
        evidence = seen[position] if seen is not None else default
        stamp = stamps.get(evidence)
        if stamp is None:
            stamp = stamps[evidence] = _Stamp(
                run_id, source_name, evidence.at.astimezone(UTC), evidence.raw_sha256
            )
        latest[prepared.key] = (prepared, stamp)
    if not latest:
        return LoadCounts()
    earliest = min(stamp.seen_at for stamp in stamps.values())
    company_ids = _company_ids(
        connection, [(p.posting.company, stamp.seen_at) for p, stamp in latest.values()]
    )
    existing = _existing(connection, latest.keys())
    counts = LoadCounts()
    new_rows: list[PreparedPosting] = []
    new_stamps: list[_Stamp] = []
    changed: list[tuple[dict[str, Any], PreparedPosting]] = []
    changed_stamps: list[_Stamp] = []
    touched: dict[_Stamp, tuple[list[int], list[int]]] = {}
    for key, (prepared, stamp) in latest.items():
        row = existing.get(key)
        if row is None:
            new_rows.append(prepared)
            new_stamps.append(stamp)
        elif row["content_hash"] != prepared.digest:
            changed.append((row, prepared))
            changed_stamps.append(stamp)
        else:
            sources, postings_seen = touched.setdefault(stamp, ([], []))
            sources.append(row["id"])
            postings_seen.append(row["posting_id"])
            # Seen earlier in this same run (a retried task): counted then, not again.
            if row["last_run_id"] != run_id:
                counts.unchanged += 1
    # The repost window is counted back from the batch's earliest sighting (the widest).
    links = match_new(connection, new_rows, seen_at=earliest, policy=policy)
    counts.duplicates = sum(1 for link in links if link.kind == "duplicate")
    counts.reposts = sum(1 for link in links if link.kind == "repost")
    counts.new = len(new_rows) - counts.duplicates - counts.reposts
    counts.updated = len(changed)
    changed_values = [
        _changed_posting_row(prepared, company_ids, stamp)
        for (_, prepared), stamp in zip(changed, changed_stamps, strict=True)
    ]
    if changed:
        _record_changes(
            connection,
            [row["posting_id"] for row, _ in changed],
            changed_values,
            run_id,
            [stamp.seen_at for stamp in changed_stamps],
        )
    if bulk:
        _write_bulk(
            connection, new_rows, new_stamps, links, changed, changed_stamps, changed_values,
            company_ids,
        )  # fmt: skip
    else:
        if new_rows:
            _insert_new(connection, new_rows, new_stamps, links, company_ids)
        if changed:
            _update_changed(connection, changed, changed_stamps, changed_values)
    for stamp, (source_ids, posting_ids) in touched.items():
        _touch(connection, source_ids, posting_ids, run_id, stamp.seen_at, stamp.raw_sha256)
    seen_again: dict[datetime, list[int]] = {}
    for (row, _), stamp in zip(changed, changed_stamps, strict=True):
        seen_again.setdefault(stamp.seen_at, []).append(row["posting_id"])
    for stamp, (_, posting_ids) in touched.items():
        seen_again.setdefault(stamp.seen_at, []).extend(posting_ids)
    counts.reopened = sum(
        reopen(connection, ids, run_id=run_id, now=at) for at, ids in sorted(seen_again.items())
    )
    _add_counts(connection, run_id, source_name, counts)
    return counts


@dataclass(frozen=True)
class Seen:
    """Which payload showed a listing, and when."""

    at: datetime
    raw_sha256: str | None = None


@dataclass(frozen=True)
class _Stamp:
    """Who saw a listing, and when: written on every row the batch inserts or updates for it."""

    run_id: int
    source_name: str
    seen_at: datetime
    raw_sha256: str | None


def match_new(
    connection: Connection,
    rows: Sequence[PreparedPosting],
    *,
    seen_at: datetime,
    policy: DedupePolicy,
) -> list[Link]:
    """What each new listing is (new job, duplicate, repost), against the open postings of its
    block and the listings before it in the batch. Reads only."""
    if not rows:
        return []
    feats = [prepared.features for prepared in rows]
    matcher = load_candidates(
        connection, (f.block_key for f in feats if f.block_key), now=seen_at, policy=policy
    )
    return [
        matcher.decide(index, f, prepared.posting.source, prepared.posting.board)
        for index, (prepared, f) in enumerate(zip(rows, feats, strict=True))
    ]


_COUNTED = ("new", "updated", "unchanged", "duplicates", "reposts")
_ADD_COUNTS = (
    update(run_source_table)
    .where(
        run_source_table.c.run_id == bindparam("a_run"),
        run_source_table.c.source_name == bindparam("a_source"),
    )
    .values({name: run_source_table.c[name] + bindparam(f"a_{name}") for name in _COUNTED})
)


def _add_counts(connection: Connection, run_id: int, source_name: str, counts: LoadCounts) -> None:
    params = {f"a_{name}": getattr(counts, name) for name in _COUNTED}
    connection.execute(_ADD_COUNTS, {"a_run": run_id, "a_source": source_name, **params})


_EXISTING = select(
    source_table.c.source_id,
    source_table.c.id,
    source_table.c.posting_id,
    source_table.c.content_hash,
    source_table.c.last_run_id,
).where(
    source_table.c.source == bindparam("e_source"),
    source_table.c.board == bindparam("e_board"),
    source_table.c.source_id.in_(bindparam("e_ids", expanding=True)),
)


def _existing(
    connection: Connection, keys: Iterable[tuple[str, str, str]]
) -> dict[tuple[str, str, str], dict[str, Any]]:
    """The listings already stored, one query per board (a batch is usually one board)."""
    by_board: dict[tuple[str, str], list[str]] = {}
    for source, board, source_id in keys:
        by_board.setdefault((source, board), []).append(source_id)
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for (source, board), ids in by_board.items():
        for start in range(0, len(ids), _IN_CHUNK):
            params = {"e_source": source, "e_board": board, "e_ids": ids[start : start + _IN_CHUNK]}
            for source_id, *values in connection.execute(_EXISTING, params):
                found[(source, board, source_id)] = dict(zip(_EXISTING_NAMES, values, strict=True))
    return found


_EXISTING_NAMES = ("id", "posting_id", "content_hash", "last_run_id")


def _company_ids(
    connection: Connection, named: Iterable[tuple[str | None, datetime]]
) -> dict[str, int]:
    """Ids of the employers named, by normalised name; one a batch names first is created,
    dated by its earliest sighting in the batch."""
    wanted: dict[str, tuple[str, datetime]] = {}
    for name, at in named:
        key = normalise_company(name)
        if name and key:
            first = wanted.get(key)
            if first is None or at < first[1]:
                wanted[key] = (first[0] if first else name, at)
    if not wanted:
        return {}
    ids = _stored_company_ids(connection, list(wanted))
    missing = [key for key in wanted if key not in ids]
    if missing:
        rows = [
            {"name": wanted[key][0], "normalized_name": key, "created_at": wanted[key][1]}
            for key in missing
        ]
        connection.execute(_insert_ignore(connection, company_table, ["normalized_name"]), rows)
        ids.update(_stored_company_ids(connection, missing))
    return ids


_COMPANY_IDS = select(company_table.c.normalized_name, company_table.c.id).where(
    company_table.c.normalized_name.in_(bindparam("c_names", expanding=True))
)


def _stored_company_ids(connection: Connection, keys: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for start in range(0, len(keys), _IN_CHUNK):
        params = {"c_names": keys[start : start + _IN_CHUNK]}
        for name, row_id in connection.execute(_COMPANY_IDS, params):
            ids[name] = row_id
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
        "industry": posting.industry,
        "posted_at": posting.posted_at.astimezone(UTC) if posting.posted_at else None,
        "description_text": posting.description_text,
        "description_html": posting.description_html,
        "fingerprint": posting.fingerprint,
        "content_hash": digest,
        "block_key": feats.block_key,
        "signature": pack_signature(feats.signature),
        "shingles": feats.shingles or None,
    }


def _new_posting_row(
    prepared: PreparedPosting, link: Link, company_ids: dict[str, int], stamp: _Stamp
) -> dict[str, Any]:
    posting = prepared.posting
    return {
        **posting_values(posting, prepared.digest, company_ids, prepared.features),
        **_link_columns(link),
        "source": posting.source,
        "board": posting.board,
        "source_id": posting.source_id,
        "first_seen_at": stamp.seen_at,
        "last_seen_at": stamp.seen_at,
        "updated_at": stamp.seen_at,
        "first_run_id": stamp.run_id,
        "last_run_id": stamp.run_id,
    }


def _changed_posting_row(
    prepared: PreparedPosting, company_ids: dict[str, int], stamp: _Stamp
) -> dict[str, Any]:
    return {
        **posting_values(prepared.posting, prepared.digest, company_ids, prepared.features),
        "last_seen_at": stamp.seen_at,
        "updated_at": stamp.seen_at,
        "last_run_id": stamp.run_id,
    }


def _new_source_row(prepared: PreparedPosting, posting_id: int, stamp: _Stamp) -> dict[str, Any]:
    posting = prepared.posting
    return {
        "posting_id": posting_id,
        "source": posting.source,
        "board": posting.board,
        "source_id": posting.source_id,
        "source_name": stamp.source_name,
        "url": posting.url,
        "content_hash": prepared.digest,
        "raw_sha256": stamp.raw_sha256,
        "first_seen_at": stamp.seen_at,
        "last_seen_at": stamp.seen_at,
        "first_run_id": stamp.run_id,
        "last_run_id": stamp.run_id,
    }


# What a changed listing rewrites of its `posting_source` row.
_SOURCE_UPDATES = (
    "url",
    "content_hash",
    "raw_sha256",
    "source_name",
    "last_seen_at",
    "last_run_id",
)


def _write_bulk(
    connection: Connection,
    new_rows: list[PreparedPosting],
    new_stamps: list[_Stamp],
    links: list[Link],
    changed: list[tuple[dict[str, Any], PreparedPosting]],
    changed_stamps: list[_Stamp],
    changed_values: list[dict[str, Any]],
    company_ids: dict[str, int],
) -> None:
    """New and changed rows of both tables, one upsert per table. A changed row's columns that
    it does not update only need to be valid (the upsert discards them)."""
    posting_ids = allocate_ids(connection, posting_table, len(new_rows))
    source_ids = allocate_ids(connection, source_table, len(new_rows))
    postings: list[dict[str, Any]] = []
    sources: list[dict[str, Any]] = []
    for index, (prepared, link, stamp) in enumerate(zip(new_rows, links, new_stamps, strict=True)):
        row = {"id": posting_ids[index], **_new_posting_row(prepared, link, company_ids, stamp)}
        if isinstance(link.target, tuple):
            column = "canonical_id" if link.kind == "duplicate" else "repost_of"
            row[column] = posting_ids[link.target[1]]
        postings.append(row)
        sources.append({"id": source_ids[index], **_new_source_row(prepared, row["id"], stamp)})
    for (existing, prepared), values, stamp in zip(
        changed, changed_values, changed_stamps, strict=True
    ):
        posting = prepared.posting
        postings.append(
            {
                "id": existing["posting_id"],
                **values,
                **_link_columns(Link("new")),
                "source": posting.source,
                "board": posting.board,
                "source_id": posting.source_id,
                "first_seen_at": stamp.seen_at,
                "first_run_id": stamp.run_id,
            }
        )
        sources.append(
            {"id": existing["id"], **_new_source_row(prepared, existing["posting_id"], stamp)}
        )
    updated = list(changed_values[0]) if changed_values else []
    upsert_by_id(connection, posting_table, postings, updated)
    upsert_by_id(connection, source_table, sources, _SOURCE_UPDATES)


def _insert_new(
    connection: Connection,
    rows: list[PreparedPosting],
    stamps: list[_Stamp],
    links: list[Link],
    company_ids: dict[str, int],
) -> None:
    values = [
        _new_posting_row(prepared, link, company_ids, stamp)
        for prepared, link, stamp in zip(rows, links, stamps, strict=True)
    ]
    statement = insert(posting_table).returning(posting_table.c.id, sort_by_parameter_order=True)
    ids = [row.id for row in connection.execute(statement, values)]
    _resolve_batch_links(connection, ids, links)
    connection.execute(
        insert(source_table),
        [
            _new_source_row(prepared, posting_id, stamp)
            for posting_id, prepared, stamp in zip(ids, rows, stamps, strict=True)
        ],
    )


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
    rows: list[tuple[dict[str, Any], PreparedPosting]],
    stamps: list[_Stamp],
    posting_rows: list[dict[str, Any]],
) -> None:
    # Bind names must differ from column names in an executemany UPDATE, hence the prefix.
    columns = list(posting_rows[0])
    connection.execute(
        update(posting_table)
        .where(posting_table.c.id == bindparam("b_id"))
        .values({column: bindparam(f"b_{column}") for column in columns}),
        [
            {"b_id": row["posting_id"], **{f"b_{k}": v for k, v in values.items()}}
            for (row, _), values in zip(rows, posting_rows, strict=True)
        ],
    )
    connection.execute(
        update(source_table)
        .where(source_table.c.id == bindparam("b_id"))
        .values({column: bindparam(f"b_{column}") for column in _SOURCE_UPDATES}),
        [
            {
                "b_id": row["id"],
                **{
                    f"b_{k}": v
                    for k, v in _new_source_row(prepared, row["posting_id"], stamp).items()
                    if k in _SOURCE_UPDATES
                },
            }
            for (row, prepared), stamp in zip(rows, stamps, strict=True)
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
    at: list[datetime],
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
    for posting_id, values, when in zip(posting_ids, new_values, at, strict=True):
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
                "at": when,
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
