"""The first extraction pass: locations, pay periods, annualising, dated FX, clean text."""

from __future__ import annotations

from datetime import date

import pytest

from jobingest.extract.employment import employment_type_from_label
from jobingest.extract.location import parse_location
from jobingest.extract.salary import (
    annualise,
    infer_period_from_magnitude,
    normalise_band,
    period_from_text,
    usd_rate,
)
from jobingest.extract.text import html_to_text
from jobingest.models import EmploymentType, PayPeriod, SalaryOrigin, Workplace


@pytest.mark.parametrize(
    ("text", "places", "workplace"),
    [
        ("San Francisco, CA", [("San Francisco", "CA", "US")], None),
        ("Seattle, WA", [("Seattle", "WA", "US")], None),
        ("Perth, WA, Australia", [("Perth", "WA", "AU")], None),
        ("Toronto, Ontario, Canada", [("Toronto", "Ontario", "CA")], None),
        ("London, United Kingdom", [("London", None, "GB")], None),
        ("Warsaw, POL", [("Warsaw", None, "PL")], None),
        ("München, Deutschland", [("München", None, "DE")], None),
        ("Remote (US only)", [(None, None, "US")], Workplace.remote),
        ("Hybrid - Austin, TX", [("Austin", "TX", "US")], Workplace.hybrid),
        (
            "New York, NY; Remote - US",
            [("New York", "NY", "US"), (None, None, "US")],
            Workplace.remote,
        ),
        ("Dublin, Ireland or Remote (EU)", [("Dublin", None, "IE")], Workplace.remote),
        ("Remote", [], Workplace.remote),
        ("Worldwide", [], Workplace.remote),
        ("On-site - Madrid, Spain", [("Madrid", None, "ES")], Workplace.onsite),
        ("", [], None),
    ],
)
def test_parse_location(
    text: str, places: list[tuple[str | None, ...]], workplace: Workplace | None
) -> None:
    result = parse_location(text)
    got = [(p.city, p.region, p.country) for p in result.places if p.city or p.country]
    assert got == places
    assert result.workplace is workplace
    assert all(p.raw for p in result.places)


def test_an_ambiguous_city_keeps_no_guessed_country() -> None:
    (place,) = parse_location("Cambridge").places  # GB, US and CA cities of similar size
    assert (place.city, place.country, place.raw) == ("Cambridge", None, "Cambridge")
    (place,) = parse_location("Cambridge, MA").places
    assert (place.city, place.region, place.country) == ("Cambridge", "MA", "US")


@pytest.mark.parametrize(
    ("text", "city", "country"),
    [
        ("London", "London", "GB"),  # 8.9M against London, Ontario's 0.4M
        ("Paris", "Paris", "FR"),
        ("München", "München", "DE"),
        ("Londres", "Londres", "GB"),
        ("Bengaluru", "Bengaluru", "IN"),
        ("Berlin, DE", "Berlin", "DE"),  # no Berlin in Delaware: DE is Germany here
        ("Wilmington, DE", "Wilmington", "US"),
        ("Greater London", "London", "GB"),
        ("NYC", "New York", "US"),
        ("Qwertyville", None, None),
    ],
)
def test_cities_from_the_gazetteer(text: str, city: str | None, country: str | None) -> None:
    (place,) = parse_location(text).places
    assert (place.city, place.country) == (city, country)


@pytest.mark.parametrize(
    ("label", "period"),
    [
        ("Hourly rate", PayPeriod.hour),
        ("Contractors are paid $55 - $70 per hour.", PayPeriod.hour),
        ("Salary per annum", PayPeriod.year),
        ("Stundenlohn", PayPeriod.hour),
        ("Jahresgehalt (brutto)", PayPeriod.year),
        ("Monthly stipend", PayPeriod.month),
        ("Base salary range", None),
        ("Hourly or yearly, depending on contract", None),
        (None, None),
    ],
)
def test_period_is_read_only_when_the_label_states_one(
    label: str | None, period: PayPeriod | None
) -> None:
    assert period_from_text(label) is period


@pytest.mark.parametrize(
    ("low", "high", "period"),
    [
        (120_000, 150_000, PayPeriod.year),
        (30, 45, PayPeriod.hour),
        (4_000, 6_000, None),  # could be a month, could be a year somewhere: unknown
        (150, 400, None),  # day rate or hourly: unknown
    ],
)
def test_period_from_magnitude_only_when_unambiguous(
    low: float, high: float, period: PayPeriod | None
) -> None:
    assert infer_period_from_magnitude(low, high) is period


def test_annualise_each_period() -> None:
    assert annualise(50, PayPeriod.hour) == 104_000
    assert annualise(50, PayPeriod.hour, hours_per_year=1720) == 86_000
    assert annualise(400, PayPeriod.day) == 104_000
    assert annualise(2_000, PayPeriod.week) == 104_000
    assert annualise(5_000, PayPeriod.month) == 60_000
    assert annualise(5_000, None) is None


