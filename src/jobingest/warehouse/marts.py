"""Marts: the tables dashboards and comparison pages read, rebuilt from the warehouse.

Each refresh drops and recreates the four `mart_*` tables inside the caller's transaction, so a
reader sees either the old marts or the new ones. Percentiles are computed in Python over rows
streamed from one ordered query per mart: SQLite has no percentile function and its window
functions would need a self-join per percentile, so the same short Python gives identical results
on SQLite and PostgreSQL. Only plain SELECTs with portable predicates are sent to the database.

The mart tables live in their own MetaData, not the warehouse's: they are derived data, not
part of the Alembic-managed schema. Column meanings: docs/marts.md.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    Float,
    Integer,
    MetaData,
    Table,
    Text,
    insert,
    select,
)

from jobingest.warehouse.tables import Posting as PostingRow
from jobingest.warehouse.tables import SalarySurvey

ALL = "*"
"""Dimension value of a roll-up row: every value of that dimension."""
TOP_N = 10
_INSERT_CHUNK = 5000

posting_table: Table = PostingRow.__table__  # type: ignore[attr-defined]
survey_table: Table = SalarySurvey.__table__  # type: ignore[attr-defined]
mart_metadata = MetaData()


def _band_columns() -> list[Column[Any]]:
    return [
        Column("n", Integer, nullable=False),
        Column("suppressed", Boolean, nullable=False),
        Column("p10", Float),
        Column("p25", Float),
        Column("median", Float),
        Column("p75", Float),
        Column("p90", Float),
        Column("window_start", Date),
        Column("window_end", Date),
    ]


mart_salary_bands = Table(
    "mart_salary_bands",
    mart_metadata,
    Column("role", Text),
    Column("level", Text),
    Column("country", Text),
    Column("workplace", Text),
    Column("month", Text),
    *_band_columns(),
)
mart_survey_salaries = Table(
    "mart_survey_salaries",
    mart_metadata,
    Column("role", Text),
    Column("level", Text),
    Column("country", Text),
    Column("workplace", Text),
    Column("work_year", Text),
    *_band_columns(),
)
mart_postings_daily = Table(
    "mart_postings_daily",
    mart_metadata,
    Column("day", Date, nullable=False),
    Column("role_family", Text),
    Column("role", Text),
    Column("new", Integer, nullable=False),
    Column("reposts", Integer, nullable=False),
    Column("closed", Integer, nullable=False),
    Column("open", Integer, nullable=False),
)
mart_role_profile = Table(
    "mart_role_profile",
    mart_metadata,
    Column("role", Text),
    Column("role_family", Text),
    Column("dimension", Text, nullable=False),
    Column("value", Text),
    Column("n", Integer, nullable=False),
    Column("total", Integer, nullable=False),
    Column("metric", Float),
    Column("rank", Integer),
    Column("suppressed", Boolean, nullable=False),
)
MART_TABLES = (mart_salary_bands, mart_survey_salaries, mart_postings_daily, mart_role_profile)


# ------------------------------------------------------------------------------ statistics


def percentile(ordered: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (PostgreSQL's percentile_cont, numpy's
    default) over an ascending, non-empty sequence."""
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = math.ceil(position)
    if low == high:
        return float(ordered[low])
    return float(ordered[low] + (ordered[high] - ordered[low]) * (position - low))


@dataclass(frozen=True)
class Band:
    """Distribution of one cell; percentiles are None when the cell is suppressed."""

    n: int
    suppressed: bool
    p10: float | None
    p25: float | None
    median: float | None
    p75: float | None
    p90: float | None
    window_start: date | None
    window_end: date | None

    def as_row(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "suppressed": self.suppressed,
            "p10": self.p10,
            "p25": self.p25,
            "median": self.median,
            "p75": self.p75,
            "p90": self.p90,
            "window_start": self.window_start,
            "window_end": self.window_end,
        }


def band(values: Iterable[float], days: Iterable[date | None], min_n: int) -> Band:
    """The published figures of one cell: below `min_n` only n and the window are shown."""
    ordered = sorted(values)
    known = [d for d in days if d is not None]
    start, end = (min(known), max(known)) if known else (None, None)
    if len(ordered) < max(min_n, 1):
        return Band(len(ordered), True, None, None, None, None, None, start, end)
    p10, p25, p50, p75, p90 = (percentile(ordered, q) for q in (0.1, 0.25, 0.5, 0.75, 0.9))
    return Band(len(ordered), False, p10, p25, p50, p75, p90, start, end)


def annual_usd(low: float | None, high: float | None) -> float | None:
    """One figure per posting: the midpoint of its annualised USD band (or its only bound)."""
    if low is None and high is None:
        return None
    if low is None or high is None:
        return float(low if low is not None else high)  # type: ignore[arg-type]
    return (float(low) + float(high)) / 2


