"""Which batches each person's stored timeline is of: a person no longer warned keeps the
records of the last run that warned them, and one warned again is written whole.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "timeline_people",
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("batches", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id_number"),
    )
    # No one is known to be of any batch: the next run writes the warned whole.
    op.execute("DELETE FROM timeline_state")


def downgrade() -> None:
    op.drop_table("timeline_people")
