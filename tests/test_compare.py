"""The "Role A vs Role B" page: its data against the marts, its JSON against the schema, and the
HTML a reader gets (seed-style featured jobs, "not enough data", nothing external, escaping)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import text

from jobingest.content.commands import compare_command
from jobingest.content.compare import build_comparison, render, salary_text, schema_json
from jobingest.settings import Settings
from jobingest.warehouse.db import get_engine
from jobingest.warehouse.marts import refresh_marts
from tests.marts_world import INDUSTRY, NOW, ROLE, T0, build

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "schemas" / "compare.schema.json"
MLE = "Machine Learning Engineer"


def _compare(settings: Settings, fmt: str, tmp_path: Path, **kwargs: object) -> str:
    out = tmp_path / f"page.{fmt}"
    compare_command(
        settings,
        str(kwargs.get("role_a", MLE)),
        str(kwargs.get("role_b", ROLE)),
        kwargs.get("country"),  # type: ignore[arg-type]
        kwargs.get("since"),  # type: ignore[arg-type]
        fmt,
        out,
        clock=lambda: NOW,
    )
    return out.read_text(encoding="utf-8")


def test_schema_file_is_generated_from_the_model() -> None:
    assert SCHEMA.read_text(encoding="utf-8") == schema_json(), (
        "regenerate schemas/compare.schema.json from jobingest.content.compare.schema_json()"
    )


def test_json_matches_schema_and_the_marts(settings: Settings, tmp_path: Path) -> None:
    build(settings)
    data = json.loads(_compare(settings, "json", tmp_path))
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert data["title"] == f"{MLE} vs {ROLE}"
    dom = data["b"]
    assert dom["definition"]["soc_code"] == "11-3021.00"
    assert dom["jobs"] == 12 + 3 + 2 and dom["survey_answers"] == 11
    mid = next(c for c in dom["salary_by_level"] if c["level"] == "mid")
    # Traceable: the page's figure is the mart's role x level roll-up row.
    with get_engine(settings.database_url.get_secret_value()).begin() as connection:
        refresh_marts(connection, min_n=10, now=NOW)
        mart = connection.execute(
            text(
                "SELECT n, median, p25, p75 FROM mart_salary_bands WHERE role = :role AND "
                "level = 'mid' AND country = '*' AND workplace = '*' AND month = '*'"
            ),
            {"role": ROLE},
        ).one()
    assert (mid["n"], mid["median"], mid["p25"], mid["p75"]) == pytest.approx(tuple(mart))
    survey_mid = next(c for c in dom["survey_by_level"] if c["level"] == "mid")
    assert survey_mid["n"] == 11 and survey_mid["median"] == pytest.approx(125_000)
    assert {"SQL", "Airflow"} <= {s["value"] for s in dom["skills"]}
    [industry] = dom["industries"]
    assert (industry["value"], industry["n"], industry["total"]) == (INDUSTRY, 6, dom["jobs"])


def test_html_page_reads_like_the_article(settings: Settings, tmp_path: Path) -> None:
    build(settings)
    page = _compare(settings, "html", tmp_path)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    # Featured jobs in the seed's style, freshest first, with their n-free salary band.
    assert (
        "Data Operations Manager, Platform 100 · Full Time · Senior-level / Expert · "
        "USD 150K - 180K" in page
    )
    assert (
        "Senior Machine Learning Engineer, Ranking &amp; Retrieval · Full Time · "
        "Senior-level / Expert · USD 204K - 255K" in page
    )
    # One MLE job per level: below min n, the page says so instead of a number.
    assert "not enough data (n=1)" in page
    assert "USD 150K (IQR" in page  # DOM mid: 12 jobs, median of midpoints 150,375
    assert "n=12" in page
    assert "postings dated" in page and "cells need n ≥ 10" in page
    assert page.count("<svg") >= 2


def test_html_is_self_contained(settings: Settings, tmp_path: Path) -> None:
    build(settings)
    page = _compare(settings, "html", tmp_path)
    assert "<script" not in page.lower()
    assert "<link" not in page.lower() and "@import" not in page and "url(" not in page
    data = json.loads(_compare(settings, "json", tmp_path))
    own = {j["url"] for side in (data["a"], data["b"]) for j in side["featured"]}
    linked = set(re.findall(r'(?:href|src)="([^"]*)"', page))
    assert linked and linked <= own, linked - own


def test_country_and_since_narrow_the_window(settings: Settings, tmp_path: Path) -> None:
    build(settings)
    data = json.loads(_compare(settings, "json", tmp_path, country="de"))
    assert data["window"]["country"] == "DE"
    assert data["a"]["jobs"] == 0 and data["b"]["jobs"] == 0
    assert data["b"]["featured"] == []
    later = json.loads(_compare(settings, "json", tmp_path, since=T0.date()))
    # Only jobs dated on or after T0: mid job 0, senior job 100 and the executives 200/repost.
    assert later["window"]["since"] == T0.date().isoformat()
    assert later["b"]["jobs"] == 3
    page = _compare(settings, "md", tmp_path, since=T0.date())
    assert "not enough data" in page and f"since {T0.date()}" in page


def _row(title: str, url: str) -> dict[str, object]:
    return {
        "role": "Data Engineer", "title": title, "company": "<b>Evil</b> & Co", "url": url,
        "source": "greenhouse", "board": "evil", "level": "mid", "employment_type": "full_time",
        "workplace": "remote", "country": "US", "city": None, "skills": ["SQL"],
        "posted_at": None, "first_seen_at": NOW, "closed_at": None, "repost_of": None,
        "salary_annual_min_usd": 100_000.0, "salary_annual_max_usd": 130_000.0,
    }  # fmt: skip


def test_text_from_boards_is_escaped_everywhere() -> None:
    rows = [
        _row("<script>alert(1)</script> Data Engineer", "javascript:alert(1)"),
        _row("Data Engineer", 'https://jobs.example.org/1"><img src=x>'),
    ]
    comparison = build_comparison(
        "Data Engineer", "Data Scientist", rows, [], country=None, since=None, now=NOW, min_n=10
    )
    page = render(comparison, "html")
    assert "<script" not in page and "<b>Evil" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Data Engineer · Full Time" in page
    assert 'href="javascript:' not in page
    markdown = render(comparison, "md")
    assert "<script>" not in markdown and "<b>" not in markdown
    assert "Data Engineer · Full Time · Mid-level / Intermediate · USD 100K - 130K" in page


def test_salary_text_in_the_seed_style() -> None:
    assert salary_text(100_000, 130_000) == "USD 100K - 130K"
    assert salary_text(95_400, None) == "USD 95K"
    assert salary_text(1_250_000, 1_500_000) == "USD 1.25M - 1.5M"


def test_unknown_format_is_refused(sqlite_settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="format"):
        compare_command(sqlite_settings, MLE, ROLE, None, date(2026, 1, 1), "pdf", None)
