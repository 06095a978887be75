"""Personio XML feeds (written in the feed's documented shape) to postings, parsed safely."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
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

PERSONIO = get_connector("personio")
FEED = (FIXTURES / "personio" / "alpenglow.xml").read_bytes()
EDGE = (FIXTURES / "personio" / "edge_cases.xml").read_bytes()
EMPTY = (FIXTURES / "personio" / "empty_feed.xml").read_bytes()
URL = "https://alpenglow.jobs.personio.de/xml"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<workzag-jobs><position><id>1</id><name>&lol9;</name></position></workzag-jobs>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE workzag-jobs [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<workzag-jobs><position><id>1</id><name>&secret;</name></position></workzag-jobs>
"""


def _ctx() -> RecordContext:
    return RecordContext(
        source="personio", board="alpenglow", fetched_on=date(2026, 11, 2), company="alpenglow"
    )


def _mapped(payload: bytes = FEED) -> dict[str, Posting]:
    """The connector's own mapping (before any text enrichment), by source id."""
    postings: dict[str, Posting] = {}
    for record in PERSONIO.parse(payload, url=URL).records:
        try:
            posting = PERSONIO.to_posting(record, _ctx())
        except (RecordError, ValueError):
            continue
        postings[posting.source_id] = posting
    return postings


# safety -------------------------------------------------------------------------------------


def test_a_billion_laughs_payload_is_refused_not_expanded() -> None:
    with pytest.raises(ParseError, match="refused unsafe XML"):
        PERSONIO.parse(BILLION_LAUGHS, url=URL)


def test_an_external_entity_is_refused_not_read() -> None:
    with pytest.raises(ParseError, match="refused unsafe XML"):
        PERSONIO.parse(EXTERNAL_ENTITY, url=URL)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"<!DOCTYPE html><html><body>Page not found</body></html>", "root element is <html>"),
        (b"<workzag-jobs><position>", "not well-formed XML"),
        (b'{"positions": []}', "not well-formed XML"),
        (b"  ", "empty body"),
    ],
)
def test_a_payload_that_is_not_a_personio_feed_raises_a_parse_error(
    body: bytes, fragment: str
) -> None:
    with pytest.raises(ParseError, match=fragment):
        PERSONIO.parse(body, url=URL)


def test_an_empty_feed_is_a_board_with_no_positions() -> None:
    parsed = parse_payload(PERSONIO, EMPTY, url=URL, ctx=_ctx())
    assert parsed.records == 0 and parsed.postings == [] and parsed.rejected == []


# mapping ------------------------------------------------------------------------------------


def test_positions_become_postings_in_feed_order() -> None:
    parsed = parse_payload(PERSONIO, FEED, url=URL, ctx=_ctx())
    assert parsed.rejected == []
    assert [p.source_id for p in parsed.postings] == [str(n) for n in range(1804512, 1804518)]


def test_core_fields_and_the_public_job_page() -> None:
    posting = _mapped()["1804512"]
    assert posting.title == "Senior Backend Engineer (m/w/d)"
    assert posting.url == "https://alpenglow.jobs.personio.de/job/1804512"
    assert posting.company == "Alpenglow Software GmbH"  # <subcompany>
    assert posting.posted_at == datetime(2026, 9, 15, 9, 12, 44, tzinfo=UTC)
    assert _mapped()["1804516"].company == "Alpenglow Labs GmbH"


def test_the_offset_of_created_at_is_kept() -> None:
    posting = _mapped(EDGE)["1809904"]
    assert posting.posted_at == datetime(2026, 10, 25, 6, tzinfo=timezone(timedelta(hours=2)))


def test_job_descriptions_become_headed_clean_text() -> None:
    description = _mapped()["1804512"].description_text or ""
    assert description.index("Deine Aufgaben") < description.index("Kotlin-Services")
    assert description.index("Dein Profil") < description.index("Was wir bieten")
    assert "<ul>" not in description and "<p>" not in description


def test_entity_escaped_html_in_a_description_is_cleaned_too() -> None:
    description = _mapped(EDGE)["1809902"].description_text
    assert description == "Deine Aufgaben\nZwei Jahre Rotation durch alle Teams."


def test_office_and_additional_offices_are_the_places() -> None:
    places = _mapped()["1804512"].locations
    assert [p.raw for p in places] == ["München", "Berlin"]  # "Remote" is not a place
    assert _mapped()["1804512"].workplace is Workplace.remote  # it says remote work is open
    assert [p.raw for p in _mapped()["1804517"].locations] == ["Hamburg"]


