"""Warnings name their subject (kind and name) and the people they concern.

Warnings stored before get their kind from their model and their name from what they already
hold; their people come with the next detection run, which counts them as changed once.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# The contract's subject table (§4) for the models of warnings that can already be stored.
_KIND = ("CASE model WHEN 'SHARED_ACCOUNT' THEN 'account' "
         "WHEN 'FUNDS_WITHHELD' THEN 'township' ELSE 'person' END")
# What a person reads, from what the warning holds: the registry name of a person; an
# account's number until the next detection run names its payees.
_NAME = "CASE subject_kind WHEN 'account' THEN subject ELSE name END"


def upgrade() -> None:
    with op.batch_alter_table("warnings") as batch:
        batch.add_column(sa.Column("subject_kind", sa.String(length=12), nullable=False,
                                   server_default="person"))
        batch.add_column(sa.Column("subject_name", sa.String(), nullable=False,
                                   server_default=""))
    op.execute(f"UPDATE warnings SET subject_kind = {_KIND}")
    op.execute(f"UPDATE warnings SET subject_name = {_NAME}")
    _name_township_years()
    op.create_table(
        "warning_people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("warning_pk", sa.Integer(), nullable=False),
        sa.Column("id_number", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("household", sa.String(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["warning_pk"], ["warnings.id"],
                                name=op.f("fk_warning_people_warning_pk_warnings")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warning_people")),
    )
    op.create_index("ix_warning_people_warning", "warning_people", ["warning_pk"])
    op.create_index("ix_warning_people_id_number", "warning_people", ["id_number"])


def _name_township_years() -> None:
    """`城关镇 低保 2024年`: the program's name is in the facts FUNDS_WITHHELD stored."""
    warnings = sa.table("warnings", sa.column("id", sa.Integer()), sa.column("subject"),
                        sa.column("facts", sa.JSON()), sa.column("subject_kind"),
                        sa.column("subject_name"))
    connection = op.get_bind()
    rows = connection.execute(sa.select(warnings.c.id, warnings.c.subject, warnings.c.facts)
                              .where(warnings.c.subject_kind == "township")).all()
    for pk, subject, facts in rows:
        township, _, rest = str(subject).partition("/")
        program, _, year = rest.rpartition("/")
        program_name = (facts or {}).get("program_name") or program
        name = " ".join(part for part in (township, program_name, f"{year}年" if year else "")
                        if part)
        connection.execute(sa.update(warnings).where(warnings.c.id == pk)
                           .values(subject_name=name))


def downgrade() -> None:
    op.drop_index("ix_warning_people_id_number", table_name="warning_people")
    op.drop_index("ix_warning_people_warning", table_name="warning_people")
    op.drop_table("warning_people")
    with op.batch_alter_table("warnings") as batch:
        batch.drop_column("subject_name")
        batch.drop_column("subject_kind")
