"""Location strings to places and a workplace type.

This first pass resolves what the string itself makes certain: ISO country names and codes,
US states and Canadian provinces (via pycountry), and the remote / hybrid / on-site words.
A lone place name with nothing to pin its country stays a raw string with no country.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import pycountry

from jobingest.models import Location, Workplace

_REMOTE = re.compile(
    r"\b(remote|remotely|anywhere|worldwide|work\s+from\s+home|wfh|telecommute|fully\s+distributed|"
    r"remoto|en\s+remoto|t[ée]l[ée]travail|homeoffice|home\s+office|mobiles\s+arbeiten)\b",
    re.IGNORECASE,
)
_HYBRID = re.compile(r"\b(hybrid|hybride|h[íi]brido|teilweise\s+remote)\b", re.IGNORECASE)
_ONSITE = re.compile(
    r"\b(on[\s-]?site|in[\s-]office|in[\s-]person|office[\s-]based|vor\s+ort|presencial|sur\s+site)\b",
    re.IGNORECASE,
)
_SEGMENT_SPLIT = re.compile(r"\s*(?:;|\||\n|\s/\s|\bor\b|\boder\b|\bou\b|\bo\b)\s*", re.IGNORECASE)
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


@dataclass(frozen=True)
class LocationResult:
    places: list[Location] = field(default_factory=list)
    workplace: Workplace | None = None


def workplace_from_text(text: str | None) -> Workplace | None:
    """Hybrid beats remote ("Hybrid remote"); on-site only when the text says so."""
    if not text:
        return None
    if _HYBRID.search(text):
        return Workplace.hybrid
    if _REMOTE.search(text):
        return Workplace.remote
    if _ONSITE.search(text):
        return Workplace.onsite
    return None


def parse_location(text: str | None) -> LocationResult:
    if not text or not text.strip():
        return LocationResult()
    places: list[Location] = []
    for segment in _SEGMENT_SPLIT.split(text):
        place = _parse_segment(segment)
        if place is not None and place not in places:
            places.append(place)
    return LocationResult(places=places, workplace=workplace_from_text(text))


def _parse_segment(segment: str) -> Location | None:
    raw = segment.strip(" ,-–—")
    if not raw:
        return None
    inner = [m.group("inner") for m in _QUALIFIER.finditer(raw)]
    body = _QUALIFIER.sub(" ", raw)
    body = _WORKPLACE_WORDS.sub(" ", body)
    parts = [p.strip(" .-–—:") for p in re.split(r",|\s[-–—]\s", body)]
    parts = [p for p in parts if p]
    if not parts:
        # "Remote (US only)": the place lives in the qualifier.
        for text in inner:
            country = country_code(_WORKPLACE_WORDS.sub(" ", text).strip(" .-"))
            if country:
                return Location(country=country, raw=raw)
        return None
    city: str | None = None
    region: str | None = None
    # "Portland, OR" names a state, not a country code: two letters after a place are a region.
    state_first = len(parts) >= 2 and len(parts[-1]) == 2 and region_code(parts[-1]) is not None
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
    if rest and country is not None:
        city = rest[0]
    if country is None and city is None and region is None and _is_area(parts[-1]):
        return Location(raw=raw)
    return Location(city=city, region=region, country=country, raw=raw)


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
        return None


def region_code(value: str) -> str | None:
    """Country of a US state, Canadian province or Australian state given by code or name."""
    key = value.strip().strip(".").lower()
    return _subdivision_index().get(key) if key else None


@lru_cache(maxsize=1)
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
