"""SmartRecruiters Posting API payloads (written in the API's documented shape) to postings."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
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

SR = get_connector("smartrecruiters")
PAGE_1 = (FIXTURES / "smartrecruiters" / "nordlicht_offset0_limit4.json").read_bytes()
PAGE_2 = (FIXTURES / "smartrecruiters" / "nordlicht_offset4_limit4.json").read_bytes()
EDGE = (FIXTURES / "smartrecruiters" / "edge_cases.json").read_bytes()
BASE = "https://api.smartrecruiters.com/v1/companies/NordlichtMobility/postings"


def _ctx() -> RecordContext:
    return RecordContext(
        source="smartrecruiters", board="NordlichtMobility", fetched_on=date(2026, 11, 2),
        company="NordlichtMobility",
    )  # fmt: skip


def _mapped(*payloads: bytes) -> dict[str, Posting]:
    """The connector's own mapping (before any text enrichment), by source id."""
    postings: dict[str, Posting] = {}
    for payload in payloads or (PAGE_1, PAGE_2):
        for record in SR.parse(payload, url=BASE).records:
            try:
                posting = SR.to_posting(record, _ctx())
            except (RecordError, ValueError):
                continue
            postings[posting.source_id] = posting
    return postings


# paging -------------------------------------------------------------------------------------


def test_the_next_offset_is_followed_until_total_found_is_reached() -> None:
    first = SR.parse(PAGE_1, url=f"{BASE}?limit=4&offset=0")
    assert len(first.records) == 4
    assert first.follow == [f"{BASE}?limit=4&offset=4"]
    last = SR.parse(PAGE_2, url=f"{BASE}?limit=4&offset=4")
    assert len(last.records) == 2
    assert last.follow == []  # 4 + 2 = totalFound


def test_the_next_page_stays_on_the_host_that_served_this_one() -> None:
    url = "http://127.0.0.1:9999/v1/companies/NordlichtMobility/postings?limit=4&offset=0"
    assert SR.parse(PAGE_1, url=url).follow == [
        "http://127.0.0.1:9999/v1/companies/NordlichtMobility/postings?limit=4&offset=4"
    ]


def test_an_empty_page_stops_even_when_the_total_says_more() -> None:
    body = json.dumps({"offset": 100, "limit": 100, "totalFound": 500, "content": []}).encode()
    assert SR.parse(body, url=f"{BASE}?limit=100&offset=100").follow == []


def test_a_saved_payload_is_one_page() -> None:
    assert SR.parse(PAGE_1, url="file:///data/sr/nordlicht.json").follow == []


def test_the_start_url_asks_for_the_first_page_of_100() -> None:
    entry = SourceConfig(name="n", kind="smartrecruiters", company="NordlichtMobility")
    assert SR.start_url(entry) == f"{BASE}?limit=100&offset=0"
    assert SR.board_of(SourceConfig(name="x", kind="smartrecruiters", url=BASE)) == (
        "NordlichtMobility"
    )
    with pytest.raises(ConfigError, match="company"):
        SR.board_of(SourceConfig(name="y", kind="smartrecruiters"))


# mapping ------------------------------------------------------------------------------------


def test_postings_map_in_payload_order_with_the_company_name() -> None:
    parsed = parse_payload(SR, PAGE_1, url=BASE, ctx=_ctx())
    assert parsed.rejected == []
    assert [p.source_id for p in parsed.postings] == [
        item["id"] for item in json.loads(PAGE_1)["content"]
    ]
    assert {p.company for p in parsed.postings} == {"Nordlicht Mobility GmbH"}


def test_core_fields_and_the_public_job_page() -> None:
    posting = _mapped()["744000098712345"]
    assert posting.title == "Senior Embedded Software Engineer (m/f/d)"
    assert posting.posted_at == datetime(2026, 9, 8, 7, 41, 12, 512000, tzinfo=UTC)
    # `ref` is the API's own address; people get the public job page.
    assert posting.url == "https://jobs.smartrecruiters.com/NordlichtMobility/744000098712345"


def test_an_apply_url_is_used_when_the_posting_has_one() -> None:
    posting = _mapped(EDGE)["744000000000003"]
    assert posting.url is not None and posting.url.startswith(
        "https://jobs.smartrecruiters.com/oneclick-ui/"
    )


def test_the_location_object_becomes_a_place_with_an_upper_case_country() -> None:
    places = _mapped()["744000098712349"].locations
    assert [(p.city, p.region, p.country, p.raw) for p in places] == [
        ("Vienna", "9", "AT", "Vienna, 9, Austria")
    ]


