"""What the public portal shows: versioned copies of the public part of the warehouse.

`sunlight publish` writes one `Publication` and its rows; the portal reads these tables only
(never the warehouse, never the warnings). Nothing here holds a full ID number, a registry
household number or a bank account: the ID is masked to its first 6 characters, a household
is a label numbered within its village, and 查我家 finds a household by a keyed hash of ID
number and name (`PubLookup`, with the account's last digits for the further proof), keyed
by the publication's salt and a secret kept out of the database (publish/lookups.py), which
cannot be read back.

Rows of a publication are numbered within it (`no`) and keyed by (publication_id, no), so that
a county's hundreds of thousands of rows go in by bulk insert without asking the database for
ids. Rows refer to one another by those numbers within the same publication. They carry no
foreign key to `publications`: they are only ever written by `publish`, in the transaction
that creates their publication, and a per-row key check would triple PostgreSQL's time to
load a county's payments.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sunlight.appdb.tables import Base, UtcDateTime

PUBLISHED = "published"
WITHDRAWN = "withdrawn"


class Publication(Base):
    """One run of `sunlight publish`: version, who, when, and whether it is withdrawn."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    region: Mapped[str] = mapped_column(String(100), default="")
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)
    published_by: Mapped[str] = mapped_column(String(60))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    withdrawn_by: Mapped[str] = mapped_column(String(60), default="")
    withdraw_reason: Mapped[str] = mapped_column(Text, default="")
    lookup_salt: Mapped[str] = mapped_column(String(64))
    """Keys the 查我家 hashes of this publication (random per publication), together with a
    secret kept out of the database (publish/lookups.py)."""
    lookup_keyed_by: Mapped[str] = mapped_column(String(16), default="")
    """The fingerprint of that secret's key; "" for a publication from before there was one."""
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    """What the warehouse held: a hash of its batches."""
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class PubProgram(Base):
    """A program as the public sees it: its policy basis, conditions and standards."""

    __tablename__ = "pub_programs"

    publication_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    department: Mapped[str] = mapped_column(String(100), default="")
    period: Mapped[str] = mapped_column(String(10))
    policy_basis: Mapped[str] = mapped_column(Text)
    conditions: Mapped[str] = mapped_column(Text)
    standard_text: Mapped[str] = mapped_column(Text)
    listed_by: Mapped[str] = mapped_column(String(10), default="person")
    """"household": the roster lists households (户主, 保障人口), as 低保 is announced."""
    subject: Mapped[str] = mapped_column(String(10), default="person")
    """"company": paid to companies, listed per township in `PubCompanyPayment`."""
    beneficiaries: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal(0))


class PubVillage(Base):
    """A village with beneficiaries; `code` is stable across versions (QR codes on
    noticeboards keep working)."""

    __tablename__ = "pub_villages"
    __table_args__ = (Index("ix_pub_villages_code", "publication_id", "code", unique=True),)

    publication_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    no: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16))
    township: Mapped[str] = mapped_column(String(60))
    village: Mapped[str] = mapped_column(String(60))
    beneficiaries: Mapped[int] = mapped_column(Integer)
    households: Mapped[int] = mapped_column(Integer)
    total: Mapped[Decimal] = mapped_column(Numeric(16, 2))


class PubVillageProgram(Base):
    """A program in a village: how many beneficiaries, how much in all."""

    __tablename__ = "pub_village_programs"

    publication_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    village_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    program: Mapped[str] = mapped_column(String(40), primary_key=True)
    beneficiaries: Mapped[int] = mapped_column(Integer)
    total: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    first_period: Mapped[str] = mapped_column(String(10))
    last_period: Mapped[str] = mapped_column(String(10))


class PubBeneficiary(Base):
    """A person paid in a village: name, masked ID, household label."""

    __tablename__ = "pub_beneficiaries"
    __table_args__ = (
        Index("ix_pub_beneficiaries_village", "publication_id", "village_no", "household_no"),
    )

    publication_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    no: Mapped[int] = mapped_column(Integer, primary_key=True)
    village_no: Mapped[int] = mapped_column(Integer)
    household_no: Mapped[int] = mapped_column(Integer)
    """Numbered within the village: shown as 第N户."""
    name: Mapped[str] = mapped_column(String(60))
    masked_id: Mapped[str] = mapped_column(String(30))


