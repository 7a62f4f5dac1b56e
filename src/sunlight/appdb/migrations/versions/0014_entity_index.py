"""The entity index: persons, households, accounts, companies, villages and
townships, their links, and the standing warnings touching each.

Built by the next detection run; until then the tables are empty and entity pages say so.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("ref", sa.String(length=24), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("township", sa.String(length=60), nullable=False),
        sa.Column("village", sa.String(length=60), nullable=False),
        sa.Column("household", sa.String(length=60), nullable=False),
        sa.Column("warnings", sa.Integer(), nullable=False),
        sa.Column("doc", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entities")),
    )
    op.create_index("ux_entities_kind_key", "entities", ["kind", "key"], unique=True)
    op.create_index("ux_entities_ref", "entities", ["ref"], unique=True)
    op.create_index("ix_entities_kind_household", "entities", ["kind", "household"])
    op.create_index("ix_entities_kind_township_village", "entities",
                    ["kind", "township", "village"])
    op.create_table(
        "entity_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("role", sa.String(length=60), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity_links")),
    )
    op.create_index("ix_entity_links_source", "entity_links", ["source_id", "kind"])
    op.create_index("ix_entity_links_target", "entity_links", ["target_id", "kind"])
    op.create_table(
        "entity_index_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("salt", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("entities", sa.Integer(), nullable=False),
        sa.Column("links", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity_index_state")),
    )
    op.create_table(
        "entity_warnings",
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("warning_pk", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["warning_pk"], ["warnings.id"], ondelete="CASCADE",
                                name=op.f("fk_entity_warnings_warning_pk_warnings")),
        sa.PrimaryKeyConstraint("entity_id", "warning_pk", name=op.f("pk_entity_warnings")),
    )
    op.create_index("ix_entity_warnings_warning_pk", "entity_warnings", ["warning_pk"])


def downgrade() -> None:
    op.drop_index("ix_entity_warnings_warning_pk", table_name="entity_warnings")
    op.drop_table("entity_warnings")
    op.drop_table("entity_index_state")
    op.drop_index("ix_entity_links_target", table_name="entity_links")
    op.drop_index("ix_entity_links_source", table_name="entity_links")
    op.drop_table("entity_links")
    op.drop_index("ix_entities_kind_township_village", table_name="entities")
    op.drop_index("ix_entities_kind_household", table_name="entities")
    op.drop_index("ux_entities_ref", table_name="entities")
    op.drop_index("ux_entities_kind_key", table_name="entities")
    op.drop_table("entities")
