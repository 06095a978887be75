"""Ashby job posting API payloads (written in the API's documented shape) to postings."""

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

ASHBY = get_connector("ashby")
BOARD = (FIXTURES / "ashby" / "harborlight.json").read_bytes()
EDGE = (FIXTURES / "ashby" / "edge_cases.json").read_bytes()
API = "https://api.ashbyhq.com/posting-api/job-board/harborlight?includeCompensation=true"
FETCHED_ON = date(2026, 11, 2)


def _ctx() -> RecordContext:
    return RecordContext(
        source="ashby", board="harborlight", fetched_on=FETCHED_ON, company="Harborlight Health"
    )


def _mapped(payload: bytes = BOARD) -> dict[str, Posting]:
    """The connector's own mapping (before any text enrichment), by title."""
    postings: dict[str, Posting] = {}
    for record in ASHBY.parse(payload, url=API).records:
        try:
            posting = ASHBY.to_posting(record, _ctx())
        except (RecordError, ValueError):
            continue
        postings[posting.title] = posting
    return postings


def _jobs(payload: bytes = BOARD) -> list[dict[str, object]]:
    jobs: list[dict[str, object]] = json.loads(payload)["jobs"]
    return jobs


def test_listed_jobs_become_postings_in_payload_order_and_unlisted_ones_are_left_out() -> None:
    parsed = parse_payload(ASHBY, BOARD, url=API, ctx=_ctx())
    listed = [job["id"] for job in _jobs() if job["isListed"] is not False]
    assert len(listed) == len(_jobs()) - 1
    assert parsed.records == len(listed)
    assert parsed.rejected == [], "an unlisted job is not an error"
    assert [p.source_id for p in parsed.postings] == listed
    assert "Head of Finance" not in {p.title for p in parsed.postings}


def test_core_fields_come_from_the_job() -> None:
    posting = _mapped()["Senior Product Designer"]
    assert posting.source_id == "8d2f1c6a-3b4e-4a5f-9c8d-7e6f5a4b3c2d"
    assert posting.url == f"https://jobs.ashbyhq.com/harborlight/{posting.source_id}"
    assert posting.company == "Harborlight Health"
    assert posting.posted_at == datetime(2026, 9, 3, 14, 22, 5, 118000, tzinfo=UTC)
    assert "lead design for the booking" in (posting.description_text or "")


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Senior Product Designer", EmploymentType.full_time),
        ("Registered Nurse, Virtual Care (Part-Time)", EmploymentType.part_time),
        ("Summer Data Science Intern", EmploymentType.internship),
        ("Medical Content Writer (Contract)", EmploymentType.contract),
        ("Front Desk Associate (Temporary)", EmploymentType.temporary),
    ],
)
def test_employment_type_is_mapped(title: str, kind: EmploymentType) -> None:
    assert _mapped()[title].employment_type is kind


@pytest.mark.parametrize(
    ("title", "workplace"),
    [
        ("Senior Product Designer", Workplace.hybrid),
        ("Clinical Operations Coordinator", Workplace.onsite),
        ("Registered Nurse, Virtual Care (Part-Time)", Workplace.remote),
        ("Medical Content Writer (Contract)", Workplace.remote),  # no type, but isRemote: true
    ],
)
def test_workplace_type_or_the_remote_flag_gives_the_workplace(
    title: str, workplace: Workplace
) -> None:
    assert _mapped()[title].workplace is workplace


def test_an_unknown_workplace_type_and_employment_type_are_none() -> None:
    posting = _mapped(EDGE)["Mystery Contractor"]
    assert posting.workplace is None and posting.employment_type is None


def test_postal_address_and_secondary_locations_become_places() -> None:
    designer = _mapped()["Senior Product Designer"]
    assert [(p.city, p.region, p.country, p.raw) for p in designer.locations] == [
        ("New York", "New York", "US", "New York, NY"),
        ("Boston", "Massachusetts", "US", "Boston, MA"),
    ]
    ml = _mapped()["Machine Learning Engineer"]
    assert [(p.city, p.country) for p in ml.locations] == [("London", "GB"), ("Dublin", "IE")]


def test_country_names_become_iso_codes() -> None:
    assert [p.country for p in _mapped()["Clinical Operations Coordinator"].locations] == ["US"]
    nurse = _mapped()["Registered Nurse, Virtual Care (Part-Time)"]
    assert [(p.city, p.country, p.raw) for p in nurse.locations] == [(None, "US", "Remote - US")]
    berlin = _mapped(EDGE)["Pharmacist (Berlin)"]
    assert [(p.city, p.country) for p in berlin.locations] == [("Berlin", "DE")]  # Deutschland