def utc_day(moment: datetime | None) -> date | None:
    """Calendar day in UTC; SQLite hands back naive UTC datetimes, PostgreSQL aware ones."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(UTC).date()


# ------------------------------------------------------------------------------ selections


def job_filter() -> list[Any]:
    """One row per job: canonical postings (not duplicates) that are not reposts of a job
    already counted (the original posting carries the job)."""
    c = posting_table.c
    return [c.canonical_id.is_(None), c.repost_of.is_(None)]


def salary_rows(connection: Connection) -> Iterator[Any]:
    """Advertised annualised USD bands of jobs, with their dimensions and dates."""
    c = posting_table.c
    query = select(
        c.role,
        c.level,
        c.country,
        c.workplace,
        c.posted_at,
        c.first_seen_at,
        c.salary_annual_min_usd,
        c.salary_annual_max_usd,
    ).where(
        *job_filter(),
        (c.salary_annual_min_usd.is_not(None)) | (c.salary_annual_max_usd.is_not(None)),
    )
    yield from _stream(connection, query)


def posting_day(row: Any) -> date | None:
    return utc_day(row.posted_at or row.first_seen_at)


# ------------------------------------------------------------------------------ refresh


def refresh_marts(connection: Connection, *, min_n: int = 10, now: datetime) -> dict[str, int]:
    """Rebuild every mart inside the caller's transaction; returns rows written per mart."""
    for table in reversed(MART_TABLES):
        table.drop(connection, checkfirst=True)
    for table in MART_TABLES:
        table.create(connection)
    built = {
        mart_salary_bands.name: _salary_bands(connection, min_n),
        mart_survey_salaries.name: _survey_salaries(connection, min_n),
        mart_postings_daily.name: _postings_daily(connection, now),
        mart_role_profile.name: _role_profile(connection, min_n, now),
    }
    counts = {}
    for name, rows in built.items():
        table = mart_metadata.tables[name]
        for start in range(0, len(rows), _INSERT_CHUNK):
            connection.execute(insert(table), rows[start : start + _INSERT_CHUNK])
        counts[name] = len(rows)
    return counts


_Cell = tuple[Any, ...]


def _rollups(role: Any, level: Any, country: Any, workplace: Any, period: Any) -> list[_Cell]:
    """The finest cell and its roll-ups: per country, per level, per role (ALL elsewhere)."""
    return [
        (role, level, country, workplace, period),
        (role, level, country, ALL, ALL),
        (role, level, ALL, ALL, ALL),
        (role, ALL, ALL, ALL, ALL),
    ]


def _band_rows(
    cells: dict[_Cell, tuple[list[float], list[date | None]]],
    names: tuple[str, ...],
    min_n: int,
) -> list[dict[str, Any]]:
    rows = []
    for key, (values, days) in cells.items():
        rows.append({**dict(zip(names, key, strict=True)), **band(values, days, min_n).as_row()})
    return rows


def _salary_bands(connection: Connection, min_n: int) -> list[dict[str, Any]]:
    cells: dict[_Cell, tuple[list[float], list[date | None]]] = defaultdict(lambda: ([], []))
    for row in salary_rows(connection):
        value = annual_usd(row.salary_annual_min_usd, row.salary_annual_max_usd)
        day = posting_day(row)
        month = day.strftime("%Y-%m") if day else None
        for key in _rollups(row.role, row.level, row.country, row.workplace, month):
            cells[key][0].append(value)  # type: ignore[arg-type]
            cells[key][1].append(day)
    return _band_rows(cells, ("role", "level", "country", "workplace", "month"), min_n)


def _survey_salaries(connection: Connection, min_n: int) -> list[dict[str, Any]]:
    s = survey_table.c
    query = select(
        s.role, s.level, s.company_location, s.workplace, s.work_year, s.salary_usd
    ).where(s.salary_usd.is_not(None))
    cells: dict[_Cell, tuple[list[float], list[date | None]]] = defaultdict(lambda: ([], []))
    for row in _stream(connection, query):
        year = str(row.work_year) if row.work_year is not None else None
        day = date(row.work_year, 1, 1) if row.work_year is not None else None
        for key in _rollups(row.role, row.level, row.company_location, row.workplace, year):
            cells[key][0].append(float(row.salary_usd))
            cells[key][1].append(day)
    return _band_rows(cells, ("role", "level", "country", "workplace", "work_year"), min_n)


