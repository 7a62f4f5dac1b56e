"""The entity index: every person, household, account, company and village the warehouse
knows, and the links between them, built when detection runs so that no page scans Parquet.

An entity is named in URLs by `ref`, a keyed hash of (kind, key) under the index's own
secret (`EntityIndexState.salt`): stable across rebuilds, so bookmarks and case notes keep
working, and no ID number or account ever appears in an address or a server log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sunlight.appdb.tables import Base, UtcDateTime


class Entity(Base):
    """One subject of supervision (contract vocabulary `subject_kinds`)."""

    __tablename__ = "entities"
    # Unique indexes rather than constraints, so that a full build can drop them all before
    # its bulk load and create them after (sunlight.entities.build).
    __table_args__ = (
        Index("ux_entities_kind_key", "kind", "key", unique=True),
        Index("ux_entities_ref", "ref", unique=True),
        # A household's members, a village's residents.
        Index("ix_entities_kind_household", "kind", "household"),
        Index("ix_entities_kind_township_village", "kind", "township", "village"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    """person, household, account, company, village or township (the target of an official
    whose office names no village)."""
    key: Mapped[str] = mapped_column(String(120))
    """Canonical ID number, 户号, account number, 统一社会信用代码 (or the company's name
    where a registry row has no code), `township/village`, the township's name."""
    ref: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(200), default="")
    """What a person reads: registry name, the household's 户主, the payees of an account,
    the company's name, the village's name."""
    township: Mapped[str] = mapped_column(String(60), default="")
    village: Mapped[str] = mapped_column(String(60), default="")
    household: Mapped[str] = mapped_column(String(60), default="")
    """A person's 户号 (latest registry delivery); empty for other kinds."""
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    """Warnings standing (not retracted) on the entity, as of the last build."""
    doc: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """What the entity's page shows, computed at build time (see sunlight.entities)."""
    digest: Mapped[str] = mapped_column(String(16), default="")
    """A hash of the columns above (bar `warnings`): a rebuild rewrites only the entities
    whose digest changed."""


class EntityLink(Base):
    """A tie between two entities (contract vocabulary `link_kinds`).

    No foreign keys to `entities`: the build writes both and keeps them consistent, and
    without them clearing the index is a truncation, not a cascade row by row.

    Household membership is not stored here: a person's `Entity.household` says it, and the
    index on (kind, household) finds the members.
    """

    __tablename__ = "entity_links"
    __table_args__ = (
        Index("ix_entity_links_source", "source_id", "kind"),
        Index("ix_entity_links_target", "target_id", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(Integer)
    target_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(60), default="")
    """The source's role in the tie: a post (村党支部书记), a relation, 'payee'."""
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Periods, amounts, dates: what the link view shows on the edge."""


class EntityPayment(Base):
    """A run of months paid alike to a person into an account under one program: the same
    sum and number of rows each month. Pages read a person's payments here, by an indexed
    lookup, so that a month of payments rewrites runs, never the person's document."""

    __tablename__ = "entity_payments"
    __table_args__ = (
        Index("ix_entity_payments_person", "person"),
        Index("ix_entity_payments_account", "account"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person: Mapped[str] = mapped_column(String(60))
    """The payee's canonical ID number (a person entity's key)."""
    account: Mapped[str] = mapped_column(String(120), default="")
    program: Mapped[str] = mapped_column(String(120), default="")
    first: Mapped[str] = mapped_column(String(16), default="")
    """The run's first period (YYYY-MM, or a year: an annual payment is a run alone)."""
    last: Mapped[str] = mapped_column(String(16), default="")
    amount: Mapped[str] = mapped_column(String(24), default="0.00")
    """The sum paid each month of the run, as text (no float rounds a fen away)."""
    rows: Mapped[int] = mapped_column(Integer, default=0)
    """Payment rows each month of the run."""


class EntityIndexState(Base):
    """The one row saying which warehouse state the index was built from, and its secret."""

    __tablename__ = "entity_index_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    salt: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(Text, default="")
    built_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    entities: Mapped[int] = mapped_column(Integer, default=0)
    links: Mapped[int] = mapped_column(Integer, default=0)
    batches: Mapped[str] = mapped_column(Text, default="", server_default="")
    """The file hashes of the batches built from, in manifest order, one a line: a build
    after batches were only added recomputes what they touch (sunlight.entities.scope)."""
    snapshot: Mapped[str] = mapped_column(String(32), default="", server_default="")
    """The name of the build's snapshot beside the warehouse (sunlight.entities.snapshot);
    empty when there is none."""


class EntityWarning(Base):
    """A standing warning touching an entity: a person's own (Warning.id_number), an
    account's (Warning.account), a village's (township and village), a household's (its
    members'). Refreshed by every detection run, even one that leaves the index as it was,
    so that a page lists its warnings by an indexed join instead of scanning `warnings`."""

    __tablename__ = "entity_warnings"
    __table_args__ = (Index("ix_entity_warnings_warning_pk", "warning_pk"),)

    entity_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    """An `Entity.id`, without a foreign key (see EntityLink)."""
    warning_pk: Mapped[int] = mapped_column(
        ForeignKey("warnings.id", ondelete="CASCADE"), primary_key=True)
