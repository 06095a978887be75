"""Readers of the small values boards share: timestamps in their several spellings, amounts
that arrive as numbers or strings, currency codes, paging query parameters, path segments,
candidate-region lists, and text a board encoded twice.

Kept in one place so every connector agrees on what a malformed value is (None, never a guess).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from jobingest.extract.location import country_code, parse_location
from jobingest.extract.salary import normalise_band, usd_rate
from jobingest.models import Location, PayPeriod, Salary, SalaryOrigin
from jobingest.sources.base import RecordContext, text_or_none

# "USA Only", "Europe only": the qualifier says nothing about the place itself.
_ONLY = re.compile(r"\s*\bonly\b\s*", re.IGNORECASE)
# Only list separators: "and" would split "Bosnia and Herzegovina".
_REGION_SPLIT = re.compile(r"\s*(?:,|;|\||/)\s*")
_EPOCH_MS_ABOVE = 1e11  # 1e11 seconds is the year 5138; anything larger is milliseconds
_EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
# Structured pay nobody is offered: over this a year in USD, or this in a currency without a rate.
_MAX_ANNUAL_USD = 5_000_000.0
_MAX_UNCONVERTIBLE = 1e10
_RATE_PROBE_DAY = date(2024, 1, 2)  # magnitude only: a fixed day, never the clock
# ISO 4217 codes that are not money anyone is paid in (testing, "no currency", metals).
_NOT_MONEY = frozenset({"XXX", "XTS", "XAU", "XAG", "XPT", "XPD"})
_LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def parse_datetime(value: object, *, naive_is_utc: bool = True) -> datetime | None:
    """A board's timestamp: ISO 8601 ("2026-09-10T07:25:25Z", "2026-09-10", Recruitee's
    "2026-09-10 07:25:25 UTC") or Unix epoch seconds or milliseconds, as a number or a string
    (told apart by magnitude). A value without an offset is UTC when `naive_is_utc` (what most
    boards document), else unknown. None for anything else, e.g. "04/05/2024", which could be
    day first or month first, and for dates outside 1990-2100."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            return _iso(text, naive_is_utc=naive_is_utc)
    if not isinstance(value, int | float):
        return None
    seconds = value / 1000 if value > _EPOCH_MS_ABOVE else value
    try:
        moment = datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return moment if _EARLIEST <= moment < _LATEST else None


def _iso(text: str, *, naive_is_utc: bool) -> datetime | None:
    if text.endswith(" UTC"):
        text = text[: -len(" UTC")] + "+00:00"
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC) if naive_is_utc else None
    return moment if _EARLIEST <= moment < _LATEST else None


def amount(value: object) -> float | None:
    """A number from a cell: 85000, "85,000", "85000.0", "$85,000"; None otherwise (including
    NaN and infinity, which Python's JSON reader accepts as `NaN`, `Infinity` or `1e999`)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    cleaned = re.sub(r"[\s,_]", "", value).lstrip("$€£¥")
    try:
        number = float(cleaned)
    except ValueError:
        return None
    return number if number == number and number not in (float("inf"), float("-inf")) else None


def currency_code(value: object) -> str | None:
    """An ISO 4217 code in upper case (Recruitee sends "eur"), else None: "XYZ" or "BTC" name
    no currency anyone can convert, and a guess would make the band look comparable."""
    if isinstance(value, str) and re.fullmatch(r"\s*[A-Za-z]{3}\s*", value):
        code = value.strip().upper()
        return code if code in _iso_currencies() else None
    return None


@lru_cache(maxsize=1)
def _iso_currencies() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.currencies) - _NOT_MONEY


def pageable(url: str) -> bool:
    """Whether a page fetched from `url` may point to more pages: only a live http(s) answer.

    A saved payload replayed from `file://` is one page; following it would ask the disk for
    `x.json?skip=100`, or send a replay out to the network.
    """
    return urlsplit(url).scheme in ("http", "https")


def query_int(url: str, name: str) -> int | None:
    """The integer value of query parameter `name` in `url`, if it has one."""
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if key == name:
            try:
                return int(value)
            except ValueError:
                return None
    return None


def with_query(url: str, **params: int | str) -> str:
    """`url` with these query parameters set (replaced in place, or appended), others kept."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    pending = {key: str(value) for key, value in params.items()}
    updated = [(key, pending.pop(key)) if key in pending else (key, value) for key, value in pairs]
    updated.extend(pending.items())
    return urlunsplit(parts._replace(query=urlencode(updated)))


