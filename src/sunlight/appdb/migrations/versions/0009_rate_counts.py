"""Rate limits counted in the database (`rate_counts`), not in each server process's memory.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_counts",
        sa.Column("bucket", sa.String(length=32), nullable=False),
        sa.Column("started", sa.BigInteger(), nullable=False),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("expires", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "started", name=op.f("pk_rate_counts")),
    )
    with op.batch_alter_table("rate_counts", schema=None) as batch_op:
        batch_op.create_index("ix_rate_counts_expires", ["expires"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rate_counts", schema=None) as batch_op:
        batch_op.drop_index("ix_rate_counts_expires")
    op.drop_table("rate_counts")
