"""Indexes for the warning board: each sort, a township's and a village's page.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("warnings", schema=None) as batch_op:
        batch_op.create_index("ix_warnings_amount", ["amount"], unique=False)
        batch_op.create_index("ix_warnings_created_at", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_warnings_status_amount", ["status", "amount"], unique=False)
        batch_op.create_index("ix_warnings_township_score", ["township", "score"], unique=False)
        batch_op.create_index(
            "ix_warnings_township_village_score", ["township", "village", "score"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("warnings", schema=None) as batch_op:
        batch_op.drop_index("ix_warnings_township_village_score")
        batch_op.drop_index("ix_warnings_township_score")
        batch_op.drop_index("ix_warnings_status_amount")
        batch_op.drop_index("ix_warnings_created_at")
        batch_op.drop_index("ix_warnings_amount")
