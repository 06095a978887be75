"""Recruitee careers site API payloads (written in the API's documented shape) to postings."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from jobingest import pipeline
from jobingest.errors import ConfigError, ParseError, RecordError
from jobingest.models import EmploymentType, Level, PayPeriod, Posting, SourceConfig, Workplace
from jobingest.parse import parse_payload
from jobingest.settings import Settings
from jobingest.sources import get_connector
from jobingest.sources.base import RecordContext
from jobingest.warehouse.db import get_engine
from tests.conftest import FIXTURES
from tests.fakeboards import FakeBoards

RECRUITEE = get_connector("recruitee")
OFFERS = (FIXTURES / "recruitee" / "vandermolen.json").read_bytes()
EDGE = (FIXTURES / "recruitee" / "edge_cases.json").read_bytes()
API = "https://vandermolen.recruitee.com/api/offers/"


def _ctx() -> RecordContext:
    return RecordContext(
        source="recruitee", board="vandermolen", fetched_on=date(2026, 11, 2), company="vandermolen"
    )


def _mapped(payload: bytes = OFFERS) -> dict[str, Posting]:
    """The connector's own mapping (before any text enrichment), by source id."""
    postings: dict[str, Posting] = {}
    for record in RECRUITEE.parse(payload, url=API).records:
        try:
            posting = RECRUITEE.to_posting(record, _ctx())
        except (RecordError, ValueError):
            continue
        postings[posting.source_id] = posting
    return postings


def test_offers_become_postings_in_payload_order() -> None:
    parsed = parse_payload(RECRUITEE, OFFERS, url=API, ctx=_ctx())
    assert parsed.rejected == []
    assert [p.source_id for p in parsed.postings] == [
        str(offer["id"]) for offer in json.loads(OFFERS)["offers"]
    ]
    assert {p.company for p in parsed.postings} == {"Van der Molen Foods B.V."}


def test_core_fields_come_from_the_offer() -> None:
    posting = _mapped()["2418801"]
    assert posting.title == "Food Safety Specialist"
    assert posting.url == "https://vandermolen.recruitee.com/o/food-safety-specialist"
    assert posting.posted_at == datetime(2026, 9, 21, 8, 30, 12, tzinfo=UTC)  # "... UTC"


@pytest.mark.parametrize(
    ("offer_id", "period", "band", "annual"),
    [
        ("2418801", PayPeriod.month, (3_800, 4_600), (3_800 * 12, 4_600 * 12)),
        ("2418802", PayPeriod.year, (62_000, 75_000), (62_000, 75_000)),  # strings, "eur"
        ("2418803", PayPeriod.hour, (16, 18), (16 * 2080, 18 * 2080)),
        ("2418806", PayPeriod.day, (450, 600), (450 * 260, 600 * 260)),
    ],
)
def test_salary_is_a_structured_band_with_its_period(
    offer_id: str, period: PayPeriod, band: tuple[float, float], annual: tuple[float, float]
) -> None:
    salary = _mapped()[offer_id].salary
    assert salary is not None
    assert (salary.min, salary.max, salary.currency, salary.period) == (*band, "EUR", period)
    assert (salary.annual_min, salary.annual_max) == annual
    assert salary.origin.value == "structured" and salary.annual_max_usd is not None


def test_no_salary_object_empty_amounts_or_no_currency_are_no_band() -> None:
    assert _mapped()["2418805"].salary is None
    edge = _mapped(EDGE)
    assert edge["2419902"].salary is None  # min and max null
    assert edge["2419904"].salary is None  # currency null


def test_an_unknown_period_states_none() -> None:
    salary = _mapped(EDGE)["2419903"].salary  # "quarter"
    assert salary is not None and salary.period is None and salary.annual_min is None


@pytest.mark.parametrize(
    ("offer_id", "kind"),
    [
        ("2418801", EmploymentType.full_time),  # fulltime_permanent
        ("2418803", EmploymentType.part_time),  # parttime
        ("2418804", EmploymentType.contract),  # fulltime_fixed_term
        ("2418806", EmploymentType.freelance),
    ],
)
def test_employment_type_code_is_mapped(offer_id: str, kind: EmploymentType) -> None:
    assert _mapped()[offer_id].employment_type is kind


def test_edge_employment_codes() -> None:
    edge = _mapped(EDGE)
    assert edge["2419902"].employment_type is None  # parttime_fixed_term: two answers
    assert edge["2419903"].employment_type is EmploymentType.internship  # traineeship
    assert edge["2419904"].employment_type is EmploymentType.temporary  # unknown code, read


