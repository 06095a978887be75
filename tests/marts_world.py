"""A warehouse with known answers for the mart and content tests: the offline examples through
the real pipeline, plus generated jobs, duplicates, a closing and a repost through the real
loader. `World` says what the marts must then contain."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection

from jobingest import pipeline
from jobingest.models import (
    EmploymentType,
    Level,
    Location,
    PayPeriod,
    Posting,
    Salary,
    SalaryOrigin,
    Workplace,
)
from jobingest.settings import Settings
from jobingest.warehouse import runs
from jobingest.warehouse.db import get_engine
from jobingest.warehouse.identity import DedupePolicy, close_unseen
from jobingest.warehouse.load import load_batch, load_survey_batch

FIXTURES = Path(__file__).resolve().parent / "fixtures"
INDUSTRY = "Transportation & Logistics"
ROLE = "Data Operations Manager"
FAMILY = "Data & AI"
T0 = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
T1 = T0 + timedelta(days=1)
T2 = T0 + timedelta(days=2)
NOW = T0 + timedelta(days=5)
CITIES = ("Austin", "Chicago", "Denver", "Boston", "Seattle", "Atlanta")
_WORDS = (
    "pipelines", "quality", "contracts", "stakeholders", "vendors", "budgets", "reporting",
    "governance", "incidents", "runbooks", "tooling", "metrics", "onboarding", "forecasting",
    "audits", "migrations", "dashboards", "catalogues", "lineage", "retention", "privacy",
    "access", "reviews", "roadmaps", "hiring", "coaching",
)  # fmt: skip


def description(seed: str) -> str:
    """A distinct multi-sentence description per seed (so MinHash tells jobs apart)."""
    digest = hashlib.sha256(seed.encode()).digest()
    picked = [_WORDS[b % len(_WORDS)] for b in digest]
    return (
        f"We are hiring a {ROLE} to run our data operations. You will own "
        + ", ".join(picked)
        + " and work with engineering, finance and legal. You have run data teams before, "
        "you write clearly, and you like making messy processes calm and predictable. "
        f"Reference {seed}."
    )


def job(
    index: int,
    *,
    level: Level,
    usd: tuple[float, float],
    board: str = "gen",
    source: str = "generated",
    company: str | None = None,
    source_id: str | None = None,
    posted: datetime | None = None,
    workplace: Workplace = Workplace.remote,
    skills: tuple[str, ...] = ("SQL", "Airflow"),
    industry: str | None = None,
) -> Posting:
    company = company or f"Generated Company {index:03d}"
    city = CITIES[index % len(CITIES)]
    return Posting(
        source=source,
        board=board,
        source_id=source_id or f"{board}-{index}",
        url=f"https://jobs.example.org/{board}/{index}",
        company=company,
        title=f"{ROLE}, Platform {index}"
        if level != Level.executive
        else f"Head of Data Ops {index}",
        role=ROLE,
        role_family=FAMILY,
        level=level,
        employment_type=EmploymentType.full_time,
        workplace=workplace,
        locations=[Location(city=city, country="US", raw=f"{city}, US")],
        salary=Salary(
            min=usd[0],
            max=usd[1],
            currency="USD",
            period=PayPeriod.year,
            annual_min=usd[0],
            annual_max=usd[1],
            annual_min_usd=usd[0],
            annual_max_usd=usd[1],
            origin=SalaryOrigin.structured,
            raw=f"${usd[0]:,.0f} - ${usd[1]:,.0f}",
        ),
        skills=list(skills),
        industry=industry,
        posted_at=posted or T0 - timedelta(days=index % 20),
        description_text=description(f"{company}-{index}"),
    )


@dataclass
class World:
    """What was loaded, and so what the marts must say about ROLE."""

    mid_usd: list[float] = field(default_factory=list)  # band midpoints of the mid-level jobs
    senior_usd: list[float] = field(default_factory=list)
    executive_jobs: int = 0
    canonical_new: int = 0  # generated jobs that are new (not duplicates, not reposts)
    duplicates: int = 0
    reposts: int = 0
    closed: int = 0
    offline_jobs: int = 0
    survey_usd: list[float] = field(default_factory=list)


def _open_run(connection: Connection, name: str, now: datetime) -> int:
    run_id = runs.start_run(connection, now=now, sources_file=None, flow_run_id=None)
    runs.start_source(
        connection, run_id=run_id, source_name=name, kind="generated", board=None, now=now
    )
    return run_id


def build(settings: Settings) -> World:
    report = pipeline.run_once(settings, FIXTURES / "worlds" / "greenhouse_examples.yaml")
    assert report.status == "completed", report
    world = World(offline_jobs=24)
    engine = get_engine(settings.database_url.get_secret_value())
    mids = [(90_000 + 7_500 * i, 120_000 + 9_000 * i) for i in range(12)]
    seniors = [(150_000, 180_000), (160_000, 210_000), (175_000, 205_000)]
    with engine.begin() as connection:
        run_id = _open_run(connection, "generated", T0)
        # Half the mid-level jobs come from boards that state the employer's industry.
        batch = [
            job(i, level=Level.mid, usd=band, industry=INDUSTRY if i % 2 == 0 else None)
            for i, band in enumerate(mids)
        ]
        batch += [job(100 + i, level=Level.senior, usd=b) for i, b in enumerate(seniors)]
        counts = load_batch(connection, batch, run_id=run_id, source_name="generated", seen_at=T0)
        assert counts.new == len(batch), counts
        world.mid_usd = [(a + b) / 2 for a, b in mids]
        world.senior_usd = [(a + b) / 2 for a, b in seniors]
        world.canonical_new += len(batch)
        # The same four mid-level jobs listed again at a mirror board: duplicates, never counted.
        mirror = [
            job(i, level=Level.mid, usd=mids[i], board="mirror", source="mirrorboard")
            for i in range(4)
        ]
        counts = load_batch(connection, mirror, run_id=run_id, source_name="generated", seen_at=T0)
        assert counts.duplicates == 4, counts
        world.duplicates = 4
        # Two executive jobs on their own board: one will close and be reposted.
        execs = [
            job(200, level=Level.executive, usd=(240_000, 300_000), board="rp"),
            job(201, level=Level.executive, usd=(250_000, 320_000), board="rp"),
        ]
        load_batch(connection, execs, run_id=run_id, source_name="generated", seen_at=T0)
        world.canonical_new += 2
        world.executive_jobs = 2
        survey = [
            {"source": "survey", "row_hash": f"{i:064d}", "work_year": 2026, "job_title": ROLE,
             "role": ROLE, "role_family": FAMILY, "level": "mid", "salary": v, "currency": "USD",
             "salary_usd": v, "company_location": "US", "employee_residence": "US"}
            for i, v in enumerate([100_000.0 + 5_000 * i for i in range(11)])
        ]  # fmt: skip
        load_survey_batch(connection, survey, run_id=run_id, source_name="generated", loaded_at=T0)
        world.survey_usd = [row["salary_usd"] for row in survey]
    with engine.begin() as connection:
        # Next day the rp board lists only job 201: job 200 closes.
        run_id = _open_run(connection, "generated", T1)
        load_batch(connection, execs[1:], run_id=run_id, source_name="generated", seen_at=T1)
        closed, note = close_unseen(
            connection, source="generated", board="rp", run_id=run_id, now=T1,
            policy=DedupePolicy(),
        )  # fmt: skip
        assert closed == 1, note
        world.closed = 1
    with engine.begin() as connection:
        # The day after, job 200 is back under a new id: a repost, not a new job.
        run_id = _open_run(connection, "generated", T2)
        again = job(200, level=Level.executive, usd=(240_000, 300_000), board="rp",
                    source_id="rp-200-again")  # fmt: skip
        counts = load_batch(connection, [again], run_id=run_id, source_name="generated", seen_at=T2)
        assert counts.reposts == 1, counts
        world.reposts = 1
    return world
