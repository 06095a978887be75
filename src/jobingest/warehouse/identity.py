"""Duplicates, reposts and the open/closed lifecycle, kept in the warehouse.

Links never delete: a duplicate listing keeps its own `posting` row with `canonical_id`,
`dedupe_score` and `dedupe_reason`; a repost keeps its own row with `repost_of`. What matching
needs (block key, description signature) is stored with each posting, so a night compares only
its new listings against the open postings of their blocks, never the whole warehouse.
"""

from __future__ import annotations

import dataclasses
import struct
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import numpy as np
from sqlalchemy import Connection, Table, and_, bindparam, func, insert, or_, select, update

from jobingest.dedupe import (
    SIGNATURE_SCHEME,
    SIGNATURE_SIZE,
    Features,
    Verdict,
    city_keys,
    compare,
    employer_words,
    job_block_key,
    screen,
    signature,
    title_tokens,
)
from jobingest.warehouse.tables import Posting as PostingRow
from jobingest.warehouse.tables import PostingSource, PostingVersion

posting_table: Table = PostingRow.__table__  # type: ignore[attr-defined]
source_table: Table = PostingSource.__table__  # type: ignore[attr-defined]
version_table: Table = PostingVersion.__table__  # type: ignore[attr-defined]

_IN_CHUNK = 500
_REKEY_CHUNK = 2000
T = TypeVar("T")
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


