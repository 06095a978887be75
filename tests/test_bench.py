"""`jobingest bench --quick`, run as CI runs it: a real subprocess, the real corpus, warehouses,
worker processes and loopback boards. Only the table's shape is checked, never a figure's size:
every measurement has a row, a figure, a baseline from the same run and their ratio."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import POSTGRES_REQUIRED, POSTGRES_URL, ROOT

pytestmark = pytest.mark.slow

ROWS = (
    "replay raw→parse→extract→dedupe→load, SQLite, 1 process",
    "replay raw→parse→extract→dedupe→load, SQLite, 2 processes",
    "replay raw→parse→extract→dedupe→load, PostgreSQL, 1 process",
    "replay raw→parse→extract→dedupe→load, PostgreSQL, 2 processes",
    "fetch night: 4 sources at a time, politeness limits",
    "incremental night (unchanged boards, 304s): time",
    "incremental night: CPU time (pipeline and loopback boards)",
    "incremental night: body bytes received",
    "load: load_batch upserts, SQLite",
    "load: load_batch upserts, PostgreSQL",
    "peak memory per 100k postings replayed (SQLite, 1 process)",
)
RATIO = re.compile(r"^(\d[\d,]*\.\d×|\d+\.\d% of baseline)$")
FIGURE = re.compile(r"^\d[\d,]*(\.\d+)?( \(n=\d+\))?")


def test_quick_bench_prints_every_row_with_its_baseline_and_ratio(
    postgres_problem: str | None,
) -> None:
    command = [sys.executable, "-m", "jobingest", "bench", "--quick", "--markdown"]
    if not postgres_problem:
        command += ["--postgres", POSTGRES_URL]
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = {}
    for line in done.stdout.splitlines():
        if line.startswith("| ") and not line.startswith(("| measure", "|---")):
            cells = [cell.strip() for cell in line.strip("|").split(" | ")]
            rows[cells[0]] = cells
    assert list(rows) == list(ROWS)
    for name, (_, unit, ours, baseline, ratio, _note) in rows.items():
        if "PostgreSQL" in name and postgres_problem and not POSTGRES_REQUIRED:
            assert ratio.startswith("n/a ("), f"{name}: a skipped row says why"
            continue
        assert unit, name
        assert FIGURE.match(ours), f"{name}: {ours!r}"
        assert FIGURE.match(baseline) and "(" in baseline, f"{name}: {baseline!r}"
        assert RATIO.match(ratio), f"{name}: {ratio!r}"
    assert re.search(r"corpus: [\d,]+ postings \([\d,]+ cross-posted copies", done.stdout)
