"""The `jobingest` command as people use it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from jobingest.cli import app
from tests.conftest import EXAMPLES, ROOT

runner = CliRunner()
PAYLOAD = EXAMPLES / "payloads" / "greenhouse_northwind-analytics.json"


def test_parse_prints_schema_valid_json_lines_in_payload_order() -> None:
    result = runner.invoke(app, ["parse", str(PAYLOAD), "--source", "greenhouse"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    schema = json.loads((ROOT / "schemas" / "posting.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    postings = [json.loads(line) for line in lines]
    for posting in postings:
        validator.validate(posting)
    expected = [str(job["id"]) for job in json.loads(PAYLOAD.read_bytes())["jobs"]]
    assert [p["source_id"] for p in postings] == expected
    assert {p["board"] for p in postings} == {PAYLOAD.stem}


def test_parse_of_an_unknown_kind_or_a_broken_payload_fails_clearly(tmp_path: Path) -> None:
    unknown = runner.invoke(app, ["parse", str(PAYLOAD), "--source", "nosuchboard"])
    assert unknown.exit_code == 2 and "unknown source kind" in unknown.output
    broken = tmp_path / "broken.json"
    broken.write_text("<html>error</html>")
    result = runner.invoke(app, ["parse", str(broken), "--source", "greenhouse"])
    assert result.exit_code == 1 and "HTML" in result.output


def test_sources_list_names_every_kind_with_a_description() -> None:
    result = runner.invoke(app, ["sources", "list"])
    assert result.exit_code == 0
    assert "greenhouse" in result.stdout and "Greenhouse job board API" in result.stdout


def test_sources_check_names_bad_entries(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "sources:\n  - {name: a, kind: greenhouse}\n  - {name: b, kind: greenhouse, board: x}\n"
    )
    result = runner.invoke(app, ["sources", "check", str(path)])
    assert result.exit_code == 1
    assert "invalid a" in result.output and "ok      b" in result.output


def test_schema_export_check_passes_on_the_committed_schemas() -> None:
    result = runner.invoke(app, ["schema", "export", "--check", "--out", str(ROOT / "schemas")])
    assert result.exit_code == 0, result.output


def test_schema_export_check_catches_drift(tmp_path: Path) -> None:
    (tmp_path / "posting.schema.json").write_text("{}")
    result = runner.invoke(app, ["schema", "export", "--check", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "posting.schema.json" in result.output


@pytest.mark.slow
def test_main_job_runs_offline_twice_with_the_same_rows(tmp_path: Path) -> None:
    """README's main job, as a subprocess on the embedded defaults (ephemeral Prefect API)."""
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("JOBINGEST_", "PREFECT_"))
    }  # fmt: skip
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    command = [
        sys.executable,
        "-m",
        "jobingest.cli",
        "run",
        "--sources",
        str(EXAMPLES / "offline.yaml"),
    ]
    runs = [
        subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        for _ in range(2)
    ]
    for run in runs:
        assert run.returncode == 0, run.stderr[-3000:]
        assert "completed" in run.stdout
    with sqlite3.connect(tmp_path / "jobingest.db") as db:
        # 122 jobs on five boards, 8 of them listed again on Remotive (linked duplicates), and
        # 168 salary-survey answers; the second night changes nothing.
        assert db.execute("SELECT count(*) FROM posting").fetchone() == (130,)
        assert db.execute("SELECT count(*) FROM posting WHERE canonical_id IS NULL").fetchone() == (
            122,
        )
        assert db.execute("SELECT count(*) FROM salary_survey").fetchone() == (168,)
        assert db.execute(
            "SELECT new, unchanged, duplicates, status FROM ingest_run ORDER BY id"
        ).fetchall() == [
            (122 + 168, 0, 8, "completed"),
            (0, 130, 0, "completed"),
        ]
    assert any((tmp_path / "data" / "raw").rglob("*.gz"))
