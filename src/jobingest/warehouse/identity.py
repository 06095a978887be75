"""Duplicates, reposts and the open/closed lifecycle, kept in the warehouse.

Links never delete: a duplicate listing keeps its own `posting` row with `canonical_id`,
`dedupe_score` and `dedupe_reason`; a repost keeps its own row with `repost_of`. What matching
needs (block key, description signature) is stored with each posting, so a night compares only
its new listings against the open postings of their blocks, never the whole warehouse.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, func, insert, or_, select, update

from jobingest.dedupe import Features, Verdict, compare, normalise_text, title_tokens
from jobingest.warehouse.tables import Posting as PostingRow
from jobingest.warehouse.tables import PostingSource, PostingVersion

posting_table: Table = PostingRow.__table__  # type: ignore[attr-defined]
source_table: Table = PostingSource.__table__  # type: ignore[attr-defined]
version_table: Table = PostingVersion.__table__  # type: ignore[attr-defined]

_IN_CHUNK = 500
_GUARD_MIN_OPEN = 10


@dataclass(frozen=True)
class DedupePolicy:
    merge_locations: bool = False
    repost_window: timedelta = timedelta(days=60)
    close_guard_ratio: float = 0.5


@dataclass
class Candidate:
    """A canonical posting a new listing may turn out to be: in the warehouse (`posting_id`) or
    earlier in the same batch (`batch_index`)."""

    features: Features
    source: str
    board: str
    closed_at: datetime | None
    posting_id: int | None = None
    batch_index: int | None = None


@dataclass(frozen=True)
class Link:
    """What a new listing is: a new job (`kind="new"`), a duplicate of an open one, or a repost
    of one its board closed recently. `target` is a posting id or ("batch", index)."""

    kind: str
    target: int | tuple[str, int] | None = None
    verdict: Verdict | None = None


@dataclass
class Matcher:
    """Candidates by block for one batch, growing as the batch's own new jobs are decided."""

    policy: DedupePolicy
    blocks: dict[str, list[Candidate]] = field(default_factory=dict)

    def decide(self, index: int, features: Features, source: str, board: str) -> Link:
        best: tuple[Candidate, Verdict] | None = None
        if features.block_key is not None:
            for candidate in self.blocks.get(features.block_key, ()):
                verdict = compare(
                    features, candidate.features, merge_locations=self.policy.merge_locations
                )
                if verdict.same and (best is None or verdict.score > best[1].score):
                    best = (candidate, verdict)
        link = Link("new")
        if best is not None:
            candidate, verdict = best
            target: int | tuple[str, int] = (
                candidate.posting_id
                if candidate.posting_id is not None
                else ("batch", candidate.batch_index or 0)
            )
            if candidate.closed_at is None:
                return Link("duplicate", target, verdict)
            if (candidate.source, candidate.board) == (source, board):
                link = Link("repost", target, verdict)
        if features.block_key is not None:
            self.blocks.setdefault(features.block_key, []).append(
                Candidate(features, source, board, None, batch_index=index)
            )
        return link


def pack_signature(signature: tuple[int, ...] | None) -> bytes | None:
    return struct.pack(f">{len(signature)}Q", *signature) if signature else None


def unpack_signature(data: bytes | None) -> tuple[int, ...] | None:
    return struct.unpack(f">{len(data) // 8}Q", data) if data else None


def row_features(row: Any) -> Features:
    """Features of a stored posting, from its columns alone."""
    locations = row.locations or []
    band = None
    if row.salary_currency and row.salary_period:
        band = (row.salary_currency, row.salary_period, row.salary_min, row.salary_max)
    places = [name for p in locations for name in (p.get("city"), p.get("region")) if name]
    return Features(
        block_key=row.block_key,
        title_tokens=title_tokens(row.title, places),
        cities=frozenset(normalise_text(p["city"]) for p in locations if p.get("city")),
        countries=frozenset(p["country"] for p in locations if p.get("country")),
        band=band,
        signature=unpack_signature(row.signature),
        shingles=row.shingles or 0,
    )


_FEATURE_COLUMNS = (
    "id", "source", "board", "title", "locations", "salary_currency", "salary_period",
    "salary_min", "salary_max", "signature", "shingles", "block_key", "closed_at",
)  # fmt: skip


