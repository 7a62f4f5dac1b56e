"""Warnings and detection runs: the warnings, their evidence rows and change log.

Revision ID: 0001
Revises: (first)
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

MONEY = sa.Numeric(precision=16, scale=2)
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "detection_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", WHEN, nullable=False),
        sa.Column("finished_at", WHEN, nullable=True),
        sa.Column("models", sa.JSON(), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("reraised", sa.Integer(), nullable=False),
        sa.Column("retracted", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_detection_runs")),
    )
    op.create_table(
        "warnings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("warning_id", sa.String(length=20), nullable=False),
        sa.Column("model", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("program", sa.String(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("follows_id", sa.Integer(), nullable=True),
        sa.Column("id_number", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("account", sa.String(), nullable=False),
        sa.Column("township", sa.String(), nullable=False),
        sa.Column("village", sa.String(), nullable=False),
        sa.Column("period_from", sa.String(length=7), nullable=False),
        sa.Column("period_to", sa.String(length=7), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=30), server_default="open", nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("first_run_id", sa.Integer(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["first_run_id"], ["detection_runs.id"],
            name=op.f("fk_warnings_first_run_id_detection_runs"),
        ),
        sa.ForeignKeyConstraint(
            ["follows_id"], ["warnings.id"], name=op.f("fk_warnings_follows_id_warnings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warnings")),
        sa.UniqueConstraint(
            "model", "subject", "program", "generation",
            name=op.f("uq_warnings_model_subject_program_generation"),
        ),
        sa.UniqueConstraint("warning_id", name=op.f("uq_warnings_warning_id")),
    )
    op.create_index("ix_warnings_score", "warnings", ["score"])
    op.create_index("ix_warnings_model_score", "warnings", ["model", "score"])
    op.create_table(
        "warning_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("warning_pk", sa.Integer(), nullable=False),
        sa.Column("dataset", sa.String(length=40), nullable=False),
        sa.Column("file", sa.String(), nullable=False),
        sa.Column("sheet", sa.String(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.ForeignKeyConstraint(
            ["warning_pk"], ["warnings.id"], name=op.f("fk_warning_evidence_warning_pk_warnings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warning_evidence")),
        sa.UniqueConstraint(
            "warning_pk", "dataset", "file", "sheet", "row",
            name=op.f("uq_warning_evidence_warning_pk_dataset_file_sheet_row"),
        ),
    )
    op.create_table(
        "warning_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("warning_pk", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=False),
        sa.Column("new_value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["detection_runs.id"], name=op.f("fk_warning_changes_run_id_detection_runs")
        ),
        sa.ForeignKeyConstraint(
            ["warning_pk"], ["warnings.id"], name=op.f("fk_warning_changes_warning_pk_warnings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warning_changes")),
    )
    op.create_index(
        op.f("ix_warning_changes_warning_pk"), "warning_changes", ["warning_pk"]
    )


def downgrade() -> None:
    op.drop_table("warning_changes")
    op.drop_table("warning_evidence")
    op.drop_table("warnings")
    op.drop_table("detection_runs")
