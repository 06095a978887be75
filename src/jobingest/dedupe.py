"""Identity and sameness of postings.

`fingerprint` says "probably the same job" across sources (same employer, title and place);
`content_hash` says "nothing a reader would notice changed" for one listing between runs.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from jobingest.models import Posting

_NON_WORD = re.compile(r"[^0-9a-z]+")
_WEB_SUFFIX = re.compile(r"(?<=\w)(?:io|ai|com|co|app)$", re.IGNORECASE)
_COMPANY_SUFFIXES = re.compile(
    r"\b(inc|incorporated|llc|ltd|limited|gmbh|ag|sa|sas|sarl|bv|nv|plc|corp|corporation|co|"
    r"company|se|srl|sl|oy|ab|as|pty|kg|sp z oo|spzoo|sa de cv|kgaa|ug)\b"
)
# Fields that belong to the job itself; url and fingerprint are derived or volatile.
_CONTENT_FIELDS = (
    "company", "title", "role", "role_family", "level", "employment_type", "workplace",
    "locations", "salary", "skills", "posted_at", "description_text",
)  # fmt: skip


def normalise_text(value: str | None) -> str:
    """Lowercase ASCII words separated by single spaces."""
    if not value:
        return ""
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return _NON_WORD.sub(" ", folded.lower()).strip()


def normalise_company(name: str | None) -> str:
    """ "Marlowe & Finch B.V." and "Marlowe and Finch" alike; web suffixes (.io) dropped."""
    if not name:
        return ""
    joined = name.replace("&", " and ").replace(".", "")
    joined = _WEB_SUFFIX.sub("", joined.strip())
    return " ".join(_COMPANY_SUFFIXES.sub(" ", normalise_text(joined)).split())


def fingerprint(posting: Posting) -> str:
    places = sorted(
        {
            f"{normalise_text(p.city)}|{p.country or ''}"
            for p in posting.locations
            if p.city or p.country
        }
    )
    key = "\x1f".join(
        [
            normalise_company(posting.company),
            normalise_text(posting.title),
            ";".join(places),
        ]
    )
    return hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()


# Derived from the fetch date when a posting has no date of its own: not content.
_DATED_SALARY_FIELDS = ("annual_min_usd", "annual_max_usd", "fx_rate_date")


def content_hash(posting: Posting) -> str:
    data = posting.model_dump(mode="json", include=set(_CONTENT_FIELDS))
    if data.get("salary"):
        for name in _DATED_SALARY_FIELDS:
            data["salary"].pop(name, None)
    encoded = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


# --- cross-source sameness ---------------------------------------------------------------------
#
# The rule, in order (every step must pass for two listings to be one job):
# 1. Block: same normalised employer and canonical role (or, without one, the same normalised
#    title); listings outside a block are never compared, which keeps a night's cost
#    proportional to its new listings. Inside, the countries must overlap (or one side has none).
# 2. Titles: token Jaccard >= 0.8 after expanding abbreviations (Sr., Eng., Mgr), and dropping
#    gender markers, requisition ids, region words and the posting's own place names; level words
#    and team names are kept, so "Data Engineer, Payments" and "..., Search" stay apart.
# 3. Places: the city sets overlap, or one side names no city. Different cities are separate
#    openings unless the multi-location policy says one ad for several cities is one job.
# 4. Pay: bands, when both have one in the same currency and period, overlap.
# 5. Text: when both have a description of at least `_MIN_WORDS` words, the bottom-k MinHash
#    estimate of their 5-word-shingle Jaccard J is >= 0.8, or the shorter text is >= 0.9
#    contained in the longer (J·(nA+nB) / ((1+J)·min(nA, nB)), for aggregator snippets and
#    trimmed copies). When either has none, titles must be identical and both must name a city
#    or a salary that agree.
# The score recorded is the description similarity when there is one, else the title's.

_SIGNATURE_SIZE = 64
_SHINGLE_WORDS = 5
_MIN_WORDS = 40
TITLE_THRESHOLD = 0.8
TEXT_THRESHOLD = 0.8
CONTAINMENT_THRESHOLD = 0.9
_GENDER_MARKERS = re.compile(
    r"\((?:m|w|d|f|h|x|div|gn|all genders?)(?:\s*/\s*(?:m|w|d|f|h|x|div))+\)|\*in\b",
    re.IGNORECASE,
)
_TITLE_NOISE = re.compile(
    r"\b(remote|hybrid|onsite|on site|full time|part time|fte|all genders?|gn|m w d|w m d|"
    r"f h|h f|us|usa|uk|eu|emea|apac|latam|europe|worldwide|anywhere|global)\b"
)
_REQUISITION = re.compile(r"[\[(]?\b(?:req|r|jr|id|job)?[\s#:-]*\d{3,}[\w-]*[\])]?", re.IGNORECASE)
_TITLE_WORDS = {
    "sr": "senior", "snr": "senior", "jr": "junior", "jnr": "junior", "eng": "engineer",
    "engr": "engineer", "mgr": "manager", "dev": "developer", "sre": "site reliability engineer",
    "swe": "software engineer", "mle": "machine learning engineer", "ml": "machine learning",
}  # fmt: skip


@dataclass(frozen=True)
class Features:
    """What comparing a posting needs; stored with it so later nights never re-read text."""

    block_key: str | None
    title_tokens: frozenset[str]
    cities: frozenset[str]
    countries: frozenset[str]
    band: tuple[str, str, float | None, float | None] | None
    signature: tuple[int, ...] | None
    shingles: int = 0


@dataclass(frozen=True)
class Verdict:
    same: bool
    score: float
    reason: str


def title_tokens(title: str, places: Iterable[str] = ()) -> frozenset[str]:
    """Title words that tell jobs apart: abbreviations expanded; gender markers, requisition
    ids, region words and the posting's own place names dropped."""
    cleaned = _REQUISITION.sub(" ", _GENDER_MARKERS.sub(" ", title))
    words = " ".join(_TITLE_WORDS.get(w, w) for w in normalise_text(cleaned).split())
    words = f" {_TITLE_NOISE.sub(' ', words)} "
    for place in places:
        name = normalise_text(place)
        if name:
            words = words.replace(f" {name} ", " ")
    return frozenset(words.split())


