"""The search box's tables: name characters and pairs, the names on warned entities, keys
written backwards; and an index on the entities' names.

Filled by the next entity index build (sunlight.entities.search_terms.index_terms).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_entities_name", "entities", ["name"])
    op.create_table(
        "search_grams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gram", sa.String(length=2), nullable=False),
        sa.Column("lead", sa.Integer(), nullable=False),
        sa.Column("warned", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("township", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_grams")),
    )
    op.create_index("ix_search_grams", "search_grams",
                    ["gram", "lead", "warned", "name", "township"])
    op.create_table(
        "search_warned",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("township", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("name", "township", name=op.f("pk_search_warned")),
    )
    op.create_table(
        "search_keys",
        sa.Column("entity_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("reversed_key", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("entity_id", name=op.f("pk_search_keys")),
    )
    op.create_index("ix_search_keys_reversed", "search_keys", ["reversed_key"])


def downgrade() -> None:
    op.drop_index("ix_search_keys_reversed", table_name="search_keys")
    op.drop_table("search_keys")
    op.drop_table("search_warned")
    op.drop_index("ix_search_grams", table_name="search_grams")
    op.drop_table("search_grams")
    op.drop_index("ix_entities_name", table_name="entities")
