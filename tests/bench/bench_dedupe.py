"""Throughput, peak memory and accuracy of cross-source dedupe on a seeded synthetic corpus,
next to an exact-hash baseline (group by `dedupe.fingerprint`) measured in the same run.

    .venv/bin/python tests/bench/bench_dedupe.py              # N = 10k and 100k
    .venv/bin/python tests/bench/bench_dedupe.py --n 1000000  # one size; add --no-memory to halve the time
    .venv/bin/python tests/bench/bench_dedupe.py --warehouse --n 1000000 --night 10000

`--warehouse` is what production does, streamed: the corpus goes through `Matcher.decide` one
posting at a time (the batch load of a first run), every posting is stored in a SQLite
warehouse with the columns matching reads (block key, signature, shingles, places, pay), the
matcher is dropped, and then a night of new postings is matched the way a nightly load does it:
`load_candidates` reads only the open postings of the night's blocks from the stored columns.
Both phases print next to an exact-hash baseline (fingerprint lookup) measured in the same run.

Not a test: pytest never collects it (tests/bench/conftest.py), and nothing here asserts a time.

The corpus is `jobingest.bench.corpus.Corpus`, the one `jobingest bench` lands as board
payloads: Zipf employers, roles, cities written several ways, and about 20% cross-posted copies
of another posting (the known duplicate structure) whose descriptions keep 70-95% of the
original's 5-word shingles.
Timing and memory are measured in separate passes (tracemalloc would slow the timed pass).
"""

from __future__ import annotations

import argparse
import gc
import math
import resource
import sys
import time
import tracemalloc
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from sqlalchemy import create_engine, func, insert, select

from jobingest.bench.corpus import Corpus
from jobingest.dedupe import Features, compare, features, fingerprint
from jobingest.models import Posting
from jobingest.warehouse.identity import (
    CandidateIndex,
    DedupePolicy,
    Link,
    Matcher,
    load_candidates,
    pack_signature,
    posting_table,
)

T = TypeVar("T")


# --- measured stages -------------------------------------------------------------------------------


@dataclass
class Stage:
    seconds: float
    peak_mib: float | None


def timed(fn: Callable[[], T], *, memory: bool) -> tuple[T, Stage]:
    """Run once for the time; run again under tracemalloc for the peak, when asked."""
    gc.collect()
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    peak = None
    if memory:
        del result
        gc.collect()
        tracemalloc.start()
        result = fn()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return result, Stage(seconds, peak)


