"""Bad values inside otherwise good records: titles and descriptions that are null or numbers,
pay that is no pay, and locations that are qualifiers or long lists. Each record either maps
safely or is rejected with a reason; the rest of its payload is never lost."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest

from jobingest.extract.location import parse_location, workplace_from_text
from jobingest.extract.salary import extract_salary
from jobingest.models import PayPeriod, Posting, Workplace
from jobingest.parse import ParsedPayload, parse_payload
from jobingest.sources import get_connector
from jobingest.sources.base import RecordContext
from jobingest.sources.fields import board_band, currency_code
from tests.conftest import FIXTURES

ON = date(2026, 11, 2)

# kind -> (fixture, key of the job list or None for a top-level list, title key, description keys)
BOARDS: dict[str, tuple[str, str | None, str, tuple[str, ...]]] = {
    "greenhouse": ("greenhouse/edge_cases.json", "jobs", "title", ("content",)),
    "lever": ("lever/kestrel-freight_skip0_limit4.json", None, "text",
              ("descriptionPlain", "description", "lists", "additionalPlain", "additional")),
    "ashby": ("ashby/harborlight.json", "jobs", "title", ("descriptionPlain", "descriptionHtml")),
    "workable": ("workable/lumos-learning.json", "jobs", "title",
                 ("description", "requirements", "benefits")),
    "smartrecruiters": ("smartrecruiters/nordlicht_offset0_limit4.json", "content", "name", ()),
    "recruitee": ("recruitee/vandermolen.json", "offers", "title", ("description", "requirements")),
    "remoteok": ("remoteok/api.json", None, "position", ("description",)),
    "remotive": ("remotive/remote-jobs.json", "jobs", "title", ("description",)),
    "arbeitnow": ("arbeitnow/page1.json", "data", "title", ("description",)),
}  # fmt: skip


def _ctx(kind: str) -> RecordContext:
    return RecordContext(source=kind, board="bad-input", fetched_on=ON, company="Acme")


def _jobs(document: Any, key: str | None) -> list[dict[str, Any]]:
    jobs = document if key is None else document[key]
    return [job for job in jobs if isinstance(job, dict) and not job.get("legal")]


def _with_first_job(kind: str, **changes: object) -> tuple[bytes, int]:
    """The kind's fixture payload with its first job changed; and how many jobs it lists."""
    name, key, _, _ = BOARDS[kind]
    document = json.loads((FIXTURES / name).read_text(encoding="utf-8-sig"))
    jobs = _jobs(document, key)
    first = jobs[0]
    for field, value in changes.items():
        first[field] = copy.deepcopy(value)
    return json.dumps(document).encode(), len(jobs)


def _parse(kind: str, payload: bytes) -> ParsedPayload:
    return parse_payload(get_connector(kind), payload, url="file:///fixture.json", ctx=_ctx(kind))


def _clean_fixture(kind: str) -> ParsedPayload:
    payload, _ = _with_first_job(kind)
    return _parse(kind, payload)


@pytest.mark.parametrize("kind", sorted(BOARDS))
@pytest.mark.parametrize("title", [None, 42, 4.5, "", "   ", [], {}, "12345", "#"])
def test_a_title_that_names_no_job_is_rejected_with_a_reason(kind: str, title: object) -> None:
    clean = _clean_fixture(kind)
    payload, _ = _with_first_job(kind, **{BOARDS[kind][2]: title})
    parsed = _parse(kind, payload)
    assert len(parsed.postings) == len(clean.postings) - 1, "only the bad record is dropped"
    assert len(parsed.rejected) == len(clean.rejected) + 1
    (rejected,) = [r for r in parsed.rejected if r not in clean.rejected]
    assert rejected.stage == "map"
    assert "title" in rejected.reason.lower()
    assert rejected.excerpt, "the quarantine row shows what was rejected"


@pytest.mark.parametrize("kind", sorted(k for k in BOARDS if BOARDS[k][3]))
@pytest.mark.parametrize("description", [None, 42, 4.5, [], {}, {"html": "<p>x</p>"}, True])
def test_a_null_or_numeric_description_keeps_the_posting(kind: str, description: object) -> None:
    clean = _clean_fixture(kind)
    fields = dict.fromkeys(BOARDS[kind][3], description)
    payload, _ = _with_first_job(kind, **fields)
    parsed = _parse(kind, payload)
    assert len(parsed.postings) == len(clean.postings)
    changed = parsed.postings[0]
    assert changed.source_id == clean.postings[0].source_id
    text = changed.description_text
    # A number may stay as its text; a container or a null never becomes "None" or "{...}".
    assert text is None or set(text.split("\n\n")) <= {"42", "4.5"}, text
    html = changed.description_html
    assert html is None or not html.startswith(("None", "{", "[", "True")), html


