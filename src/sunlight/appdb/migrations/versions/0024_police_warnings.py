"""Warnings of police supervision (contract §6): day periods, the unit concerned, no money.

A police warning's period is a date (`YYYY-MM-DD`), on the warning and on its evidence rows;
`unit` is the police unit it concerns ('' for every other warning), by which the workbench
scopes police staff; `money` is false for a warning that concerns no money (its amount is
empty in exports). A detection run records the as-of date it judged at (NULL where none).
Warnings stored before concern money and no unit, as their models say.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("warnings") as batch:
        for column in ("period_from", "period_to"):
            batch.alter_column(column, existing_type=sa.String(length=7),
                               type_=sa.String(length=10), existing_nullable=False)
        batch.add_column(sa.Column("unit", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("money", sa.Boolean(), nullable=False,
                                   server_default=sa.true()))
        batch.create_index("ix_warnings_unit_score", ["unit", "score"], unique=False)
    with op.batch_alter_table("warning_evidence") as batch:
        batch.alter_column("period", existing_type=sa.String(length=7),
                           type_=sa.String(length=10), existing_nullable=False)
    with op.batch_alter_table("detection_runs") as batch:
        batch.add_column(sa.Column("as_of", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("detection_runs") as batch:
        batch.drop_column("as_of")
    # A day does not fit the older columns: it is cut to its month, which they can hold.
    op.execute("UPDATE warning_evidence SET period = substr(period, 1, 7)")
    op.execute("UPDATE warnings SET period_from = substr(period_from, 1, 7), "
               "period_to = substr(period_to, 1, 7)")
    with op.batch_alter_table("warning_evidence") as batch:
        batch.alter_column("period", existing_type=sa.String(length=10),
                           type_=sa.String(length=7), existing_nullable=False)
    with op.batch_alter_table("warnings") as batch:
        batch.drop_index("ix_warnings_unit_score")
        batch.drop_column("money")
        batch.drop_column("unit")
        for column in ("period_from", "period_to"):
            batch.alter_column(column, existing_type=sa.String(length=10),
                               type_=sa.String(length=7), existing_nullable=False)