@pytest.mark.parametrize(
    ("title", "period", "currency", "band"),
    [
        ("Senior Product Designer", PayPeriod.year, "USD", (145_000, 175_000)),
        ("Registered Nurse, Virtual Care (Part-Time)", PayPeriod.hour, "USD", (48, 56)),
        ("Machine Learning Engineer", PayPeriod.year, "GBP", (90_000, 115_000)),
        ("Summer Data Science Intern", PayPeriod.month, "USD", (8_500, 9_500)),
    ],
)
def test_the_salary_component_is_the_band_with_its_interval(
    title: str, period: PayPeriod, currency: str, band: tuple[float, float]
) -> None:
    salary = _mapped()[title].salary
    assert salary is not None
    assert (salary.min, salary.max, salary.currency, salary.period) == (*band, currency, period)
    assert salary.origin.value == "structured"
    assert salary.annual_max_usd is not None


def test_equity_bonus_and_commission_are_not_the_band() -> None:
    designer = _mapped()["Senior Product Designer"].salary  # equity listed before salary
    assert designer is not None and designer.min == 145_000
    assert designer.raw == "$145K – $175K • 0.05% – 0.1%"  # the tier summary as raw text
    assert _mapped(EDGE)["Equity-only Advisor"].salary is None
    pharmacist = _mapped(EDGE)["Pharmacist (Berlin)"].salary  # commission listed first
    assert pharmacist is not None and (pharmacist.min, pharmacist.currency) == (60_000, "EUR")


def test_hourly_pay_is_annualised_with_2080_hours() -> None:
    salary = _mapped()["Registered Nurse, Virtual Care (Part-Time)"].salary
    assert salary is not None and (salary.annual_min, salary.annual_max) == (48 * 2080, 56 * 2080)


def test_an_interval_we_cannot_read_states_no_period() -> None:
    salary = _mapped(EDGE)["Biweekly Paid Scribe"].salary  # "2 WEEK"
    assert salary is not None and salary.period is None and salary.annual_min is None


def test_a_band_without_a_currency_is_no_band() -> None:
    assert _mapped(EDGE)["Mystery Contractor"].salary is None


def test_without_a_published_date_pay_converts_at_the_fetch_date() -> None:
    posting = _mapped(EDGE)["Pharmacist (Berlin)"]
    assert posting.posted_at is None
    assert posting.salary is not None and posting.salary.fx_rate_date is not None
    rate_day = date.fromisoformat(posting.salary.fx_rate_date)
    assert rate_day <= FETCHED_ON and (FETCHED_ON - rate_day).days < 10


def test_a_job_without_compensation_has_no_salary() -> None:
    assert _mapped()["Medical Content Writer (Contract)"].salary is None


def test_html_is_the_description_when_there_is_no_plain_text() -> None:
    assert _mapped(EDGE)["Pharmacist (Berlin)"].description_text == "Dispense & advise."


def test_jobs_without_id_or_title_are_rejected_with_reasons() -> None:
    parsed = parse_payload(ASHBY, EDGE, url=API, ctx=_ctx())
    assert parsed.records == 6
    reasons = {r.source_id: r.reason for r in parsed.rejected}
    assert set(reasons) == {None, "e0000001-0000-4000-8000-000000000001"}
    assert "`id`" in reasons[None]
    assert "title" in reasons["e0000001-0000-4000-8000-000000000001"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"<!DOCTYPE html><html><body>Not found</body></html>", "HTML"),
        (b'{"apiVersion": "1"}', "no `jobs` list"),
        (b'{"jobs": [', "invalid JSON"),
        (b"", "empty body"),
    ],
)
def test_a_payload_that_is_not_a_job_board_raises_a_parse_error(body: bytes, fragment: str) -> None:
    with pytest.raises(ParseError, match=fragment):
        ASHBY.parse(body, url=API)


def test_the_board_comes_from_the_entry_or_its_url() -> None:
    entry = SourceConfig(name="h", kind="ashby", board="harborlight")
    assert ASHBY.start_url(entry) == API
    by_url = SourceConfig(name="x", kind="ashby", url=API)
    assert ASHBY.board_of(by_url) == "harborlight"
    with pytest.raises(ConfigError, match="board"):
        ASHBY.board_of(SourceConfig(name="y", kind="ashby"))


def test_the_board_is_fetched_and_loaded(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    path = "/posting-api/job-board/harborlight"
    url = boards.publish(path, BOARD) + "?includeCompensation=true"
    sources = tmp_path / "sources.yaml"
    entry = {"name": "harborlight", "kind": "ashby", "board": "harborlight", "url": url,
             "company": "Harborlight Health"}  # fmt: skip
    sources.write_text(json.dumps({"sources": [entry]}))

    report = pipeline.run_once(settings, sources)

    (source,) = report.sources
    assert report.status == "completed", source.reason
    assert (source.new, source.quarantined) == (7, 0)
    with get_engine(settings.database_url.get_secret_value()).connect() as connection:
        rows = connection.execute(
            text("SELECT title, salary_period, salary_currency FROM posting ORDER BY title")
        ).all()
    assert len(rows) == 7
    assert ("Machine Learning Engineer", "year", "GBP") in [tuple(r) for r in rows]