def block_key(posting: Posting) -> str | None:
    company = normalise_company(posting.company)
    if not company:
        return None
    job = posting.role or " ".join(sorted(title_tokens(posting.title, _place_names(posting))))
    return f"{company}|{normalise_text(job)}"


def signature(text: str | None) -> tuple[tuple[int, ...], int] | None:
    """Bottom-k MinHash of 5-word shingles, and how many distinct shingles there were: one
    stable 64-bit hash per shingle, the k smallest kept. Pure Python and one hash per shingle,
    so it is cheap enough for every listing. One-letter words (list bullets such as "o") are
    left out so formatting does not count as text."""
    words = [w for w in normalise_text(text).split() if len(w) > 1]
    if len(words) < _MIN_WORDS:
        return None
    hashes = {
        int.from_bytes(
            hashlib.blake2b(
                " ".join(words[i : i + _SHINGLE_WORDS]).encode(), digest_size=8
            ).digest()
        )
        for i in range(len(words) - _SHINGLE_WORDS + 1)
    }
    return tuple(heapq.nsmallest(_SIGNATURE_SIZE, hashes)), len(hashes)


def estimated_jaccard(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    union_bottom = heapq.nsmallest(_SIGNATURE_SIZE, set(a) | set(b))
    if not union_bottom:
        return 0.0
    both = set(a) & set(b)
    return sum(1 for h in union_bottom if h in both) / len(union_bottom)


def features(posting: Posting) -> Features:
    salary = posting.salary
    band = None
    if salary is not None and salary.currency and salary.period:
        band = (salary.currency, salary.period.value, salary.min, salary.max)
    sketch = signature(posting.description_text)
    return Features(
        block_key=block_key(posting),
        title_tokens=title_tokens(posting.title, _place_names(posting)),
        cities=frozenset(normalise_text(p.city) for p in posting.locations if p.city),
        countries=frozenset(p.country for p in posting.locations if p.country),
        band=band,
        signature=sketch[0] if sketch else None,
        shingles=sketch[1] if sketch else 0,
    )


def _place_names(posting: Posting) -> list[str]:
    return [name for p in posting.locations for name in (p.city, p.region) if name]


def compare(a: Features, b: Features, *, merge_locations: bool = False) -> Verdict:
    """Whether two listings are one job, by the rule above, with the evidence."""
    if a.block_key is None or a.block_key != b.block_key:
        return Verdict(False, 0.0, "different employer or role")
    if a.countries and b.countries and not a.countries & b.countries:
        return Verdict(False, 0.0, "different countries")
    title = _jaccard(a.title_tokens, b.title_tokens)
    if title < TITLE_THRESHOLD:
        return Verdict(False, title, f"titles differ (token Jaccard {title:.2f})")
    cities_agree = not a.cities or not b.cities or bool(a.cities & b.cities)
    if not cities_agree and not merge_locations:
        return Verdict(False, title, "different cities: separate openings")
    pay = _bands_agree(a.band, b.band)
    if pay is False:
        return Verdict(False, title, "pay bands do not overlap")
    if a.signature is not None and b.signature is not None:
        text = estimated_jaccard(a.signature, b.signature)
        contained = containment(text, a.shingles, b.shingles)
        if text < TEXT_THRESHOLD and contained < CONTAINMENT_THRESHOLD:
            return Verdict(
                False, text, f"descriptions differ (MinHash Jaccard {text:.2f}, "
                f"containment {contained:.2f})"
            )  # fmt: skip
        return Verdict(
            True, max(text, contained), f"same employer, role and place; descriptions "
            f"{text:.2f} alike, {contained:.2f} contained"
        )  # fmt: skip
    corroborated = (bool(a.cities & b.cities)) or pay is True
    if title == 1.0 and corroborated:
        return Verdict(True, title, "identical title with the same city or pay (no description)")
    return Verdict(False, title, "no description to compare and nothing else corroborates")


def containment(jaccard: float, size_a: int, size_b: int) -> float:
    """Share of the smaller shingle set inside the larger, from the Jaccard estimate and sizes:
    |A∩B| = J·(|A|+|B|)/(1+J)."""
    smaller = min(size_a, size_b)
    if smaller <= 0:
        return 0.0
    return min(1.0, jaccard * (size_a + size_b) / ((1 + jaccard) * smaller))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _bands_agree(
    a: tuple[str, str, float | None, float | None] | None,
    b: tuple[str, str, float | None, float | None] | None,
) -> bool | None:
    """True when both bands overlap, False when they clearly do not, None when not comparable."""
    if a is None or b is None or a[:2] != b[:2]:
        return None
    low_a, high_a = a[2] or a[3], a[3] or a[2]
    low_b, high_b = b[2] or b[3], b[3] or b[2]
    if low_a is None or high_a is None or low_b is None or high_b is None:
        return None
    return low_a <= high_b and low_b <= high_a
