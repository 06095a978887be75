"""Throughput, peak memory and accuracy of cross-source dedupe on a seeded synthetic corpus,
next to an exact-hash baseline (group by `dedupe.fingerprint`) measured in the same run.

    .venv/bin/python tests/bench/bench_dedupe.py              # N = 10k and 100k
    .venv/bin/python tests/bench/bench_dedupe.py --n 1000000  # one size; add --no-memory to halve the time

Not a test: pytest never collects it (tests/bench/conftest.py), and nothing here asserts a time.

The corpus is shaped like what the boards give: employers with Zipf-distributed posting counts,
canonical roles, ATS and job-board sources, cities written several ways, bands on some postings,
descriptions of 150-330 words drawn from a Zipf vocabulary with an employer boilerplate paragraph
shared by all of that employer's jobs. About 20% of the postings are cross-posted copies of
another posting (the known duplicate structure): a copy may vary the title the way boards do,
write the employer's legal form differently, drop the pay, show no description, name only the
country, and edit the description so it keeps 70-95% of the original's 5-word shingles.
Timing and memory are measured in separate passes (tracemalloc would slow the timed pass).
"""

from __future__ import annotations

import argparse
import gc
import math
import random
import resource
import sys
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from jobingest.dedupe import Features, compare, features, fingerprint
from jobingest.models import Location, PayPeriod, Posting, Salary, SalaryOrigin

T = TypeVar("T")
SEED = 20260511
ROLES = (
    "Data Engineer", "Backend Engineer", "Frontend Engineer", "Data Scientist", "Data Analyst",
    "Product Manager", "Site Reliability Engineer", "Machine Learning Engineer", "Product Designer",
    "Security Engineer", "Account Executive", "Customer Success Manager", "QA Engineer",
    "Full Stack Engineer", "DevOps Engineer", "Analytics Engineer", "Engineering Manager",
    "Mobile Engineer", "Technical Writer", "Solutions Architect", "Recruiter", "Financial Analyst",
    "Marketing Manager", "Sales Development Representative", "Registered Nurse",
)  # fmt: skip
LEVELS = ("", "", "", "Senior ", "Senior ", "Junior ", "Staff ", "Lead ")
TEAMS = ("Payments", "Search", "Growth", "Platform", "Risk", "Billing", "Identity", "Logistics")
# (city, country, ways boards write it)
CITIES = (
    ("New York", "US", ("New York, NY", "New York, New York, United States")),
    ("San Francisco", "US", ("San Francisco, CA", "San Francisco, California, United States")),
    ("Austin", "US", ("Austin, TX", "Austin, Texas, United States")),
    ("Chicago", "US", ("Chicago, IL", "Chicago, Illinois, United States")),
    ("Boston", "US", ("Boston, MA", "Boston, Massachusetts, United States")),
    ("Toronto", "CA", ("Toronto, ON", "Toronto, Ontario, Canada")),
    ("London", "GB", ("London, UK", "London, England, United Kingdom")),
    ("Berlin", "DE", ("Berlin", "Berlin, Berlin, Germany")),
    ("Hamburg", "DE", ("Hamburg", "Hamburg, Germany")),
    ("Amsterdam", "NL", ("Amsterdam", "Amsterdam, North Holland, Netherlands")),
    ("Paris", "FR", ("Paris", "Paris, Île-de-France, France")),
    ("Madrid", "ES", ("Madrid", "Madrid, Community of Madrid, Spain")),
    ("Dublin", "IE", ("Dublin, Ireland", "Dublin, County Dublin, Ireland")),
    ("Warsaw", "PL", ("Warsaw, Poland", "Warsaw, Mazowieckie, Poland")),
)
CURRENCY = {"US": "USD", "CA": "CAD", "GB": "GBP", "PL": "PLN"}
LEGAL_FORMS = ("Inc.", "GmbH", "Ltd", "LLC", "B.V.", "SAS", "")
ATS = ("greenhouse", "lever", "ashby", "workable", "smartrecruiters", "personio", "recruitee")
BOARDS = ("linkedin", "indeed", "remoteok", "remotive", "rss", "jsonld")
FUNCTION_WORDS = [
    "the",
    "and",
    "to",
    "of",
    "a",
    "in",
    "you",
    "we",
    "our",
    "for",
    "with",
    "will",
    "on",
    "your",
    "is",
    "are",
    "as",
    "be",
    "team",
    "that",
    "work",
    "this",
    "from",
    "an",
    "or",
    "at",
    "by",
    "it",
    "us",
    "have",
    "can",
    "who",
    "new",
    "help",
    "build",
    "all",
    "more",
    "about",
    "their",
    "what",
]
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ta",
    "ren",
    "dor",
    "vel",
    "sa",
    "qui",
    "ber",
    "nox",
    "tal",
    "pre",
    "sto",
    "mar",
    "lin",
    "tek",
    "dat",
    "ops",
    "fin",
    "ser",
    "var",
    "pro",
    "gra",
    "con",
    "ver",
    "sys",
    "ana",
    "lyt",
    "plat",
    "form",
    "cus",
    "tom",
    "ship",
    "net",
    "cod",
    "rel",
    "ia",
    "bil",
    "ity",
]
COPY_COUNTS = (0,) * 80 + (1,) * 15 + (2,) * 4 + (3,)  # mean 0.26 copies per job: ~20% copies