class CandidateIndex:
    """The canonical postings one batch is matched against, held compactly: signatures in one
    preallocated uint64 matrix (grown by doubling), the rest of each posting's features as one
    small record whose token sets, city sets and employer words are shared between postings
    (a warehouse repeats them endlessly), and each block as arrays of row numbers grouped by
    what `dedupe.screen` reads (employer, title, places), so one screen call rules a whole group
    in or out. About 1.3 KiB a posting, against ~6 KiB for `Features` with tuple signatures."""

    def __init__(self, capacity: int = 1024) -> None:
        self.size = 0
        self._signatures = np.zeros((capacity, SIGNATURE_SIZE), dtype=np.uint64)
        self._signed = np.zeros(capacity, dtype=np.uint8)  # hashes held (0: no description)
        self._shingles = np.zeros(capacity, dtype=np.int32)
        self._posting_ids = np.full(capacity, -1, dtype=np.int64)
        self._batch_indexes = np.full(capacity, -1, dtype=np.int64)
        self._closed_at = np.full(capacity, np.nan, dtype=np.float64)  # POSIX seconds
        self._origins = np.zeros(capacity, dtype=np.int32)
        self._profiles: list[Features] = []  # signature-free features, parts shared
        self._origin_codes: dict[tuple[str, str], int] = {}
        self._origin_names: list[tuple[str, str]] = []
        self._shared: dict[object, object] = {}
        self.blocks: dict[str, dict[tuple[object, ...], array[int]]] = {}

    def __len__(self) -> int:
        return self.size

    def add(
        self,
        features: Features,
        source: str,
        board: str,
        closed_at: datetime | None,
        *,
        posting_id: int | None = None,
        batch_index: int | None = None,
    ) -> None:
        if features.block_key is None:
            return
        row = self.size
        if row == len(self._shingles):
            self._grow()
        sketch = features.signature or ()
        self._signatures[row, : len(sketch)] = sketch
        self._signed[row] = len(sketch)
        self._shingles[row] = features.shingles
        self._posting_ids[row] = -1 if posting_id is None else posting_id
        self._batch_indexes[row] = -1 if batch_index is None else batch_index
        self._closed_at[row] = np.nan if closed_at is None else _utc(closed_at).timestamp()
        self._origins[row] = self._origin(source, board)
        profile = self._profile(features)
        self._profiles.append(profile)
        shape = (profile.employer, profile.title_tokens, profile.cities, profile.countries)
        groups = self.blocks.setdefault(features.block_key, {})
        groups.setdefault(shape, array("i")).append(row)
        self.size += 1

    def groups(self, block_key: str | None) -> Iterable[array[int]]:
        """The block's rows, in groups that `dedupe.screen` treats alike."""
        return self.blocks.get(block_key or "", {}).values()

    def lend_text(self, row: int, duplicate: Features) -> None:
        """A card (no description) just took a duplicate that has one: the job's text is now
        known, so later listings are compared with it rather than matched on fields alone
        (otherwise one card would absorb every same-titled opening of its city)."""
        if self._signed[row] or duplicate.signature is None:
            return
        sketch = duplicate.signature
        self._signatures[row, : len(sketch)] = sketch
        self._signed[row] = len(sketch)
        self._shingles[row] = duplicate.shingles

    def rows(self, block_key: str | None) -> list[int]:
        return sorted(row for group in self.groups(block_key) for row in group)

    def cards(self) -> dict[int, int]:
        """Row by posting id of the held warehouse postings without a description."""
        unsigned = np.flatnonzero(
            (self._signed[: self.size] == 0) & (self._posting_ids[: self.size] >= 0)
        )
        return {int(self._posting_ids[row]): int(row) for row in unsigned}

    def profile(self, row: int) -> Features:
        """The row's features without its signature: enough for `dedupe.screen`."""
        return self._profiles[row]

    def features(self, row: int) -> Features:
        profile, held = self._profiles[row], int(self._signed[row])
        if not held:
            return profile
        sketch = tuple(self._signatures[row, :held].tolist())
        return dataclasses.replace(profile, signature=sketch, shingles=int(self._shingles[row]))

    def candidate(self, row: int) -> Candidate:
        closed = self._closed_at[row]
        source, board = self._origin_names[self._origins[row]]
        posting_id, batch_index = int(self._posting_ids[row]), int(self._batch_indexes[row])
        return Candidate(
            self.features(row), source, board,
            None if np.isnan(closed) else datetime.fromtimestamp(float(closed), UTC),
            posting_id=None if posting_id < 0 else posting_id,
            batch_index=None if batch_index < 0 else batch_index,
        )  # fmt: skip

    def nbytes(self) -> int:
        """Bytes of the arrays (the shared records come on top)."""
        arrays = (self._signatures, self._signed, self._shingles, self._posting_ids,
                  self._batch_indexes, self._closed_at, self._origins)  # fmt: skip
        return sum(a.nbytes for a in arrays) + sum(
            group.buffer_info()[1] * group.itemsize
            for groups in self.blocks.values()
            for group in groups.values()
        )

    def _grow(self) -> None:
        capacity = 2 * len(self._shingles)
        for name in ("_signatures", "_signed", "_shingles", "_posting_ids", "_batch_indexes",
                     "_closed_at", "_origins"):  # fmt: skip
            old = getattr(self, name)
            fill = (
                np.nan if name == "_closed_at" else (-1 if "index" in name or "ids" in name else 0)
            )
            new = np.full((capacity, *old.shape[1:]), fill, dtype=old.dtype)
            new[: len(old)] = old
            setattr(self, name, new)

    def _origin(self, source: str, board: str) -> int:
        key = (source, board)
        code = self._origin_codes.get(key)
        if code is None:
            code = self._origin_codes[key] = len(self._origin_names)
            self._origin_names.append(key)
        return code

    def _profile(self, f: Features) -> Features:
        share = self._share
        return Features(
            block_key=share(f.block_key), title_tokens=share(f.title_tokens),
            cities=share(f.cities), countries=share(f.countries), band=share(f.band),
            signature=None, shingles=0, employer=share(f.employer),
        )  # fmt: skip

    def _share(self, value: T) -> T:
        return self._shared.setdefault(value, value)  # type: ignore[return-value]


@dataclass
class Matcher:
    """Candidates by block for one batch, growing as the batch's own new jobs are decided."""

    policy: DedupePolicy
    index: CandidateIndex = field(default_factory=CandidateIndex)

    def decide(self, index: int, features: Features, source: str, board: str) -> Link:
        best: tuple[int, Verdict] | None = None
        matches = 0
        for row, verdict in self._matches(features):
            matches += 1
            if best is None or (-verdict.score, row) < (-best[1].score, best[0]):
                best = (row, verdict)
        link = Link("new")
        if best is not None and (
            best[1].from_text or (matches == 1 and not self._fits_others(best[0], features))
        ):
            candidate, verdict = self.index.candidate(best[0]), best[1]
            target: int | tuple[str, int] = (
                candidate.posting_id
                if candidate.posting_id is not None
                else ("batch", candidate.batch_index or 0)
            )
            if candidate.closed_at is None:
                self.index.lend_text(best[0], features)
                return Link("duplicate", target, verdict)
            if (candidate.source, candidate.board) == (source, board):
                link = Link("repost", target, verdict)
        self.index.add(features, source, board, None, batch_index=index)
        return link

    def _fits_others(self, row: int, arriving: Features) -> bool:
        """Whether the held posting `row`, matched on fields alone, would match another held
        posting as well: then it is a card that could be any of several jobs, and linking
        a new listing to it would guess (both directions of a fields-only match must be
        unique)."""
        card = self.index.features(row)
        if card.signature is not None and arriving.signature is None:
            return False  # the arriving listing is the card, and it matched one posting only
        return any(other != row for other, _ in self._matches(card))

    def _matches(self, features: Features) -> Iterator[tuple[int, Verdict]]:
        """Held postings of the block that `features` matches, with the verdicts; a group
        `screen` rules out as a whole is skipped."""
        merge = self.policy.merge_locations
        for group in self.index.groups(features.block_key):
            if isinstance(
                screen(features, self.index.profile(group[0]), merge_locations=merge), Verdict
            ):
                continue
            for row in group:
                verdict = compare(features, self.index.features(row), merge_locations=merge)
                if verdict.same:
                    yield row, verdict


