"""Remotive API payloads (written in the API's documented shape) to postings."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from jobingest import pipeline
from jobingest.errors import ConfigError, ParseError, RecordError
from jobingest.models import (
    EmploymentType,
    PayPeriod,
    Posting,
    SalaryOrigin,
    SourceConfig,
    Workplace,
)
from jobingest.parse import parse_payload
from jobingest.settings import Settings
from jobingest.sources import get_connector
from jobingest.sources.base import RecordContext
from jobingest.warehouse.db import get_engine
from tests.conftest import FIXTURES
from tests.fakeboards import FakeBoards

REMOTIVE = get_connector("remotive")
JOBS_JSON = (FIXTURES / "remotive" / "remote-jobs.json").read_bytes()
URL = "https://remotive.com/api/remote-jobs"


def _ctx() -> RecordContext:
    return RecordContext(source="remotive", board="remotive", fetched_on=date(2026, 11, 5))


def _mapped() -> dict[str, Posting]:
    """The connector's own mapping (before any text enrichment), by source id."""
    postings: dict[str, Posting] = {}
    for record in REMOTIVE.parse(JOBS_JSON, url=URL).records:
        try:
            posting = REMOTIVE.to_posting(record, _ctx())
        except (RecordError, ValueError):
            continue
        postings[posting.source_id] = posting
    return postings


def test_the_fixture_really_starts_with_a_byte_order_mark() -> None:
    assert JOBS_JSON.startswith(b"\xef\xbb\xbf")


def test_jobs_become_postings_in_payload_order_despite_the_bom() -> None:
    jobs = json.loads(JOBS_JSON.decode("utf-8-sig"))["jobs"]
    parsed = parse_payload(REMOTIVE, JOBS_JSON, url=URL, ctx=_ctx())
    assert parsed.records == len(jobs) == 11
    assert [p.source_id for p in parsed.postings] == [
        str(j["id"]) for j in jobs if j.get("id") and j.get("title")
    ]
    reasons = {r.source_id: r.reason for r in parsed.rejected}
    assert "title" in reasons["2140241"]
    assert "`id`" in reasons[None]


def test_core_fields_map_from_the_job_object() -> None:
    posting = _mapped()["2140331"]
    assert posting.title == "Senior Python Engineer"
    assert posting.company == "Larchmont Data"
    assert (
        posting.url
        == "https://remotive.com/remote-jobs/software-dev/senior-python-engineer-2140331"
    )
    assert posting.posted_at == datetime(2026, 11, 4, 14, 31, 7, tzinfo=UTC)
    assert "Improve our import pipelines" in (posting.description_text or "")
    assert "<li>" not in (posting.description_text or "")
    assert _mapped()["2140263"].title == "Sales & Partnerships Lead"


def test_every_posting_is_remote_because_the_board_is_remote_only() -> None:
    assert {p.workplace for p in _mapped().values()} == {Workplace.remote}


@pytest.mark.parametrize(
    ("job_id", "expected"),
    [
        ("2140331", EmploymentType.full_time),
        ("2140318", EmploymentType.freelance),
        ("2140302", EmploymentType.internship),
        ("2140297", EmploymentType.contract),
        ("2140288", EmploymentType.part_time),
        ("2140276", None),  # "other" states nothing
        ("2140263", None),  # empty job_type
    ],
)
def test_job_type_maps_to_employment_type(job_id: str, expected: EmploymentType | None) -> None:
    assert _mapped()[job_id].employment_type is expected


@pytest.mark.parametrize(
    ("job_id", "countries", "raws"),
    [
        ("2140331", ["US"], ["USA"]),
        ("2140327", ["US", "CA"], ["USA", "Canada"]),
        ("2140318", [None], ["Worldwide"]),
        ("2140288", ["GB"], ["UK"]),
        ("2140297", [None, None, "IL"], ["Americas", "Europe", "Israel"]),
        ("2140263", ["US", None], ["USA", "CST (UTC-6)"]),
    ],
)
def test_candidate_regions_are_alternatives_with_countries_where_they_are_countries(
    job_id: str, countries: list[str | None], raws: list[str]
) -> None:
    places = _mapped()[job_id].locations
    assert [p.country for p in places] == countries
    assert [p.raw for p in places] == raws
    assert all(p.city is None for p in places), "a region list names no city"


