"""A case's disposal records whom its sanctions fall on (处分对象, by ID number and name) and
the dates payment was stopped (停发) and eligibility revoked (取消资格). Earlier disposals
named nobody and recorded neither measure: the columns start empty.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("disciplined_id_number", sa.String(length=18),
                                      nullable=False, server_default=""))
        batch_op.add_column(sa.Column("disciplined_name", sa.String(length=60),
                                      nullable=False, server_default=""))
        batch_op.add_column(sa.Column("payment_stopped_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("eligibility_revoked_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("eligibility_revoked_on")
        batch_op.drop_column("payment_stopped_on")
        batch_op.drop_column("disciplined_name")
        batch_op.drop_column("disciplined_id_number")
