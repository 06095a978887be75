"""The posting contract: vocabularies hold, and schemas/*.json are what the models generate."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from jobingest import schemas
from jobingest.models import LEVEL_LABELS, Level, Location, Posting, Salary, SourcesFile
from tests.conftest import ROOT

CONTRACT_FIELDS = {
    "source", "board", "source_id", "url", "company", "title", "role", "role_family", "level",
    "employment_type", "workplace", "locations", "salary", "skills", "posted_at",
    "industry", "description_text", "description_html", "fingerprint",
}  # fmt: skip


def test_schema_files_match_the_models() -> None:
    stale = schemas.stale(ROOT / "schemas")
    assert stale == [], f"run `jobingest schema export`: {stale} drifted from the models"


def test_posting_schema_has_the_contract_field_names() -> None:
    schema = json.loads((ROOT / "schemas" / "posting.schema.json").read_text())
    assert set(schema["properties"]) == CONTRACT_FIELDS
    salary = schema["$defs"]["Salary"]["properties"]
    for name in ("min", "max", "currency", "period", "annual_min", "annual_max",
                 "annual_min_usd", "annual_max_usd", "origin", "raw"):  # fmt: skip
        assert name in salary
    assert set(schema["$defs"]["Location"]["properties"]) == {
        "city",
        "region",
        "country",
        "raw",
        "geoname_id",
    }


def test_sources_schema_describes_the_sources_file() -> None:
    schema = json.loads((ROOT / "schemas" / "sources.schema.json").read_text())
    assert schema["required"] == ["sources"]
    entry = schema["$defs"]["SourceConfig"]
    assert {"name", "kind"} <= set(entry["required"])
    assert SourcesFile.model_validate({"sources": []}).sources == []


def test_level_labels_are_the_published_ones() -> None:
    assert [LEVEL_LABELS[level] for level in Level] == [
        "Entry-level / Junior",
        "Mid-level / Intermediate",
        "Senior-level / Expert",
        "Executive-level / Director",
    ]


def _posting(**overrides: object) -> dict[str, object]:
    return {"source": "greenhouse", "board": "b", "source_id": "1", "title": "Data Engineer",
            **overrides}  # fmt: skip


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("level", "lead"),
        ("employment_type", "fulltime"),
        ("workplace", "office"),
        ("title", "   "),
        ("source_id", ""),
    ],
)
def test_values_outside_the_vocabulary_are_rejected(field: str, value: str) -> None:
    with pytest.raises(ValidationError):
        Posting.model_validate(_posting(**{field: value}))


def test_unknown_is_null_not_a_default_guess() -> None:
    posting = Posting.model_validate(_posting())
    assert (posting.level, posting.employment_type, posting.workplace, posting.salary) == (
        None, None, None, None,
    )  # fmt: skip


def test_country_and_currency_must_be_iso_codes() -> None:
    with pytest.raises(ValidationError):
        Location(country="Germany", raw="Berlin, Germany")
    with pytest.raises(ValidationError):
        Salary(min=1, max=2, currency="$", origin="structured")


def test_a_band_needs_an_amount_and_an_order() -> None:
    with pytest.raises(ValidationError):
        Salary(origin="structured")
    with pytest.raises(ValidationError):
        Salary(min=200, max=100, origin="text")