# First byte of a stored signature: which shingle hashing made it. Signatures of another scheme
# (the first had no marker) cannot be compared with today's; `dedupe rebuild` re-derives them.
_SCHEME = SIGNATURE_SCHEME.to_bytes(1, "big")


def pack_signature(signature: tuple[int, ...] | None) -> bytes | None:
    return _SCHEME + struct.pack(f">{len(signature)}Q", *signature) if signature else None


def unpack_signature(data: bytes | None) -> tuple[int, ...] | None:
    """A stored signature, or None when there is none or another hashing scheme made it."""
    if not data or len(data) % 8 != 1 or data[:1] != _SCHEME:
        return None
    return struct.unpack(f">{len(data) // 8}Q", data[1:])


def row_features(row: Any) -> Features:
    """Features of a stored posting, from its columns alone."""
    locations = row.locations or []
    band = None
    if row.salary_currency and row.salary_period:
        band = (row.salary_currency, row.salary_period, row.salary_min, row.salary_max)
    places = [name for p in locations for name in (p.get("city"), p.get("region")) if name]
    lines = [p["raw"] for p in locations if p.get("raw")]
    sketch = unpack_signature(row.signature)
    return Features(
        block_key=row.block_key,
        title_tokens=title_tokens(row.title, places, lines),
        cities=city_keys((p.get("city"), p.get("geoname_id")) for p in locations),
        countries=frozenset(p["country"] for p in locations if p.get("country")),
        band=band,
        signature=sketch,
        shingles=(row.shingles or 0) if sketch else 0,
        employer=employer_words(row.company),
    )


_FEATURE_COLUMNS = (
    "id", "source", "board", "title", "company", "locations", "salary_currency", "salary_period",
    "salary_min", "salary_max", "signature", "shingles", "block_key", "closed_at",
)  # fmt: skip


# Built once: a night runs these per batch, and building a statement costs more than running it.
_CANDIDATES = select(*(posting_table.c[name] for name in _FEATURE_COLUMNS)).where(
    posting_table.c.block_key.in_(bindparam("c_keys", expanding=True)),
    posting_table.c.canonical_id.is_(None),
    or_(posting_table.c.closed_at.is_(None), posting_table.c.closed_at >= bindparam("c_since")),
)
_LENT_TEXT = (
    select(posting_table.c.canonical_id, posting_table.c.signature, posting_table.c.shingles)
    .where(
        posting_table.c.canonical_id.in_(bindparam("l_ids", expanding=True)),
        posting_table.c.signature.is_not(None),
    )
    .order_by(posting_table.c.canonical_id, posting_table.c.id)
)


def load_candidates(
    connection: Connection, block_keys: Iterable[str], *, now: datetime, policy: DedupePolicy
) -> Matcher:
    """Canonical postings in these blocks that are open, or closed recently enough that a new
    listing could be their repost: only these rows are read, through the block_key index."""
    matcher = Matcher(policy)
    keys = sorted(set(block_keys))
    since = now - policy.repost_window
    for start in range(0, len(keys), _IN_CHUNK):
        params = {"c_keys": keys[start : start + _IN_CHUNK], "c_since": since}
        for row in connection.execute(_CANDIDATES, params):
            matcher.index.add(
                row_features(row), row.source, row.board, row.closed_at, posting_id=row.id
            )
    _lend_duplicates_text(connection, matcher)
    return matcher


