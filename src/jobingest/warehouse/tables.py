"""Warehouse tables. Alembic migrations are generated from this metadata and a test keeps them
equal, so a column added here without a migration fails the suite."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    LargeBinary,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

JSONType = JSON().with_variant(JSONB(), "postgresql")


def _json_column(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(JSONType, nullable=nullable))


def _ts(nullable: bool = True, index: bool = False) -> Any:
    return Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable, index=index)
    )


def _text() -> Any:
    return Field(default=None, sa_column=Column(Text, nullable=True))


class Company(SQLModel, table=True):
    __tablename__ = "company"

    id: int | None = Field(default=None, primary_key=True)
    name: str
    normalized_name: str = Field(unique=True)
    created_at: datetime = _ts(nullable=False)


class Posting(SQLModel, table=True):
    """One job. Listings of it at sources are `posting_source` rows pointing here."""

    __tablename__ = "posting"
    __table_args__ = (
        Index("ix_posting_role_level", "role", "level"),
        Index("ix_posting_country", "country"),
        # Matching reads the canonical postings of a few blocks; with block_key alone SQLite's
        # planner takes the canonical_id index for `canonical_id IS NULL` and scans them all.
        Index("ix_posting_block_canonical", "block_key", "canonical_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    canonical_id: int | None = Field(default=None, foreign_key="posting.id", index=True)
    source: str
    board: str
    source_id: str
    url: str | None = None
    company_id: int | None = Field(default=None, foreign_key="company.id", index=True)
    company: str | None = None
    title: str
    role: str | None = None
    role_family: str | None = None
    level: str | None = None
    employment_type: str | None = None
    workplace: str | None = None
    country: str | None = Field(default=None, max_length=2)
    city: str | None = None
    locations: Any = _json_column()
    salary_min: float | None = None
    salary_max: float | None = None
    salary_currency: str | None = Field(default=None, max_length=3)
    salary_period: str | None = None
    salary_annual_min: float | None = None
    salary_annual_max: float | None = None
    salary_annual_min_usd: float | None = None
    salary_annual_max_usd: float | None = None
    salary_fx_rate_date: str | None = None
    salary_origin: str | None = None
    salary_raw: str | None = _text()
    skills: Any = _json_column()
    industry: str | None = None
    posted_at: datetime | None = _ts()
    description_text: str | None = _text()
    description_html: str | None = Field(
        default=None,
        sa_column=Column(Text, nullable=True),
        description="Allow-list sanitised HTML (see jobingest.extract.sanitize); updated with "
        "description_text, since formatting alone is not a content change.",
    )
    fingerprint: str | None = Field(default=None, index=True)
    content_hash: str
    block_key: str | None = Field(
        default=None, description="Employer|role: where duplicates are looked for."
    )
    signature: bytes | None = Field(
        default=None,
        sa_column=Column(LargeBinary, nullable=True),
        description="Bottom-k MinHash of the description, so matching never re-reads text.",
    )
    shingles: int | None = Field(default=None, description="Distinct shingles in the description.")
    repost_of: int | None = Field(default=None, foreign_key="posting.id")
    dedupe_score: float | None = None
    dedupe_reason: str | None = _text()
    first_seen_at: datetime = _ts(nullable=False)
    last_seen_at: datetime = _ts(nullable=False)
    closed_at: datetime | None = _ts()
    updated_at: datetime = _ts(nullable=False)
    first_run_id: int | None = Field(default=None, foreign_key="ingest_run.id")
    last_run_id: int | None = Field(default=None, foreign_key="ingest_run.id")


class PostingSource(SQLModel, table=True):
    """One listing of a job at one source; identity is (source, board, source_id)."""

    __tablename__ = "posting_source"
    __table_args__ = (UniqueConstraint("source", "board", "source_id", name="uq_posting_source"),)

    id: int | None = Field(default=None, primary_key=True)
    posting_id: int = Field(foreign_key="posting.id", index=True)
    source: str
    board: str
    source_id: str
    source_name: str = Field(description="The sources.yaml entry that last saw it.")
    url: str | None = None
    content_hash: str
    raw_sha256: str | None = Field(
        default=None, max_length=64, index=True, description="Last payload that listed it."
    )
    first_seen_at: datetime = _ts(nullable=False)
    last_seen_at: datetime = _ts(nullable=False)
    first_run_id: int | None = Field(default=None, foreign_key="ingest_run.id")
    last_run_id: int | None = Field(default=None, foreign_key="ingest_run.id", index=True)


class PostingVersion(SQLModel, table=True):
    """A posting's history: created, changed (with what changed), closed, reopened."""

    __tablename__ = "posting_version"

    id: int | None = Field(default=None, primary_key=True)
    posting_id: int = Field(foreign_key="posting.id", index=True)
    kind: str = Field(description="created | changed | closed | reopened")
    at: datetime = _ts(nullable=False)
    run_id: int | None = Field(default=None, foreign_key="ingest_run.id")
    content_hash: str | None = None
    changes: Any = _json_column(nullable=True)