@pytest.mark.parametrize(
    ("job_id", "band"),
    [
        ("2140331", (140_000, 170_000, "USD", PayPeriod.year)),  # "$140,000 - $170,000"
        ("2140318", (40, 60, "USD", PayPeriod.hour)),  # "$40 - $60 /hour"
        ("2140288", (18, 22, "GBP", PayPeriod.hour)),  # "£18 - £22 per hour"
        ("2140297", (5_000, 7_000, "USD", PayPeriod.month)),  # "$5k - $7k/month"
    ],
)
def test_the_salary_text_field_becomes_a_band_read_from_text(
    job_id: str, band: tuple[float, float, str, PayPeriod]
) -> None:
    salary = _mapped()[job_id].salary
    assert salary is not None
    assert (salary.min, salary.max, salary.currency, salary.period) == band
    assert salary.origin is SalaryOrigin.text


def test_the_candidate_region_does_not_decide_the_currency_of_a_bare_dollar() -> None:
    record = {"id": 1, "title": "Backend Engineer", "candidate_required_location": "Mexico",
              "salary": "$80k - $100k", "publication_date": "2026-10-01T00:00:00"}  # fmt: skip
    salary = REMOTIVE.to_posting(record, _ctx()).salary
    assert salary is not None and salary.currency == "USD"
    brazil = _mapped()["2140276"].salary  # "R$ 4.000 - R$ 6.000" names its currency
    assert brazil is not None and (brazil.min, brazil.max, brazil.currency) == (4_000, 6_000, "BRL")


def test_an_empty_salary_field_gives_no_band() -> None:
    postings = _mapped()
    assert [postings[i].salary for i in ("2140327", "2140302", "2140250")] == [None] * 3


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"<html><head><title>502 Bad Gateway</title></head></html>", "HTML"),
        (b'\xef\xbb\xbf{"jobs": [', "invalid JSON"),
        (b'{"job-count": 0}', "no `jobs` list"),
    ],
)
def test_a_payload_that_is_not_the_api_raises_a_parse_error(body: bytes, fragment: str) -> None:
    with pytest.raises(ParseError, match=fragment):
        REMOTIVE.parse(body, url=URL)


def test_category_option_selects_the_category_feed_on_the_same_board() -> None:
    plain = SourceConfig(name="remotive", kind="remotive")
    assert REMOTIVE.start_url(plain) == "https://remotive.com/api/remote-jobs"
    devs = SourceConfig(name="devs", kind="remotive", options={"category": "software-dev"})
    assert REMOTIVE.start_url(devs) == "https://remotive.com/api/remote-jobs?category=software-dev"
    assert REMOTIVE.board_of(devs) == REMOTIVE.board_of(plain) == "remotive"
    with pytest.raises(ConfigError, match="category"):
        REMOTIVE.board_of(SourceConfig(name="bad", kind="remotive", options={"category": 7}))


def test_over_the_socket_the_postings_land_in_the_warehouse(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    url = boards.publish("/api/remote-jobs", JOBS_JSON)
    sources = tmp_path / "sources.yaml"
    sources.write_text(json.dumps({"sources": [{"name": "rmt", "kind": "remotive", "url": url}]}))
    report = pipeline.run_once(settings, sources)
    (source,) = report.sources
    assert source.status == "ok"
    assert (source.parsed, source.new, source.quarantined) == (9, 9, 2)
    with get_engine(settings.database_url.get_secret_value()).connect() as connection:
        rows = dict(
            connection.execute(
                text(
                    "SELECT ps.source_id, p.employment_type FROM posting p "
                    "JOIN posting_source ps ON ps.posting_id = p.id WHERE ps.source = 'remotive'"
                )
            ).all()
        )
    assert len(rows) == 9
    assert rows["2140318"] == "freelance"
