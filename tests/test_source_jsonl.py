"""JSON Lines dumps to postings, keys mapped by options (dotted paths reach nested objects)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from jobingest import pipeline
from jobingest.errors import ConfigError, ParseError, RecordError
from jobingest.models import EmploymentType, Level, PayPeriod, Posting, SourceConfig, Workplace
from jobingest.settings import Settings
from jobingest.sources import get_connector
from jobingest.sources.base import RecordContext
from jobingest.warehouse.db import get_engine
from tests.conftest import FIXTURES
from tests.fakeboards import FakeBoards

JSONL = get_connector("jsonl")
HERE = FIXTURES / "jsonl"
CRAWLER_COLUMNS = {
    "source_id": "job.ref",
    "title": "job.name",
    "url": "job.link",
    "company": "employer.name",
    "location": "place.text",
    "country": "place.country",
    "salary_min": "pay.from",
    "salary_max": "pay.to",
    "salary_currency": "pay.currency",
    "salary_period": "pay.unit",
    "employment_type": "contract",
    "level": "seniority",
    "posted_at": "published",
    "description": "html",
}


def _map(payload: bytes, **options: Any) -> tuple[list[Posting], list[str]]:
    ctx = RecordContext(source="jsonl", board="dump", fetched_on=date(2026, 11, 2), options=options)
    postings: list[Posting] = []
    reasons: list[str] = []
    for record in JSONL.parse(payload, url="file:///dumps/jobs.jsonl").records:
        try:
            postings.append(JSONL.to_posting(record, ctx))
        except (RecordError, ValueError) as exc:
            reasons.append(str(exc))
    return postings, reasons


def test_each_line_is_a_record_and_bad_lines_are_rejected_with_reasons() -> None:
    payload = (HERE / "jobs.jsonl").read_bytes()
    assert len(JSONL.parse(payload, url="file:///x.jsonl").records) == 6  # the blank line is none
    postings, reasons = _map(payload)
    assert [p.source_id for p in postings] == ["TR-501", "502", "TR-505"]
    assert reasons[0] == "jsonl line 4 (TR-503): no title"
    assert reasons[1].startswith("jsonl line 5: invalid JSON at column")
    assert reasons[2] == "jsonl line 7: a JSON array, not an object"


def test_keys_named_like_the_contract_map_directly() -> None:
    planner, fitter, helpdesk = _map((HERE / "jobs.jsonl").read_bytes())[0]
    assert planner.salary is not None
    assert (planner.salary.min, planner.salary.max, planner.salary.currency) == (
        34_000,
        39_000,
        "GBP",
    )
    assert planner.salary.period is PayPeriod.year
    assert planner.posted_at == datetime.fromisoformat("2026-10-06T07:00:00+01:00")
    assert [(p.city, p.country) for p in planner.locations] == [("Leeds", "GB")]
    assert fitter.employment_type is EmploymentType.contract
    assert fitter.posted_at == datetime(2026, 10, 7, 8, 0, tzinfo=UTC)  # epoch seconds
    assert fitter.salary is not None and fitter.salary.period is PayPeriod.hour
    assert fitter.workplace is None, "remote: false says nothing about the workplace"
    assert (
        fitter.description_text
        == "Twelve-month contract in our Doncaster depot.\n\nClass 66 experience preferred."
    )
    assert helpdesk.workplace is Workplace.remote
    assert helpdesk.level is Level.entry and helpdesk.employment_type is EmploymentType.part_time
    assert [p.country for p in helpdesk.locations] == ["GB"]  # from a list of locations


def test_dotted_paths_reach_into_nested_objects() -> None:
    postings, reasons = _map((HERE / "crawler_export.jsonl").read_bytes(), columns=CRAWLER_COLUMNS)
    assert reasons == []
    patissier, commis = postings
    assert (patissier.source_id, patissier.company) == ("c-9f1e", "Maison Verlaine")
    assert patissier.url == "https://emplois.maison-verlaine.example/c-9f1e"
    assert patissier.employment_type is EmploymentType.full_time  # CDI
    assert patissier.level is Level.senior
    assert patissier.salary is not None and patissier.salary.period is PayPeriod.month
    assert (patissier.salary.annual_min, patissier.salary.annual_max) == (25_200, 28_800)
    assert commis.employment_type is EmploymentType.internship  # Stage
    assert [p.country for p in commis.locations] == ["FR"]  # "Annecy" plus the country key
    assert commis.posted_at == datetime(2026, 10, 11, 8, 0, tzinfo=UTC)  # epoch milliseconds
    assert commis.salary is not None and commis.salary.max is None


def test_a_missing_key_is_unknown_not_an_error() -> None:
    postings, reasons = _map(
        b'{"ref": "a1", "name": "Baker"}\n',
        columns={"source_id": "ref", "title": "name", "company": "employer.name"},
    )
    assert reasons == [] and postings[0].company is None


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"", "empty body"),
        (b"<html><body>Not found</body></html>", "HTML or XML"),
        (b'{\n  "jobs": [\n    {"id": 1}\n  ]\n}\n', "no line is a JSON object"),
        (b'[{"id": 1, "title": "Baker"}]\n', "no line is a JSON object"),
    ],
)
def test_a_payload_that_is_not_json_lines_raises_a_parse_error(body: bytes, fragment: str) -> None:
    with pytest.raises(ParseError, match=fragment):
        JSONL.parse(body, url="file:///x.jsonl")


def test_a_dump_needs_a_url() -> None:
    with pytest.raises(ConfigError, match="needs `url`"):
        JSONL.board_of(SourceConfig(name="dump", kind="jsonl"))


def test_a_jsonl_dump_is_loaded_over_the_socket(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    url = boards.publish(
        "/exports/tern-rail/jobs.jsonl", (HERE / "jobs.jsonl").read_bytes(), "application/x-ndjson"
    )
    sources = tmp_path / "sources.yaml"
    sources.write_text(json.dumps({"sources": [{"name": "tern", "kind": "jsonl", "url": url}]}))
    report = pipeline.run_once(settings, sources)
    assert report.status == "completed", report
    with get_engine(settings.database_url.get_secret_value()).connect() as connection:
        loaded = connection.execute(text("SELECT source_id FROM posting ORDER BY source_id")).all()
        quarantined = connection.execute(
            text("SELECT count(*) FROM quarantine WHERE source_name = 'tern' AND stage = 'map'")
        ).scalar_one()
    assert [r[0] for r in loaded] == ["502", "TR-501", "TR-505"]
    assert quarantined == 3
