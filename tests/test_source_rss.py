"""RSS and Atom job feeds (generic, and We Work Remotely's shape) to postings."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from jobingest import pipeline
from jobingest.errors import ConfigError, ParseError, RecordError
from jobingest.models import EmploymentType, Posting, SourceConfig, Workplace
from jobingest.parse import parse_payload
from jobingest.settings import Settings
from jobingest.sources import get_connector
from jobingest.sources.base import RecordContext
from jobingest.warehouse.db import get_engine
from tests.conftest import FIXTURES
from tests.fakeboards import FakeBoards

RSS = get_connector("rss")
WWR = (FIXTURES / "rss" / "wwr_remote-programming-jobs.rss").read_bytes()
ATOM = (FIXTURES / "rss" / "careers_atom.xml").read_bytes()
HARBOUR = (FIXTURES / "rss" / "harbour_jobs.rss").read_bytes()
FEED_URL = "https://feeds.example.org/jobs.rss"


def _ctx(options: Mapping[str, Any] | None = None) -> RecordContext:
    return RecordContext(
        source="rss", board="feed", fetched_on=date(2026, 11, 4), options=dict(options or {})
    )


def _mapped(
    payload: bytes, url: str = FEED_URL, options: Mapping[str, Any] | None = None
) -> list[Posting]:
    """The connector's own mapping (before any text enrichment), in feed order."""
    postings = []
    for record in RSS.parse(payload, url=url).records:
        try:
            postings.append(RSS.to_posting(record, _ctx(options)))
        except (RecordError, ValueError):
            continue
    return postings


def test_wwr_items_split_company_from_role_on_the_first_colon() -> None:
    postings = _mapped(WWR)
    assert [(p.company, p.title) for p in postings] == [
        ("Saltmarsh Robotics", "Senior Embedded Engineer"),
        ("Larchmont Data", "Full-Stack Engineer (Django/React)"),
        ("Norrsken Cloud", "Contract Platform Engineer"),
        ("Maple & Birch Studio", "Brand Designer"),
        ("Copperleaf Bakeries", "Operations Lead: Online Orders"),
        (None, "Customer Support Agent (Spanish)"),
    ]


def test_wwr_guid_is_the_source_id_and_link_the_url() -> None:
    first = _mapped(WWR)[0]
    guid = "https://weworkremotely.com/remote-jobs/saltmarsh-robotics-senior-embedded-engineer"
    assert (first.source_id, first.url) == (guid, guid)
    assert first.posted_at == datetime(2026, 11, 2, 9, 14, 3, tzinfo=UTC)
    description = first.description_text or ""
    assert "Write and test firmware in Rust and C" in description
    assert "<li>" not in description and "&lt;" not in description


def test_wwr_region_type_and_remote_board_fact() -> None:
    postings = _mapped(WWR)
    assert [[place.country for place in p.locations] for p in postings] == [
        [None], ["US"], [None], ["CA"], ["GB"], [None],
    ]  # fmt: skip
    assert postings[0].locations[0].raw == "Anywhere in the World"
    assert [p.employment_type for p in postings] == [
        EmploymentType.full_time, EmploymentType.full_time, EmploymentType.contract,
        EmploymentType.full_time, EmploymentType.full_time, EmploymentType.contract,
    ]  # fmt: skip
    assert {p.workplace for p in postings} == {Workplace.remote}


def test_wwr_is_recognised_by_the_feed_link_wherever_it_was_fetched_from() -> None:
    mirrored = _mapped(WWR, url="http://127.0.0.1:8080/categories/remote-programming-jobs.rss")
    assert mirrored[0].company == "Saltmarsh Robotics"
    assert {p.workplace for p in mirrored} == {Workplace.remote}


def test_remote_board_option_switches_the_board_facts_on_and_off() -> None:
    generic = _mapped(HARBOUR)
    assert [(p.company, p.title) for p in generic][1] == (
        None,
        "Marine Surveyor: Hull and Machinery",
    )
    assert generic[1].workplace is None
    marked = _mapped(HARBOUR, options={"remote_board": True})
    assert [(p.company, p.title) for p in marked][1] == ("Marine Surveyor", "Hull and Machinery")
    assert {p.workplace for p in marked} == {Workplace.remote}
    unmarked = _mapped(WWR, options={"remote_board": False})
    assert unmarked[0].company is None and unmarked[0].workplace is Workplace.remote  # "Anywhere"
    assert unmarked[1].title == "Larchmont Data: Full-Stack Engineer (Django/React)"
    assert unmarked[1].workplace is None