class SalarySurvey(SQLModel, table=True):
    """Survey answers (ai-jobs.net and the like): reported pay, never mixed with advertised pay."""

    __tablename__ = "salary_survey"

    id: int | None = Field(default=None, primary_key=True)
    source: str
    row_hash: str = Field(unique=True, max_length=64)
    work_year: int | None = None
    job_title: str
    role: str | None = None
    role_family: str | None = None
    level: str | None = None
    employment_type: str | None = None
    workplace: str | None = None
    salary: float | None = None
    currency: str | None = Field(default=None, max_length=3)
    salary_usd: float | None = None
    employee_residence: str | None = Field(default=None, max_length=2)
    company_location: str | None = Field(default=None, max_length=2)
    company_size: str | None = None
    remote_ratio: int | None = None
    loaded_at: datetime = _ts(nullable=False)
    run_id: int | None = Field(default=None, foreign_key="ingest_run.id")


class IngestRun(SQLModel, table=True):
    __tablename__ = "ingest_run"

    id: int | None = Field(default=None, primary_key=True)
    flow_run_id: str | None = None
    sources_file: str | None = None
    started_at: datetime = _ts(nullable=False)
    finished_at: datetime | None = _ts()
    status: str = Field(default="running", description="running | completed | partial | failed")
    sources_total: int = 0
    fetched: int = 0
    parsed: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    reposts: int = 0
    closed: int = 0
    quarantined: int = 0
    failed_sources: int = 0
    report: Any = _json_column(nullable=True)


class IngestRunSource(SQLModel, table=True):
    """Per-source counts of a run, written in the same transaction as the data they count."""

    __tablename__ = "ingest_run_source"
    __table_args__ = (UniqueConstraint("run_id", "source_name", name="uq_run_source"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="ingest_run.id", index=True)
    source_name: str
    kind: str
    board: str | None = None
    status: str = Field(default="running", description="running | ok | failed")
    reason: str | None = _text()
    pages: int = 0
    fetched: int = 0
    not_modified: int = 0
    skipped: int = Field(default=0, description="URLs robots.txt did not let us fetch.")
    bytes: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    parsed: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    reposts: int = 0
    closed: int = 0
    quarantined: int = 0
    note: str | None = Field(default=None, description="Why closing was skipped, and the like.")
    started_at: datetime = _ts(nullable=False)
    finished_at: datetime | None = _ts()


class Quarantine(SQLModel, table=True):
    """Input we could not use, kept with the stage, the source and a reason a person can act on."""

    __tablename__ = "quarantine"

    id: int | None = Field(default=None, primary_key=True)
    run_id: int | None = Field(default=None, foreign_key="ingest_run.id", index=True)
    stage: str = Field(description="config | fetch | parse | map | load")
    source_name: str
    kind: str | None = None
    board: str | None = None
    source_id: str | None = None
    reason: str = Field(sa_column=Column(Text, nullable=False))
    raw_sha256: str | None = Field(default=None, max_length=64, index=True)
    url: str | None = None
    excerpt: str | None = _text()
    created_at: datetime = _ts(nullable=False)


class RawPayload(SQLModel, table=True):
    """Index of the raw landing zone: one row per response, pointing at the stored body."""

    __tablename__ = "raw_payload"
    __table_args__ = (Index("ix_raw_payload_source_url", "source_name", "url", "fetched_at"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int | None = Field(default=None, foreign_key="ingest_run.id", index=True)
    source_name: str
    kind: str
    board: str | None = None
    url: str = Field(sa_column=Column(Text, nullable=False))
    fetched_at: datetime = _ts(nullable=False)
    status: int
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    sha256: str | None = Field(default=None, max_length=64, index=True)
    size: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    stored_size: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    records: int | None = Field(default=None, description="Records parsed; null if unparsable.")
    follow: Any = _json_column(nullable=True)


metadata = SQLModel.metadata