def load_candidates(
    connection: Connection, block_keys: Iterable[str], *, now: datetime, policy: DedupePolicy
) -> Matcher:
    """Canonical postings in these blocks that are open, or closed recently enough that a new
    listing could be their repost."""
    matcher = Matcher(policy)
    keys = sorted(set(block_keys))
    c = posting_table.c
    since = now - policy.repost_window
    for start in range(0, len(keys), _IN_CHUNK):
        query = select(*(c[name] for name in _FEATURE_COLUMNS)).where(
            c.block_key.in_(keys[start : start + _IN_CHUNK]),
            c.canonical_id.is_(None),
            or_(c.closed_at.is_(None), c.closed_at >= since),
        )
        for row in connection.execute(query):
            matcher.blocks.setdefault(row.block_key, []).append(
                Candidate(
                    row_features(row), row.source, row.board, row.closed_at, posting_id=row.id
                )
            )
    return matcher


def record_versions(
    connection: Connection, rows: Sequence[dict[str, Any]], *, run_id: int | None
) -> None:
    if rows:
        connection.execute(insert(version_table), [{**row, "run_id": run_id} for row in rows])


def reopen(
    connection: Connection, posting_ids: Sequence[int], *, run_id: int, now: datetime
) -> int:
    """Open again postings seen after they were closed, recording the gap."""
    if not posting_ids:
        return 0
    c = posting_table.c
    closed = [
        (row.id, row.closed_at)
        for start in range(0, len(posting_ids), _IN_CHUNK)
        for row in connection.execute(
            select(c.id, c.closed_at).where(
                c.id.in_(posting_ids[start : start + _IN_CHUNK]), c.closed_at.is_not(None)
            )
        )
    ]
    if not closed:
        return 0
    ids = [posting_id for posting_id, _ in closed]
    for start in range(0, len(ids), _IN_CHUNK):
        connection.execute(
            update(posting_table)
            .where(c.id.in_(ids[start : start + _IN_CHUNK]))
            .values(closed_at=None)
        )
    record_versions(
        connection,
        [
            {
                "posting_id": posting_id,
                "kind": "reopened",
                "at": now,
                "changes": {
                    "closed_at": _utc(closed_at).isoformat(),
                    "gap_days": round((now - _utc(closed_at)).total_seconds() / 86400, 2),
                },
            }
            for posting_id, closed_at in closed
        ],
        run_id=run_id,
    )
    return len(closed)


def close_unseen(
    connection: Connection,
    *,
    source: str,
    board: str,
    run_id: int,
    now: datetime,
    policy: DedupePolicy,
) -> tuple[int, str | None]:
    """Close the postings a complete snapshot of a board no longer lists.

    Returns (closed, note). Nothing is closed when the board listed nothing, or far fewer than
    it had open (a silent failure upstream is likelier than a mass closing).
    """
    ps, p = source_table.c, posting_table.c
    listed = and_(ps.source == source, ps.board == board, p.closed_at.is_(None))
    joined = source_table.join(posting_table, p.id == ps.posting_id)
    open_before = connection.execute(
        select(func.count()).select_from(joined).where(listed)
    ).scalar_one()
    seen = connection.execute(
        select(func.count()).select_from(joined).where(listed, ps.last_run_id == run_id)
    ).scalar_one()
    missing = open_before - seen
    if missing == 0:
        return 0, None
    if seen == 0:
        return 0, f"listed nothing of {open_before} open postings: closing skipped"
    if open_before >= _GUARD_MIN_OPEN and seen < policy.close_guard_ratio * open_before:
        return 0, (
            f"listed {seen} of {open_before} open postings (below "
            f"{policy.close_guard_ratio:.0%}): closing skipped"
        )
    ids = [
        row.posting_id
        for row in connection.execute(
            select(ps.posting_id)
            .select_from(joined)
            .where(listed, or_(ps.last_run_id.is_(None), ps.last_run_id != run_id))
        )
    ]
    for start in range(0, len(ids), _IN_CHUNK):
        connection.execute(
            update(posting_table)
            .where(p.id.in_(ids[start : start + _IN_CHUNK]))
            .values(closed_at=now)
        )
    record_versions(
        connection, [{"posting_id": i, "kind": "closed", "at": now} for i in ids], run_id=run_id
    )
    return len(ids), None


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass
class RebuildCounts:
    postings: int = 0
    duplicates: int = 0
    reposts: int = 0


