"""CSV dumps (spreadsheet exports, scrapes, Kaggle files) to postings, columns mapped by options."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from jobingest import pipeline
from jobingest.errors import ConfigError, ParseError, RecordError
from jobingest.models import (
    EmploymentType,
    Level,
    PayPeriod,
    Posting,
    SalaryOrigin,
    SourceConfig,
    Workplace,
)
from jobingest.settings import Settings
from jobingest.sources import get_connector
from jobingest.sources.base import Record, RecordContext
from jobingest.warehouse.db import get_engine
from tests.conftest import FIXTURES
from tests.fakeboards import FakeBoards

CSV = get_connector("csv")
HERE = FIXTURES / "csv"
GLASSDOOR_COLUMNS = {
    "title": "Job Title",
    "company": "Company Name",
    "location": "Location",
    "salary": "Salary Estimate",
    "description": "Job Description",
}
LINKEDIN_COLUMNS = {
    "source_id": "job_id",
    "title": "title",
    "company": "company_name",
    "location": "location",
    "description": "description",
    "salary_min": "min_salary",
    "salary_max": "max_salary",
    "salary_currency": "currency",
    "salary_period": "pay_period",
    "employment_type": "formatted_work_type",
    "level": "formatted_experience_level",
    "remote": "remote_allowed",
    "posted_at": "listed_time",
    "url": "job_posting_url",
}
GERMAN_COLUMNS = {
    "source_id": "Stellen-ID",
    "title": "Titel",
    "company": "Firma",
    "location": "Ort",
    "salary_min": "Gehalt von",
    "salary_max": "Gehalt bis",
    "salary_currency": "Währung",
    "salary_period": "Zeitraum",
    "employment_type": "Art",
    "posted_at": "Veröffentlicht",
}


def _ctx(**options: Any) -> RecordContext:
    return RecordContext(source="csv", board="dump", fetched_on=date(2026, 11, 2), options=options)


def _records(payload: bytes) -> list[Record]:
    return CSV.parse(payload, url="file:///dumps/jobs.csv").records


def _map(payload: bytes, **options: Any) -> tuple[list[Posting], list[str]]:
    """Postings in file order, and the reasons of the rows that could not be postings."""
    postings: list[Posting] = []
    reasons: list[str] = []
    for record in _records(payload):
        try:
            postings.append(CSV.to_posting(record, _ctx(**options)))
        except (RecordError, ValueError) as exc:
            reasons.append(str(exc))
    return postings, reasons


def _by_id(postings: list[Posting]) -> dict[str, Posting]:
    return {p.source_id: p for p in postings}


def test_columns_named_like_the_contract_need_no_mapping() -> None:
    postings, reasons = _map((HERE / "jobs_export.csv").read_bytes())
    assert [p.source_id for p in postings] == [
        "BW-1042",
        "BW-1043",
        "BW-1051",
        "BW-1066",
        "BW-1070",
    ]
    assert reasons == ["csv row 4 (BW-1060): no title"]
    platform = postings[0]
    assert platform.company == "Brightwater Analytics"
    assert platform.url == "https://jobs.brightwater-analytics.example/BW-1042"
    assert (platform.level, platform.employment_type) == (Level.senior, EmploymentType.full_time)
    assert platform.workplace is Workplace.hybrid
    assert [(p.city, p.country) for p in platform.locations] == [("Berlin", "DE")]
    assert platform.posted_at == datetime(2026, 10, 3, tzinfo=UTC)
    text_ = platform.description_text or ""
    assert "- Terraform and Argo CD" in text_ and "<li>" not in text_


def test_structured_pay_columns_become_bands() -> None:
    postings = _by_id(_map((HERE / "jobs_export.csv").read_bytes())[0])
    platform = postings["BW-1042"].salary
    assert platform is not None
    assert (platform.min, platform.max, platform.currency) == (70_000, 85_000, "EUR")  # "70,000"
    assert platform.period is PayPeriod.year
    support = postings["BW-1043"].salary
    assert support is not None and support.period is PayPeriod.month
    assert (support.annual_min, support.annual_max) == (336_000, 384_000)
    contractor = postings["BW-1051"].salary
    assert contractor is not None and contractor.period is PayPeriod.hour
    assert (contractor.min, contractor.max) == (24.00, 31.50), "a reversed band is put in order"
    student = postings["BW-1070"].salary
    assert student is not None and (student.min, student.max) == (18, None)
    assert postings["BW-1066"].salary is None


def test_labels_dates_and_workplace_columns() -> None:
    postings = _by_id(_map((HERE / "jobs_export.csv").read_bytes())[0])
    assert postings["BW-1043"].level is Level.entry
    assert postings["BW-1043"].posted_at == datetime(2026, 10, 5, 8, 30, tzinfo=UTC)
    assert [p.country for p in postings["BW-1043"].locations] == ["SE"]  # from the country column
    assert postings["BW-1051"].posted_at == datetime(2026, 10, 5, 8, 0, tzinfo=UTC)  # epoch ms
    assert postings["BW-1051"].workplace is Workplace.remote
    assert postings["BW-1066"].level is Level.executive  # Director
    assert postings["BW-1066"].workplace is Workplace.onsite
    student = postings["BW-1070"]
    assert student.level is None, "Mid-Senior level names two levels"
    assert student.employment_type is EmploymentType.internship  # Werkstudent
    assert student.posted_at is None and student.url is None  # "n/a" and empty


def test_a_scrape_without_ids_is_keyed_by_row_number_and_mapped_by_options() -> None:
    postings, reasons = _map(
        (HERE / "scraped_salaries.csv").read_bytes(), columns=GLASSDOOR_COLUMNS
    )
    assert [p.source_id for p in postings] == ["row1", "row2", "row3", "row5"]
    assert reasons == ["csv row 4 (row4): no title"]
    assert postings[0].company == "Buckeye Mutual Insurance", "the rating line is not the name"
    assert [(p.city, p.region, p.country) for p in postings[0].locations] == [
        ("Columbus", "OH", "US")
    ]
    assert postings[2].workplace is Workplace.remote and postings[2].locations == []


def test_a_free_text_pay_column_is_read_by_the_salary_extractor() -> None:
    postings = _by_id(
        _map((HERE / "scraped_salaries.csv").read_bytes(), columns=GLASSDOOR_COLUMNS)[0]
    )
    estimate = postings["row1"].salary
    assert estimate is not None and estimate.origin is SalaryOrigin.text
    assert (estimate.min, estimate.max, estimate.currency) == (61_000, 104_000, "USD")
    assert estimate.period is PayPeriod.year
    employer = postings["row2"].salary
    assert employer is not None and (employer.min, employer.max) == (140_000, 175_000)
    hourly = postings["row3"].salary
    assert hourly is not None and hourly.period is PayPeriod.hour
    assert (hourly.min, hourly.max) == (19, 27)


def test_a_stated_period_the_contract_cannot_hold_is_not_replaced_by_a_guess() -> None:
    payload = (
        b"id,title,min_salary,max_salary,currency,pay_period\n9,Analyst,71323,89965,USD,BIWEEKLY\n"
    )
    columns = {"source_id": "id", "title": "title", "salary_min": "min_salary",
               "salary_max": "max_salary", "salary_currency": "currency",
               "salary_period": "pay_period"}  # fmt: skip
    (posting,), _ = _map(payload, columns=columns)
    assert posting.salary is not None and (posting.salary.min, posting.salary.max) == (
        71_323,
        89_965,
    )
    assert posting.salary.period is None and posting.salary.annual_max_usd is None
    (same,), _ = _map(payload.replace(b"BIWEEKLY", b""), columns=columns)
    assert same.salary is not None and same.salary.period is PayPeriod.year  # magnitude, unstated


def test_na_values_add_sentinels_for_missing_cells() -> None:
    payload = b'id,title,company,location\r\n7,Welder,-1,"Gary, IN"\r\n'
    (plain,), _ = _map(payload)
    assert plain.company == "-1"
    (cleaned,), _ = _map(payload, na_values=["-1"])
    assert cleaned.company is None


def test_a_windows_1252_export_is_decoded_and_its_columns_mapped() -> None:
    payload = (HERE / "postings_cp1252.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        payload.decode("utf-8")
    assert {r["read_as"]["encoding"] for r in _records(payload)} == {"cp1252"}
    for options in (
        {"columns": LINKEDIN_COLUMNS},
        {"columns": LINKEDIN_COLUMNS, "encoding": "cp1252"},
    ):
        postings, reasons = _map(payload, **options)
        assert reasons == []
        assert postings[0].title == "Member Services Representative – Spanish Bilingual"
        assert "We’re looking" in (postings[0].description_text or "")
    postings = _by_id(_map(payload, columns=LINKEDIN_COLUMNS)[0])
    teller = postings["4012558231"]
    assert teller.salary is not None and teller.salary.period is PayPeriod.hour
    assert (teller.level, teller.employment_type) == (Level.entry, EmploymentType.full_time)
    assert teller.posted_at == datetime(2024, 4, 25, 16, 0, tzinfo=UTC)
    assert teller.workplace is None, "an empty remote_allowed says nothing"
    engineer = postings["4012570019"]
    assert engineer.workplace is Workplace.remote  # remote_allowed = 1.0
    assert engineer.salary is not None and engineer.salary.period is PayPeriod.year
    assert [p.country for p in engineer.locations] == ["US"]
    nurse = postings["4012581147"]
    assert nurse.salary is not None and nurse.salary.period is None, (
        "BIWEEKLY is no contract period"
    )
    assert nurse.employment_type is EmploymentType.temporary
    director = postings["4012590002"]
    assert director.salary is None and director.level is Level.executive


def test_an_explicit_encoding_re_reads_the_cells() -> None:
    payload = "id,title,location\n1,Программист 1С,Москва\n".encode("koi8_r")
    (garbled,), _ = _map(payload)
    assert garbled.title != "Программист 1С"
    (posting,), _ = _map(payload, encoding="koi8-r")
    assert posting.title == "Программист 1С"
    assert posting.locations[0].raw == "Москва"
    _, reasons = _map(payload, encoding="klingon")
    assert reasons == ["options.encoding: unknown encoding 'klingon'"]


def test_utf8_is_the_default_and_cp1252_its_fallback() -> None:
    payload = "id,title\n1,Café Manager\n".encode("cp1252")
    (posting,), _ = _map(payload, encoding="utf-8")
    assert posting.title == "Café Manager"


def test_semicolons_and_a_byte_order_mark() -> None:
    payload = (HERE / "stellen_semikolon.csv").read_bytes()
    assert payload.startswith(b"\xef\xbb\xbf")
    postings, reasons = _map(payload, columns=GERMAN_COLUMNS, delimiter=";")
    assert reasons == []
    assert [p.source_id for p in postings] == ["ST-77", "ST-78"]
    assert postings[1].title == "Werkstudent Controlling; Schwerpunkt Reporting"
    electrician, student = postings
    assert electrician.salary is not None and electrician.salary.period is PayPeriod.month
    assert electrician.employment_type is EmploymentType.full_time
    assert [(p.city, p.country) for p in electrician.locations] == [("Mannheim", "DE")]
    assert student.salary is not None and student.salary.period is PayPeriod.hour
    assert student.employment_type is EmploymentType.internship
    _, reasons = _map(payload, columns=GERMAN_COLUMNS, delimiter=",")
    assert len(reasons) == 2 and all("options.delimiter is ','" in r for r in reasons)


def test_mapping_mistakes_are_reported_on_every_row() -> None:
    payload = (HERE / "stellen_semikolon.csv").read_bytes()
    _, reasons = _map(payload, columns={**GERMAN_COLUMNS, "salary_min": "Gehalt ab"})
    assert reasons and all("salary_min → 'Gehalt ab'" in r for r in reasons)
    _, reasons = _map(payload, columns={"title": "Titel", "salary_from": "Gehalt von"})
    assert reasons and all("unknown field(s) salary_from" in r for r in reasons)
    _, reasons = _map(payload, columns={"title": "Titel", "source_id": "Stellen-ID"}, na_values="x")
    assert reasons and all("na_values" in r for r in reasons)


def test_an_empty_id_cell_is_rejected_when_the_dump_has_an_id_column() -> None:
    postings, reasons = _map(b"id,title\n1,Baker\n,Cook\n")
    assert [p.source_id for p in postings] == ["1"]
    assert reasons == ["csv row 2: the id column 'id' is empty"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"", "empty body"),
        (b"  \r\n ", "empty body"),
        (b"<!DOCTYPE html><html><body>Export expired</body></html>", "HTML or XML"),
        (b'[{"id": 1, "title": "Baker"}]', "got JSON"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00binary zip", "binary data"),
    ],
)
def test_a_payload_that_is_not_csv_raises_a_parse_error(body: bytes, fragment: str) -> None:
    with pytest.raises(ParseError, match=fragment):
        _records(body)


def test_a_header_only_file_has_no_records_and_repeated_headers_are_kept() -> None:
    assert _records(b"id,title,location\r\n") == []
    (record,) = _records(b"id,title,title\n1,Baker,Boulanger\n")
    assert record["values"] == {"id": "1", "title": "Baker", "title.1": "Boulanger"}


def test_a_dump_needs_a_url() -> None:
    with pytest.raises(ConfigError, match="needs `url`"):
        CSV.board_of(SourceConfig(name="dump", kind="csv"))
    entry = SourceConfig(name="dump", kind="csv", url="file:///data/jobs.csv")
    assert CSV.board_of(entry) == "dump"


def test_a_dump_is_loaded_over_the_socket(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    url = boards.publish(
        "/exports/brightwater/jobs.csv", (HERE / "jobs_export.csv").read_bytes(), "text/csv"
    )
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        json.dumps({"sources": [{"name": "brightwater", "kind": "csv", "url": url}]})
    )
    report = pipeline.run_once(settings, sources)
    assert report.status == "completed", report
    with get_engine(settings.database_url.get_secret_value()).connect() as connection:
        loaded = connection.execute(
            text("SELECT source_id, salary_currency FROM posting ORDER BY source_id")
        ).all()
        quarantined = connection.execute(
            text("SELECT stage, reason FROM quarantine WHERE source_name = 'brightwater'")
        ).all()
    assert [tuple(r) for r in loaded] == [
        ("BW-1042", "EUR"), ("BW-1043", "SEK"), ("BW-1051", "USD"), ("BW-1066", None),
        ("BW-1070", "EUR"),
    ]  # fmt: skip
    assert [tuple(r) for r in quarantined] == [
        ("map", "RecordError: csv row 4 (BW-1060): no title")
    ]
