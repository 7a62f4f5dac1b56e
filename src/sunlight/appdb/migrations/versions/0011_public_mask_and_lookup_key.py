"""Published IDs re-masked to the public mask; which key a publication's 查我家 hashes are under.

Publications made before the public mask became the first 6 characters only still showed
first 6 and last 4 (as reports about their people did, copied from them): they are re-masked
in place, same length. `lookup_keyed_by` names the key that keyed a publication's lookup
hashes besides its salt (publish/lookups.py); "" marks the hashes of older publications,
keyed by the salt alone, which the portal still answers until the next publication.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_STARS = "'" + "*" * 30 + "'"  # the columns are 30 wide
# masking.public_masked_id in SQL that SQLite and PostgreSQL both speak.
_PUBLIC_MASK = (f"CASE WHEN length({{column}}) < 15 THEN substr({_STARS}, 1, length({{column}})) "
                f"ELSE substr({{column}}, 1, 6) || substr({_STARS}, 1, length({{column}}) - 6) END")


def upgrade() -> None:
    for table, column in (("pub_beneficiaries", "masked_id"),
                          ("reports", "subject_masked_id")):
        op.execute(f"UPDATE {table} SET {column} = {_PUBLIC_MASK.format(column=column)} "
                   f"WHERE {column} <> ''")
    with op.batch_alter_table("publications") as batch:
        batch.add_column(sa.Column("lookup_keyed_by", sa.String(length=16), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    # The hidden last 4 characters are gone for good: the masks stay as they are.
    with op.batch_alter_table("publications") as batch:
        batch.drop_column("lookup_keyed_by")
