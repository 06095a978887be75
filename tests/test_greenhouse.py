"""Greenhouse payloads (written in the public API's documented shape) to postings."""

from __future__ import annotations

import json
from datetime import date

import pytest

from jobingest.errors import ParseError
from jobingest.models import EmploymentType, PayPeriod, SalaryOrigin, Workplace
from jobingest.parse import parse_payload
from jobingest.sources import get_connector
from jobingest.sources.base import RecordContext
from tests.conftest import EXAMPLES, FIXTURES

GREENHOUSE = get_connector("greenhouse")


def _ctx(board: str = "board") -> RecordContext:
    return RecordContext(source="greenhouse", board=board, fetched_on=date(2026, 11, 2))


def _parse(payload: bytes, board: str = "board"):  # type: ignore[no-untyped-def]
    return parse_payload(GREENHOUSE, payload, url="file:///x.json", ctx=_ctx(board))


def _by_title(postings, fragment: str):  # type: ignore[no-untyped-def]
    matches = [p for p in postings if fragment in p.title]
    assert len(matches) == 1, f"expected one posting titled like {fragment!r}"
    return matches[0]


@pytest.mark.parametrize(
    "name", ["greenhouse_northwind-analytics.json", "greenhouse_lumen-health.json"]
)
def test_every_job_becomes_a_posting_in_payload_order(name: str) -> None:
    payload = (EXAMPLES / "payloads" / name).read_bytes()
    jobs = json.loads(payload)["jobs"]
    parsed = _parse(payload)
    assert parsed.rejected == []
    assert [p.source_id for p in parsed.postings] == [str(job["id"]) for job in jobs]
    assert all(p.url and p.url.startswith("https://") for p in parsed.postings)
    assert all(p.fingerprint and len(p.fingerprint) == 40 for p in parsed.postings)


def test_descriptions_are_unescaped_clean_text() -> None:
    payload = (EXAMPLES / "payloads" / "greenhouse_northwind-analytics.json").read_bytes()
    for posting in _parse(payload).postings:
        text = posting.description_text or ""
        assert text, f"{posting.title} lost its description"
        assert "&lt;" not in text and "<p>" not in text and "&amp;" not in text


def test_structured_pay_range_becomes_an_annual_usd_band() -> None:
    payload = (EXAMPLES / "payloads" / "greenhouse_northwind-analytics.json").read_bytes()
    posting = _by_title(_parse(payload).postings, "Senior Data Engineer")
    salary = posting.salary
    assert salary is not None
    assert (salary.min, salary.max, salary.currency) == (150_000, 190_000, "USD")
    assert salary.period is PayPeriod.year  # "Base salary range": the magnitude is unambiguous
    assert (salary.annual_min_usd, salary.annual_max_usd) == (150_000, 190_000)
    assert salary.origin is SalaryOrigin.structured


def test_first_zone_is_the_primary_band_when_a_job_has_several() -> None:
    payload = (EXAMPLES / "payloads" / "greenhouse_northwind-analytics.json").read_bytes()
    job = next(j for j in json.loads(payload)["jobs"] if len(j.get("pay_input_ranges") or []) > 1)
    first = job["pay_input_ranges"][0]
    posting = _by_title(_parse(payload).postings, job["title"])
    assert posting.salary is not None
    assert posting.salary.min == first["min_cents"] / 100
    assert posting.salary.max == first["max_cents"] / 100
    assert posting.salary.currency == first["currency_type"]


def test_hourly_range_is_annualised_with_2080_hours() -> None:
    payload = (EXAMPLES / "payloads" / "greenhouse_northwind-analytics.json").read_bytes()
    posting = _by_title(_parse(payload).postings, "Intern")
    assert posting.salary is not None
    assert posting.salary.period is PayPeriod.hour
    assert posting.salary.annual_min == posting.salary.min * 2080  # type: ignore[operator]
    assert posting.employment_type is EmploymentType.internship


