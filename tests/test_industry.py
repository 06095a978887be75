"""Industries come from what a board states, in each board's shape, mapped to one fixed list."""

from __future__ import annotations

from datetime import date

import pytest

from jobingest.extract.industry import INDUSTRIES, stated_industry
from jobingest.parse import parse_payload
from jobingest.sources import get_connector
from jobingest.sources.base import RecordContext
from tests.conftest import FIXTURES


def _industries(
    kind: str, path: str, url: str, options: dict[str, object] | None = None
) -> dict[str, str | None]:
    ctx = RecordContext(
        source=kind, board="b", fetched_on=date(2026, 11, 2), company="Acme", options=options or {}
    )
    parsed = parse_payload(get_connector(kind), (FIXTURES / path).read_bytes(), url=url, ctx=ctx)
    return {p.source_id: p.industry for p in parsed.postings}


@pytest.mark.parametrize(
    ("kind", "path", "url", "expected"),
    [
        ("smartrecruiters", "smartrecruiters/nordlicht_offset0_limit4.json",
         "https://api.smartrecruiters.com/v1/companies/NordlichtMobility/postings", "Automotive"),
        ("workable", "workable/lumos-learning.json",
         "https://apply.workable.com/api/v1/widget/accounts/lumos-learning", "Education"),
        ("jsonld", "jsonld/halcyon_openings.html",
         "https://halcyon-energy.example/careers", "Energy & Mining"),
    ],
)  # fmt: skip
def test_a_boards_stated_industry_reaches_the_posting(
    kind: str, path: str, url: str, expected: str
) -> None:
    found = _industries(kind, path, url)
    assert found and expected in found.values()
    assert set(found.values()) <= {*INDUSTRIES, None}


def test_a_dumps_industry_column_is_mapped_like_any_other() -> None:
    columns = {"title": "Job Title", "company": "Company Name", "industry": "Industry"}
    found = _industries(
        "csv", "csv/scraped_salaries.csv", "file:///dumps/scraped_salaries.csv",
        {"columns": columns},
    )  # fmt: skip
    assert found and all(v in INDUSTRIES for v in found.values() if v)
    assert "Insurance" in found.values(), "Glassdoor's 'Insurance Carriers' row"


def test_boards_without_an_industry_field_leave_it_unknown() -> None:
    found = _industries(
        "greenhouse", "greenhouse/edge_cases.json",
        "https://boards-api.greenhouse.io/v1/boards/acme/jobs?content=true",
    )  # fmt: skip
    assert found and set(found.values()) == {None}, "never guessed from the description"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"id": "automotive", "label": "Automotive"}, "Automotive"),
        ({"@type": "DefinedTerm", "name": "Hospitals and Health Care"}, "Healthcare"),
        (["Unknown", "Biotech & Pharmaceuticals"], "Pharma & Biotech"),
        ("Staffing and Recruiting", "Staffing & Recruiting"),
        ("-1", None),
        (42, None),
        ({"label": None}, None),
    ],
)
def test_stated_industry_reads_every_shape(value: object, expected: str | None) -> None:
    assert stated_industry(value) == expected
