"""A case's disposal records 党纪处分, 政务处分 and 组织处理 apart, in place of one list that
mixed them (and could hold only one): each earlier value moves to the kind it is.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The values the earlier list offered, by the kind they are. 警告 and 严重警告 were listed
# beside the party's own sanctions; 诫勉谈话 is now called 诫勉, 开除公职 政务处分's 开除.
_PARTY = ("警告", "严重警告", "撤销党内职务", "留党察看", "开除党籍")
_GOVERNMENT = {"记过": "记过", "记大过": "记大过", "降级": "降级", "撤职": "撤职",
               "开除公职": "开除"}
_ORGANISATIONAL = {"批评教育": "批评教育", "诫勉谈话": "诫勉"}


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("party_discipline", sa.String(length=20), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("government_discipline", sa.String(length=20),
                                      nullable=False, server_default=""))
        batch_op.add_column(sa.Column("organisational_measures", sa.String(length=120),
                                      nullable=False, server_default=""))
    cases = sa.table("cases", sa.column("discipline", sa.String),
                     sa.column("party_discipline", sa.String),
                     sa.column("government_discipline", sa.String),
                     sa.column("organisational_measures", sa.String))
    moves = ([(old, "party_discipline", old) for old in _PARTY]
             + [(old, "government_discipline", new) for old, new in _GOVERNMENT.items()]
             + [(old, "organisational_measures", new) for old, new in _ORGANISATIONAL.items()])
    for old, column, new in moves:
        op.execute(cases.update().where(cases.c.discipline == old).values({column: new}))
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("discipline")


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("discipline", sa.String(length=60), nullable=False,
                                      server_default=""))
    cases = sa.table("cases", sa.column("discipline", sa.String),
                     sa.column("party_discipline", sa.String),
                     sa.column("government_discipline", sa.String),
                     sa.column("organisational_measures", sa.String))
    # One value per case again: of what was given, the gravest kind the earlier list could
    # name (a party sanction over a government one over a measure; later updates win).
    # Measures it had no word for (谈话提醒, 免职 …) cannot go back, and are left out.
    measures = cases.c.organisational_measures
    for old, new in _ORGANISATIONAL.items():
        op.execute(cases.update().where(measures.contains(new)).values(discipline=old))
    government = cases.c.government_discipline
    for old, new in {**_GOVERNMENT, "警告": "警告"}.items():
        op.execute(cases.update().where(government == new).values(discipline=old))
    for old in _PARTY:
        op.execute(cases.update().where(cases.c.party_discipline == old).values(discipline=old))
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("organisational_measures")
        batch_op.drop_column("government_discipline")
        batch_op.drop_column("party_discipline")