def _postings_daily(connection: Connection, now: datetime) -> list[dict[str, Any]]:
    """Per day and role: new jobs, reposts, closings, and jobs open at the end of the day.
    Duplicates never count; a repost counts in `reposts`, never in `new`."""
    c = posting_table.c
    query = select(c.role_family, c.role, c.repost_of, c.first_seen_at, c.closed_at).where(
        c.canonical_id.is_(None)
    )
    events: dict[tuple[Any, Any], dict[date, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0, 0, 0])  # new, reposts, closed, open delta
    )
    for row in _stream(connection, query):
        per_day = events[(row.role_family, row.role)]
        opened = utc_day(row.first_seen_at)
        if opened is None:  # first_seen_at is NOT NULL; typed optional by the driver
            continue
        per_day[opened][1 if row.repost_of is not None else 0] += 1
        per_day[opened][3] += 1
        closed = utc_day(row.closed_at)
        if closed is not None:
            per_day[closed][2] += 1
            per_day[closed][3] -= 1
    today = now.astimezone(UTC).date()
    rows = []
    for (family, role), per_day in events.items():
        open_now = 0
        day = min(per_day)
        last = max(today, max(per_day))
        while day <= last:
            new, reposts, closed_n, delta = per_day.get(day, (0, 0, 0, 0))
            open_now += delta
            if new or reposts or closed_n or open_now:
                rows.append(
                    {
                        "day": day,
                        "role_family": family,
                        "role": role,
                        "new": new,
                        "reposts": reposts,
                        "closed": closed_n,
                        "open": open_now,
                    }
                )
            day += timedelta(days=1)
    return rows


_PROFILE_ALL_VALUES = ("workplace", "employment_type", "level")
_PROFILE_TOP = ("country", "city", "industry", "skill")


def _role_profile(connection: Connection, min_n: int, now: datetime) -> list[dict[str, Any]]:
    c = posting_table.c
    query = select(
        c.role_family,
        c.role,
        c.workplace,
        c.employment_type,
        c.level,
        c.country,
        c.city,
        c.industry,
        c.skills,
        c.posted_at,
        c.first_seen_at,
        c.closed_at,
    ).where(*job_filter())
    profiles: dict[Any, _Profile] = {}
    for row in _stream(connection, query):
        for role, family in ((row.role, row.role_family), (ALL, None)):
            profile = profiles.get(role)
            if profile is None:
                profile = profiles[role] = _Profile(family)
            profile.add(row)
    rows = []
    for role, profile in profiles.items():
        rows.extend(profile.rows(role, min_n))
    return rows


class _Profile:
    """Running counts of one role's jobs."""

    def __init__(self, family: Any) -> None:
        self.family = family
        self.total = 0
        self.counters: dict[str, Counter[Any]] = defaultdict(Counter)
        self.days_open: list[float] = []

    def add(self, row: Any) -> None:
        self.total += 1
        for name in (*_PROFILE_ALL_VALUES, "country", "city", "industry"):
            self.counters[name][getattr(row, name)] += 1
        for skill in set(row.skills or ()):
            self.counters["skill"][skill] += 1
        if row.closed_at is not None:
            opened = _aware(row.posted_at or row.first_seen_at)
            if row.posted_at is not None and row.first_seen_at is not None:
                opened = min(opened, _aware(row.first_seen_at))
            self.days_open.append(
                max(0.0, (_aware(row.closed_at) - opened).total_seconds()) / 86400
            )

    def rows(self, role: Any, min_n: int) -> list[dict[str, Any]]:
        base = {"role": role, "role_family": self.family, "total": self.total}
        out = [
            {
                **base,
                "dimension": "postings",
                "value": None,
                "n": self.total,
                "metric": None,
                "rank": None,
                "suppressed": self.total < min_n,
            }
        ]
        for name, counter in self.counters.items():
            ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0] is None, str(kv[0])))
            if name in _PROFILE_TOP:
                ranked = [kv for kv in ranked if kv[0] is not None][:TOP_N]
            for rank, (value, n) in enumerate(ranked, start=1):
                out.append(
                    {
                        **base,
                        "dimension": name,
                        "value": value,
                        "n": n,
                        "metric": n / self.total,
                        "rank": rank,
                        "suppressed": self.total < min_n,
                    }
                )
        closed = band(self.days_open, (), min_n)
        out.append(
            {
                **base,
                "dimension": "median_days_open",
                "value": None,
                "n": closed.n,
                "metric": closed.median,
                "rank": None,
                "suppressed": closed.suppressed,
            }
        )
        return out


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _stream(connection: Connection, query: Any) -> Iterator[Any]:
    """Rows in chunks (a server-side cursor on PostgreSQL), so a million postings never sit in
    memory as one result; options on the statement leave the caller's connection untouched."""
    yield from connection.execute(query.execution_options(stream_results=True, yield_per=10_000))
