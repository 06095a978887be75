"""Identity and sameness of postings.

`fingerprint` says "probably the same job" across sources (same employer, title and place);
`content_hash` says "nothing a reader would notice changed" for one listing between runs.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter

import numpy as np

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
    "locations", "salary", "skills", "industry", "posted_at",
    "description_text",
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
    for place in data.get("locations") or ():
        place.pop("geoname_id", None)  # a gazetteer lookup, not what the board wrote
    encoded = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


# --- cross-source sameness ---------------------------------------------------------------------
#
# The rule, in order (every step must pass for two listings to be one job):
# 1. Block: the first word of the normalised employer and the canonical role (or, without one,
#    the normalised title); listings outside a block are never compared, which keeps a night's
#    cost proportional to its new listings. Inside, one employer name must be the other's, word
#    for word, or its start ("Tessellate" and "Tessellate Maps"; legal forms, "The" and
#    punctuation dropped), so an agency's copy under its own name stays apart; and the countries
#    must overlap (or one side has none).
# 2. Titles: token Jaccard >= 0.8 after expanding abbreviations (Sr., Eng., Mgr), and dropping
#    gender markers, requisition ids, region words and the posting's own place names; level words
#    and team names are kept, so "Data Engineer, Payments" and "..., Search" stay apart. A
#    bracketed part that repeats the posting's location line ("Designer (San Francisco)") goes too.
# 3. Places: the city sets overlap, or one side names no city. A city is its GeoNames id when
#    extraction found one (München and Munich agree) and its name. Different cities are separate
#    openings unless the multi-location policy says one ad for several cities is one job.
# 4. Pay: bands, when both have one in the same currency and period, overlap.
# 5. Text: when both have a description of at least `_MIN_WORDS` words, the bottom-128 MinHash
#    estimate of their 5-word-shingle Jaccard J is >= 0.8, or the shorter text is >= 0.9
#    contained in the longer (read off the two sketches, see `containment`; for aggregator
#    snippets and trimmed copies, so only when the shorter has <= 90% of the longer's
#    shingles). When either has none, the employer names must be equal and the titles
#    identical, and both must name a city or a salary that agree, or one side name only the
#    country of the other's city (a search card). Such a card is ambiguous when it matches
#    several open postings (see `Verdict.from_text`).
# The score recorded is the description similarity when there is one, else the title's.

SIGNATURE_SIZE = 128
# Bumped whenever `signature` would hash the same text differently; stored signatures carry it.
SIGNATURE_SCHEME = 2
_SHINGLE_WORDS = 5
_MIN_WORDS = 40
TITLE_THRESHOLD = 0.8
TEXT_THRESHOLD = 0.8
CONTAINMENT_THRESHOLD = 0.9
SHORTER_SHARE = 0.9
_GENDER_MARKERS = re.compile(
    r"\((?:m|w|d|f|h|x|div|gn|all genders?)(?:\s*/\s*(?:m|w|d|f|h|x|div))+\)|\*in\b",
    re.IGNORECASE,
)
_TITLE_NOISE = re.compile(
    r"\b(remote|hybrid|onsite|on site|full time|part time|fte|all genders?|gn|m w d|w m d|"
    r"f h|h f|us|usa|uk|eu|emea|apac|latam|europe|worldwide|anywhere|global)\b"
)
_REQUISITION = re.compile(r"[\[(]?\b(?:req|r|jr|id|job)?[\s#:-]*\d{3,}[\w-]*[\])]?", re.IGNORECASE)
_BRACKETED = re.compile(r"[(\[]([^)\]]+)[)\]]")
_TITLE_WORDS = {
    "sr": "senior", "snr": "senior", "jr": "junior", "jnr": "junior", "eng": "engineer",
    "engr": "engineer", "mgr": "manager", "dev": "developer", "sre": "site reliability engineer",
    "swe": "software engineer", "mle": "machine learning engineer", "ml": "machine learning",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Features:
    """What comparing a posting needs; stored with it so later nights never re-read text."""

    block_key: str | None
    title_tokens: frozenset[str]
    cities: frozenset[str]
    countries: frozenset[str]
    band: tuple[str, str, float | None, float | None] | None
    signature: tuple[int, ...] | None
    shingles: int = 0
    employer: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    same: bool
    score: float
    reason: str
    # False when "same" rests on title, place and pay alone (no descriptions to compare): such a
    # match is only trusted when it is the only one.
    from_text: bool = True


def title_tokens(
    title: str, places: Iterable[str] = (), location_lines: Iterable[str] = ()
) -> frozenset[str]:
    """Title words that tell jobs apart: abbreviations expanded; gender markers, requisition
    ids, region words, the posting's own place names and bracketed repeats of its location
    line dropped. Cached: a warehouse's titles and places repeat, and a night re-derives them
    for every stored candidate it reads."""
    return _title_tokens(title, tuple(places), tuple(location_lines))


@lru_cache(maxsize=65_536)
def _title_tokens(
    title: str, places: tuple[str, ...], location_lines: tuple[str, ...]
) -> frozenset[str]:
    cleaned = _REQUISITION.sub(" ", _GENDER_MARKERS.sub(" ", title))
    lines = [f" {normalise_text(line)} " for line in location_lines]
    if lines:
        cleaned = _BRACKETED.sub(
            lambda m: " " if _names_place(m.group(1), lines) else m.group(0), cleaned
        )
    words = " ".join(_TITLE_WORDS.get(w, w) for w in normalise_text(cleaned).split())
    words = f" {_TITLE_NOISE.sub(' ', words)} "
    for place in places:
        name = normalise_text(place)
        if name:
            words = words.replace(f" {name} ", " ")
    return frozenset(words.split())


def _names_place(text: str, lines: list[str]) -> bool:
    name = normalise_text(text)
    return bool(name) and any(f" {name} " in line for line in lines)


def employer_words(name: str | None) -> tuple[str, ...]:
    words = normalise_company(name).split()
    return tuple(words[1:] if words[:1] == ["the"] and len(words) > 1 else words)


def same_employer(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """One name is the other or its start, word for word: "Acme" and "Acme Labs" are one
    employer; "Acme Labs" and "Acme Talent" are not."""
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    return bool(shorter) and longer[: len(shorter)] == shorter


def block_key(posting: Posting) -> str | None:
    return job_block_key(posting.company, posting.role, posting.title, _place_names(posting))


def job_block_key(
    company: str | None, role: str | None, title: str, places: Iterable[str] = ()
) -> str | None:
    employer = employer_words(company)
    if not employer:
        return None
    job = role or " ".join(sorted(title_tokens(title, places)))
    return f"{employer[0]}|{normalise_text(job)}"


def signature(text: str | None) -> tuple[tuple[int, ...], int] | None:
    """Bottom-k MinHash of 5-word shingles, and how many distinct shingles there were.

    Each distinct word gets one stable 64-bit hash (cached: prose reuses words); a shingle's
    hash mixes its five word hashes with multiply-add and the splitmix64 finaliser, vectorised
    over the text, and the k smallest distinct values are kept. One-letter words (list bullets
    such as "o") are left out so formatting does not count as text."""
    words = _TEXT_WORDS.findall(_fold(text)) if text else []
    if len(words) < _MIN_WORDS:
        return None
    missing = set(words).difference(_word_hashes)
    if missing:
        if len(_word_hashes) + len(missing) > _WORD_CACHE_LIMIT:
            _word_hashes.clear()
            missing = set(words)
        _word_hashes.update((word, _word_hash(word)) for word in missing)
    codes = np.array(itemgetter(*words)(_word_hashes), dtype=np.uint64)
    count = len(words) - _SHINGLE_WORDS + 1
    mixed = codes[:count].copy()
    for offset in range(1, _SHINGLE_WORDS):
        mixed *= _MIX
        mixed += codes[offset : offset + count]
    mixed ^= mixed >> _S30
    mixed *= _M1
    mixed ^= mixed >> _S27
    mixed *= _M2
    mixed ^= mixed >> _S31
    mixed.sort()
    distinct = mixed[1:] != mixed[:-1]
    bottom: list[int] = [int(mixed[0]), *mixed[1:][distinct][: SIGNATURE_SIZE - 1].tolist()]
    return tuple(bottom), int(distinct.sum()) + 1


_MIX = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)
_TEXT_WORDS = re.compile(r"[0-9a-z]{2,}")
_WORD_CACHE_LIMIT = 500_000
_word_hashes: dict[str, int] = {}


def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest())


def _fold(text: str) -> str:
    """Lowercase ASCII (accents dropped), as `normalise_text` folds before splitting."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()