class PubEntry(Base):
    """One line of a roster: a beneficiary in a program, with periods and amounts."""

    __tablename__ = "pub_entries"
    __table_args__ = (
        Index("ix_pub_entries_roster", "publication_id", "village_no", "program"),
        Index("ix_pub_entries_beneficiary", "publication_id", "beneficiary_no"),
    )

    publication_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    no: Mapped[int] = mapped_column(Integer, primary_key=True)
    village_no: Mapped[int] = mapped_column(Integer)
    beneficiary_no: Mapped[int] = mapped_column(Integer)
    program: Mapped[str] = mapped_column(String(40))
    first_period: Mapped[str] = mapped_column(String(10))
    last_period: Mapped[str] = mapped_column(String(10))
    periods: Mapped[int] = mapped_column(Integer)
    amount_per_period: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    """The amount of the latest period paid."""
    total: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    declared_area: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    """A program paid by area: the 亩 declared for the latest period (None otherwise, and in
    publications from before areas were published)."""
    rate_per_mu: Mapped[Decimal | None] = mapped_column(Numeric(12, 4))
    """元 per 亩 in force for the latest period, for a program paid by area."""
    registered_area: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    """The household's registered 亩 of the program's land type; None when no land register
    was ingested."""


class PubCompanyPayment(Base):
    """One payment of a company program, as its township's roster lists it.

    A company is not a private person: its name and 统一社会信用代码 (public on the national
    enterprise credit register) are shown whole. Its account is not held here at all."""

    __tablename__ = "pub_company_payments"
    __table_args__ = (
        Index("ix_pub_company_payments_roster", "publication_id", "township", "program"),
    )

    publication_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    no: Mapped[int] = mapped_column(Integer, primary_key=True)
    township: Mapped[str] = mapped_column(String(60))
    program: Mapped[str] = mapped_column(String(40))
    company: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18))
    period: Mapped[str] = mapped_column(String(10))
    claimed_headcount: Mapped[int | None] = mapped_column(Integer)
    """The workers the company claimed for (None when the department did not say)."""
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    paid_on: Mapped[date | None] = mapped_column(Date)


class PubHousehold(Base):
    """A household with benefits in a village: its 户主 as the registry names them."""

    __tablename__ = "pub_households"

    publication_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    village_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    head: Mapped[str] = mapped_column(String(60), default="")
    """"" when the registry names no head (the roster then shows its first person paid)."""


class PubPayment(Base):
    """One payment of a roster line (a period may be paid twice: both are shown)."""

    __tablename__ = "pub_payments"

    publication_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    line: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(10))
    paid_on: Mapped[date | None] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))


class PubApproval(Base):
    """One step of a roster line's approval chain: step, date, handler."""

    __tablename__ = "pub_approvals"

    publication_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    line: Mapped[int] = mapped_column(Integer, primary_key=True)
    step: Mapped[str] = mapped_column(String(40))
    day: Mapped[date | None] = mapped_column(Date)
    handler: Mapped[str] = mapped_column(String(60), default="")


class PubLookup(Base):
    """查我家: a keyed hash of (ID number, name) of each member of a household with benefits,
    and the household it finds; beside it, for each account the household was paid into, a
    keyed hash of (ID number, name, the account's last 6 digits): the further proof asked for
    once a person's lookups failed too often (publish/privacy.py)."""

    __tablename__ = "pub_lookups"

    publication_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    village_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_no: Mapped[int] = mapped_column(Integer)


class TownshipPhone(Base):
    """A township's phone for villagers' questions about a roster, as an admin entered it.

    Not part of any publication: a corrected number shows at once on every version."""

    __tablename__ = "township_phones"

    township: Mapped[str] = mapped_column(String(60), primary_key=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    changed_by: Mapped[str] = mapped_column(String(60), default="")


PUBLICATION_ROWS: tuple[type[Base], ...] = (
    PubProgram, PubVillage, PubVillageProgram, PubHousehold, PubBeneficiary, PubEntry,
    PubPayment, PubApproval, PubLookup, PubCompanyPayment)
"""The tables a publication fills, parents first."""