@dataclass(frozen=True)
class Job:
    """A job as its employer wrote it; the first posting of each cluster."""

    cluster: int
    company: str
    legal: str
    role: str
    title: str
    city: int
    band: tuple[float, float, str] | None
    words: list[str]


class Vocabulary:
    """Zipf-distributed pseudo-words plus English function words, so shingle statistics look
    like prose: frequent words recur, most 5-word sequences are rare."""

    def __init__(self, rng: random.Random, size: int = 6000) -> None:
        made: set[str] = set()
        while len(made) < size:
            made.add("".join(rng.choices(SYLLABLES, k=rng.randint(2, 3))))
        self.words = FUNCTION_WORDS + sorted(made)
        weights = [1 / (rank + 1) ** 1.05 for rank in range(len(self.words))]
        total = sum(weights)
        self.cumulative = list(_accumulate([w / total for w in weights]))

    def sample(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=k)


def _accumulate(values: list[float]) -> Iterator[float]:
    running = 0.0
    for value in values:
        running += value
        yield running


class Corpus:
    """Streams (posting, cluster id): a job, then its cross-posted copies."""

    def __init__(self, n: int, seed: int = SEED) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.vocab = Vocabulary(self.rng)
        n_companies = max(20, n // 20)
        self.companies = [self._company_name(i) for i in range(n_companies)]
        # Zipf with a flattened head: the biggest employer has ~2.5% of the postings.
        weights = [1 / (rank + 10) for rank in range(n_companies)]
        total = sum(weights)
        self.company_cum = list(_accumulate([w / total for w in weights]))
        role_weights = [1 / (rank + 2) for rank in range(len(ROLES))]
        role_total = sum(role_weights)
        self.role_cum = list(_accumulate([w / role_total for w in role_weights]))
        self.boilerplate = [
            self.vocab.sample(self.rng, self.rng.randint(50, 90)) for _ in range(n_companies)
        ]

    def _company_name(self, i: int) -> str:
        syllables = self.rng.choices(SYLLABLES, k=self.rng.randint(2, 4))
        return f"{''.join(syllables).capitalize()} {i}"

    def __iter__(self) -> Iterator[tuple[Posting, int]]:
        made = cluster = 0
        while made < self.n:
            job = self._job(cluster)
            yield self._original(job), cluster
            made += 1
            for _ in range(self.rng.choice(COPY_COUNTS)):
                if made >= self.n:
                    break
                yield self._copy(job), cluster
                made += 1
            cluster += 1

    def _job(self, cluster: int) -> Job:
        rng = self.rng
        company = rng.choices(range(len(self.companies)), cum_weights=self.company_cum)[0]
        role = rng.choices(ROLES, cum_weights=self.role_cum)[0]
        title = rng.choice(LEVELS) + role
        if rng.random() < 0.25:
            title += f", {rng.choice(TEAMS)}"
        city = rng.randrange(len(CITIES))
        band = None
        if rng.random() < 0.4:
            low = rng.randrange(60, 180) * 1000.0
            band = (low, low * rng.uniform(1.1, 1.35), CURRENCY.get(CITIES[city][1], "EUR"))
        body = self.vocab.sample(rng, rng.randint(100, 240))
        return Job(cluster, self.companies[company], rng.choice(LEGAL_FORMS), role, title, city,
                   band, self.boilerplate[company] + body)  # fmt: skip

    def _original(self, job: Job) -> Posting:
        rng = self.rng
        name, country, written = CITIES[job.city]
        return _posting(
            rng, rng.choice(ATS), f"{job.company} {job.legal}".strip(), job.role, job.title,
            [Location(city=name, country=country, raw=written[0])], job.band, " ".join(job.words),
        )  # fmt: skip

    def _copy(self, job: Job) -> Posting:
        rng = self.rng
        name, country, written = CITIES[job.city]
        roll = rng.random()
        title = job.title
        if roll < 0.15:
            title = f"{title} {rng.choice(('(Remote)', '- Remote', '(m/w/d)', '(f/m/x)', '- Full-time'))}"
        elif roll < 0.20:
            title = title.replace("Senior ", "Sr. ") if "Senior " in title else f"{title} - {name}"
        company = f"{job.company} {job.legal}".strip()
        if rng.random() < 0.2:
            company = job.company if job.legal else f"{job.company} {rng.choice(LEGAL_FORMS[:-1])}"
        places = [Location(city=name, country=country, raw=written[-1])]
        if rng.random() < 0.1:
            places = [Location(country=country, raw=country)]
        band = job.band if rng.random() < 0.5 else None
        roll = rng.random()
        if roll < 0.10:
            text = None  # a list endpoint or search card
        elif roll < 0.15:
            text = " ".join(job.words)
        else:
            text = " ".join(_edit(rng, job.words, target=rng.uniform(0.70, 0.95), vocab=self.vocab))
        return _posting(rng, rng.choice(BOARDS), company, job.role, title, places, band, text)


def _edit(rng: random.Random, words: list[str], *, target: float, vocab: Vocabulary) -> list[str]:
    """Replace scattered words so the 5-word-shingle Jaccard with the original is about `target`:
    each isolated replacement breaks up to five shingles on each side."""
    out = list(words)
    shingles = max(1, len(words) - 4)
    edits = round(shingles * (1 - target) / (5 * (1 + target)))
    for index in rng.sample(range(len(out)), k=min(edits, len(out))):
        out[index] = vocab.sample(rng, 1)[0]
    if rng.random() < 0.3:  # a board appends its own footer
        out += vocab.sample(rng, rng.randint(5, 15))
    return out


def _posting(rng: random.Random, source: str, company: str, role: str, title: str,
             places: list[Location], band: tuple[float, float, str] | None, text: str | None) -> Posting:  # fmt: skip
    salary = None
    if band is not None:
        salary = Salary(min=round(band[0], -3), max=round(band[1], -3), currency=band[2],
                        period=PayPeriod.year, origin=SalaryOrigin.structured)  # fmt: skip
    return Posting(
        source=source, board=source, source_id=str(rng.getrandbits(48)), company=company,
        title=title, role=role, locations=places, salary=salary, description_text=text,
    )  # fmt: skip


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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--n", type=int, action="append", help="corpus size (repeatable); default 10k and 100k"
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc passes")
    args = parser.parse_args(argv)
    for n in args.n or [10_000, 100_000]:
        print(report(run(n, memory=not args.no_memory)), end="\n\n", flush=True)


if __name__ == "__main__":
    main()
