"""The warehouse state the stored timelines are of: after batches were only added, a run
adds the new batches' rows to the persons it holds instead of writing them all again.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # No row: the first run after this writes every stored person's records whole.
    op.create_table(
        "timeline_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batches", sa.Text(), nullable=False, server_default=""),
        sa.Column("code", sa.String(length=64), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("timeline_state")
