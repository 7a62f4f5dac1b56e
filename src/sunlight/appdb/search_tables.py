"""What the search box reads: the characters and character pairs of the entities' names, and
their keys written backwards, built from `entities` after each index build.

Names are indexed once per distinct (name, township), not per entity: a county's 250,000
persons share far fewer names, and households and accounts are named after them. Both
tables are rewritten whole by a build that writes the index whole: rows appended in any
order, then their one index built at once (sunlight.entities.search_terms), much faster than
keeping it along the way; a build that writes only what changed moves only their rows.
"""

from __future__ import annotations

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sunlight.appdb.entity_tables import Entity
from sunlight.appdb.tables import Base

# The entities of the names a search found.
Index("ix_entities_name", Entity.name)
# The names on warned entities (few): what the search box lists first, read after every
# detection run without reading all the entities.
Index("ix_entities_warned_names", Entity.name, Entity.township,
      sqlite_where=Entity.warnings > 0, postgresql_where=Entity.warnings > 0)


class SearchGram(Base):
    """One character, or two adjacent ones, of a name borne in a township.

    The index's order is the order results are listed in: names starting with the gram
    before names containing it elsewhere, names on a warned entity first, then by name; it
    holds every column a search reads, so a search never reads the table itself.
    """

    __tablename__ = "search_grams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    gram: Mapped[str] = mapped_column(String(2))
    lead: Mapped[int] = mapped_column(Integer)
    """1 where the name starts with the gram."""
    warned: Mapped[int] = mapped_column(Integer)
    """1 where an entity of this name in this township has a warning standing."""
    name: Mapped[str] = mapped_column(String(200))
    township: Mapped[str] = mapped_column(String(60))


GRAM_INDEX = Index("ix_search_grams", SearchGram.gram, SearchGram.lead, SearchGram.warned,
                   SearchGram.name, SearchGram.township)


class SearchWarned(Base):
    """The (name, township) pairs whose gram rows say `warned`: what the next detection run
    compares with the entities' warnings, to move only the rows of names that changed."""

    __tablename__ = "search_warned"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    township: Mapped[str] = mapped_column(String(60), primary_key=True)


class SearchKey(Base):
    """An entity's key written backwards, for searches by its end (the last digits of an ID
    or account, a masked ID: its first six digits are the county's). Rebuilt with the
    entities, so `entity_id` is theirs as they stand."""

    __tablename__ = "search_keys"

    entity_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    reversed_key: Mapped[str] = mapped_column(String(120))


KEY_INDEX = Index("ix_search_keys_reversed", SearchKey.reversed_key)
