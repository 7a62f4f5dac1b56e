"""The entity index remembers the batches it was built from and its snapshot beside the
warehouse, so that a build after a new delivery recomputes only what the new batches touch;
and the names of warned entities get an index of their own (partial: few are warned).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("entity_index_state") as table:
        table.add_column(sa.Column("batches", sa.Text(), nullable=False, server_default=""))
        table.add_column(sa.Column("snapshot", sa.String(length=32), nullable=False,
                                   server_default=""))
    warned = sa.text("warnings > 0")
    op.create_index("ix_entities_warned_names", "entities", ["name", "township"],
                    sqlite_where=warned, postgresql_where=warned)


def downgrade() -> None:
    op.drop_index("ix_entities_warned_names", table_name="entities")
    with op.batch_alter_table("entity_index_state") as table:
        table.drop_column("snapshot")
        table.drop_column("batches")