# pay -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Salary: Competitive",
        "Competitive salary and benefits, DOE",
        "Salary: $0",
        "$0 - $0 per year",
        "Salary: €0",
        "Salary: 1000000000",
        "Salary: $1,000,000,000 per year",
        "Salary: USD -5",
    ],
)
def test_pay_text_that_is_no_pay_gives_no_band(text: str) -> None:
    assert extract_salary(text, on=ON) is None


def test_pay_text_written_high_to_low_is_put_in_order() -> None:
    salary = extract_salary("Salary: $150,000 - $120,000 per year", on=ON)
    assert salary is not None and (salary.min, salary.max) == (120_000, 150_000)


@pytest.mark.parametrize("text", ["Salary: -$50,000 per year", "Salary: -50000 - -40000 USD"])
def test_a_minus_sign_never_stores_a_negative_amount(text: str) -> None:
    salary = extract_salary(text, on=ON)
    if salary is not None:  # a leading "-" is as often a bullet as a sign
        amounts = [salary.min, salary.max, salary.annual_min, salary.annual_max]
        assert all(a is None or a > 0 for a in amounts)


def test_pay_text_in_an_unknown_currency_has_no_currency_and_no_usd() -> None:
    salary = extract_salary("Salary: 50,000 - 70,000 XYZ per year", on=ON)
    assert salary is not None
    assert salary.currency is None and salary.annual_min_usd is None


@pytest.mark.parametrize(
    ("low", "high", "currency"),
    [
        (0, 0, "USD"),
        (-50_000, -40_000, "USD"),
        (1_000_000_000, 1_000_000_000, "USD"),
        (1_000_000_000, None, "EUR"),
        (float("inf"), None, "USD"),
        (float("nan"), float("nan"), "USD"),
        (5e10, None, None),
    ],
)
def test_structured_pay_nobody_is_offered_gives_no_band(
    low: float | None, high: float | None, currency: str | None
) -> None:
    band = board_band(low, high, currency=currency, period=None, raw="x", ctx=_ctx("x"),
                      posted_at=None)  # fmt: skip
    assert band is None


def test_structured_pay_in_reverse_order_and_in_an_unconvertible_currency_is_kept() -> None:
    reversed_band = board_band(150_000, 120_000, currency="USD", period=PayPeriod.year, raw="x",
                               ctx=_ctx("x"), posted_at=None)  # fmt: skip
    assert reversed_band is not None and (reversed_band.min, reversed_band.max) == (120e3, 150e3)
    # Dong and rupiah salaries run to 1e9 a year; no ECB rate, so magnitude alone cannot judge.
    big = board_band(1e9, None, currency="VND", period=PayPeriod.year, raw="x", ctx=_ctx("x"),
                     posted_at=None)  # fmt: skip
    assert big is not None and big.annual_min_usd is None


@pytest.mark.parametrize("code", ["XYZ", "BTC", "xxx", "US$", "", None, 840])
def test_unknown_currency_codes_are_unknown(code: object) -> None:
    assert currency_code(code) is None
    assert currency_code(" eur ") == "EUR"


def _greenhouse_with_pay(**pay: object) -> Posting | None:
    payload, _ = _with_first_job("greenhouse", pay_input_ranges=[pay], content="<p>Build.</p>")
    parsed = _parse("greenhouse", payload)
    return parsed.postings[0] if parsed.postings else None


@pytest.mark.parametrize(
    "pay",
    [
        {"min_cents": 0, "max_cents": 0, "currency_type": "USD"},
        {"min_cents": -5_000_000, "max_cents": -4_000_000, "currency_type": "USD"},
        {"min_cents": 100_000_000_000, "max_cents": 100_000_000_000, "currency_type": "USD"},
        {"min_cents": 5_000_000, "max_cents": 7_000_000, "currency_type": "XYZ"},
        {"min_cents": "Competitive", "max_cents": None, "currency_type": "USD"},
        {"min_cents": 1e999, "max_cents": None, "currency_type": "USD"},
    ],
)
def test_a_board_pay_field_that_is_no_pay_leaves_the_posting_without_a_band(
    pay: dict[str, object],
) -> None:
    posting = _greenhouse_with_pay(**pay, title="Annual salary")
    assert posting is not None, "bad pay never costs the posting"
    assert posting.salary is None