def test_remote_board_option_must_be_a_boolean() -> None:
    entry = SourceConfig(name="f", kind="rss", url=FEED_URL, options={"remote_board": "yes"})
    with pytest.raises(ConfigError, match="remote_board"):
        RSS.board_of(entry)


def test_atom_entries_map_id_link_dates_and_html_content() -> None:
    postings = _mapped(ATOM, url="https://careers.saltmarsh.example/jobs.atom")
    assert [p.source_id for p in postings] == [
        "tag:careers.saltmarsh.example,2026:job-318",
        "tag:careers.saltmarsh.example,2026:job-322",
        "tag:careers.saltmarsh.example,2026:job-325",
    ]
    firmware, technician, analyst = postings
    assert firmware.url == "https://careers.saltmarsh.example/jobs/318-firmware-engineer"
    assert firmware.posted_at == datetime(2026, 11, 2, 8, 30, tzinfo=UTC)
    assert "Bristol workshop" in (firmware.description_text or "")
    assert firmware.workplace is Workplace.hybrid  # the title says so
    assert technician.posted_at == datetime(2026, 10, 28, 16, 45, tzinfo=UTC)  # only <updated>
    assert technician.workplace is None and technician.company is None
    assert analyst.url is None, "an Atom id is not a web page"
    assert analyst.description_text == "Turn survey runs into the charts harbour masters read."


def test_generic_rss_uses_the_link_as_id_and_survives_a_bozo_entity() -> None:
    parsed = parse_payload(RSS, HARBOUR, url="https://harbourjobs.example/feed", ctx=_ctx())
    assert parsed.records == 4
    ids = [p.source_id for p in parsed.postings]
    assert ids == ["https://harbourjobs.example/vacancy/4471-port-operations-coordinator",
                   "harbourjobs-4468"]  # fmt: skip
    assert parsed.postings[0].title == "Port Operations Coordinator (Rotterdam)"
    assert parsed.postings[0].posted_at == datetime(2026, 11, 3, 6, 0, tzinfo=UTC)
    reasons = sorted(r.reason for r in parsed.rejected)
    assert len(reasons) == 2
    assert "guid" in reasons[0] or "guid" in reasons[1]
    assert any("title" in reason for reason in reasons)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"<!DOCTYPE html><html><head><title>Jobs</title></head><body></body></html>", "HTML"),
        (b'{"jobs": [{"id": 1}]}', "JSON"),
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "title": "Jobs",'
            b' "items": [{"id": "1", "title": "Engineer"}]}',
            "JSON",
        ),
        (b"<?xml version='1.0'?><opml version='2.0'><body/></opml>", "not an RSS or Atom"),
        (b"  \n", "empty body"),
    ],
)
def test_a_body_that_is_no_feed_raises_a_parse_error(body: bytes, fragment: str) -> None:
    with pytest.raises(ParseError, match=fragment):
        RSS.parse(body, url=FEED_URL)


def test_the_feed_url_is_the_identifier() -> None:
    entry = SourceConfig(name="wwr", kind="rss", url="https://weworkremotely.com/remote-jobs.rss")
    assert RSS.board_of(entry) == "weworkremotely.com"
    assert RSS.start_url(entry) == "https://weworkremotely.com/remote-jobs.rss"
    named = SourceConfig(name="wwr2", kind="rss", board="wwr-all", url=entry.url)
    assert RSS.board_of(named) == "wwr-all"
    with pytest.raises(ConfigError, match="url"):
        RSS.board_of(SourceConfig(name="nourl", kind="rss", board="x"))


def test_over_the_socket_a_wwr_feed_lands_in_the_warehouse(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    url = boards.publish(
        "/categories/remote-programming-jobs.rss", WWR, content_type="application/rss+xml"
    )
    sources = tmp_path / "sources.yaml"
    entry = {"name": "wwr-programming", "kind": "rss", "board": "wwr", "url": url}
    sources.write_text(json.dumps({"sources": [entry]}))
    report = pipeline.run_once(settings, sources)
    (source,) = report.sources
    assert source.status == "ok"
    assert (source.parsed, source.new, source.quarantined) == (6, 6, 0)
    with get_engine(settings.database_url.get_secret_value()).connect() as connection:
        rows = connection.execute(
            text(
                "SELECT p.title, p.workplace, p.country FROM posting p "
                "JOIN posting_source ps ON ps.posting_id = p.id "
                "WHERE ps.source = 'rss' AND ps.board = 'wwr'"
            )
        ).all()
    by_title = {row[0]: row for row in rows}
    assert len(by_title) == 6
    assert by_title["Brand Designer"][1:] == ("remote", "CA")
