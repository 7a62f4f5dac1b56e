"""Company programs on the portal: each payment to a company, which subject a program pays, and
the program a report names.

A company program (留工补贴) is published per township as the payments to each company: its
name and 统一社会信用代码, the month, the workers it claimed and the amount; never its account.
Publications made before hold no company rows, and their programs are all person programs.
A citizen's report may name the program it is about (a company program as any other).

Revision ID: 0023
Revises: 0021
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pub_programs") as batch:
        batch.add_column(sa.Column("subject", sa.String(length=10), nullable=False,
                                   server_default="person"))
    op.create_table(
        "pub_company_payments",
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("no", sa.Integer(), nullable=False),
        sa.Column("township", sa.String(length=60), nullable=False),
        sa.Column("program", sa.String(length=40), nullable=False),
        sa.Column("company", sa.String(length=200), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("claimed_headcount", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("publication_id", "no", name=op.f("pk_pub_company_payments")),
    )
    op.create_index("ix_pub_company_payments_roster", "pub_company_payments",
                    ["publication_id", "township", "program"], unique=False)
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("program", sa.String(length=40), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("program")
    op.drop_index("ix_pub_company_payments_roster", table_name="pub_company_payments")
    op.drop_table("pub_company_payments")
    with op.batch_alter_table("pub_programs") as batch:
        batch.drop_column("subject")
