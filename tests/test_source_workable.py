"""Workable job widget API payloads (written in the API's documented shape) to postings."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from jobingest import pipeline
from jobingest.errors import ConfigError, ParseError, RecordError
from jobingest.models import EmploymentType, Level, Posting, SourceConfig, Workplace
from jobingest.parse import parse_payload
from jobingest.settings import Settings
from jobingest.sources import get_connector
from jobingest.sources.base import RecordContext
from jobingest.warehouse.db import get_engine
from tests.conftest import FIXTURES
from tests.fakeboards import FakeBoards

WORKABLE = get_connector("workable")
ACCOUNT = (FIXTURES / "workable" / "lumos-learning.json").read_bytes()
EDGE = (FIXTURES / "workable" / "edge_cases.json").read_bytes()
API = "https://apply.workable.com/api/v1/widget/accounts/lumos-learning?details=true"


def _ctx() -> RecordContext:
    return RecordContext(
        source="workable", board="lumos-learning", fetched_on=datetime(2026, 11, 2).date(),
        company="lumos-learning",
    )  # fmt: skip


def _mapped(payload: bytes = ACCOUNT) -> dict[str, Posting]:
    """The connector's own mapping (before any text enrichment), by shortcode."""
    postings: dict[str, Posting] = {}
    for record in WORKABLE.parse(payload, url=API).records:
        try:
            posting = WORKABLE.to_posting(record, _ctx())
        except (RecordError, ValueError):
            continue
        postings[posting.source_id] = posting
    return postings


def test_jobs_become_postings_in_payload_order_with_the_account_name() -> None:
    parsed = parse_payload(WORKABLE, ACCOUNT, url=API, ctx=_ctx())
    jobs = json.loads(ACCOUNT)["jobs"]
    assert parsed.rejected == []
    assert [p.source_id for p in parsed.postings] == [job["shortcode"] for job in jobs]
    assert {p.company for p in parsed.postings} == {"Lumos Learning"}  # not the slug


def test_core_fields_come_from_the_job() -> None:
    posting = _mapped()["8F3A1C92D4"]
    assert posting.title == "Senior Frontend Engineer (React)"
    assert posting.url == "https://apply.workable.com/j/8F3A1C92D4"
    assert posting.posted_at == datetime(2026, 10, 5, tzinfo=UTC)  # published_on, not created_at


@pytest.mark.parametrize(
    ("shortcode", "level"),
    [
        ("C41D9E7B03", Level.entry),  # Entry level
        ("D92F0A5E17", Level.executive),  # Executive
        ("E5A8B3C6F0", Level.executive),  # Director
        ("8F3A1C92D4", None),  # Mid-Senior level: ambiguous
        ("2B7E4D10A6", None),  # Associate: ambiguous
        ("F6B9C4D7A1", None),  # Internship: a kind of job, not a level
    ],
)
def test_experience_maps_to_a_level_only_where_unambiguous(
    shortcode: str, level: Level | None
) -> None:
    assert _mapped()[shortcode].level is level


@pytest.mark.parametrize(
    ("shortcode", "kind"),
    [
        ("8F3A1C92D4", EmploymentType.full_time),
        ("C41D9E7B03", EmploymentType.part_time),
        ("E5A8B3C6F0", EmploymentType.contract),
        ("F6B9C4D7A1", EmploymentType.temporary),
    ],
)
def test_employment_type_is_mapped(shortcode: str, kind: EmploymentType) -> None:
    assert _mapped()[shortcode].employment_type is kind


def test_telecommuting_true_is_remote_and_false_states_nothing() -> None:
    assert _mapped()["2B7E4D10A6"].workplace is Workplace.remote
    assert _mapped()["8F3A1C92D4"].workplace is None
    assert _mapped(EDGE)["0000USONLY"].workplace is None  # the string "true" is not the flag


def test_every_listed_location_becomes_a_place() -> None:
    places = _mapped()["2B7E4D10A6"].locations
    assert [(p.city, p.region, p.country) for p in places] == [
        ("Lisbon", "Lisbon", "PT"),
        ("Porto", "Porto", "PT"),
    ]
    assert places[0].raw == "Lisbon, Lisbon, Portugal"


def test_without_a_locations_list_the_top_level_place_is_used() -> None:
    places = _mapped(EDGE)["0000USONLY"].locations
    assert [(p.city, p.region, p.country) for p in places] == [("San Diego", "CA", "US")]


def test_a_country_name_without_a_code_is_resolved() -> None:
    assert [(p.city, p.country) for p in _mapped(EDGE)["0000REMOTE"].locations] == [(None, "ES")]


def test_created_at_stands_in_when_published_on_is_missing_and_junk_dates_are_none() -> None:
    assert _mapped(EDGE)["0000USONLY"].posted_at == datetime(2026, 10, 21, tzinfo=UTC)
    assert _mapped(EDGE)["0000REMOTE"].posted_at is None


def test_description_requirements_and_benefits_become_clean_text() -> None:
    description = _mapped(EDGE)["0000REMOTE"].description_text
    assert description == "Pipelines & dashboards.\n\n- dbt\n\nLaptop of your choice."
    full = _mapped()["8F3A1C92D4"].description_text or ""
    assert "lesson player in React" in full and "<p>" not in full


def test_the_widget_carries_no_pay() -> None:
    assert all(p.salary is None for p in _mapped().values())


def test_jobs_without_shortcode_or_title_are_rejected_with_reasons() -> None:
    parsed = parse_payload(WORKABLE, EDGE, url=API, ctx=_ctx())
    assert [p.source_id for p in parsed.postings] == ["0000USONLY", "0000REMOTE"]
    reasons = [r.reason for r in parsed.rejected]
    assert len(reasons) == 2
    assert "`shortcode`" in reasons[0]
    assert "0000EMPTY1" in reasons[1] and "title" in reasons[1]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"<html><body>Account not found</body></html>", "HTML"),
        (b'{"name": "Lumos Learning"}', "no `jobs` list"),
        (b"{", "invalid JSON"),
    ],
)
def test_a_payload_that_is_not_an_account_raises_a_parse_error(body: bytes, fragment: str) -> None:
    with pytest.raises(ParseError, match=fragment):
        WORKABLE.parse(body, url=API)


def test_the_account_comes_from_company_or_the_url() -> None:
    assert (
        WORKABLE.start_url(SourceConfig(name="l", kind="workable", company="lumos-learning")) == API
    )
    by_url = SourceConfig(name="x", kind="workable", url=API)
    assert WORKABLE.board_of(by_url) == "lumos-learning"
    with pytest.raises(ConfigError, match="company"):
        WORKABLE.board_of(SourceConfig(name="y", kind="workable"))


def test_the_account_is_fetched_and_loaded(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    path = "/api/v1/widget/accounts/lumos-learning"
    url = boards.publish(path, ACCOUNT) + "?details=true"
    sources = tmp_path / "sources.yaml"
    entry = {"name": "lumos", "kind": "workable", "company": "lumos-learning", "url": url}
    sources.write_text(json.dumps({"sources": [entry]}))

    report = pipeline.run_once(settings, sources)

    (source,) = report.sources
    assert report.status == "completed", source.reason
    assert (source.new, source.quarantined) == (6, 0)
    with get_engine(settings.database_url.get_secret_value()).connect() as connection:
        rows = connection.execute(
            text("SELECT source_id, board FROM posting_source ORDER BY source_id")
        ).all()
    assert [tuple(r) for r in rows] == sorted(
        (job["shortcode"], "lumos-learning") for job in json.loads(ACCOUNT)["jobs"]
    )
