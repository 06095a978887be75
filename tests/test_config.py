"""sources.yaml: one bad entry is named with its field and the others still run."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobingest.config import load_sources
from jobingest.errors import ConfigError


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text)
    return path


def test_bad_entries_are_reported_and_good_ones_kept(tmp_path: Path) -> None:
    plan = load_sources(
        _write(
            tmp_path,
            """
sources:
  - {name: good, kind: greenhouse, board: acme}
  - {name: typo, kind: greenhouse, borad: acme}
  - {name: nokind, board: acme}
  - {name: alien, kind: workday, board: acme}
  - {name: noboard, kind: greenhouse}
  - {name: badurl, kind: greenhouse, url: "ftp://example.com/x"}
  - {name: good, kind: greenhouse, board: again}
  - {name: paused, kind: greenhouse, board: paused, enabled: false}
""",
        )
    )
    assert [e.name for e in plan.entries] == ["good", "paused"]
    assert [e.name for e in plan.enabled] == ["good"]
    reasons = {e.name: e.reason for e in plan.errors}
    assert "borad" in reasons["typo"]
    assert reasons["nokind"].startswith("kind")
    assert "workday" in reasons["alien"]
    assert "board" in reasons["noboard"]
    assert reasons["badurl"].startswith("url")
    assert "name" in reasons["good"]


def test_relative_file_urls_resolve_against_the_sources_file(tmp_path: Path) -> None:
    (tmp_path / "payloads").mkdir()
    plan = load_sources(
        _write(
            tmp_path,
            """
sources:
  - {name: saved, kind: greenhouse, board: acme, url: "file://payloads/acme.json"}
  - {name: absolute, kind: greenhouse, board: beta, url: "file:///srv/beta.json"}
""",
        )
    )
    urls = {e.name: e.url for e in plan.entries}
    assert urls["saved"] == (tmp_path / "payloads" / "acme.json").resolve().as_uri()
    assert urls["absolute"] == "file:///srv/beta.json"


@pytest.mark.parametrize("text", ["sources: nope", "- a\n- b", ": : :"])
def test_a_file_without_a_sources_list_is_an_error(tmp_path: Path, text: str) -> None:
    with pytest.raises(ConfigError):
        load_sources(_write(tmp_path, text))


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_sources(tmp_path / "absent.yaml")
