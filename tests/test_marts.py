"""The marts on SQLite and PostgreSQL: counts, percentiles against a Python computation,
suppression below min n, duplicates and reposts kept out."""

from __future__ import annotations

import statistics
from datetime import date
from typing import Any

import pytest
from sqlalchemy import text

from jobingest.settings import Settings
from jobingest.warehouse.db import get_engine
from jobingest.warehouse.marts import percentile, refresh_marts
from tests.marts_world import FAMILY, INDUSTRY, NOW, ROLE, T0, T1, T2, World, build


def _refresh(settings: Settings, min_n: int = 10) -> dict[str, int]:
    with get_engine(settings.database_url.get_secret_value()).begin() as connection:
        return refresh_marts(connection, min_n=min_n, now=NOW)


def _rows(settings: Settings, sql: str, **params: Any) -> list[dict[str, Any]]:
    with get_engine(settings.database_url.get_secret_value()).connect() as connection:
        return [dict(r) for r in connection.execute(text(sql), params).mappings()]


def _band(settings: Settings, level: str, table: str = "mart_salary_bands") -> dict[str, Any]:
    period = "month" if table == "mart_salary_bands" else "work_year"
    rows = _rows(
        settings,
        f"SELECT * FROM {table} WHERE role = :role AND level = :level AND country = '*' "
        f"AND workplace = '*' AND {period} = '*'",
        role=ROLE,
        level=level,
    )
    assert len(rows) == 1, rows
    return rows[0]


def _day(value: Any) -> date:
    """SQLite hands dates back as text through raw SQL, PostgreSQL as dates."""
    return value if isinstance(value, date) else date.fromisoformat(value)


@pytest.fixture
def world(settings: Settings) -> World:
    return build(settings)


def test_salary_bands_match_python_and_leave_out_duplicates(
    settings: Settings, world: World
) -> None:
    counts = _refresh(settings)
    assert counts["mart_salary_bands"] > 0
    mid = _band(settings, "mid")
    quartiles = statistics.quantiles(world.mid_usd, n=4, method="inclusive")
    deciles = statistics.quantiles(world.mid_usd, n=10, method="inclusive")
    # 12 jobs: the 4 mirror-board duplicates are not counted again.
    assert mid["n"] == len(world.mid_usd) == 12
    assert not mid["suppressed"]
    assert mid["median"] == pytest.approx(statistics.median(world.mid_usd))
    assert mid["p25"] == pytest.approx(quartiles[0])
    assert mid["p75"] == pytest.approx(quartiles[2])
    assert mid["p10"] == pytest.approx(deciles[0])
    assert mid["p90"] == pytest.approx(deciles[-1])
    assert _day(mid["window_start"]) <= T0.date() and _day(mid["window_end"]) == T0.date()


def test_cells_below_min_n_are_suppressed(settings: Settings, world: World) -> None:
    _refresh(settings)
    senior = _band(settings, "senior")
    assert senior["n"] == 3 and senior["suppressed"]
    assert senior["median"] is None and senior["p25"] is None and senior["p90"] is None
    _refresh(settings, min_n=3)
    senior = _band(settings, "senior")
    assert not senior["suppressed"]
    assert senior["median"] == pytest.approx(statistics.median(world.senior_usd))


def test_reposts_count_once_in_salaries(settings: Settings, world: World) -> None:
    _refresh(settings, min_n=1)
    executive = _band(settings, "executive")
    # Job 200, its repost and job 201: two jobs, not three.
    assert executive["n"] == world.executive_jobs == 2


def test_roll_ups_and_fine_cells_agree(settings: Settings, world: World) -> None:
    _refresh(settings)
    fine = _rows(
        settings,
        "SELECT n FROM mart_salary_bands WHERE role = :role AND level = 'mid' "
        "AND country <> '*' AND workplace <> '*' AND month <> '*'",
        role=ROLE,
    )
    assert sum(r["n"] for r in fine) == 12
    whole = _rows(
        settings,
        "SELECT n FROM mart_salary_bands WHERE role = :role AND level = '*'",
        role=ROLE,
    )
    assert whole == [{"n": 12 + 3 + 2}]


