"""The audit log is sealed with a key that is not in the database (HMAC in place of plain
SHA-256): the head names the key's fingerprint, the first entry sealed with it, and carries a
MAC of both and of the newest entry.

Nothing is rewritten here (a migration does not have the key): the existing entries keep their
plain hashes, and the first process with the key seals them by chaining an `audit.seal` entry
over them (sunlight.audit.chain). Downgrading drops the columns; entries sealed with the key
then no longer verify under the earlier, unkeyed code.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key_fingerprint", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("sealed_from", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("head_mac", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.drop_column("head_mac")
        batch_op.drop_column("sealed_from")
        batch_op.drop_column("key_fingerprint")
