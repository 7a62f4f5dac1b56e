"""Replies to a reporter are kept, each one: a table of replies in place of the one reply a
report held, which a later reply overwrote.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_report_replies_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_report_replies_report_id_reports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_replies")),
    )
    with op.batch_alter_table("report_replies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_replies_report_id"), ["report_id"],
                              unique=False)
    # The reply each report holds becomes its first; a reply whose author is unknown cannot be
    # kept as a row (it never happens: a reply is always written with its author).
    op.execute(
        "INSERT INTO report_replies (report_id, at, author_id, text) "
        "SELECT id, replied_at, replied_by, reply FROM reports "
        "WHERE reply <> '' AND replied_at IS NOT NULL AND replied_by IS NOT NULL ORDER BY id"
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_constraint("fk_reports_replied_by_users", type_="foreignkey")
        batch_op.drop_column("replied_by")
        batch_op.drop_column("replied_at")
        batch_op.drop_column("reply")


def downgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reply", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("replied_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_reports_replied_by_users", "users", ["replied_by"],
                                    ["id"])
    # Back to one reply per report: the latest, which is what the reporter read before.
    # Correlated subqueries rather than UPDATE … FROM, which SQLite before 3.33 lacks.
    latest = ("FROM report_replies AS r WHERE r.report_id = reports.id "
              "ORDER BY r.id DESC LIMIT 1")
    op.execute(
        f"UPDATE reports SET reply = (SELECT r.text {latest}), "
        f"replied_at = (SELECT r.at {latest}), replied_by = (SELECT r.author_id {latest}) "
        "WHERE EXISTS (SELECT 1 FROM report_replies AS r WHERE r.report_id = reports.id)"
    )
    with op.batch_alter_table("report_replies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_replies_report_id"))
    op.drop_table("report_replies")