def test_offline_examples_are_in_the_marts(settings: Settings, world: World) -> None:
    _refresh(settings, min_n=2)
    # The two senior Data Engineer jobs of the examples (New York remote, Madrid).
    data_engineer = _rows(
        settings,
        "SELECT n, median FROM mart_salary_bands WHERE role = 'Data Engineer' AND level = 'senior' "
        "AND country = '*'",
    )
    assert [r["n"] for r in data_engineer] == [2]
    total = _rows(
        settings,
        "SELECT n FROM mart_role_profile WHERE role = '*' AND dimension = 'postings'",
    )
    generated_jobs = 12 + 3 + 2
    assert total == [{"n": world.offline_jobs + generated_jobs}]


def test_survey_salaries_are_kept_separate(settings: Settings, world: World) -> None:
    _refresh(settings)
    survey = _band(settings, "mid", table="mart_survey_salaries")
    assert survey["n"] == 11
    assert survey["median"] == pytest.approx(statistics.median(world.survey_usd))
    # The advertised cell did not absorb the survey answers.
    assert _band(settings, "mid")["n"] == 12


def test_postings_daily_counts_new_closed_reposts_and_open(
    settings: Settings, world: World
) -> None:
    _refresh(settings)
    rows = {
        _day(r["day"]): r
        for r in _rows(
            settings,
            "SELECT day, role_family, new, reposts, closed, open FROM mart_postings_daily "
            "WHERE role = :role ORDER BY day",
            role=ROLE,
        )
    }
    first, second, third = rows[T0.date()], rows[T1.date()], rows[T2.date()]
    assert first["role_family"] == FAMILY
    assert (first["new"], first["reposts"], first["closed"]) == (world.canonical_new, 0, 0)
    assert first["open"] == world.canonical_new  # duplicates are not jobs
    assert (second["new"], second["closed"], second["open"]) == (0, 1, world.canonical_new - 1)
    assert (third["new"], third["reposts"], third["open"]) == (0, 1, world.canonical_new)
    assert max(rows) == NOW.date()  # carried forward to today
    assert rows[NOW.date()]["open"] == world.canonical_new


def test_role_profile_shares_and_days_open(settings: Settings, world: World) -> None:
    _refresh(settings, min_n=1)
    rows = _rows(
        settings,
        "SELECT dimension, value, n, total, metric, rank FROM mart_role_profile "
        "WHERE role = :role ORDER BY dimension, rank",
        role=ROLE,
    )
    by = {(r["dimension"], r["value"]): r for r in rows}
    jobs = 12 + 3 + 2
    assert by[("postings", None)]["n"] == jobs
    assert by[("workplace", "remote")]["metric"] == pytest.approx(1.0)
    assert by[("skill", "SQL")]["n"] == jobs and by[("skill", "SQL")]["rank"] in (1, 2)
    assert by[("level", "mid")]["metric"] == pytest.approx(12 / jobs)
    assert by[("country", "US")]["n"] == jobs
    industry = by[("industry", INDUSTRY)]
    assert (industry["n"], industry["rank"]) == (6, 1)
    assert industry["metric"] == pytest.approx(6 / jobs), "a share of all the role's jobs"
    assert ("industry", None) not in by, "unstated industries are not ranked"
    days_open = by[("median_days_open", None)]
    # Job 200 was posted 20 days before T0 (index 200 % 20 == 0 -> T0) and closed at T1.
    assert days_open["n"] == 1 and days_open["metric"] == pytest.approx(1.0)


def test_refresh_is_repeatable(settings: Settings, world: World) -> None:
    first = _refresh(settings)
    second = _refresh(settings)
    assert first == second
    assert _band(settings, "mid")["n"] == 12


def test_percentile_interpolates_like_percentile_cont() -> None:
    values = [1.0, 2.0, 3.0, 4.0]
    assert percentile(values, 0.5) == 2.5
    assert percentile(values, 0.25) == pytest.approx(1.75)
    assert percentile([7.0], 0.9) == 7.0
