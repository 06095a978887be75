"""Lever Postings API payloads (written in the API's documented shape) to postings."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from jobingest import pipeline
from jobingest.errors import ConfigError, ParseError, RecordError
from jobingest.models import EmploymentType, PayPeriod, Posting, SourceConfig, Workplace
from jobingest.parse import parse_payload
from jobingest.settings import Settings
from jobingest.sources import get_connector
from jobingest.sources.base import RecordContext
from jobingest.warehouse.db import get_engine
from tests.conftest import FIXTURES
from tests.fakeboards import FakeBoards

LEVER = get_connector("lever")
PAGE_1 = (FIXTURES / "lever" / "kestrel-freight_skip0_limit4.json").read_bytes()
PAGE_2 = (FIXTURES / "lever" / "kestrel-freight_skip4_limit4.json").read_bytes()
EDGE = (FIXTURES / "lever" / "edge_cases.json").read_bytes()
API = "https://api.lever.co/v0/postings/kestrel-freight?mode=json"
FETCHED_ON = date(2026, 11, 2)


def _ctx() -> RecordContext:
    return RecordContext(
        source="lever", board="kestrel-freight", fetched_on=FETCHED_ON, company="Kestrel Freight"
    )


def _mapped(*payloads: bytes) -> dict[str, Posting]:
    """The connector's own mapping (before any text enrichment), by source id."""
    postings: dict[str, Posting] = {}
    for payload in payloads:
        for record in LEVER.parse(payload, url=API).records:
            try:
                posting = LEVER.to_posting(record, _ctx())
            except (RecordError, ValueError):
                continue
            postings[posting.source_id] = posting
    return postings


def _board() -> dict[str, Posting]:
    return _mapped(PAGE_1, PAGE_2)


def _id(title_start: str) -> str:
    for payload in (PAGE_1, PAGE_2, EDGE):
        for item in json.loads(payload):
            if str(item.get("text", "")).startswith(title_start):
                return str(item["id"])
    raise AssertionError(f"no fixture posting titled {title_start!r}")


# paging -------------------------------------------------------------------------------------


def test_a_full_page_is_followed_with_skip_advanced_by_limit() -> None:
    url = "https://api.lever.co/v0/postings/kestrel-freight?mode=json&skip=0&limit=4"
    page = LEVER.parse(PAGE_1, url=url)
    assert len(page.records) == 4
    assert page.follow == [
        "https://api.lever.co/v0/postings/kestrel-freight?mode=json&skip=4&limit=4"
    ]


def test_a_short_page_is_the_last_one() -> None:
    url = "https://api.lever.co/v0/postings/kestrel-freight?mode=json&skip=4&limit=4"
    page = LEVER.parse(PAGE_2, url=url)
    assert len(page.records) == 3
    assert page.follow == []


def test_the_next_page_stays_on_the_host_that_served_this_one() -> None:
    url = "http://127.0.0.1:8765/v0/postings/kestrel-freight?mode=json&skip=8&limit=4"
    assert LEVER.parse(PAGE_1, url=url).follow == [
        "http://127.0.0.1:8765/v0/postings/kestrel-freight?mode=json&skip=12&limit=4"
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://api.lever.co/v0/postings/kestrel-freight?mode=json",  # whole site in one answer
        "file:///data/lever/kestrel.json?skip=0&limit=4",  # a saved payload is one page
    ],
)
def test_no_page_is_followed_without_a_limit_or_from_a_saved_payload(url: str) -> None:
    assert LEVER.parse(PAGE_1, url=url).follow == []


def test_the_start_url_asks_for_the_first_page_of_100() -> None:
    entry = SourceConfig(name="k", kind="lever", site="kestrel-freight")
    assert LEVER.start_url(entry) == (
        "https://api.lever.co/v0/postings/kestrel-freight?mode=json&skip=0&limit=100"
    )
    eu = SourceConfig(name="b", kind="lever", site="brightwater", options={"region": "eu"})
    assert LEVER.start_url(eu) == (
        "https://api.eu.lever.co/v0/postings/brightwater?mode=json&skip=0&limit=100"
    )


def test_the_site_comes_from_the_entry_or_its_url_and_a_bad_region_is_refused() -> None:
    by_url = SourceConfig(
        name="x", kind="lever", url="https://api.eu.lever.co/v0/postings/brightwater?mode=json"
    )
    assert LEVER.board_of(by_url) == "brightwater"
    with pytest.raises(ConfigError, match="site"):
        LEVER.board_of(SourceConfig(name="y", kind="lever"))
    with pytest.raises(ConfigError, match=r"region must be one of global, eu, not 'us'"):
        LEVER.board_of(SourceConfig(name="z", kind="lever", site="a", options={"region": "us"}))


