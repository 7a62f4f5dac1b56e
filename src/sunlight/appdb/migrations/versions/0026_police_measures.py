"""A police warning's case records the 督察's measures (责令整改, 批评教育 … 禁闭) in a column
of its own, beside the sanctions every case may give; cases from before took none.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("police_measures", sa.String(length=120), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("police_measures")
