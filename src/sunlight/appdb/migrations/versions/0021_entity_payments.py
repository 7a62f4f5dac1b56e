"""A person's payments leave the person's document for a table of runs of months paid
alike, so that a month of payments rewrites runs instead of every payee's document.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entity_payments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person", sa.String(length=60), nullable=False),
        sa.Column("account", sa.String(length=120), nullable=False),
        sa.Column("program", sa.String(length=120), nullable=False),
        sa.Column("first", sa.String(length=16), nullable=False),
        sa.Column("last", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.String(length=24), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
    )
    op.create_index("ix_entity_payments_person", "entity_payments", ["person"])
    op.create_index("ix_entity_payments_account", "entity_payments", ["account"])
    # The next build writes the runs: until then the index is taken as unbuilt.
    op.execute("UPDATE entity_index_state SET fingerprint = '', batches = '', snapshot = ''")


def downgrade() -> None:
    op.drop_index("ix_entity_payments_account", table_name="entity_payments")
    op.drop_index("ix_entity_payments_person", table_name="entity_payments")
    op.drop_table("entity_payments")
