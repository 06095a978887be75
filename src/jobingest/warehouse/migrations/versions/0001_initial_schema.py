"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "company",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("normalized_name", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("normalized_name"),
    )
    op.create_table(
        "ingest_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flow_run_id", sa.String(), nullable=True),
        sa.Column("sources_file", sa.String(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("sources_total", sa.Integer(), nullable=False),
        sa.Column("fetched", sa.Integer(), nullable=False),
        sa.Column("parsed", sa.Integer(), nullable=False),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("reposts", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Integer(), nullable=False),
        sa.Column("quarantined", sa.Integer(), nullable=False),
        sa.Column("failed_sources", sa.Integer(), nullable=False),
        sa.Column(
            "report",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "ingest_run_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("source_name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("board", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("fetched", sa.Integer(), nullable=False),
        sa.Column("not_modified", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("parsed", sa.Integer(), nullable=False),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("reposts", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Integer(), nullable=False),
        sa.Column("quarantined", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["ingest_run.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_id", "source_name", name="uq_run_source"),
    )
    with op.batch_alter_table("ingest_run_source", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ingest_run_source_run_id"), ["run_id"], unique=False)

    op.create_table(
        "posting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("canonical_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("board", sa.String(), nullable=False),
        sa.Column("source_id", sa.String(), nullable=False),
        sa.Column("url", sa.String(), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("company", sa.String(), nullable=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=True),
        sa.Column("role_family", sa.String(), nullable=True),
        sa.Column("level", sa.String(), nullable=True),
        sa.Column("employment_type", sa.String(), nullable=True),
        sa.Column("workplace", sa.String(), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("city", sa.String(), nullable=True),
        sa.Column(
            "locations",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("salary_min", sa.Float(), nullable=True),
        sa.Column("salary_max", sa.Float(), nullable=True),
        sa.Column("salary_currency", sa.String(length=3), nullable=True),
        sa.Column("salary_period", sa.String(), nullable=True),
        sa.Column("salary_annual_min", sa.Float(), nullable=True),
        sa.Column("salary_annual_max", sa.Float(), nullable=True),
        sa.Column("salary_annual_min_usd", sa.Float(), nullable=True),
        sa.Column("salary_annual_max_usd", sa.Float(), nullable=True),
        sa.Column("salary_fx_rate_date", sa.String(), nullable=True),
        sa.Column("salary_origin", sa.String(), nullable=True),
        sa.Column("salary_raw", sa.Text(), nullable=True),
        sa.Column(
            "skills",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("industry", sa.String(), nullable=True),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("description_text", sa.Text(), nullable=True),
        sa.Column("description_html", sa.Text(), nullable=True),
        sa.Column("fingerprint", sa.String(), nullable=True),
        sa.Column("content_hash", sa.String(), nullable=False),
        sa.Column("block_key", sa.String(), nullable=True),
        sa.Column("signature", sa.LargeBinary(), nullable=True),
        sa.Column("shingles", sa.Integer(), nullable=True),
        sa.Column("repost_of", sa.Integer(), nullable=True),
        sa.Column("dedupe_score", sa.Float(), nullable=True),
        sa.Column("dedupe_reason", sa.Text(), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_run_id", sa.Integer(), nullable=True),
        sa.Column("last_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["canonical_id"],
            ["posting.id"],
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["company.id"],
        ),
        sa.ForeignKeyConstraint(
            ["first_run_id"],
            ["ingest_run.id"],
        ),
        sa.ForeignKeyConstraint(
            ["last_run_id"],
            ["ingest_run.id"],
        ),
        sa.ForeignKeyConstraint(
            ["repost_of"],
            ["posting.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("posting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_posting_block_key"), ["block_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_posting_canonical_id"), ["canonical_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_posting_company_id"), ["company_id"], unique=False)
        batch_op.create_index("ix_posting_country", ["country"], unique=False)
        batch_op.create_index(batch_op.f("ix_posting_fingerprint"), ["fingerprint"], unique=False)
        batch_op.create_index("ix_posting_role_level", ["role", "level"], unique=False)

    op.create_table(
        "quarantine",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("stage", sa.String(), nullable=False),
        sa.Column("source_name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=True),
        sa.Column("board", sa.String(), nullable=True),
        sa.Column("source_id", sa.String(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raw_sha256", sa.String(length=64), nullable=True),
        sa.Column("url", sa.String(), nullable=True),
        sa.Column("excerpt", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["ingest_run.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quarantine_raw_sha256"), ["raw_sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_quarantine_run_id"), ["run_id"], unique=False)

    op.create_table(
        "raw_payload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("source_name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("board", sa.String(), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("etag", sa.String(), nullable=True),
        sa.Column("last_modified", sa.String(), nullable=True),
        sa.Column("content_type", sa.String(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("stored_size", sa.BigInteger(), nullable=True),
        sa.Column("records", sa.Integer(), nullable=True),
        sa.Column(
            "follow",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["ingest_run.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("raw_payload", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_raw_payload_run_id"), ["run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_raw_payload_sha256"), ["sha256"], unique=False)
        batch_op.create_index(
            "ix_raw_payload_source_url", ["source_name", "url", "fetched_at"], unique=False
        )

    op.create_table(
        "salary_survey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.Column("work_year", sa.Integer(), nullable=True),
        sa.Column("job_title", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=True),
        sa.Column("role_family", sa.String(), nullable=True),
        sa.Column("level", sa.String(), nullable=True),
        sa.Column("employment_type", sa.String(), nullable=True),
        sa.Column("workplace", sa.String(), nullable=True),
        sa.Column("salary", sa.Float(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("salary_usd", sa.Float(), nullable=True),
        sa.Column("employee_residence", sa.String(length=2), nullable=True),
        sa.Column("company_location", sa.String(length=2), nullable=True),
        sa.Column("company_size", sa.String(), nullable=True),
        sa.Column("remote_ratio", sa.Integer(), nullable=True),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["ingest_run.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("row_hash"),
    )
    op.create_table(
        "posting_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("board", sa.String(), nullable=False),
        sa.Column("source_id", sa.String(), nullable=False),
        sa.Column("source_name", sa.String(), nullable=False),
        sa.Column("url", sa.String(), nullable=True),
        sa.Column("content_hash", sa.String(), nullable=False),
        sa.Column("raw_sha256", sa.String(length=64), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_run_id", sa.Integer(), nullable=True),
        sa.Column("last_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["first_run_id"],
            ["ingest_run.id"],
        ),
        sa.ForeignKeyConstraint(
            ["last_run_id"],
            ["ingest_run.id"],
        ),
        sa.ForeignKeyConstraint(
            ["posting_id"],
            ["posting.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "board", "source_id", name="uq_posting_source"),
    )
    with op.batch_alter_table("posting_source", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_posting_source_last_run_id"), ["last_run_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_posting_source_posting_id"), ["posting_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_posting_source_raw_sha256"), ["raw_sha256"], unique=False
        )

    op.create_table(
        "posting_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("content_hash", sa.String(), nullable=True),
        sa.Column(
            "changes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["posting_id"],
            ["posting.id"],
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["ingest_run.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("posting_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_posting_version_posting_id"), ["posting_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("posting_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_posting_version_posting_id"))

    op.drop_table("posting_version")
    with op.batch_alter_table("posting_source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_posting_source_raw_sha256"))
        batch_op.drop_index(batch_op.f("ix_posting_source_posting_id"))
        batch_op.drop_index(batch_op.f("ix_posting_source_last_run_id"))

    op.drop_table("posting_source")
    op.drop_table("salary_survey")
    with op.batch_alter_table("raw_payload", schema=None) as batch_op:
        batch_op.drop_index("ix_raw_payload_source_url")
        batch_op.drop_index(batch_op.f("ix_raw_payload_sha256"))
        batch_op.drop_index(batch_op.f("ix_raw_payload_run_id"))

    op.drop_table("raw_payload")
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quarantine_run_id"))
        batch_op.drop_index(batch_op.f("ix_quarantine_raw_sha256"))

    op.drop_table("quarantine")
    with op.batch_alter_table("posting", schema=None) as batch_op:
        batch_op.drop_index("ix_posting_role_level")
        batch_op.drop_index(batch_op.f("ix_posting_fingerprint"))
        batch_op.drop_index("ix_posting_country")
        batch_op.drop_index(batch_op.f("ix_posting_company_id"))
        batch_op.drop_index(batch_op.f("ix_posting_canonical_id"))
        batch_op.drop_index(batch_op.f("ix_posting_block_key"))

    op.drop_table("posting")
    with op.batch_alter_table("ingest_run_source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ingest_run_source_run_id"))

    op.drop_table("ingest_run_source")
    op.drop_table("ingest_run")
    op.drop_table("company")
