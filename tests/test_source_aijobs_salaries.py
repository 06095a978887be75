"""The ai-jobs.net salary survey: answers in the posting shape, and rows for `salary_survey`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from jobingest import pipeline
from jobingest.errors import ConfigError, ParseError, RecordError
from jobingest.models import EmploymentType, Level, PayPeriod, SalaryOrigin, SourceConfig, Workplace
from jobingest.settings import Settings
from jobingest.sources import get_connector
from jobingest.sources.aijobs_salaries import survey_row
from jobingest.sources.base import Record, RecordContext
from jobingest.warehouse.db import get_engine
from tests.conftest import FIXTURES
from tests.fakeboards import FakeBoards

SURVEY = get_connector("aijobs_salaries")
PAYLOAD = (FIXTURES / "aijobs_salaries" / "salaries.csv").read_bytes()
CTX = RecordContext(source="aijobs_salaries", board="ai-jobs.net", fetched_on=date(2026, 11, 2))
SURVEY_COLUMNS = {
    "source", "row_hash", "work_year", "job_title", "level", "employment_type", "workplace",
    "salary", "currency", "salary_usd", "employee_residence", "company_location", "company_size",
    "remote_ratio",
}  # fmt: skip


def _records(payload: bytes = PAYLOAD) -> list[Record]:
    return SURVEY.parse(payload, url="file:///data/salaries.csv").records


def test_it_is_a_survey_source() -> None:
    assert getattr(SURVEY, "target", None) == "salary_survey"


def test_every_answer_but_the_untitled_one_becomes_a_row() -> None:
    records = _records()
    assert len(records) == 11
    for record in records[:10]:
        SURVEY.to_posting(record, CTX)
    with pytest.raises(RecordError, match="row 11: no job_title"):
        SURVEY.to_posting(records[10], CTX)


def test_repeated_answers_get_distinct_ids_that_survive_a_new_release() -> None:
    first = [SURVEY.to_posting(r, CTX).source_id for r in _records()[:10]]
    assert len(set(first)) == 10, "identical answers are still separate answers"
    assert all(len(i) == 64 and int(i, 16) >= 0 for i in first)
    header, rest = PAYLOAD.split(b"\n", 1)
    release = header + b"\n2027,MI,FT,Data Engineer,150000,USD,150000,US,0,US,M\n" + rest
    second = [SURVEY.to_posting(r, CTX).source_id for r in _records(release)[:11]]
    assert second[1:] == first, "rows inserted at the top change no old id"
    assert [SURVEY.to_posting(r, CTX).source_id for r in _records()[:10]] == first


def test_codes_and_pay_map_to_the_posting_contract() -> None:
    postings = [SURVEY.to_posting(r, CTX) for r in _records()[:10]]
    engineer, _, analyst, junior, head, contractor, assistant, consultant, _, unpaid = postings
    assert engineer.title == "Machine Learning Engineer"
    assert (engineer.level, engineer.employment_type, engineer.workplace) == (
        Level.senior, EmploymentType.full_time, Workplace.onsite,
    )  # fmt: skip
    salary = analyst.salary
    assert salary is not None
    assert (salary.min, salary.max, salary.currency, salary.period) == (
        58_000,
        58_000,
        "EUR",
        PayPeriod.year,
    )
    assert (salary.annual_min, salary.annual_max) == (58_000, 58_000)
    assert (salary.annual_min_usd, salary.annual_max_usd) == (62_890, 62_890)  # the survey's own
    assert salary.origin is SalaryOrigin.structured and salary.fx_rate_date is None
    assert analyst.workplace is Workplace.hybrid and analyst.level is Level.mid
    assert junior.level is Level.entry
    assert head.level is Level.executive and head.workplace is Workplace.remote
    assert contractor.employment_type is EmploymentType.contract
    assert assistant.employment_type is EmploymentType.part_time
    assert consultant.employment_type is EmploymentType.freelance
    assert [(p.country, p.raw) for p in consultant.locations] == [("US", "US")]  # the company's
    assert unpaid.salary is None, "a zero salary is no answer about pay"
    assert all(p.posted_at is None and p.company is None for p in postings)


def test_survey_rows_carry_exactly_the_table_columns() -> None:
    records = _records()
    row = survey_row(records[7])
    assert set(row) == SURVEY_COLUMNS
    assert row == {
        "source": "aijobs_salaries",
        "row_hash": SURVEY.to_posting(records[7], CTX).source_id,
        "work_year": 2025,
        "job_title": "Computer Vision Consultant",
        "level": Level.senior,
        "employment_type": EmploymentType.freelance,
        "workplace": Workplace.remote,
        "salary": 140_000,
        "currency": "CAD",
        "salary_usd": 101_850,
        "employee_residence": "CA",
        "company_location": "US",
        "company_size": "S",
        "remote_ratio": 100,
    }


def test_unknown_codes_are_none_not_guesses() -> None:
    header, _ = PAYLOAD.split(b"\n", 1)
    odd = header + b"\n2024,XX,ZZ,Data Wrangler,95000,usd,95000,U.S.,25,Atlantis,XL\n"
    (record,) = _records(odd)
    row = survey_row(record)
    assert (row["level"], row["employment_type"], row["workplace"]) == (None, None, None)
    assert row["remote_ratio"] == 25 and row["currency"] == "USD"
    assert row["company_location"] is None and row["company_size"] == "XL"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (
            b"Job Title,Salary Estimate,Company Name\nData Scientist,$53K-$91K,Acme\n",
            "columns missing",
        ),
        (b"<!DOCTYPE html><html><body>Download expired</body></html>", "HTML or XML"),
        (b"", "empty body"),
    ],
)
def test_a_file_that_is_not_the_survey_raises_a_parse_error(body: bytes, fragment: str) -> None:
    with pytest.raises(ParseError, match=fragment):
        _records(body)


def test_the_entry_names_the_download() -> None:
    with pytest.raises(ConfigError, match="needs `url`"):
        SURVEY.board_of(SourceConfig(name="survey", kind="aijobs_salaries"))
    entry = SourceConfig(name="survey", kind="aijobs_salaries", url="file:///data/salaries.csv")
    assert SURVEY.board_of(entry) == "ai-jobs.net"


def test_the_survey_is_loaded_over_the_socket(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    url = boards.publish("/salaries/download/salaries.csv", PAYLOAD, "text/csv")
    sources = tmp_path / "sources.yaml"
    entry = {"name": "aijobs", "kind": "aijobs_salaries", "url": url}
    sources.write_text(json.dumps({"sources": [entry]}))
    report = pipeline.run_once(settings, sources)
    assert report.status == "completed", report
    expected = sorted(survey_row(r)["row_hash"] for r in _records()[:10])
    with get_engine(settings.database_url.get_secret_value()).connect() as connection:
        survey = connection.execute(text("SELECT row_hash FROM salary_survey")).scalars().all()
        postings = (
            connection.execute(
                text("SELECT source_id FROM posting WHERE source = 'aijobs_salaries'")
            )
            .scalars()
            .all()
        )
        rejected = (
            connection.execute(text("SELECT reason FROM quarantine WHERE source_name = 'aijobs'"))
            .scalars()
            .all()
        )
    assert len(rejected) == 1 and "no job_title" in rejected[0]
    assert sorted(survey) == expected
    assert postings == [], "survey answers are never advertised postings"