def path_segment_after(url: str, *markers: str) -> str | None:
    """The path segment that follows the marker segments, e.g. the site in `/v0/postings/{site}`."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    width = len(markers)
    for index in range(len(segments) - width):
        if tuple(segments[index : index + width]) == markers:
            return segments[index + width]
    return None


def subdomain_of(url: str, domain: str) -> str | None:
    """`acme` for `https://acme.recruitee.com/...` when `domain` is `recruitee.com`."""
    host = (urlsplit(url).hostname or "").lower()
    suffix = "." + domain
    if host.endswith(suffix) and host != suffix[1:]:
        label = host[: -len(suffix)]
        return label if label and "." not in label else None
    return None


def structured_location(
    city: object, region: object, country: object, *, raw: str | None = None
) -> Location | None:
    """A place a board gives as separate fields; the country may be a name or an ISO code."""
    city_text, region_text = text_or_none(city), text_or_none(region)
    country_text = text_or_none(country)
    code = country_code(country_text) if country_text else None
    if not any((city_text, region_text, country_text)):
        return None
    text = raw or ", ".join(t for t in (city_text, region_text, country_text) if t)
    return Location(city=city_text, region=region_text, country=code, raw=text)


def region_list_places(text: str | None) -> list[Location]:
    """A candidate-region list ("USA, Canada", "Europe Only", "Worldwide") as locations.

    Unlike `parse_location`, commas here separate alternatives, never city from country, so
    "USA, Canada" is two countries and not a city called USA in Canada. Parts that are not a
    country (continents, "Worldwide", time zones) stay as raw text with no country.
    """
    if not text or not text.strip():
        return []
    places: list[Location] = []
    for part in _REGION_SPLIT.split(text.strip()):
        raw = part.strip(" .-–—")
        if not raw:
            continue
        place = _region_place(raw)
        if place not in places:
            places.append(place)
    return places


def _region_place(raw: str) -> Location:
    bare = _ONLY.sub(" ", raw).strip(" .-–—")
    country = country_code(bare) if bare else None
    if country is not None:
        return Location(country=country, raw=raw)
    # "Remote (US)", "US-based", a city: let the location parser find a country in the wording.
    for place in parse_location(raw).places:
        if place.country is not None:
            return place.model_copy(update={"raw": raw})
    return Location(raw=raw)


def string_list(value: object) -> list[str]:
    """A board's list of strings, dropping anything that is not a non-empty string."""
    if not isinstance(value, list | tuple):
        return []
    return [item.strip() for item in value if isinstance(item, str) and item.strip()]


def same_origin(target: str, current: str) -> str | None:
    """`target`'s path and query on `current`'s scheme and host, so paging stays on the host
    that served page one (a mirror, a proxy, the test server). None when `current` is not
    http(s): a saved payload replayed from disk is one page and must not reach the network."""
    here = urlsplit(current)
    if here.scheme not in ("http", "https") or not here.netloc:
        return None
    there = urlsplit(target)
    if there.scheme not in ("http", "https", ""):
        return None
    return urlunsplit((here.scheme, here.netloc, there.path or here.path, there.query, ""))


# UTF-8 bytes read as Latin-1 and encoded again: "GdaÅ\x84sk", "donâ\x80\x99t".
_DOUBLE_UTF8 = re.compile(
    r"[\u00c2-\u00df][\u0080-\u00bf]|[\u00e0-\u00ef][\u0080-\u00bf]{2}|[\u00f0-\u00f4][\u0080-\u00bf]{3}"
)


def undo_double_utf8(text: str) -> str:
    """Repair text a board encoded to UTF-8 twice; sequences that do not decode stay as they are.

    The pattern only matches a Latin-1 lead letter followed by C1 control or Latin-1 symbol
    characters, which ordinary prose never contains, so clean text passes through unchanged.
    """

    def _fix(match: re.Match[str]) -> str:
        try:
            return match.group().encode("latin-1").decode("utf-8")
        except UnicodeError:
            return match.group()

    return _DOUBLE_UTF8.sub(_fix, text)


def board_band(
    low: float | None,
    high: float | None,
    *,
    currency: str | None,
    period: PayPeriod | None,
    raw: str | None,
    ctx: RecordContext,
    posted_at: datetime | None,
) -> Salary | None:
    """A pay band a board states in its own fields, annualised and converted at the rate of the
    posting's date (the fetch date when the board gives none). None when no one could be paid
    it: over USD 5M a year (a typo, or cents in a dollars field), or 1e10 in an unconvertible
    currency."""
    salary = normalise_band(
        low,
        high,
        currency=currency,
        period=period,
        origin=SalaryOrigin.structured,
        raw=raw,
        on=posted_at.date() if posted_at else ctx.fetched_on,
        hours_per_year=ctx.hours_per_year,
    )
    return salary if salary is not None and _payable(salary) else None


def _payable(salary: Salary) -> bool:
    amounts = [a for a in (salary.min, salary.max) if a is not None]
    if not all(math.isfinite(a) for a in amounts):
        return False
    annual_usd = [a for a in (salary.annual_min_usd, salary.annual_max_usd) if a is not None]
    if annual_usd:
        return max(annual_usd) <= _MAX_ANNUAL_USD
    rate = usd_rate(salary.currency, _RATE_PROBE_DAY) if salary.currency else None
    if rate is not None:  # no period: whatever it is, more than a year's pay is not pay
        return max(amounts) * rate[0] <= _MAX_ANNUAL_USD
    return max(amounts) <= _MAX_UNCONVERTIBLE


def band_from_record(
    band: object,
    *,
    periods: Mapping[str, PayPeriod],
    period_key: str,
    label: str,
    ctx: RecordContext,
    posted_at: datetime | None,
) -> Salary | None:
    """A board's `{min, max, currency, <period_key>}` object as a band; None without a known
    currency, since amounts in no known currency are not comparable."""
    if not isinstance(band, dict):
        return None
    period = text_or_none(band.get(period_key))
    currency = currency_code(band.get("currency"))
    if currency is None:
        return None
    return board_band(
        amount(band.get("min")),
        amount(band.get("max")),
        currency=currency,
        period=periods.get(period.lower()) if period else None,
        raw=(
            f"{label}: {band.get('min')}-{band.get('max')} {band.get('currency') or '?'} "
            f"{period or 'no period'}"
        ),
        ctx=ctx,
        posted_at=posted_at,
    )
