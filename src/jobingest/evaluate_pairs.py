"""Scoring cross-source sameness (`dedupe.compare`) on labelled pairs.

Two shapes: our golden `tests/golden/duplicates.jsonl` (two postings written out in full plus a
`duplicate` label, so both directions of error are counted), and the shared real-data
`duplicates.jsonl`, whose pairs point at records in raw files and are all "the same ad" in some
sense, so only how many of each kind `compare` joins can be told. Real records go through the
registered connectors and `finish_posting`, exactly as a run would see them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from jobingest.dedupe import Features, Verdict, compare, features
from jobingest.evaluate_cases import FORMATS, _posting_for
from jobingest.extract.location import identify_places, parse_location
from jobingest.models import Posting
from jobingest.parse import finish_posting
from jobingest.sources.base import RecordContext

# Real-data kinds that need more than "the same ad" to count: one ad for several cities is a
# policy question, and a possible repost may be a second opening.
POLICY_KINDS = frozenset({"same_ad_other_location"})
UNCERTAIN_KINDS = frozenset({"possible_repost"})
_MAX_ERRORS = 10_000


@dataclass
class Counts:
    """A confusion table for "is a duplicate"."""

    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0

    def add(self, expected: bool, predicted: bool) -> None:
        if expected and predicted:
            self.tp += 1
        elif expected:
            self.fn += 1
        elif predicted:
            self.fp += 1
        else:
            self.tn += 1

    @property
    def pairs(self) -> int:
        return self.tp + self.fp + self.tn + self.fn

    @property
    def precision(self) -> float | None:
        called = self.tp + self.fp
        return self.tp / called if called else None

    @property
    def recall(self) -> float | None:
        actual = self.tp + self.fn
        return self.tp / actual if actual else None

    @property
    def specificity(self) -> float | None:
        """Share of distinct-job pairs kept apart: the figure a hard-negative kind is judged by."""
        negatives = self.tn + self.fp
        return self.tn / negatives if negatives else None


@dataclass(frozen=True)
class PairError:
    id: str
    kind: str
    expected: bool
    predicted: bool
    score: float
    reason: str
    note: str = ""


@dataclass
class PairScore:
    counts: Counts = field(default_factory=Counts)
    by_kind: dict[str, Counts] = field(default_factory=dict)
    errors: list[PairError] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)

    @property
    def tp(self) -> int:
        return self.counts.tp

    @property
    def fp(self) -> int:
        return self.counts.fp

    @property
    def tn(self) -> int:
        return self.counts.tn

    @property
    def fn(self) -> int:
        return self.counts.fn

    @property
    def precision(self) -> float | None:
        return self.counts.precision

    @property
    def recall(self) -> float | None:
        return self.counts.recall

    def rows(self) -> list[dict[str, Any]]:
        """One row per kind, then the total: what `jobingest eval` prints."""
        items = [*sorted(self.by_kind.items()), ("(all)", self.counts)]
        return [
            {
                "kind": kind,
                "pairs": c.pairs,
                "tp": c.tp,
                "fp": c.fp,
                "tn": c.tn,
                "fn": c.fn,
                "precision": c.precision,
                "recall": c.recall,
                "specificity": c.specificity,
            }
            for kind, c in items
        ]


def score_pairs(lines: Iterable[str], *, merge_locations: bool = False) -> PairScore:
    """Golden pairs: `{"id", "kind", "a": Posting, "b": Posting, "expected": {"duplicate"}}`."""
    score = PairScore()
    for line in lines:
        if not line.strip():
            continue
        case = json.loads(line)
        try:
            a = Posting.model_validate(case["a"])
            b = Posting.model_validate(case["b"])
            expected = bool(case["expected"]["duplicate"])
        except (KeyError, TypeError, ValueError) as exc:  # ValidationError is a ValueError
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            score.skipped[f"unusable pair: {reason}"[:200]] += 1
            continue
        a, b = _as_extracted(a), _as_extracted(b)
        verdict = compare(features(a), features(b), merge_locations=merge_locations)
        kind = str(case.get("kind") or "unknown")
        score.counts.add(expected, verdict.same)
        score.by_kind.setdefault(kind, Counts()).add(expected, verdict.same)
        if verdict.same != expected and len(score.errors) < _MAX_ERRORS:
            score.errors.append(
                PairError(
                    id=str(case.get("id", "")),
                    kind=kind,
                    expected=expected,
                    predicted=verdict.same,
                    score=verdict.score,
                    reason=verdict.reason,
                    note=str(case.get("note", "")),
                )
            )
    return score


def _as_extracted(posting: Posting) -> Posting:
    """Golden postings are written as a board states them; a run's extraction adds the city
    ids (`enrich`), so they get them here the same way."""
    return posting.model_copy(update={"locations": identify_places(posting.locations)})


# --- shared real data --------------------------------------------------------------------------


@dataclass
class KindTally:
    """How `compare` treats one kind of labelled real pair, under both location policies."""

    pairs: int = 0
    same: int = 0  # merge_locations=False
    same_merged: int = 0  # merge_locations=True
    reasons: Counter[str] = field(default_factory=Counter)  # why not, merge_locations=False

    @property
    def rate(self) -> float | None:
        return self.same / self.pairs if self.pairs else None

    @property
    def rate_merged(self) -> float | None:
        return self.same_merged / self.pairs if self.pairs else None


@dataclass
class RealdataScore:
    kinds: dict[str, KindTally] = field(default_factory=dict)
    skipped: Counter[str] = field(default_factory=Counter)
    misses: list[dict[str, Any]] = field(default_factory=list)
    # Pairs whose postings were built from the card fields recorded in cases.jsonl because no
    # connector reads that raw format (LinkedIn guest search cards).
    from_case_fields: int = 0

    def recall(self, *, count_other_location: bool) -> float | None:
        """Share joined over the kinds that are certainly one job; `same_ad_other_location`
        counted only when the policy says one ad for several cities is one job (then with
        merge_locations=True for those pairs), `possible_repost` never."""
        joined = total = 0
        for kind, tally in self.kinds.items():
            if kind in UNCERTAIN_KINDS:
                continue
            if kind in POLICY_KINDS:
                if not count_other_location:
                    continue
                joined += tally.same_merged
            else:
                joined += tally.same
            total += tally.pairs
        return joined / total if total else None

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "kind": kind,
                "pairs": t.pairs,
                "same": t.same,
                "rate": t.rate,
                "same_merged": t.same_merged,
                "rate_merged": t.rate_merged,
                "why_not": dict(t.reasons.most_common()),
            }
            for kind, t in sorted(self.kinds.items())
        ]


def score_realdata_duplicates(path: Path) -> RealdataScore:
    """The shared `duplicates.jsonl`: each side is `{raw_file, pointer, case_id | guid}`
    relative to the file's folder; every pair is labelled as some kind of sameness."""
    base = path.parent
    score = RealdataScore()
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            pair = json.loads(line)
            kind = str(pair["kind"])
            try:
                a, b = (_real_posting(base, pair[side], score) for side in ("a", "b"))
            except _Unreadable as exc:
                score.skipped[f"{kind}: {exc}"[:200]] += 1
                continue
            _tally(score, kind, pair, features(a), features(b))
    return score