def blocked_pairs(found: list[Features]) -> tuple[list[tuple[int, int]], int, int]:
    """Compare every two listings that share a block key: (pairs judged one job, comparisons,
    largest block)."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, item in enumerate(found):
        if item.block_key is not None:
            blocks[item.block_key].append(index)
    same: list[tuple[int, int]] = []
    comparisons = 0
    for members in blocks.values():
        for i, j in combinations(members, 2):
            comparisons += 1
            if compare(found[i], found[j]).same:
                same.append((i, j))
    return same, comparisons, max((len(m) for m in blocks.values()), default=0)


def hash_pairs(keys: list[str]) -> tuple[list[tuple[int, int]], int]:
    """Exact-hash baseline: every two listings with one fingerprint are one job."""
    groups: dict[str, list[int]] = defaultdict(list)
    for index, key in enumerate(keys):
        groups[key].append(index)
    pairs = [pair for members in groups.values() for pair in combinations(members, 2)]
    return pairs, max((len(m) for m in groups.values()), default=0)


def accuracy(
    pairs: list[tuple[int, int]], clusters: list[int]
) -> tuple[float | None, float | None]:
    sizes: dict[int, int] = defaultdict(int)
    for cluster in clusters:
        sizes[cluster] += 1
    truth = sum(math.comb(size, 2) for size in sizes.values())
    right = sum(clusters[i] == clusters[j] for i, j in pairs)
    precision = right / len(pairs) if pairs else None
    recall = right / truth if truth else None
    return precision, recall


def run(n: int, *, memory: bool) -> dict[str, Any]:
    corpus_start = time.perf_counter()
    postings, clusters = [], []
    for posting, cluster in Corpus(n):
        postings.append(posting)
        clusters.append(cluster)
    corpus_seconds = time.perf_counter() - corpus_start
    copies = n - len(set(clusters))
    keys, key_stage = timed(lambda: [fingerprint(p) for p in postings], memory=memory)
    (hashed, hash_block), group_stage = timed(lambda: hash_pairs(keys), memory=memory)
    found, feature_stage = timed(lambda: [features(p) for p in postings], memory=memory)
    (same, comparisons, largest), compare_stage = timed(lambda: blocked_pairs(found), memory=memory)
    return {
        "n": n, "copies": copies, "corpus_s": corpus_seconds,
        "key": key_stage, "group": group_stage, "features": feature_stage, "compare": compare_stage,
        "comparisons": comparisons, "largest_block": largest, "largest_hash_group": hash_block,
        "pairs": len(same), "hash_pairs": len(hashed),
        "accuracy": accuracy(same, clusters), "hash_accuracy": accuracy(hashed, clusters),
        "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }  # fmt: skip


def _f(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def report(r: dict[str, Any]) -> str:
    n = r["n"]
    feat, comp, key, group = r["features"], r["compare"], r["key"], r["group"]
    (p, rc), (hp, hrc) = r["accuracy"], r["hash_accuracy"]
    rows = [
        ("postings / duplicate copies", f"{n:,} / {r['copies']:,} ({r['copies'] / n:.1%})", ""),
        ("key: features() | fingerprint()  [postings/s]", f"{n / feat.seconds:,.0f}", f"{n / key.seconds:,.0f}"),
        ("key time [s]", f"{feat.seconds:.2f}", f"{key.seconds:.2f}"),
        ("key peak memory [MiB]", _f(feat.peak_mib, ".1f"), _f(key.peak_mib, ".1f")),
        ("grouping: blocked compare | hash groups [s]", f"{comp.seconds:.2f}", f"{group.seconds:.3f}"),
        ("comparisons (blocked) [compare/s]", f"{r['comparisons']:,} ({r['comparisons'] / comp.seconds:,.0f}/s)", "-"),
        ("largest block | largest hash group", f"{r['largest_block']:,}", f"{r['largest_hash_group']:,}"),
        ("grouping peak memory [MiB]", _f(comp.peak_mib, ".1f"), _f(group.peak_mib, ".1f")),
        ("end to end [postings/s]", f"{n / (feat.seconds + comp.seconds):,.0f}", f"{n / (key.seconds + group.seconds):,.0f}"),
        ("pairs called duplicates", f"{r['pairs']:,}", f"{r['hash_pairs']:,}"),
        ("pairwise precision", _f(p, ".3f"), _f(hp, ".3f")),
        ("pairwise recall", _f(rc, ".3f"), _f(hrc, ".3f")),
    ]  # fmt: skip
    width = max(len(label) for label, _, _ in rows)
    lines = [f"N = {n:,}  (corpus built in {r['corpus_s']:.1f} s; process max RSS {r['maxrss_mib']:,.0f} MiB)",
             f"{'':{width}}  {'compare (blocked)':>24}  {'fingerprint baseline':>22}"]  # fmt: skip
    lines += [f"{label:{width}}  {ours:>24}  {base:>22}" for label, ours, base in rows]
    return "\n".join(lines)


# --- the warehouse path: a streamed first load, then a night against it -------------------------

_FLUSH = 5_000
_BASE_TIME = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)


@dataclass
class Clocks:
    """CPU seconds of this process per stage, summed over postings (`time.process_time`: the
    machine may be shared, and wall time would count other processes' turns)."""

    fingerprint: float = 0.0
    hash_group: float = 0.0
    features: float = 0.0
    match: float = 0.0
    store: float = 0.0


def _row(posting: Posting, key: str, feats: Features, link: Link, ids: list[int]) -> dict[str, Any]:
    """The posting columns matching and the baseline read (as `warehouse.load` writes them)."""
    salary = posting.salary
    target = link.target[1] if isinstance(link.target, tuple) else link.target
    return {
        "source": posting.source, "board": posting.board, "source_id": posting.source_id,
        "company": posting.company, "title": posting.title, "role": posting.role,
        "locations": [p.model_dump(mode="json") for p in posting.locations],
        "salary_min": salary.min if salary else None, "salary_max": salary.max if salary else None,
        "salary_currency": salary.currency if salary else None,
        "salary_period": salary.period.value if salary and salary.period else None,
        "skills": [], "fingerprint": key, "content_hash": key,  # no content diffing here
        "block_key": feats.block_key, "signature": pack_signature(feats.signature),
        "shingles": feats.shingles or None,
        "canonical_id": ids[target] if link.kind == "duplicate" and target is not None else None,
        "first_seen_at": _BASE_TIME, "last_seen_at": _BASE_TIME, "updated_at": _BASE_TIME,
    }  # fmt: skip


def pair_accuracy(predicted: Sequence[int], truth: Sequence[int]) -> tuple[float, float]:
    """Pairwise precision and recall of a grouping (group id per posting) against the clusters."""
    joint = Counter(zip(predicted, truth, strict=True))
    called = sum(math.comb(k, 2) for k in Counter(predicted).values())
    actual = sum(math.comb(k, 2) for k in Counter(truth).values())
    right = sum(math.comb(k, 2) for k in joint.values())
    return (right / called if called else 1.0), (right / actual if actual else 1.0)


def _canonical(link: Link, index: int, group: Sequence[int]) -> int:
    if link.kind != "duplicate":
        return index
    target = link.target[1] if isinstance(link.target, tuple) else link.target
    return group[target if target is not None else index]


def warehouse_run(n: int, night: int, path: Path) -> dict[str, Any]:
    """A first load of `n` postings streamed through the matcher and stored, then `night` new
    postings matched against the stored warehouse."""
    path.unlink(missing_ok=True)
    engine = create_engine(f"sqlite:///{path}")
    posting_table.metadata.create_all(engine, tables=[posting_table])
    stream = iter(Corpus(n + night))
    policy = DedupePolicy()
    matcher = Matcher(policy, CandidateIndex(capacity=n))
    clocks, clusters, group, hash_group = Clocks(), array("i"), array("i"), array("i")
    first_by_key: dict[str, int] = {}
    ids: list[int] = []
    pending: list[dict[str, Any]] = []
    tick = time.process_time
    started = time.perf_counter()
    with engine.begin() as connection:
        for index in range(n):
            posting, cluster = next(stream)
            t0 = tick()
            key = fingerprint(posting)
            t1 = tick()
            hash_group.append(first_by_key.setdefault(key, index))
            t2 = tick()
            feats = features(posting)
            t3 = tick()
            link = matcher.decide(index, feats, posting.source, posting.board)
            t4 = tick()
            clocks.fingerprint += t1 - t0
            clocks.hash_group += t2 - t1
            clocks.features += t3 - t2
            clocks.match += t4 - t3
            clusters.append(cluster)
            group.append(_canonical(link, index, group))
            ids.append(index + 1)  # SQLite hands out ids in insert order from 1
            pending.append(_row(posting, key, feats, link, ids))
            if len(pending) >= _FLUSH:
                t5 = tick()
                connection.execute(insert(posting_table), pending)
                clocks.store += tick() - t5
                pending.clear()
        if pending:
            t5 = tick()
            connection.execute(insert(posting_table), pending)
            clocks.store += tick() - t5
    wall = time.perf_counter() - started
    held, index_bytes = len(matcher.index), matcher.index.nbytes()
    build_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    largest = max(
        (sum(len(g) for g in groups.values()) for groups in matcher.index.blocks.values()),
        default=0,
    )
    del matcher, first_by_key
    gc.collect()
    result: dict[str, Any] = {
        "n": n, "copies": n - len(set(clusters)), "clocks": clocks, "wall_s": wall,
        "held": held, "index_mib": index_bytes / 2**20, "largest_block": largest,
        "build_rss_mib": build_rss,
        "accuracy": pair_accuracy(group, clusters), "hash_accuracy": pair_accuracy(hash_group, clusters),
    }  # fmt: skip
    result.update(_night(engine, stream, night, n, clusters, group))
    result["maxrss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["db_mib"] = path.stat().st_size / 2**20
    return result


def _night(
    engine: Any, stream: Iterator[tuple[Posting, int]], night: int, n: int,
    clusters: array[int], group: array[int],
) -> dict[str, Any]:  # fmt: skip
    """A nightly load's matching: features of the new postings, the stored open postings of
    their blocks read through the block_key index, a decision per posting; the baseline looks
    the fingerprints up in the indexed fingerprint column."""
    arrivals = [next(stream) for _ in range(night)]
    postings = [posting for posting, _ in arrivals]
    tick = time.process_time
    wall = time.perf_counter()
    with engine.connect() as connection:
        t0 = tick()
        keys = [fingerprint(p) for p in postings]
        c = posting_table.c
        known: dict[str, int] = {}
        for start in range(0, len(keys), 500):
            chunk = sorted(set(keys[start : start + 500]))
            query = select(c.fingerprint, func.min(c.id)).where(c.fingerprint.in_(chunk))
            for fp, first in connection.execute(query.group_by(c.fingerprint)):
                known[fp] = first
        hash_hits = sum(1 for k in keys if k in known)
        t1 = tick()
        feats = [features(p) for p in postings]
        t2 = tick()
        matcher = load_candidates(
            connection,
            (f.block_key for f in feats if f.block_key),
            now=_BASE_TIME,
            policy=DedupePolicy(),
        )
        read = len(matcher.index)
        t3 = tick()
        links = [matcher.decide(i, f, p.source, p.board) for i, (f, p) in enumerate(zip(feats, postings, strict=True))]  # fmt: skip
        t4 = tick()
    wall = time.perf_counter() - wall
    # A link is right when its target is of the posting's cluster; recall counts the postings
    # whose cluster was already in the warehouse or earlier in the night.
    night_clusters = [cluster for _, cluster in arrivals]
    seen = set(clusters)
    right = linked = expected = 0
    for link, cluster in zip(links, night_clusters, strict=True):
        expected += cluster in seen
        seen.add(cluster)
        if link.kind != "duplicate":
            continue
        linked += 1
        target = link.target
        target_cluster = (
            night_clusters[target[1]]
            if isinstance(target, tuple)
            else clusters[int(target or 0) - 1]
        )
        right += target_cluster == cluster
    return {
        "night": night, "night_wall_s": wall, "night_hash_s": t1 - t0, "night_hash_hits": hash_hits,
        "night_features_s": t2 - t1, "night_read_s": t3 - t2, "night_match_s": t4 - t3,
        "night_read_rows": read, "night_links": linked,
        "night_precision": right / linked if linked else 1.0,
        "night_recall": right / expected if expected else 1.0,
    }  # fmt: skip


def warehouse_report(r: dict[str, Any]) -> str:
    n, k = r["n"], r["clocks"]
    ours = k.features + k.match
    base = k.fingerprint + k.hash_group
    (p, rc), (hp, hrc) = r["accuracy"], r["hash_accuracy"]
    night = r["night_features_s"] + r["night_read_s"] + r["night_match_s"]
    rows = [
        ("postings / duplicate copies", f"{n:,} / {r['copies']:,} ({r['copies'] / n:.1%})", ""),
        ("features() | fingerprint() [postings/s]", f"{n / k.features:,.0f}", f"{n / k.fingerprint:,.0f}"),
        ("matching (Matcher.decide) | hash groups [s]", f"{k.match:.1f}", f"{k.hash_group:.2f}"),
        ("first load deduplicated [s]", f"{ours:.1f}", f"{base:.1f}"),
        ("first load deduplicated [postings/s]", f"{n / ours:,.0f}", f"{n / base:,.0f}"),
        ("pairwise precision", f"{p:.4f}", f"{hp:.4f}"),
        ("pairwise recall", f"{rc:.4f}", f"{hrc:.4f}"),
        ("canonical postings held | index arrays [MiB]", f"{r['held']:,} | {r['index_mib']:,.0f}", ""),
        ("largest block [postings]", f"{r['largest_block']:,}", ""),
        ("storing rows in SQLite (not dedupe) [s]", f"{k.store:.1f}", ""),
        (f"night of {r['night']:,}: total CPU [s] (wall)", f"{night:.2f} ({r['night_wall_s']:.1f})", f"{r['night_hash_s']:.2f}"),
        ("  features | read candidates | match [s]", f"{r['night_features_s']:.2f} | {r['night_read_s']:.2f} | {r['night_match_s']:.2f}", ""),
        ("  stored rows read", f"{r['night_read_rows']:,} of {n:,}", ""),
        ("  links made | link precision | recall", f"{r['night_links']:,} | {r['night_precision']:.4f} | {r['night_recall']:.4f}", f"{r['night_hash_hits']:,} hits"),
    ]  # fmt: skip
    width = max(len(label) for label, _, _ in rows)
    lines = [
        f"N = {n:,} streamed; stage times are CPU seconds of this process (wall {r['wall_s']:,.0f} s "
        f"incl. corpus and storing; max RSS after "
        f"first load {r['build_rss_mib']:,.0f} MiB, at end {r['maxrss_mib']:,.0f} MiB; "
        f"SQLite {r['db_mib']:,.0f} MiB)",
        f"{'':{width}}  {'MinHash rule':>28}  {'exact-hash baseline':>20}",
    ]
    lines += [f"{label:{width}}  {ours_:>28}  {base_:>20}" for label, ours_, base_ in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--n", type=int, action="append", help="corpus size (repeatable); default 10k and 100k"
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc passes")
    parser.add_argument(
        "--warehouse", action="store_true", help="stream through the matcher into SQLite"
    )
    parser.add_argument("--night", type=int, default=10_000, help="new postings of the night")
    parser.add_argument(
        "--db", type=Path, default=Path("bench_dedupe.sqlite"), help="the warehouse file"
    )
    args = parser.parse_args(argv)
    if args.warehouse:
        for n in args.n or [100_000]:
            print(warehouse_report(warehouse_run(n, args.night, args.db)), end="\n\n", flush=True)
        args.db.unlink(missing_ok=True)
        return
    for n in args.n or [10_000, 100_000]:
        print(report(run(n, memory=not args.no_memory)), end="\n\n", flush=True)


if __name__ == "__main__":
    main()