# mapping ------------------------------------------------------------------------------------


def test_every_posting_becomes_a_posting_in_payload_order() -> None:
    parsed = parse_payload(LEVER, PAGE_1, url=API, ctx=_ctx())
    assert parsed.rejected == []
    assert [p.source_id for p in parsed.postings] == [item["id"] for item in json.loads(PAGE_1)]
    first = parsed.postings[0]
    assert first.title == "Senior Backend Engineer, Routing"
    assert first.url == f"https://jobs.lever.co/kestrel-freight/{first.source_id}"
    assert first.company == "Kestrel Freight"  # Lever names no company: the entry's name
    assert all(p.fingerprint for p in parsed.postings)


def test_created_at_milliseconds_become_the_posted_date() -> None:
    posting = _board()[_id("Senior Backend Engineer")]
    assert posting.posted_at == datetime(2026, 8, 28, 16, 5, 11, tzinfo=UTC)


@pytest.mark.parametrize(
    ("title", "period", "currency", "band", "annual"),
    [
        ("Senior Backend", PayPeriod.year, "USD", (165_000, 205_000), (165_000, 205_000)),
        ("Warehouse Operations", PayPeriod.hour, "USD", (21, 25), (21 * 2080, 25 * 2080)),
        ("Customer Support", PayPeriod.month, "EUR", (3_400, 3_900), (3_400 * 12, 3_900 * 12)),
        ("Freight Operations Intern", PayPeriod.week, "USD", (900, 1_000), (900 * 52, 1_000 * 52)),
        ("Technical Writer", PayPeriod.day, "GBP", (450, 550), (450 * 260, 550 * 260)),
    ],
)
def test_salary_range_interval_names_the_period(
    title: str,
    period: PayPeriod,
    currency: str,
    band: tuple[float, float],
    annual: tuple[float, float],
) -> None:
    salary = _board()[_id(title)].salary
    assert salary is not None
    assert (salary.min, salary.max, salary.currency, salary.period) == (*band, currency, period)
    assert (salary.annual_min, salary.annual_max) == annual
    assert salary.origin.value == "structured"
    assert salary.annual_min_usd is not None and salary.fx_rate_date is not None


def test_a_posting_without_a_salary_range_has_no_salary() -> None:
    assert _board()[_id("Staff Site Reliability")].salary is None


def test_an_unknown_interval_states_no_period() -> None:
    salary = _mapped(EDGE)[_id("Sign-on Bonus")].salary
    assert salary is not None and (salary.min, salary.max) == (5_000, 8_000)
    assert salary.period is None and salary.annual_min is None and salary.annual_min_usd is None


def test_a_posting_without_a_date_converts_pay_at_the_fetch_date() -> None:
    posting = _mapped(EDGE)[_id("Account Executive, DACH")]
    assert posting.posted_at is None
    assert posting.salary is not None and posting.salary.fx_rate_date is not None
    rate_day = date.fromisoformat(posting.salary.fx_rate_date)
    assert rate_day <= FETCHED_ON and (FETCHED_ON - rate_day).days < 10


def test_zero_amounts_or_a_missing_currency_are_no_band() -> None:
    edge = _mapped(EDGE)
    assert edge[_id("Solutions Engineer")].salary is None  # min 0, max 0
    assert edge[_id("Dock Supervisor")].salary is None  # currency null


@pytest.mark.parametrize(
    ("title", "workplace"),
    [
        ("Senior Backend", Workplace.hybrid),
        ("Warehouse Operations", Workplace.onsite),  # "on-site"
        ("Customer Support", Workplace.onsite),  # "onsite"
        ("Staff Site Reliability", Workplace.remote),
        ("Technical Writer", None),  # "unspecified"
    ],
)
def test_workplace_type_maps_to_the_workplace(title: str, workplace: Workplace | None) -> None:
    assert _board()[_id(title)].workplace is workplace


def test_without_a_workplace_type_the_location_text_may_state_it() -> None:
    edge = _mapped(EDGE)
    assert edge[_id("Solutions Engineer")].workplace is Workplace.remote  # "Remote (EMEA)"
    assert edge[_id("Dock Supervisor")].workplace is Workplace.onsite  # "ON-SITE"