@pytest.mark.parametrize(
    ("offer_id", "level"),
    [
        ("2418804", Level.entry),
        ("2418801", Level.mid),
        ("2418802", Level.senior),
        ("2418805", Level.executive),
        ("2418803", None),  # student_college
        ("2418806", None),  # experienced
    ],
)
def test_experience_code_maps_to_a_level_only_where_unambiguous(
    offer_id: str, level: Level | None
) -> None:
    assert _mapped()[offer_id].level is level


@pytest.mark.parametrize(
    ("offer_id", "workplace"),
    [
        ("2418801", Workplace.onsite),
        ("2418802", Workplace.hybrid),
        ("2418806", Workplace.remote),
    ],
)
def test_the_one_ticked_workplace_flag_is_the_workplace(
    offer_id: str, workplace: Workplace
) -> None:
    assert _mapped()[offer_id].workplace is workplace


def test_several_or_no_ticked_flags_state_no_workplace() -> None:
    edge = _mapped(EDGE)
    assert edge["2419902"].workplace is None  # remote and on_site both ticked
    assert edge["2419903"].workplace is None  # none ticked


def test_every_location_becomes_a_place() -> None:
    places = _mapped()["2418802"].locations
    assert [(p.city, p.region, p.country) for p in places] == [
        ("Utrecht", "Utrecht", "NL"),
        ("Rotterdam", "South Holland", "NL"),
    ]
    assert places[0].raw == "Utrecht, Utrecht, Netherlands"


def test_without_locations_the_top_level_fields_or_text_give_the_place() -> None:
    edge = _mapped(EDGE)
    assert [(p.city, p.region, p.country) for p in edge["2419903"].locations] == [
        ("Ghent", "East Flanders", "BE")
    ]
    assert [(p.city, p.country) for p in edge["2419902"].locations] == [("Antwerp", "BE")]


def test_published_at_falls_back_to_created_at_and_junk_is_none() -> None:
    edge = _mapped(EDGE)
    assert edge["2419902"].posted_at == datetime(2026, 10, 20, 9, tzinfo=UTC)
    assert edge["2419903"].posted_at is None  # "last week"


def test_description_and_requirements_become_clean_text() -> None:
    description = _mapped()["2418802"].description_text or ""
    assert "Own the S&OP plan" in description
    assert "7+ years in supply chain planning" in description
    assert "<p>" not in description and "&amp;" not in description


def test_offers_without_id_or_title_are_rejected_with_reasons() -> None:
    parsed = parse_payload(RECRUITEE, EDGE, url=API, ctx=_ctx())
    assert parsed.records == 5 and len(parsed.postings) == 3
    reasons = {r.source_id: r.reason for r in parsed.rejected}
    assert "`id`" in reasons[None]
    assert "title" in reasons["2419901"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"<!DOCTYPE html><html><body>Page not found</body></html>", "HTML"),
        (b'{"offer": {}}', "no `offers` list"),
        (b'{"offers": [}', "invalid JSON"),
    ],
)
def test_a_payload_that_is_not_an_offers_list_raises_a_parse_error(
    body: bytes, fragment: str
) -> None:
    with pytest.raises(ParseError, match=fragment):
        RECRUITEE.parse(body, url=API)


def test_the_company_comes_from_the_entry_or_the_subdomain() -> None:
    entry = SourceConfig(name="v", kind="recruitee", company="vandermolen")
    assert RECRUITEE.start_url(entry) == API
    assert RECRUITEE.board_of(SourceConfig(name="x", kind="recruitee", url=API)) == "vandermolen"
    with pytest.raises(ConfigError, match="company"):
        RECRUITEE.board_of(SourceConfig(name="y", kind="recruitee"))


def test_the_offers_are_fetched_and_loaded(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    url = boards.publish("/api/offers/", OFFERS)
    sources = tmp_path / "sources.yaml"
    entry = {"name": "vandermolen", "kind": "recruitee", "company": "vandermolen", "url": url}
    sources.write_text(json.dumps({"sources": [entry]}))

    report = pipeline.run_once(settings, sources)

    (source,) = report.sources
    assert report.status == "completed", source.reason
    assert (source.new, source.quarantined) == (6, 0)
    with get_engine(settings.database_url.get_secret_value()).connect() as connection:
        row = connection.execute(
            text(
                "SELECT salary_period, salary_annual_min, salary_currency FROM posting "
                "WHERE title = 'Senior Supply Chain Planner'"
            )
        ).one()
    assert tuple(row) == ("year", 62_000, "EUR")