def _tally(
    score: RealdataScore, kind: str, pair: Mapping[str, Any], a: Features, b: Features
) -> None:
    tally = score.kinds.setdefault(kind, KindTally())
    verdict = compare(a, b)
    merged = compare(a, b, merge_locations=True)
    tally.pairs += 1
    tally.same += verdict.same
    tally.same_merged += merged.same
    if not verdict.same:
        tally.reasons[_reason_class(verdict)] += 1
        if len(score.misses) < _MAX_ERRORS:
            score.misses.append(
                {
                    "kind": kind,
                    "a": _side_name(pair["a"]),
                    "b": _side_name(pair["b"]),
                    "reason": verdict.reason,
                    "merged": merged.same,
                }
            )


def _reason_class(verdict: Verdict) -> str:
    """`titles differ (token Jaccard 0.67)` -> `titles differ`: countable reasons."""
    return verdict.reason.split(" (", 1)[0]


def _side_name(side: Mapping[str, Any]) -> str:
    return str(side.get("case_id") or side.get("guid") or f"{side['raw_file']} {side['pointer']}")


class _Unreadable(Exception):
    """A side of a pair that no connector turns into a posting."""


def _real_posting(base: Path, side: Mapping[str, Any], score: RealdataScore) -> Posting:
    fmt_name = _format_of(base, str(side["raw_file"]))
    fmt = FORMATS.get(fmt_name or "")
    if fmt is None:
        card = _case(base, side.get("case_id"))
        if card is None:
            raise _Unreadable(f"no connector for {fmt_name or side['raw_file']}")
        score.from_case_fields += 1
        return _posting_from_card(card)
    try:
        posting = _posting_for(base, side, fmt)
    except Exception as exc:  # a crash on real data is itself a finding, reported as skipped
        raise _Unreadable(f"{fmt_name}: {type(exc).__name__}: {exc}") from exc
    if posting is None:
        raise _Unreadable(f"{fmt_name}: record rejected by the {fmt.kind} connector")
    return posting


def _format_of(base: Path, raw_file: str) -> str | None:
    """The `source_format` cases.jsonl gives the file; a WWR feed without cases is RSS too."""
    known = _formats_by_file(base)
    if raw_file in known:
        return known[raw_file]
    if raw_file.endswith(".rss"):
        return "rss/weworkremotely"
    return None


@lru_cache(maxsize=4)
def _formats_by_file(base: Path) -> dict[str, str]:
    return {case["raw_file"]: case["source_format"] for case in _cases(base).values()}


@lru_cache(maxsize=4)
def _cases(base: Path) -> dict[str, dict[str, Any]]:
    path = base / "cases.jsonl"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        cases = (json.loads(line) for line in handle if line.strip())
        return {str(case["id"]): case for case in cases}


def _case(base: Path, case_id: object) -> dict[str, Any] | None:
    return _cases(base).get(str(case_id)) if case_id else None


def _posting_from_card(case: Mapping[str, Any]) -> Posting:
    """A search-result card has a title, a company and a location line and nothing else; those
    are what cases.jsonl records as the source's values, so the posting is built from them."""
    source, _, source_id = str(case["id"]).partition(":")
    raw_location = (case.get("source_values") or {}).get("location")
    posting = Posting(
        source=source,
        board=Path(str(case["raw_file"])).stem,
        source_id=source_id or str(case["id"]),
        company=case.get("company"),
        title=str(case["title"]),
        locations=parse_location(raw_location).places if raw_location else [],
    )
    ctx = RecordContext(source=source, board=posting.board, fetched_on=date(2026, 1, 1))
    return finish_posting(posting, ctx)
