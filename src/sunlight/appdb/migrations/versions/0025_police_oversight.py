"""网上督察 in the workbench (issue 16): police staff scoped to units, and the tables the 督察
views read.

An inspector (督察) or a unit's liaison (单位联络员) covers the police units in `users.units`;
a case opened for a police warning keeps its unit (`cases.unit`), by which they see it. The
views read tables built when detection runs (never Parquet per request): posts, each post's
required shifts by day and whether they were staffed, police cases judged against their time
limits, inspection findings against their deadlines, and the as-of date they were judged at.
Accounts and cases from before cover and concern no unit.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

_TEXT = 200


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("units", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("unit", sa.String(length=_TEXT), nullable=False,
                                   server_default=""))
        batch.create_index("ix_cases_unit", ["unit"], unique=False)
    op.create_table(
        "oversight_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=_TEXT), nullable=False),
        sa.Column("post", sa.String(length=_TEXT), nullable=False),
        sa.Column("kind", sa.String(length=_TEXT), nullable=False),
        sa.Column("coverage", sa.String(length=_TEXT), nullable=False),
        sa.Column("active_from", sa.Date(), nullable=True),
        sa.Column("active_to", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oversight_posts")),
    )
    op.create_index("ix_oversight_posts_unit_post", "oversight_posts", ["unit", "post"],
                    unique=False)
    op.create_table(
        "oversight_post_shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=_TEXT), nullable=False),
        sa.Column("post", sa.String(length=_TEXT), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("shift", sa.String(length=20), nullable=False),
        sa.Column("covered", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oversight_post_shifts")),
    )
    op.create_index("ix_oversight_post_shifts_unit_day", "oversight_post_shifts",
                    ["unit", "day", "post"], unique=False)
    op.create_table(
        "oversight_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_no", sa.String(length=_TEXT), nullable=False),
        sa.Column("unit", sa.String(length=_TEXT), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("handler_name", sa.String(length=_TEXT), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("measures_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("step", sa.String(length=20), nullable=False),
        sa.Column("limit_days", sa.Integer(), nullable=True),
        sa.Column("days_taken", sa.Integer(), nullable=True),
        sa.Column("timeliness", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oversight_cases")),
    )
    op.create_index("ix_oversight_cases_unit_category", "oversight_cases",
                    ["unit", "category", "timeliness"], unique=False)
    op.create_index("ix_oversight_cases_category_received", "oversight_cases",
                    ["category", "received_on", "case_no"], unique=False)
    op.create_table(
        "oversight_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finding_no", sa.String(length=_TEXT), nullable=False),
        sa.Column("unit", sa.String(length=_TEXT), nullable=False),
        sa.Column("found_on", sa.Date(), nullable=True),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=_TEXT), nullable=False),
        sa.Column("rectify_by", sa.Date(), nullable=True),
        sa.Column("rectified_on", sa.Date(), nullable=True),
        sa.Column("inspector", sa.String(length=_TEXT), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("days_over", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oversight_findings")),
    )
    op.create_index("ix_oversight_findings_unit_state", "oversight_findings",
                    ["unit", "state", "rectify_by"], unique=False)
    op.create_table(
        "oversight_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oversight_state")),
    )


def downgrade() -> None:
    op.drop_table("oversight_state")
    for table, indexes in (
            ("oversight_findings", ["ix_oversight_findings_unit_state"]),
            ("oversight_cases", ["ix_oversight_cases_unit_category",
                                 "ix_oversight_cases_category_received"]),
            ("oversight_post_shifts", ["ix_oversight_post_shifts_unit_day"]),
            ("oversight_posts", ["ix_oversight_posts_unit_post"])):
        for index in indexes:
            op.drop_index(index, table_name=table)
        op.drop_table(table)
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_unit")
        batch.drop_column("unit")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("units")