def _lend_duplicates_text(connection: Connection, matcher: Matcher) -> None:
    """Held cards whose duplicates have a description compare with that text (see
    `CandidateIndex.lend_text`); one indexed read by canonical_id."""
    cards = matcher.index.cards()
    ids = sorted(cards)
    for start in range(0, len(ids), _IN_CHUNK):
        for row in connection.execute(_LENT_TEXT, {"l_ids": ids[start : start + _IN_CHUNK]}):
            sketch = unpack_signature(row.signature)
            if sketch is not None:
                held = matcher.index.profile(cards[row.canonical_id])
                lent = dataclasses.replace(held, signature=sketch, shingles=row.shingles or 0)
                matcher.index.lend_text(cards[row.canonical_id], lent)


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
    rekeyed: int = 0


def rekey(connection: Connection) -> int:
    """Re-derive each posting's stored block key and signature from its columns and text, and
    write those that differ (rows stored before the blocking or hashing rule changed). Pages
    through the table by id, so memory holds one page. Returns how many rows changed."""
    c = posting_table.c
    columns = (c.id, c.company, c.role, c.title, c.locations, c.description_text, c.block_key,
               c.signature, c.shingles)  # fmt: skip
    changed_total, after = 0, 0
    while True:
        page = connection.execute(
            select(*columns).where(c.id > after).order_by(c.id).limit(_REKEY_CHUNK)
        ).all()
        if not page:
            return changed_total
        after = page[-1].id
        changed = [values for row in page if (values := _rekeyed(row)) is not None]
        if changed:
            connection.execute(
                update(posting_table)
                .where(c.id == bindparam("b_id"))
                .values(
                    block_key=bindparam("b_key"),
                    signature=bindparam("b_sig"),
                    shingles=bindparam("b_n"),
                ),
                changed,
            )
        changed_total += len(changed)


def _rekeyed(row: Any) -> dict[str, Any] | None:
    places = [
        name for p in row.locations or [] for name in (p.get("city"), p.get("region")) if name
    ]
    key = job_block_key(row.company, row.role, row.title, places)
    sketch = signature(row.description_text)
    packed = pack_signature(sketch[0] if sketch else None)
    shingles = sketch[1] if sketch else None
    if (key, packed, shingles) == (row.block_key, row.signature, row.shingles):
        return None
    return {"b_id": row.id, "b_key": key, "b_sig": packed, "b_n": shingles}


def rebuild(connection: Connection, policy: DedupePolicy) -> RebuildCounts:
    """Re-derive every duplicate and repost link from stored features, as if each posting had
    arrived in first-seen order under `policy`. Block by block, so memory holds one block."""
    c = posting_table.c
    connection.execute(
        update(posting_table).values(
            canonical_id=None, repost_of=None, dedupe_score=None, dedupe_reason=None
        )
    )
    counts = RebuildCounts(rekeyed=rekey(connection))
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
            _lend_text(canonicals, target, feats)
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


def _lend_text(
    canonicals: list[tuple[Candidate, datetime]], target: int, duplicate: Features
) -> None:
    """As `CandidateIndex.lend_text`, for the canonical postings of one block in a rebuild."""
    if duplicate.signature is None:
        return
    for candidate, _ in canonicals:
        if candidate.posting_id == target and candidate.features.signature is None:
            candidate.features = dataclasses.replace(
                candidate.features, signature=duplicate.signature, shingles=duplicate.shingles
            )


def _link_at(
    feats: Features,
    source: str,
    board: str,
    seen: datetime,
    canonicals: list[tuple[Candidate, datetime]],
    policy: DedupePolicy,
) -> tuple[str, int, Verdict] | None:
    """What a posting first seen at `seen` was, given the canonical postings before it. A match
    on fields alone (no descriptions) counts only when it is the only match, both ways."""
    best: tuple[str, int, Verdict] | None = None
    matches = 0
    for candidate, _ in canonicals:
        verdict = compare(feats, candidate.features, merge_locations=policy.merge_locations)
        if not verdict.same or candidate.posting_id is None:
            continue
        matches += 1
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
    if best is not None and not best[2].from_text:
        chosen = next(c.features for c, _ in canonicals if c.posting_id == best[1])
        card = chosen if chosen.signature is None else feats
        others = sum(
            1
            for c, _ in canonicals
            if c.features is not card
            and compare(card, c.features, merge_locations=policy.merge_locations).same
        )
        if matches > 1 or (card is chosen and others > 0):
            return None
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
