"""What the search box reads: the characters and character pairs of the entities' names, and
their keys written backwards, built from `entities` after each index build.

Names are indexed once per distinct (name, township), not per entity: a county's 250,000
persons share far fewer names, and households and accounts are named after them.
"""

from __future__ import annotations

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sunlight.appdb.entity_tables import Entity
from sunlight.appdb.tables import Base

# The entities of the names a search found.
Index("ix_entities_name", Entity.name)


class SearchGram(Base):
    """One character, or two adjacent ones, of a name borne in a township.

    The key's order is the order results are listed in: names starting with the gram before
    names containing it elsewhere, names on a warned entity first, then by name.
    """

    __tablename__ = "search_grams"
    __table_args__ = (
        # A verifier's search, within their township.
        Index("ix_search_grams_township", "gram", "township", "lead", "warned", "name"),
    )

    gram: Mapped[str] = mapped_column(String(2), primary_key=True)
    lead: Mapped[int] = mapped_column(Integer, primary_key=True)
    """1 where the name starts with the gram."""
    warned: Mapped[int] = mapped_column(Integer, primary_key=True)
    """1 where an entity of this name in this township has a warning standing."""
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    township: Mapped[str] = mapped_column(String(60), primary_key=True)


class SearchKey(Base):
    """An entity's key beside the same key written backwards, for searches by its end (the
    last digits of an ID or account, a masked ID: its first six digits are the county's)."""

    __tablename__ = "search_keys"
    __table_args__ = (
        Index("ix_search_keys_key", "warned", "key"),
        Index("ix_search_keys_reversed", "warned", "reversed_key"),
    )

    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    reversed_key: Mapped[str] = mapped_column(String(120))
    warned: Mapped[int] = mapped_column(Integer)
    township: Mapped[str] = mapped_column(String(60))