def rebuild(connection: Connection, policy: DedupePolicy) -> RebuildCounts:
    """Re-derive every duplicate and repost link from stored features, as if each posting had
    arrived in first-seen order under `policy`. Block by block, so memory holds one block."""
    c = posting_table.c
    connection.execute(
        update(posting_table).values(
            canonical_id=None, repost_of=None, dedupe_score=None, dedupe_reason=None
        )
    )
    counts = RebuildCounts()
    query = (
        select(*(c[name] for name in _FEATURE_COLUMNS), c.first_seen_at)
        .where(c.block_key.is_not(None))
        .order_by(c.block_key, c.first_seen_at, c.id)
    )
    pending: list[dict[str, Any]] = []
    block: str | None = None
    canonicals: list[tuple[Candidate, datetime]] = []
    for row in connection.execute(query):
        counts.postings += 1
        if row.block_key != block:
            block, canonicals = row.block_key, []
        feats = row_features(row)
        seen = _utc(row.first_seen_at)
        link = _link_at(feats, row.source, row.board, seen, canonicals, policy)
        if link is None:
            closed = _utc(row.closed_at) if row.closed_at else None
            canonicals.append(
                (Candidate(feats, row.source, row.board, closed, posting_id=row.id), seen)
            )
            continue
        kind, target, verdict = link
        if kind == "duplicate":
            counts.duplicates += 1
        else:
            counts.reposts += 1
            closed = _utc(row.closed_at) if row.closed_at else None
            canonicals.append(
                (Candidate(feats, row.source, row.board, closed, posting_id=row.id), seen)
            )
        pending.append(
            {
                "b_id": row.id,
                "b_canonical": target if kind == "duplicate" else None,
                "b_repost": target if kind == "repost" else None,
                "b_score": verdict.score,
                "b_reason": verdict.reason,
            }
        )
    for start in range(0, len(pending), _IN_CHUNK):
        connection.execute(
            update(posting_table)
            .where(c.id == bindparam("b_id"))
            .values(
                canonical_id=bindparam("b_canonical"),
                repost_of=bindparam("b_repost"),
                dedupe_score=bindparam("b_score"),
                dedupe_reason=bindparam("b_reason"),
            ),
            pending[start : start + _IN_CHUNK],
        )
    return counts


def _link_at(
    feats: Features,
    source: str,
    board: str,
    seen: datetime,
    canonicals: list[tuple[Candidate, datetime]],
    policy: DedupePolicy,
) -> tuple[str, int, Verdict] | None:
    """What a posting first seen at `seen` was, given the canonical postings before it."""
    best: tuple[str, int, Verdict] | None = None
    for candidate, _ in canonicals:
        verdict = compare(feats, candidate.features, merge_locations=policy.merge_locations)
        if not verdict.same or candidate.posting_id is None:
            continue
        closed = candidate.closed_at
        if closed is None or closed >= seen:
            kind = "duplicate"
        elif (candidate.source, candidate.board) == (source, board) and (
            seen - closed <= policy.repost_window
        ):
            kind = "repost"
        else:
            continue
        if best is None or verdict.score > best[2].score:
            best = (kind, candidate.posting_id, verdict)
    return best


def explain(connection: Connection, posting_id: int, policy: DedupePolicy) -> dict[str, Any]:
    """Why a posting is linked to others or kept apart: its links, and the verdict of comparing
    it with every other posting of its block."""
    c = posting_table.c
    row = connection.execute(
        select(
            *(c[name] for name in _FEATURE_COLUMNS),
            c.source_id,
            c.company,
            c.canonical_id,
            c.repost_of,
            c.dedupe_score,
            c.dedupe_reason,
        ).where(c.id == posting_id)
    ).first()
    if row is None:
        raise LookupError(f"no posting with id {posting_id}")
    feats = row_features(row)
    others = []
    if row.block_key is not None:
        query = (
            select(*(c[name] for name in _FEATURE_COLUMNS), c.canonical_id)
            .where(c.block_key == row.block_key, c.id != posting_id)
            .order_by(c.id)
            .limit(200)
        )
        for other in connection.execute(query):
            verdict = compare(feats, row_features(other), merge_locations=policy.merge_locations)
            others.append(
                {
                    "id": other.id,
                    "source": other.source,
                    "board": other.board,
                    "title": other.title,
                    "canonical_id": other.canonical_id,
                    "same": verdict.same,
                    "score": round(verdict.score, 3),
                    "reason": verdict.reason,
                }
            )
    linked = [
        {"id": r.id, "source": r.source, "title": r.title, "score": r.dedupe_score}
        for r in connection.execute(
            select(c.id, c.source, c.title, c.dedupe_score).where(c.canonical_id == posting_id)
        )
    ]
    return {
        "id": row.id,
        "source": row.source,
        "board": row.board,
        "source_id": row.source_id,
        "company": row.company,
        "title": row.title,
        "block_key": row.block_key,
        "closed_at": row.closed_at.isoformat() if row.closed_at else None,
        "canonical_id": row.canonical_id,
        "repost_of": row.repost_of,
        "score": row.dedupe_score,
        "reason": row.dedupe_reason,
        "duplicates_linked_here": linked,
        "compared_in_block": others,
    }