@pytest.mark.parametrize(
    ("position_id", "kind"),
    [
        ("1804512", EmploymentType.full_time),  # permanent, full-time
        ("1804517", EmploymentType.part_time),  # permanent, part-time
        ("1804513", EmploymentType.internship),  # working_student
        ("1804516", EmploymentType.freelance),  # freelance, flexible
    ],
)
def test_employment_type_and_schedule_give_the_employment_type(
    position_id: str, kind: EmploymentType
) -> None:
    assert _mapped()[position_id].employment_type is kind


def test_edge_employment_types() -> None:
    edge = _mapped(EDGE)
    assert edge["1809902"].employment_type is EmploymentType.internship  # trainee
    assert edge["1809903"].employment_type is None  # permanent but a flexible schedule
    assert edge["1809904"].employment_type is EmploymentType.temporary  # temporary, part-time


@pytest.mark.parametrize(
    ("position_id", "level"),
    [
        ("1804514", Level.entry),
        ("1804515", Level.executive),
        ("1804512", None),  # experienced: mid or senior
        ("1804513", None),  # student
    ],
)
def test_seniority_maps_to_a_level_only_where_unambiguous(
    position_id: str, level: Level | None
) -> None:
    assert _mapped()[position_id].level is level


def test_an_unknown_seniority_or_date_is_none() -> None:
    posting = _mapped(EDGE)["1809903"]
    assert posting.level is None and posting.posted_at is None


def test_the_feed_carries_no_pay() -> None:
    assert all(p.salary is None for p in _mapped().values())


def test_positions_without_id_or_name_are_rejected_with_reasons() -> None:
    parsed = parse_payload(PERSONIO, EDGE, url=URL, ctx=_ctx())
    assert parsed.records == 5 and len(parsed.postings) == 3
    reasons = {r.source_id: r.reason for r in parsed.rejected}
    assert "<id>" in reasons[None]
    assert "<name>" in reasons["1809901"]


def test_the_company_comes_from_the_entry_or_the_subdomain_and_language_is_passed_on() -> None:
    entry = SourceConfig(name="a", kind="personio", company="alpenglow")
    assert PERSONIO.start_url(entry) == URL
    german = SourceConfig(
        name="b", kind="personio", company="alpenglow", options={"language": "de"}
    )
    assert PERSONIO.start_url(german) == f"{URL}?language=de"
    assert PERSONIO.board_of(SourceConfig(name="c", kind="personio", url=URL)) == "alpenglow"
    with pytest.raises(ConfigError, match="company"):
        PERSONIO.board_of(SourceConfig(name="d", kind="personio"))


# over the socket ----------------------------------------------------------------------------


def test_the_feed_is_fetched_and_loaded(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    url = boards.publish("/xml", FEED, content_type="text/xml; charset=utf-8")
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        f"sources:\n  - name: alpenglow\n    kind: personio\n    company: alpenglow\n"
        f"    url: {url}\n"
    )

    report = pipeline.run_once(settings, sources)

    (source,) = report.sources
    assert report.status == "completed", source.reason
    assert (source.new, source.quarantined) == (6, 0)
    with get_engine(settings.database_url.get_secret_value()).connect() as connection:
        urls = set(connection.execute(text("SELECT url FROM posting")).scalars())
    assert urls == {f"https://alpenglow.jobs.personio.de/job/{n}" for n in range(1804512, 1804518)}


def test_a_billion_laughs_feed_fails_the_source_and_is_quarantined(
    boards: FakeBoards, sqlite_settings: Settings, tmp_path: Path
) -> None:
    url = boards.publish("/xml", BILLION_LAUGHS, content_type="text/xml")
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        f"sources:\n  - name: bomb\n    kind: personio\n    company: bomb\n    url: {url}\n"
    )

    report = pipeline.run_once(sqlite_settings, sources)

    (source,) = report.sources
    assert source.status == "failed" and "refused unsafe XML" in (source.reason or "")
    with get_engine(sqlite_settings.database_url.get_secret_value()).connect() as connection:
        stage = connection.execute(text("SELECT stage FROM quarantine")).scalar_one()
        postings = connection.execute(text("SELECT count(*) FROM posting")).scalar_one()
    assert stage == "parse" and postings == 0
