"""Pay bands read from text: short board fields to whole ads in English, German, French, Spanish."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobingest.extract import salary_words
from jobingest.extract.salary import (
    annualise,
    extract_salary,
    extract_salary_detailed,
    periods_per_year,
)
from jobingest.models import PayPeriod, Salary, SalaryOrigin

GOLDEN = Path(__file__).parent / "golden" / "salary.jsonl"
CASES = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line]
# Reached when these floors were set: 401/401 exact, 0/115 false alarms. The second batch of 70
# cases scored 68/70 (1 false alarm in 16 negatives) before it was added and the two general
# faults it showed were fixed, so expect unseen text to do a little worse than this file.
OVERALL_FLOOR = 0.97
LANGUAGE_FLOOR = 0.93
FALSE_ALARM_CEILING = 0.01


def _read(case: dict[str, Any]) -> dict[str, Any] | None:
    found = extract_salary(case["input"]["text"], country=case["input"]["country"])
    if found is None:
        return None
    period = found.period.value if found.period else None
    return {"min": found.min, "max": found.max, "currency": found.currency, "period": period}


def _same(expected: dict[str, Any] | None, got: dict[str, Any] | None) -> bool:
    if expected is None or got is None:
        return expected is got
    return all(
        expected[key] == got[key]
        if not isinstance(expected[key], int | float)
        else got[key] is not None and abs(expected[key] - got[key]) < 0.005
        for key in ("min", "max", "currency", "period")
    )


def _misses(cases: list[dict[str, Any]]) -> list[str]:
    misses = []
    for case in cases:
        got = _read(case)
        if not _same(case["expected"], got):
            text = case["input"]["text"][:80]
            misses.append(f"{case['id']} {text!r}: expected {case['expected']}, got {got}")
    return misses


# --- golden file ---------------------------------------------------------------------------


def test_golden_file_is_well_formed() -> None:
    assert len(CASES) >= 260
    assert len({case["id"] for case in CASES}) == len(CASES)
    assert {case["lang"] for case in CASES} == {"en", "de", "fr", "es"}
    periods = {period.value for period in PayPeriod} | {None}
    for case in CASES:
        assert set(case) == {"id", "lang", "input", "expected", "note"}
        assert set(case["input"]) == {"text", "country"}
        expected = case["expected"]
        if expected is not None:
            assert set(expected) == {"min", "max", "currency", "period"}
            assert expected["period"] in periods
            assert expected["min"] is not None or expected["max"] is not None
    assert sum(case["expected"] is None for case in CASES) >= 70
    assert sum("\n" in case["input"]["text"] for case in CASES) >= 15  # whole descriptions too


def test_golden_accuracy_overall() -> None:
    labelled = [case for case in CASES if case["expected"] is not None]
    misses = _misses(labelled)
    assert 1 - len(misses) / len(labelled) >= OVERALL_FLOOR, "\n".join(misses)


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es"])
def test_golden_accuracy_per_language(lang: str) -> None:
    cases = [case for case in CASES if case["lang"] == lang]
    misses = _misses(cases)
    assert 1 - len(misses) / len(cases) >= LANGUAGE_FLOOR, "\n".join(misses)


def test_golden_false_alarms_stay_rare() -> None:
    negatives = [case for case in CASES if case["expected"] is None]
    alarms = _misses(negatives)
    assert len(alarms) / len(negatives) <= FALSE_ALARM_CEILING, "\n".join(alarms)


# --- the examples of the issue -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("USD 100K - 130K", (100_000, 130_000, "USD", "year")),
        ("$53K-$91K (Glassdoor est.)", (53_000, 91_000, "USD", "year")),
        ("£45,000 - £55,000 per annum", (45_000, 55_000, "GBP", "year")),
        ("€60.000 – 75.000 brutto/Jahr", (60_000, 75_000, "EUR", "year")),
        ("60 000 € à 75 000 € par an", (60_000, 75_000, "EUR", "year")),
        ("$50/hr", (50, 50, "USD", "hour")),
        ("$50-60 an hour", (50, 60, "USD", "hour")),
        ("up to $150k", (None, 150_000, "USD", "year")),
        ("from 80k", (80_000, None, None, "year")),
        ("100-130k DOE", (100_000, 130_000, None, "year")),
        ("$11.7K per month", (11_700, 11_700, "USD", "month")),
        ("Employer Provided Salary:$120K-$150K", (120_000, 150_000, "USD", "year")),
        ("$25.00 - $32.00 Per Hour", (25, 32, "USD", "hour")),
        ("Das Jahresgehalt liegt zwischen 65.000 € und 80.000 €", (65_000, 80_000, "EUR", "year")),
        ("Salaire : 45-55 k€ brut annuel", (45_000, 55_000, "EUR", "year")),
        ("Salario: 30.000 - 36.000 € brutos anuales", (30_000, 36_000, "EUR", "year")),
        ("between $120,000 and $150,000 per year", (120_000, 150_000, "USD", "year")),
        (
            "The base pay range for this position is $98,000—$142,000 USD annually",
            (98_000, 142_000, "USD", "year"),
        ),
        ("pay rate: $18/hour", (18, 18, "USD", "hour")),
        ("$120,000 per year", (120_000, 120_000, "USD", "year")),
    ],
)
def test_issue_examples(text: str, band: tuple[Any, ...]) -> None:
    found = extract_salary(text)
    assert found is not None
    period = found.period.value if found.period else None
    assert (found.min, found.max, found.currency, period) == band


@pytest.mark.parametrize(
    "text",
    [
        "5+ years of experience",
        "401(k) with company match",
        "$5B",
        "$20M Series B",
        "We raised $120 million",
        "10,000 employees",
        "2024-2025",
        "Jan 2025",
        "Call 555-123-4567",
        "Austin, TX 78701",
        "15% bonus",
        "0.1% equity",
        "$0",
        "Competitive",
        "DOE",
        "Negotiable",
        "1000000000",
        "",
        "   ",
    ],
)
def test_numbers_that_are_not_pay_give_none(text: str) -> None:
    assert extract_salary(text) is None


def test_the_salary_is_a_text_band_with_its_snippet_and_annual_figures() -> None:
    found = extract_salary("Compensation\n\nThe salary range is £45,000 - £55,000 per annum.")
    assert found == Salary(
        min=45_000,
        max=55_000,
        currency="GBP",
        period=PayPeriod.year,
        annual_min=45_000,
        annual_max=55_000,
        origin=SalaryOrigin.text,
        raw="£45,000 - £55,000 per annum",
    )


def test_usd_figures_need_the_posting_date_and_never_read_the_clock() -> None:
    undated = extract_salary("€60.000 – 75.000 brutto/Jahr")
    assert undated is not None
    assert (undated.annual_min_usd, undated.annual_max_usd, undated.fx_rate_date) == (None,) * 3
    dated = extract_salary("€60.000 – 75.000 brutto/Jahr", on=date(2024, 3, 10))
    assert dated is not None
    assert dated.fx_rate_date == "2024-03-08"  # the Friday before that Sunday
    assert dated.annual_min_usd is not None and 60_000 < dated.annual_min_usd < 72_000
    assert extract_salary("€60.000 – 75.000 brutto/Jahr", on=date(2024, 3, 10)) == dated


def test_hourly_pay_is_annualised_with_the_given_hours() -> None:
    found = extract_salary("$40 per hour", hours_per_year=1_720)
    assert found is not None and (found.annual_min, found.annual_max) == (68_800, 68_800)


# --- currencies, numbers, periods ------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "currency"),
    [
        ("CA", "CAD"),
        ("AU", "AUD"),
        ("NZ", "NZD"),
        ("SG", "SGD"),
        ("HK", "HKD"),
        ("MX", "MXN"),
        ("US", "USD"),
        (None, "USD"),
        ("DE", "USD"),
    ],
)
def test_a_bare_dollar_follows_the_country(country: str | None, currency: str) -> None:
    found = extract_salary("Salary: $70,000 - $85,000 a year", country=country)
    assert found is not None and found.currency == currency


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("Salary: CHF 120'000 - 140'000", "CHF"),
        ("Salary: 10 000 - 15 000 zł brutto", "PLN"),
        ("Salary: 45 000 - 55 000 kr per month", None),  # 'kr' without a country: unknown
        ("Salary: ¥6,000,000 - ¥8,000,000", "JPY"),
        ("Salary: ₹12,00,000 - ₹18,00,000 per annum", "INR"),
        ("Salary: 60,000 - 70,000 dollars a year", "USD"),
        ("Gehalt: 60.000 - 70.000 Euro", "EUR"),
        ("Salary: 40,000 - 50,000 pounds sterling", "GBP"),
        ("Salary: $100,000 - $120,000 CAD", "CAD"),
        ("Salary (EUR): 60.000 - 70.000", "EUR"),
        ("Salary: 60,000 - 70,000", None),
    ],
)
def test_currency_from_symbols_codes_and_words(text: str, currency: str | None) -> None:
    found = extract_salary(text)
    assert found is not None and found.currency == currency


def test_kr_follows_the_country() -> None:
    found = extract_salary("Lön: 45 000 - 55 000 kr per month", country="SE")
    assert found is not None and found.currency == "SEK"


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("Salary: $1,000.50 - $1,200.75 per week", 1_000.5, 1_200.75),
        ("Gehalt: 1.000,50 € - 1.200,75 € pro Woche", 1_000.5, 1_200.75),
        ("Salaire : 45 000 € - 55 000 € par an", 45_000, 55_000),
        ("Lohn: CHF 100'000 - 120'000", 100_000, 120_000),
        ("Salary: $100k - $130K", 100_000, 130_000),
        ("Salaire : 45-55 k€", 45_000, 55_000),
        ("Salary: ₹12,00,000 - ₹15,00,000 per annum", 1_200_000, 1_500_000),
        ("Salary: $1.2-1.5M per year", 1_200_000, 1_500_000),
        ("Sueldo: 30 mil - 35 mil euros al año", 30_000, 35_000),
    ],
)
def test_number_formats(text: str, low: float, high: float) -> None:
    found = extract_salary(text)
    assert found is not None and (found.min, found.max) == (low, high)


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("£45,000 per annum", PayPeriod.year),
        ("€50.000 p.a.", PayPeriod.year),
        ("$90K/yr", PayPeriod.year),
        ("$90,000 annually", PayPeriod.year),
        ("$90,000 a year", PayPeriod.year),
        ("4.000 € brutto/Jahr", PayPeriod.year),
        ("Gehalt: 48.000 € jährlich", PayPeriod.year),
        ("18 € pro Stunde", PayPeriod.hour),
        ("45 000 € par an", PayPeriod.year),
        ("Salaire : 38 000 € annuel", PayPeriod.year),
        ("2 500 € par mois", PayPeriod.month),
        ("Salaire : 2 500 € mensuel", PayPeriod.month),
        ("30.000 € al año", PayPeriod.year),
        ("Salario: 30.000 € anual", PayPeriod.year),
        ("12 € por hora", PayPeriod.hour),
        ("1.500 €/mes", PayPeriod.month),
        ("$650 per day", PayPeriod.day),
        ("Tagessatz: 800 €", PayPeriod.day),
        ("$1,200 per week", PayPeriod.week),
        ("£3,000 pcm", PayPeriod.month),
    ],
)
def test_stated_periods_in_four_languages(text: str, period: PayPeriod) -> None:
    found = extract_salary(text)
    assert found is not None and found.period is period


def test_bi_weekly_keeps_the_amounts_but_states_no_period_of_ours() -> None:
    found = extract_salary("Pay: $2,500 - $3,500 bi-weekly")
    assert found is not None
    assert (found.min, found.max, found.period, found.annual_min) == (2_500, 3_500, None, None)


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("Salary: $95,000 - $115,000", PayPeriod.year),  # USD magnitude: a year beyond doubt
        ("Salary: $30 - $45", PayPeriod.hour),  # USD magnitude: an hour beyond doubt
        ("Gehalt: 60.000 - 75.000 €", PayPeriod.year),  # converted to USD first
        ("Salary: €4,000 - €6,000", None),  # a month? a low year? unknown
        ("Salary: 45000 - 55000", PayPeriod.year),  # no currency: only >= 25,000 means a year
        ("Salary: 4000 - 6000", None),
        ("Salary: ₹12,00,000 - ₹18,00,000", None),  # about USD 14-22k: not beyond doubt
    ],
)
def test_period_from_magnitude_only_when_unambiguous(text: str, period: PayPeriod | None) -> None:
    found = extract_salary(text)
    assert found is not None and found.period is period


# --- choosing the band -----------------------------------------------------------------------


def test_a_long_ad_yields_its_base_pay_band_not_its_other_numbers() -> None:
    ad = (
        "About us\nFounded in 2012, we raised $45M in 2023 and serve 3,000 customers.\n\n"
        "Requirements\n5+ years of experience.\n\n"
        "Benefits\n401(k) with 4% match, $1,000 learning budget, 0.1% equity.\n\n"
        "Compensation\nThe base salary range for this role is $130,000 - $150,000, "
        "plus a 10% bonus and a $5,000 signing bonus."
    )
    found = extract_salary(ad)
    assert found is not None
    assert (found.min, found.max, found.raw) == (130_000, 150_000, "$130,000 - $150,000")


def test_a_salary_sentence_beats_an_ote_sentence_and_a_range_beats_a_single_amount() -> None:
    ote_first = "OTE: $200,000. Base salary: $100,000 - $120,000."
    found = extract_salary(ote_first)
    assert found is not None and (found.min, found.max) == (100_000, 120_000)
    single_first = "You can earn $5,000 a month from day one. Salary: $70,000 - $80,000 a year."
    found = extract_salary(single_first)
    assert found is not None and (found.min, found.max) == (70_000, 80_000)


def test_text_flattened_from_html_without_spaces_still_reads() -> None:
    glued = "Pay Range: $20.50 - $26.00 per hourBenefits include dental and vision."
    found = extract_salary(glued)
    assert found is not None and (found.min, found.max, found.period) == (20.5, 26, PayPeriod.hour)
    labels = "Base Salary: $60,000On Target Earnings: $90,000+ (uncapped)"
    found = extract_salary(labels)
    assert found is not None and (found.min, found.max) == (60_000, 60_000)


def test_an_ote_only_text_still_gives_its_band() -> None:
    found = extract_salary("OTE $200K - $250K")
    assert found is not None and (found.min, found.max) == (200_000, 250_000)


def test_bonus_equity_and_benefit_amounts_are_not_the_salary() -> None:
    assert extract_salary("Signing bonus: $10,000") is None
    assert extract_salary("A $2,000 annual learning budget and $500 home office stipend") is None
    found = extract_salary("Signing bonus: $10,000. Salary: $90,000.")
    assert found is not None and found.min == 90_000


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("Salary: up to $150,000", None, 150_000),
        ("Gehalt: bis zu 90.000 € jährlich", None, 90_000),
        ("Salaire : jusqu'à 65 k€ brut/an", None, 65_000),
        ("Salario: hasta 45.000 € al año", None, 45_000),
        ("Salary: from $80,000 per year", 80_000, None),
        ("Salary: starting at $19.50/hour", 19.5, None),
        ("Gehalt: ab 4.500 € brutto/Monat", 4_500, None),
        ("Salaire : à partir de 38 000 € par an", 38_000, None),
        ("Salario: desde 35.000 € anuales", 35_000, None),
        ("Salary: $120,000 per year", 120_000, 120_000),
    ],
)
def test_up_to_is_a_maximum_from_is_a_minimum(
    text: str, low: float | None, high: float | None
) -> None:
    found = extract_salary(text)
    assert found is not None and (found.min, found.max) == (low, high)


def test_a_band_written_high_to_low_is_put_in_order_and_flagged() -> None:
    found = extract_salary_detailed("Salary: $150,000 - $120,000 per year")
    assert found is not None and found.swapped
    assert (found.salary.min, found.salary.max) == (120_000, 150_000)
    in_order = extract_salary_detailed("Salary: $120,000 - $150,000 per year")
    assert in_order is not None and not in_order.swapped


def test_detailed_match_says_why() -> None:
    strong = extract_salary_detailed("The base salary range is $120,000 - $150,000 per year.")
    weak = extract_salary_detailed("up to $150k")
    assert strong is not None and weak is not None
    assert 0 <= weak.confidence < strong.confidence <= 1
    assert "range" in strong.evidence and "currency:USD" in strong.evidence
    assert "period:stated:year" in strong.evidence
    assert "qualifier:up_to" in weak.evidence


@pytest.mark.parametrize(
    "text",
    [
        "Salary: $500 per year",  # a year of pay below 1,000 USD
        "Salary: $2,000 per hour",  # an hour above 1,000 USD
        "Salary: $20M per year",  # a year above 5,000,000 USD
        "Salary: 1000000000",
        "Salary: €3 per month",
    ],
)
def test_implausible_amounts_are_rejected(text: str) -> None:
    assert extract_salary(text) is None


# --- properties --------------------------------------------------------------------------------

_COUNTRIES = st.sampled_from([None, "US", "CA", "AU", "MX", "SE", "IN", "GB", "DE"])
_PERIOD_WORDS = ["", " per year", " an hour", "/month", " p.a.", " brutto/Jahr", " par mois"]


@st.composite
def _salary_like(draw: st.DrawFn) -> str:
    """Text shaped like pay: random amounts, separators, currencies, periods and noise."""
    low = draw(st.integers(min_value=0, max_value=2_000_000))
    high = draw(st.integers(min_value=0, max_value=2_000_000))
    symbol = draw(st.sampled_from(["$", "£", "€", "", "USD ", "CHF "]))
    fmt = draw(st.sampled_from(["{:,}", "{}", "{:,}".replace(",", "_")]))
    sep = draw(st.sampled_from([" - ", "-", " to ", " – ", " and ", " bis "]))
    period = draw(st.sampled_from(_PERIOD_WORDS))
    noise = draw(st.text(max_size=20))
    body = f"{symbol}{fmt.format(low)}{sep}{symbol}{fmt.format(high)}".replace("_", ".")
    return f"{noise} Salary: {body}{period} {noise}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(), country=_COUNTRIES)
def test_never_raises_on_any_string(text: str, country: str | None) -> None:
    found = extract_salary_detailed(text, country=country)
    assert found is None or isinstance(found.salary, Salary)


@settings(max_examples=300, deadline=None)
@given(text=_salary_like(), country=_COUNTRIES)
def test_a_band_is_always_in_order_and_consistent(text: str, country: str | None) -> None:
    found = extract_salary_detailed(text, country=country, on=date(2024, 6, 3))
    if found is None:
        return
    salary = found.salary
    assert salary.min is not None or salary.max is not None
    if salary.min is not None and salary.max is not None:
        assert salary.min <= salary.max
    assert salary.origin is SalaryOrigin.text and salary.raw
    assert salary.raw in text
    assert 0 <= found.confidence <= 1


@settings(max_examples=200, deadline=None)
@given(
    amount=st.floats(min_value=0.01, max_value=10_000_000, allow_nan=False),
    period=st.sampled_from(list(PayPeriod)),
    hours=st.integers(min_value=1_000, max_value=2_600),
)
def test_annualise_then_de_annualise_round_trips(
    amount: float, period: PayPeriod, hours: int
) -> None:
    yearly = annualise(amount, period, hours)
    assert yearly is not None
    assert yearly / periods_per_year(period, hours) == pytest.approx(amount, rel=1e-6, abs=0.01)


@settings(max_examples=200, deadline=None)
@given(text=_salary_like())
def test_extracted_annual_figures_round_trip_to_the_stated_amounts(text: str) -> None:
    found = extract_salary(text)
    if found is None or found.period is None:
        return
    per_year = periods_per_year(found.period)
    for stated, yearly in ((found.min, found.annual_min), (found.max, found.annual_max)):
        if stated is not None:
            assert yearly is not None
            assert yearly / per_year == pytest.approx(stated, rel=1e-6, abs=0.01)


# --- no catastrophic backtracking --------------------------------------------------------------

_MEGABYTE = 1_000_000
_ADVERSARIAL = {
    "digit run": "1" * _MEGABYTE,
    "repeated $1,": "$1," * (_MEGABYTE // 3),
    "spaces": " " * _MEGABYTE,
    "k-k-k-": "k-k-k-" * (_MEGABYTE // 6),
    "1k-1k-": "1k-" * (_MEGABYTE // 3),
    "spaced digits": "1 " * (_MEGABYTE // 2),
    "digit groups": "1,000," * (_MEGABYTE // 6),
    "space groups": "100 000 " * (_MEGABYTE // 8),
    "pay words and amounts": "salary $1 per year between " * (_MEGABYTE // 27),
    "fillers": "1 brutto brutto brutto brutto p.a. " * (_MEGABYTE // 35),
    "letters": "a" * _MEGABYTE,
    "dots": ". " * (_MEGABYTE // 2),
}


@pytest.mark.timeout(20)
@pytest.mark.parametrize("name", list(_ADVERSARIAL))
def test_a_megabyte_of_adversarial_text_completes(name: str) -> None:
    extract_salary_detailed(_ADVERSARIAL[name], country="US")


_PATTERNS = {
    name: value for name, value in vars(salary_words).items() if isinstance(value, re.Pattern)
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("shape", ["1" * 9, "$1,", " ", "k-", "1 ", "a", "brutto ", "min ", "1.0"])
def test_every_pattern_scans_adversarial_text_in_linear_time(shape: str) -> None:
    """A quadratic pattern would take hours on 250 kB; each linear one takes well under a second."""
    text = shape * (250_000 // len(shape))
    for pattern in _PATTERNS.values():
        for _ in pattern.finditer(text):
            pass


@pytest.mark.parametrize(
    "text",
    [
        "Benefits: €1,200 (or £1,000) annual learning budget and four dedicated learning days.",
        "Ein jährliches Weiterbildungsbudget von 1.500 Euro.",
        "We give every employee $500 a year for home office equipment.",
    ],
)
def test_a_lone_benefit_amount_in_running_text_is_not_pay(text: str) -> None:
    assert extract_salary(text) is None
