"""Arbeitnow job board API pages (written in the API's documented shape) to postings."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from jobingest import pipeline
from jobingest.errors import ParseError, RecordError
from jobingest.models import EmploymentType, Level, Posting, SourceConfig, Workplace
from jobingest.parse import parse_payload
from jobingest.settings import Settings
from jobingest.sources import get_connector
from jobingest.sources.base import RecordContext
from jobingest.warehouse.db import get_engine
from tests.conftest import FIXTURES
from tests.fakeboards import FakeBoards

ARBEITNOW = get_connector("arbeitnow")
PAGE1 = (FIXTURES / "arbeitnow" / "page1.json").read_bytes()
PAGE2 = (FIXTURES / "arbeitnow" / "page2.json").read_bytes()
URL = "https://www.arbeitnow.com/api/job-board-api"


def _ctx() -> RecordContext:
    return RecordContext(source="arbeitnow", board="arbeitnow", fetched_on=date(2026, 11, 8))


def _mapped() -> dict[str, Posting]:
    """The connector's own mapping of both pages (before any text enrichment), by slug."""
    postings: dict[str, Posting] = {}
    for payload in (PAGE1, PAGE2):
        for record in ARBEITNOW.parse(payload, url=URL).records:
            try:
                posting = ARBEITNOW.to_posting(record, _ctx())
            except (RecordError, ValueError):
                continue
            postings[posting.source_id] = posting
    return postings


def _by_title(fragment: str) -> Posting:
    matches = [p for p in _mapped().values() if fragment in p.title]
    assert len(matches) == 1, f"expected one posting titled like {fragment!r}"
    return matches[0]


def test_next_link_is_followed_on_the_host_that_served_the_page() -> None:
    assert ARBEITNOW.parse(PAGE1, url=URL).follow == [f"{URL}?page=2"]
    mirror = ARBEITNOW.parse(PAGE1, url="http://127.0.0.1:8123/api/job-board-api").follow
    assert mirror == ["http://127.0.0.1:8123/api/job-board-api?page=2"]


@pytest.mark.parametrize("name", ["page2.json", "empty_page.json"])
def test_the_last_page_follows_nothing(name: str) -> None:
    page = ARBEITNOW.parse((FIXTURES / "arbeitnow" / name).read_bytes(), url=f"{URL}?page=2")
    assert page.follow == []


def test_a_saved_page_replayed_from_disk_does_not_reach_for_the_network() -> None:
    assert ARBEITNOW.parse(PAGE1, url="file:///data/arbeitnow/page1.json").follow == []


def test_jobs_become_postings_in_page_order_keyed_by_slug() -> None:
    parsed = parse_payload(ARBEITNOW, PAGE1, url=URL, ctx=_ctx())
    assert [p.source_id for p in parsed.postings] == [j["slug"] for j in json.loads(PAGE1)["data"]]
    last = parse_payload(ARBEITNOW, PAGE2, url=f"{URL}?page=2", ctx=_ctx())
    assert len(last.postings) == 2
    (rejected,) = last.rejected
    assert "slug" in rejected.reason


def test_core_fields_map_from_the_job_object() -> None:
    posting = _by_title("Senior Backend Developer")
    assert posting.company == "Kranich Software GmbH"
    assert posting.url is not None and posting.url.startswith("https://www.arbeitnow.com/jobs/")
    assert posting.posted_at == datetime(2026, 11, 7, 8, 0, tzinfo=UTC)
    assert "Tourenoptimierung" in (posting.description_text or "")
    assert "<li>" not in (posting.description_text or "")
    assert [(p.city, p.country) for p in posting.locations] == [("Berlin", "DE")]


def test_created_at_as_a_numeric_string_is_still_a_date() -> None:
    assert _by_title("Studentische Hilfskraft").posted_at == datetime.fromtimestamp(1793948400, UTC)


@pytest.mark.parametrize(
    ("fragment", "employment", "level"),
    [
        ("Senior Backend Developer", EmploymentType.full_time, None),  # "Professional / Exp."
        ("Werkstudent", EmploymentType.internship, None),
        ("Praktikum UX", EmploymentType.internship, Level.entry),
        ("Product Owner", EmploymentType.full_time, None),
        ("Data Engineer", EmploymentType.full_time, Level.mid),
        ("Buchhalter", EmploymentType.part_time, None),
        ("Studentische Hilfskraft", EmploymentType.internship, Level.entry),  # "Working student"
    ],
)
def test_job_types_give_employment_type_and_stated_level(
    fragment: str, employment: EmploymentType, level: Level | None
) -> None:
    posting = _by_title(fragment)
    assert posting.employment_type is employment
    assert posting.level is level


@pytest.mark.parametrize(
    ("fragment", "workplace"),
    [
        ("Werkstudent", Workplace.remote),  # remote: true
        ("Product Owner", Workplace.hybrid),  # remote: false, title says Hybrid
        ("Senior Backend Developer", None),  # remote: false says only "not fully remote"
    ],
)
def test_remote_flag_and_stated_workplace(fragment: str, workplace: Workplace | None) -> None:
    assert _by_title(fragment).workplace is workplace


@pytest.mark.parametrize(
    ("remote", "expected"), [(False, None), (None, Workplace.remote), (True, Workplace.remote)]
)
def test_remote_false_outweighs_a_title_saying_remote(
    remote: bool | None, expected: Workplace | None
) -> None:
    record = {"slug": "x-1", "title": "Data Engineer (Remote)", "remote": remote}
    assert ARBEITNOW.to_posting(record, _ctx()).workplace is expected


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"<!DOCTYPE html><html><body>Too Many Requests</body></html>", "HTML"),
        (b'{"data": [{"slug": ', "invalid JSON"),
        (b'{"message": "Server Error"}', "no `data` list"),
    ],
)
def test_a_payload_that_is_not_the_api_raises_a_parse_error(body: bytes, fragment: str) -> None:
    with pytest.raises(ParseError, match=fragment):
        ARBEITNOW.parse(body, url=URL)


def test_the_board_is_arbeitnow_and_needs_no_identifier() -> None:
    entry = SourceConfig(name="arbeitnow", kind="arbeitnow")
    assert ARBEITNOW.board_of(entry) == "arbeitnow"
    assert ARBEITNOW.start_url(entry) == URL


def test_over_the_socket_every_page_is_fetched_and_loaded(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    url = boards.publish("/api/job-board-api", PAGE1)
    boards.publish("/api/job-board-api", PAGE2, query="page=2")
    sources = tmp_path / "sources.yaml"
    sources.write_text(json.dumps({"sources": [{"name": "an", "kind": "arbeitnow", "url": url}]}))
    report = pipeline.run_once(settings, sources)
    (source,) = report.sources
    assert source.status == "ok"
    assert (source.parsed, source.new, source.quarantined) == (7, 7, 1)
    assert [r.path for r in boards.seen("/api/job-board-api")] == ["/api/job-board-api"] * 2
    with get_engine(settings.database_url.get_secret_value()).connect() as connection:
        levels = dict(
            connection.execute(
                text(
                    "SELECT ps.source_id, p.level FROM posting p "
                    "JOIN posting_source ps ON ps.posting_id = p.id WHERE ps.source = 'arbeitnow'"
                )
            ).all()
        )
    assert len(levels) == 7
    assert levels["isar-mobility-praktikum-ux-design-muenchen-412220"] == "entry"