def test_foreign_currency_is_converted_at_a_dated_ecb_rate() -> None:
    payload = (EXAMPLES / "payloads" / "greenhouse_lumen-health.json").read_bytes()
    euro = [p for p in _parse(payload).postings if p.salary and p.salary.currency == "EUR"]
    assert euro
    for posting in euro:
        salary = posting.salary
        assert salary is not None and salary.period is not None
        assert salary.fx_rate_date is not None
        assert salary.annual_max_usd is not None and salary.annual_max is not None
        rate = salary.annual_max_usd / salary.annual_max
        assert 0.8 < rate < 1.5, "EUR→USD rate outside any rate seen since 2000"


def test_locations_and_workplace_from_the_location_field() -> None:
    payload = (EXAMPLES / "payloads" / "greenhouse_lumen-health.json").read_bytes()
    postings = _parse(payload).postings
    berlin = _by_title(postings, "Senior Backend Engineer")
    assert [(p.city, p.country) for p in berlin.locations] == [("Berlin", "DE")]
    assert berlin.locations[0].raw


def test_edge_cases_parse_without_crashing() -> None:
    payload = (FIXTURES / "greenhouse" / "edge_cases.json").read_bytes()
    parsed = _parse(payload)
    assert parsed.rejected == []
    director = _by_title(parsed.postings, "Director, Sales")
    assert director.title == "Director, Sales & Partnerships"  # entity undone, spaces trimmed
    reversed_band = next(p for p in parsed.postings if p.salary is not None)
    assert reversed_band.salary is not None
    assert reversed_band.salary.min is not None and reversed_band.salary.max is not None
    assert reversed_band.salary.min < reversed_band.salary.max
    no_currency = _by_title(parsed.postings, "Technical Recruiter")
    # The range has no currency, so it is not the band; the description states one in dollars.
    assert no_currency.salary is not None
    assert no_currency.salary.origin is SalaryOrigin.text
    assert (no_currency.salary.min, no_currency.salary.max) == (55, 70)
    assert no_currency.salary.currency == "USD"
    assert no_currency.salary.period is PayPeriod.hour
    assert no_currency.workplace is Workplace.remote


def test_empty_board_has_no_postings() -> None:
    parsed = _parse((FIXTURES / "greenhouse" / "empty_board.json").read_bytes())
    assert parsed.postings == [] and parsed.records == 0


def test_unusable_records_are_rejected_with_reasons_and_the_rest_kept() -> None:
    payload = json.dumps(
        {
            "jobs": [
                {"id": 1, "title": "Data Engineer", "location": {"name": "Berlin, Germany"}},
                {"id": 2, "title": None},
                {"title": "No id"},
                {"id": 4, "title": 12345},
                {"id": 5, "title": "Analyst", "location": {"name": "Paris, France"},
                 "pay_input_ranges": [{"min_cents": -5, "max_cents": 0, "currency_type": "EUR"}]},
            ],
            "meta": {"total": 5},
        }
    ).encode()  # fmt: skip
    parsed = _parse(payload)
    assert [p.source_id for p in parsed.postings] == ["1", "5"]
    assert parsed.postings[1].salary is None, "zero and negative amounts are not a band"
    reasons = {r.source_id: r.reason for r in parsed.rejected}
    assert "title" in reasons["2"]
    assert "no letters" in reasons["4"], "a numeric title names no job"
    assert "id" in reasons[None]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"<!DOCTYPE html><html><body>Service unavailable</body></html>", "HTML"),
        (b'{"jobs": [', "invalid JSON"),
        (b'{"error": "not found"}', "no `jobs` list"),
        (b"", "empty body"),
    ],
)
def test_a_payload_that_is_not_a_board_raises_a_parse_error(body: bytes, fragment: str) -> None:
    with pytest.raises(ParseError, match=fragment):
        _parse(body)


def test_board_token_comes_from_the_entry_or_its_url() -> None:
    from jobingest.models import SourceConfig

    entry = SourceConfig(name="x", kind="greenhouse", board="acme")
    assert GREENHOUSE.board_of(entry) == "acme"
    assert GREENHOUSE.start_url(entry) == (
        "https://boards-api.greenhouse.io/v1/boards/acme/jobs?content=true&pay_transparency=true"
    )
    by_url = SourceConfig(
        name="y", kind="greenhouse", url="https://boards-api.greenhouse.io/v1/boards/beta/jobs"
    )
    assert GREENHOUSE.board_of(by_url) == "beta"