def test_a_board_band_with_min_over_max_is_put_in_order() -> None:
    posting = _greenhouse_with_pay(
        min_cents=15_000_000, max_cents=12_000_000, currency_type="USD", title="Annual salary"
    )
    assert posting is not None and posting.salary is not None
    assert (posting.salary.min, posting.salary.max) == (120_000, 150_000)


def _jsonld_salary(base_salary: object, currency: str | None = "USD") -> Posting:
    node: dict[str, object] = {"@type": "JobPosting", "title": "Data Analyst", "identifier": "S",
                               "baseSalary": base_salary}  # fmt: skip
    if currency:
        node["salaryCurrency"] = currency
    page = f'<html><script type="application/ld+json">{json.dumps(node)}</script></html>'
    parsed = _parse_page(page.encode())
    (posting,) = parsed.postings
    return posting


def _parse_page(body: bytes) -> ParsedPayload:
    return parse_payload(
        get_connector("jsonld"), body, url="https://careers.example/jobs/1", ctx=_ctx("jsonld")
    )


@pytest.mark.parametrize(
    "base",
    ["Competitive", 0, "$0", -60_000, 1_000_000_000, "1000000000",
     {"@type": "MonetaryAmount", "currency": "XYZ",
      "value": {"@type": "QuantitativeValue", "minValue": 5e4, "maxValue": 6e4}}],
)  # fmt: skip
def test_json_ld_pay_that_is_no_pay_gives_no_band_in_a_known_currency(base: object) -> None:
    salary = _jsonld_salary(base, currency=None if isinstance(base, dict) else "USD").salary
    assert salary is None or salary.currency is None, salary


# locations -----------------------------------------------------------------------------------
def test_remote_us_only_is_remote_in_the_us() -> None:
    found = parse_location("Remote (US only)")
    assert found.workplace is Workplace.remote
    assert [p.country for p in found.places] == ["US"]


def test_anywhere_is_remote_and_names_no_country() -> None:
    found = parse_location("Anywhere")
    assert found.workplace is Workplace.remote
    assert all(p.country is None for p in found.places)
    assert workplace_from_text("Anywhere") is Workplace.remote


THIRTY_CITIES = [
    ("Berlin", "DE"), ("Munich", "DE"), ("Hamburg", "DE"), ("Paris", "FR"), ("Lyon", "FR"),
    ("London", "GB"), ("Manchester", "GB"), ("Dublin", "IE"), ("Madrid", "ES"),
    ("Barcelona", "ES"), ("Lisbon", "PT"), ("Rome", "IT"), ("Milan", "IT"), ("Vienna", "AT"),
    ("Zurich", "CH"), ("Amsterdam", "NL"), ("Brussels", "BE"), ("Copenhagen", "DK"),
    ("Stockholm", "SE"), ("Oslo", "NO"), ("Helsinki", "FI"), ("Warsaw", "PL"), ("Prague", "CZ"),
    ("Budapest", "HU"), ("Toronto", "CA"), ("Vancouver", "CA"), ("Sydney", "AU"),
    ("Tokyo", "JP"), ("Seoul", "KR"), ("Austin", "US"),
]  # fmt: skip


def test_thirty_locations_on_a_board_are_thirty_places() -> None:
    cities = [{"name": city} for city, _ in THIRTY_CITIES]
    location = {"name": "; ".join(f"{city}, {code}" for city, code in THIRTY_CITIES)}
    payload, _ = _with_first_job("greenhouse", location=location, offices=cities)
    (posting, *_) = _parse("greenhouse", payload).postings
    assert [p.country for p in posting.locations] == [code for _, code in THIRTY_CITIES]


def test_thirty_json_ld_job_locations_are_thirty_places() -> None:
    places = [{"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": city,
               "addressCountry": code}} for city, code in THIRTY_CITIES]  # fmt: skip
    node = {"@type": "JobPosting", "title": "Field Engineer", "identifier": "F-30",
            "jobLocation": places}  # fmt: skip
    page = f'<html><script type="application/ld+json">{json.dumps(node)}</script></html>'
    (posting,) = _parse_page(page.encode()).postings
    assert [(p.city, p.country) for p in posting.locations] == THIRTY_CITIES


@pytest.mark.parametrize(
    ("location", "workplace", "countries"),
    [("Remote (US only)", Workplace.remote, ["US"]), ("Anywhere", Workplace.remote, [])],
)
def test_qualifier_locations_on_a_board(
    location: str, workplace: Workplace, countries: list[str]
) -> None:
    payload, _ = _with_first_job("greenhouse", location={"name": location}, offices=[])
    (posting, *_) = _parse("greenhouse", payload).postings
    assert posting.workplace is workplace
    assert [p.country for p in posting.locations if p.country] == countries
