"""Public rosters with areas and households; township phones.

Roster lines of a program paid by area carry the declared 亩, the rate and the household's
registered 亩; a program says whether its roster lists households; a publication names each
household's 户主; admins enter each township's phone for the portal. Publications made before
carry no areas and no heads: their columns stay empty and the portal shows them as before.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_AREAS = (("declared_area", 14, 2), ("rate_per_mu", 12, 4), ("registered_area", 14, 2))


def upgrade() -> None:
    with op.batch_alter_table("pub_entries") as batch:
        for name, precision, scale in _AREAS:
            batch.add_column(sa.Column(name, sa.Numeric(precision=precision, scale=scale),
                                       nullable=True))
    with op.batch_alter_table("pub_programs") as batch:
        batch.add_column(sa.Column("listed_by", sa.String(length=10), nullable=False,
                                   server_default="person"))
    op.create_table(
        "pub_households",
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("village_no", sa.Integer(), nullable=False),
        sa.Column("household_no", sa.Integer(), nullable=False),
        sa.Column("head", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("publication_id", "village_no", "household_no",
                                name=op.f("pk_pub_households")),
    )
    op.create_table(
        "township_phones",
        sa.Column("township", sa.String(length=60), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("township", name=op.f("pk_township_phones")),
    )


def downgrade() -> None:
    op.drop_table("township_phones")
    op.drop_table("pub_households")
    with op.batch_alter_table("pub_programs") as batch:
        batch.drop_column("listed_by")
    with op.batch_alter_table("pub_entries") as batch:
        for name, _, _ in _AREAS:
            batch.drop_column(name)