def test_all_locations_become_several_places() -> None:
    posting = _board()[_id("Senior Backend")]
    assert [(p.city, p.region, p.country) for p in posting.locations] == [
        ("San Francisco", "CA", "US"),
        ("Seattle", "WA", "US"),
    ]


def test_the_country_code_completes_the_primary_location_only() -> None:
    board = _board()
    toronto = board[_id("Data Analyst")].locations
    assert [(p.city, p.country, p.raw) for p in toronto] == [("Toronto", "CA", "Toronto")]
    assert [(p.city, p.country) for p in board[_id("Warehouse")].locations] == [("Reno", "US")]
    writer = board[_id("Technical Writer")].locations
    assert (writer[0].raw, writer[0].country) == ("London", "GB")
    assert writer[1].raw == "Dublin"
    assert writer[1].country != "GB", "Lever's `country` is the primary location's, not Dublin's"


def test_an_invalid_country_code_is_ignored() -> None:
    assert _mapped(EDGE)[_id("Dock Supervisor")].locations == []  # "ZZ", no location text


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Senior Backend", EmploymentType.full_time),
        ("Warehouse Operations", EmploymentType.part_time),
        ("Freight Operations Intern", EmploymentType.internship),
        ("Technical Writer", EmploymentType.contract),
    ],
)
def test_commitment_is_the_employment_type(title: str, kind: EmploymentType) -> None:
    assert _board()[_id(title)].employment_type is kind


def test_description_is_body_then_each_list_under_its_heading_then_the_closing() -> None:
    description = _board()[_id("Senior Backend")].description_text or ""
    body = description.index("The Routing team decides")
    heading = description.index("What you'll bring")
    item = description.index("Fluency in Go, Java or Kotlin")
    closing = description.index("equal opportunity employer")
    assert body < heading < item < closing
    assert "<li>" not in description and "<div>" not in description


def test_without_plain_text_the_html_description_is_cleaned() -> None:
    description = _mapped(EDGE)[_id("Solutions Engineer")].description_text
    assert description == "Help prospects integrate."  # <script> dropped


# rejects and bad payloads -------------------------------------------------------------------


def test_postings_without_id_or_title_are_rejected_with_reasons() -> None:
    parsed = parse_payload(LEVER, EDGE, url=API, ctx=_ctx())
    assert parsed.records == 6
    assert len(parsed.postings) == 4
    reasons = {r.source_id: r.reason for r in parsed.rejected}
    assert "`id`" in reasons[None]
    assert "title" in reasons["11111111-2222-4333-8444-555555555555"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"<!DOCTYPE html><html><body>Bad gateway</body></html>", "HTML"),
        ((FIXTURES / "lever" / "site_not_found.json").read_bytes(), "Document not found"),
        (b'{"postings": []}', "expected a JSON list"),
        (b"[{", "invalid JSON"),
        (b"", "empty body"),
    ],
)
def test_a_payload_that_is_not_a_postings_list_raises_a_parse_error(
    body: bytes, fragment: str
) -> None:
    with pytest.raises(ParseError, match=fragment):
        LEVER.parse(body, url=API)


# over the socket ----------------------------------------------------------------------------


def test_both_pages_are_fetched_and_loaded(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    path = "/v0/postings/kestrel-freight"
    # The fake server matches the query too, so each skip gets its own page.
    first = boards.publish(path, PAGE_1, query="mode=json&skip=0&limit=4")
    boards.publish(path, PAGE_2, query="mode=json&skip=4&limit=4")
    sources = tmp_path / "sources.yaml"
    entry = {"name": "kestrel", "kind": "lever", "site": "kestrel-freight", "url": first}
    sources.write_text(json.dumps({"sources": [entry]}))

    report = pipeline.run_once(settings, sources)

    (source,) = report.sources
    assert report.status == "completed", source.reason
    assert (source.pages, source.new, source.quarantined) == (2, 7, 0)
    assert len(boards.seen(path)) == 2
    with get_engine(settings.database_url.get_secret_value()).connect() as connection:
        ids = set(connection.execute(text("SELECT source_id FROM posting_source")).scalars())
        usd = connection.execute(
            text("SELECT salary_annual_max_usd FROM posting WHERE title LIKE 'Technical Writer%'")
        ).scalar_one()
    assert ids == {item["id"] for item in json.loads(PAGE_1) + json.loads(PAGE_2)}
    assert usd is not None and usd > 550 * 260  # GBP a day, annualised, in USD