def test_an_unknown_country_code_is_dropped_but_the_place_kept() -> None:
    places = _mapped(EDGE)["744000000000003"].locations
    assert [(p.country, p.raw) for p in places] == [(None, "Remote")]


@pytest.mark.parametrize(
    ("posting_id", "workplace"),
    [
        ("744000098712345", Workplace.hybrid),
        ("744000098712346", Workplace.onsite),  # remote and hybrid both stated false
        ("744000098712349", Workplace.remote),
    ],
)
def test_remote_and_hybrid_flags_give_the_workplace(posting_id: str, workplace: Workplace) -> None:
    assert _mapped()[posting_id].workplace is workplace


def test_without_a_hybrid_flag_not_remote_states_nothing() -> None:
    assert _mapped(EDGE)["744000000000004"].workplace is None


@pytest.mark.parametrize(
    ("posting_id", "level"),
    [
        ("744000098712346", Level.entry),  # entry_level
        ("744000098712347", Level.executive),  # director
        ("744000098712350", Level.executive),  # executive
        ("744000098712345", None),  # mid_senior_level spans mid and senior
        ("744000098712348", None),  # internship
    ],
)
def test_experience_level_maps_only_where_unambiguous(posting_id: str, level: Level | None) -> None:
    assert _mapped()[posting_id].level is level


def test_associate_and_not_applicable_are_no_level() -> None:
    edge = _mapped(EDGE)
    assert edge["744000000000002"].level is None and edge["744000000000003"].level is None


@pytest.mark.parametrize(
    ("posting_id", "kind"),
    [
        ("744000098712345", EmploymentType.full_time),  # permanent, "Full-time"
        ("744000098712348", EmploymentType.part_time),
        ("744000098712349", EmploymentType.contract),
    ],
)
def test_type_of_employment_is_mapped(posting_id: str, kind: EmploymentType) -> None:
    assert _mapped()[posting_id].employment_type is kind


def test_a_type_of_employment_label_alone_is_read_and_an_intern_id_is_an_internship() -> None:
    edge = _mapped(EDGE)
    assert edge["744000000000002"].employment_type is EmploymentType.full_time  # "Vollzeit"
    assert edge["744000000000004"].employment_type is EmploymentType.internship


def test_the_list_endpoint_gives_no_description_and_no_pay() -> None:
    postings = _mapped().values()
    assert all(p.description_text is None and p.salary is None for p in postings)


def test_without_a_company_object_the_entry_company_is_used() -> None:
    posting = _mapped(EDGE)["744000000000002"]
    assert posting.company == "NordlichtMobility"
    assert posting.url == "https://jobs.smartrecruiters.com/NordlichtMobility/744000000000002"
    assert posting.posted_at is None  # "gestern" is not a date


def test_postings_without_id_or_name_are_rejected_with_reasons() -> None:
    parsed = parse_payload(SR, EDGE, url=BASE, ctx=_ctx())
    assert parsed.records == 5 and len(parsed.postings) == 3
    reasons = {r.source_id: r.reason for r in parsed.rejected}
    assert "`id`" in reasons[None]
    assert "title" in reasons["744000000000001"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"<!DOCTYPE html><html><body>Maintenance</body></html>", "HTML"),
        (b'{"message": "Company not found"}', "no `content` list"),
        (b'{"content": [', "invalid JSON"),
    ],
)
def test_a_payload_that_is_not_a_postings_page_raises_a_parse_error(
    body: bytes, fragment: str
) -> None:
    with pytest.raises(ParseError, match=fragment):
        SR.parse(body, url=BASE)


# over the socket ----------------------------------------------------------------------------


def test_both_pages_are_fetched_and_loaded(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    path = "/v1/companies/NordlichtMobility/postings"
    # The fake server matches the query too, so each offset gets its own page.
    first = boards.publish(path, PAGE_1, query="limit=4&offset=0")
    boards.publish(path, PAGE_2, query="limit=4&offset=4")
    sources = tmp_path / "sources.yaml"
    entry = {"name": "nordlicht", "kind": "smartrecruiters", "company": "NordlichtMobility",
             "url": first}  # fmt: skip
    sources.write_text(json.dumps({"sources": [entry]}))

    report = pipeline.run_once(settings, sources)

    (source,) = report.sources
    assert report.status == "completed", source.reason
    assert (source.pages, source.new, source.quarantined) == (2, 6, 0)
    assert len(boards.seen(path)) == 2
    with get_engine(settings.database_url.get_secret_value()).connect() as connection:
        ids = set(connection.execute(text("SELECT source_id FROM posting_source")).scalars())
    expected = json.loads(PAGE_1)["content"] + json.loads(PAGE_2)["content"]
    assert ids == {item["id"] for item in expected}