def test_fx_rate_of_a_weekend_is_the_last_working_day_before() -> None:
    found = usd_rate("EUR", date(2024, 3, 10))  # a Sunday
    assert found is not None
    rate, day = found
    assert day == date(2024, 3, 8)
    assert 1.0 < rate < 1.2
    assert usd_rate("XYZ", date(2024, 3, 8)) is None
    assert usd_rate("USD", date(2024, 3, 10)) == (1.0, date(2024, 3, 10))


def test_band_without_a_known_period_keeps_amounts_but_no_annual_figures() -> None:
    salary = normalise_band(
        4_000, 6_000, currency="EUR", period=None, origin=SalaryOrigin.text, raw="4000-6000 EUR",
        on=date(2025, 6, 2),
    )  # fmt: skip
    assert salary is not None
    assert (salary.min, salary.max, salary.period, salary.annual_min_usd) == (
        4_000,
        6_000,
        None,
        None,
    )


def test_reversed_band_is_put_in_order_and_empty_band_is_none() -> None:
    salary = normalise_band(
        190_000, 150_000, currency="USD", period=None, origin=SalaryOrigin.structured, raw=None,
        on=date(2025, 6, 2),
    )  # fmt: skip
    assert salary is not None and (salary.min, salary.max) == (150_000, 190_000)
    assert normalise_band(0, 0, currency="USD", period=None, origin=SalaryOrigin.structured,
                          raw=None, on=date(2025, 6, 2)) is None  # fmt: skip


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("Full-time", EmploymentType.full_time),
        ("Part-time", EmploymentType.part_time),
        ("Contract", EmploymentType.contract),
        ("Intern", EmploymentType.internship),
        ("Werkstudent (m/w/d)", EmploymentType.internship),
        ("Full-time, Permanent", EmploymentType.full_time),
        ("Temporary", EmploymentType.temporary),
        ("Freelance", EmploymentType.freelance),
        ("Engineering", None),
        (None, None),
    ],
)
def test_employment_type_from_label(label: str | None, kind: EmploymentType | None) -> None:
    assert employment_type_from_label(label) is kind


def test_html_to_text_keeps_blocks_and_drops_scripts() -> None:
    markup = (
        "<h2>About us</h2><p>We build&nbsp;tools.</p><script>alert('x')</script>"
        "<style>p{color:red}</style><ul><li>Python</li><li>SQL</li></ul>"
    )
    assert html_to_text(markup) == "About us\n\nWe build tools.\n\n- Python\n- SQL"
    assert html_to_text(None) is None
    assert html_to_text("   ") is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Job Type: Full-time\nSalary: $90,000", EmploymentType.full_time),
        ("This is a contract role for six months.", EmploymentType.contract),
        ("This is a full-time, exempt role based in Denver.", EmploymentType.full_time),
        ("Wir suchen dich in Vollzeit für unser Team.", EmploymentType.full_time),
        ("Poste en CDI basé à Lyon.", EmploymentType.full_time),
        ("Our full-time staff and part-time tutors love it here.", None),  # in passing
        ("Job type: Full-time or part-time", None),  # two answers: unknown
        ("Full time\n\nJob Description\nWe build tools.", None),  # a heading, then another
        (None, None),
    ],
)
def test_employment_type_only_from_explicit_statements(
    text: str | None, kind: EmploymentType | None
) -> None:
    from jobingest.extract.employment import employment_type_from_text

    assert employment_type_from_text(text) is kind


@pytest.mark.parametrize(
    ("text", "workplace"),
    [
        ("This is a fully remote position open to US residents.", Workplace.remote),
        ("This role is hybrid: 3 days a week in the office in Austin.", Workplace.hybrid),
        ("This is an on-site role at our plant.", Workplace.onsite),
        ("This is not a remote position; you will work on-site in Reno.", Workplace.onsite),
        ("Our remote-friendly culture and offsites are great.", None),
        ("We build remote monitoring devices for hospitals.", None),
        (None, None),
    ],
)
def test_workplace_only_from_explicit_statements(
    text: str | None, workplace: Workplace | None
) -> None:
    from jobingest.extract.location import workplace_from_description

    assert workplace_from_description(text) is workplace


def test_fast_html_path_reads_the_same_text_as_beautifulsoup() -> None:
    import json

    from jobingest.extract.text import _lxml_text, _soup_text, _tidy, unescape_entities
    from tests.conftest import EXAMPLES

    for path in (EXAMPLES / "payloads").glob("greenhouse_*.json"):
        for job in json.loads(path.read_bytes())["jobs"]:
            markup = unescape_entities(job["content"])
            assert _tidy(_lxml_text(markup)) == _tidy(_soup_text(markup)), job["title"]


def test_pathological_markup_does_not_crash() -> None:
    deep = "<div>" * 100_000 + "text" + "</div>" * 100_000
    html_to_text(deep)  # must return (text or None), not raise
    assert html_to_text("<p>unclosed <b>bold <i>italic<p>next &amp; more") == (
        "unclosed bold italic\n\nnext & more"
    )
