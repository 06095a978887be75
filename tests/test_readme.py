"""README's two commands are the ones that CI and users run."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def _command(marker: str) -> str:
    readme = (ROOT / "README.md").read_text()
    match = re.search(rf"<!-- {marker} -->\s*```bash\n(.+?)\n```", readme, re.S)
    assert match, f"README.md lost its {marker}"
    return match.group(1).strip()


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert _command("test-command") in ci


def test_readme_run_command_runs_the_offline_example() -> None:
    command = _command("run-command")
    assert "jobingest run --sources examples/offline.yaml" in command
    assert (ROOT / "examples" / "offline.yaml").is_file()
