"""matching reads blocks through one (block_key, canonical_id) index

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("posting", schema=None) as batch_op:
        batch_op.create_index(
            "ix_posting_block_canonical", ["block_key", "canonical_id"], unique=False
        )
        batch_op.drop_index(batch_op.f("ix_posting_block_key"))


def downgrade() -> None:
    with op.batch_alter_table("posting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_posting_block_key"), ["block_key"], unique=False)
        batch_op.drop_index("ix_posting_block_canonical")