def estimated_jaccard(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Share of the k smallest hashes of A ∪ B that are in both sketches."""
    held = set(a)
    union_bottom = sorted(held.union(b))[:SIGNATURE_SIZE]
    if not union_bottom:
        return 0.0
    ceiling = union_bottom[-1]
    return sum(1 for h in held.intersection(b) if h <= ceiling) / len(union_bottom)


def features(posting: Posting) -> Features:
    salary = posting.salary
    band = None
    if salary is not None and salary.currency and salary.period:
        band = (salary.currency, salary.period.value, salary.min, salary.max)
    sketch = signature(posting.description_text)
    places = _place_names(posting)
    return Features(
        block_key=block_key(posting),
        title_tokens=title_tokens(posting.title, places, (p.raw for p in posting.locations)),
        cities=city_keys((p.city, p.geoname_id) for p in posting.locations),
        countries=frozenset(p.country for p in posting.locations if p.country),
        band=band,
        signature=sketch[0] if sketch else None,
        shingles=sketch[1] if sketch else 0,
        employer=employer_words(posting.company),
    )


def city_keys(places: Iterable[tuple[str | None, int | None]]) -> frozenset[str]:
    """Each named city as its normalised name and, when known, its GeoNames id: two spellings
    agree through the id, and a place stored before ids existed still agrees by name."""
    keys: set[str] = set()
    for city, geoname in places:
        if city:
            keys.add(normalise_text(city))
        if geoname is not None:
            keys.add(f"#{geoname}")
    keys.discard("")
    return frozenset(keys)


def _place_names(posting: Posting) -> list[str]:
    return [name for p in posting.locations for name in (p.city, p.region) if name]


def screen(a: Features, b: Features, *, merge_locations: bool = False) -> Verdict | float:
    """Rule steps 1-3, which read only employer, title and places: the verdict when they keep
    the two apart, else the title similarity. Listings that share those fields share the
    outcome, so a matcher screens a whole group of candidates with one call."""
    if a.block_key is None or a.block_key != b.block_key:
        return Verdict(False, 0.0, "different employer or role")
    if a.employer and b.employer and not same_employer(a.employer, b.employer):
        return Verdict(False, 0.0, "different employer")
    if a.countries and b.countries and not a.countries & b.countries:
        return Verdict(False, 0.0, "different countries")
    title = _jaccard(a.title_tokens, b.title_tokens)
    if title < TITLE_THRESHOLD:
        return Verdict(False, title, f"titles differ (token Jaccard {title:.2f})")
    cities_agree = not a.cities or not b.cities or bool(a.cities & b.cities)
    if not cities_agree and not merge_locations:
        return Verdict(False, title, "different cities: separate openings")
    return title


def compare(a: Features, b: Features, *, merge_locations: bool = False) -> Verdict:
    """Whether two listings are one job, by the rule above, with the evidence."""
    title = screen(a, b, merge_locations=merge_locations)
    if isinstance(title, Verdict):
        return title
    pay = _bands_agree(a.band, b.band)
    if pay is False:
        return Verdict(False, title, "pay bands do not overlap")
    if a.signature is not None and b.signature is not None:
        text = estimated_jaccard(a.signature, b.signature)
        contained = containment(a.signature, a.shingles, b.signature, b.shingles)
        if text < TEXT_THRESHOLD and contained < CONTAINMENT_THRESHOLD:
            return Verdict(
                False, text, f"descriptions differ (MinHash Jaccard {text:.2f}, "
                f"containment {contained:.2f})"
            )  # fmt: skip
        return Verdict(
            True, max(text, contained), f"same employer, role and place; descriptions "
            f"{text:.2f} alike, {contained:.2f} contained"
        )  # fmt: skip
    if a.employer != b.employer:
        return Verdict(False, title, "no description to compare and the employer names differ")
    if title == 1.0 and (bool(a.cities & b.cities) or pay is True):
        return Verdict(
            True, title, "identical title with the same city or pay (no description)",
            from_text=False,
        )  # fmt: skip
    if title == 1.0 and _country_only_card(a, b):
        return Verdict(
            True, title, "identical title; one side names only the other's country "
            "(no description)", from_text=False,
        )  # fmt: skip
    return Verdict(False, title, "no description to compare and nothing else corroborates")


def _country_only_card(a: Features, b: Features) -> bool:
    card, full = (a, b) if not a.cities else (b, a)
    return not card.cities and bool(full.cities) and bool(card.countries & full.countries)


def containment(
    sketch_a: tuple[int, ...], size_a: int, sketch_b: tuple[int, ...], size_b: int
) -> float:
    """Estimated share of the smaller shingle set inside the larger. The larger sketch holds
    every one of its hashes up to its largest, so the smaller sketch's hashes in that range are
    a random sample of the smaller set whose membership can be read off exactly; that is far
    less noisy than deriving containment from a Jaccard estimate of two unequal sets.

    0.0 unless the smaller set is clearly smaller: for texts of about one length, a shorter text
    wholly inside the longer already has Jaccard >= `SHORTER_SHARE`, and containment would only
    add the estimate's noise to the Jaccard rule."""
    small, large, large_size = (
        (sketch_a, sketch_b, size_b) if size_a <= size_b else (sketch_b, sketch_a, size_a)
    )
    if not small or not large or min(size_a, size_b) > SHORTER_SHARE * large_size:
        return 0.0
    complete = large_size <= len(large)
    ceiling = large[-1] if not complete else None
    sample = [h for h in small if ceiling is None or h <= ceiling]
    if not sample:
        return 0.0
    members = set(large)
    return sum(1 for h in sample if h in members) / len(sample)


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
