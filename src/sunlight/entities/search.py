"""The search box: entities by name (whole or any fragment, one character included), by key
(ID number, account, 户号, 统一社会信用代码: whole, its start, its end, or masked as pages
show it), best matches first.

Ranked in tiers: the exact key (or a masked key that fits), the exact name, names and keys
that start with the query, then names containing it and keys ending with it; within a tier,
entities with warnings first. Every tier is read through an index in the order it is listed,
LIMIT rows at a time (see appdb.search_tables), so a one-character query over a county reads
a few pages of an index, not every name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, and_, func, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from sunlight.appdb.account_tables import User
from sunlight.appdb.entity_tables import Entity
from sunlight.appdb.search_tables import SearchGram, SearchKey
from sunlight.contract.roles import ANALYST, VERIFIER
from sunlight.contract.vocabulary import SUBJECT_KIND_ZH
from sunlight.entities.search_terms import NAME_MARKS, plain_name
from sunlight.text import squeeze

LIMIT = 50
QUERY_MAX = 60
"""The longest query: a company's name fits; anything longer is no one typing a search."""
VERIFIER_KINDS = frozenset({"person", "household", "account", "village"})
"""What a verifier finds, in their own township only: not companies, registered county-wide."""
KIND_ORDER = {"person": 0, "household": 1, "account": 2, "company": 3, "village": 4}
_KEY_LIKE = re.compile(r"[0-9A-Z*]+")
_NUMBER_LIKE = re.compile(r"[0-9X*]*[0-9][0-9X*]*")
"""Digits (an ID's X, a mask's *): a key only, no one's name."""
_ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ALL_KINDS = tuple(SUBJECT_KIND_ZH)
"""Every kind: `kind IN (...)` lets a lookup by key use the index on (kind, key)."""
CANDIDATES = 4 * LIMIT
"""Entities read per key condition, ranked in memory."""
EXACT_KEY, EXACT_NAME, START, FRAGMENT = range(4)


@dataclass(frozen=True)
class Scope:
    """Whose entities a search may return: `township` None = every township; `kinds` None =
    every kind; `nothing` for a role that does not search."""

    township: str | None = None
    kinds: frozenset[str] | None = None
    nothing: bool = False


EVERYTHING = Scope()


def scope_of(user: User) -> Scope:
    """An analyst searches everything, a verifier their township's persons, households,
    accounts and villages (entities of no known township are no verifier's), anyone else
    nothing."""
    if user.role == ANALYST:
        return EVERYTHING
    if user.role == VERIFIER and user.township:  # one without a township: nothing
        return Scope(township=user.township, kinds=VERIFIER_KINDS)
    return Scope(nothing=True)


@dataclass(frozen=True)
class Hit:
    entity: Entity
    tier: int


@dataclass
class Results:
    """The entities found, best first, and whether more matched than are listed."""

    hits: list[Hit] = field(default_factory=list)
    more: bool = False


def normal_query(text: str) -> str:
    """As typed, without spaces, full-width forms, control characters or the marks between
    a name's parts (艾买提·阿西木 as 艾买提阿西木), at most QUERY_MAX."""
    kept = "".join(c for c in text if unicodedata.category(c)[0] != "C")
    return plain_name(squeeze(kept))[:QUERY_MAX]


def search(session: Session, text: str, scope: Scope = EVERYTHING,
           limit: int = LIMIT) -> Results:
    """The entities matching `text` within `scope`, at most `limit`, ranked (module doc)."""
    q = normal_query(text)
    if not q or scope.nothing:
        return Results()
    found = _Found(limit, warned_first=scope.township is None)
    upper = q.upper()
    found.add(EXACT_KEY, _entities(session, select(Entity).where(
        Entity.kind.in_(ALL_KINDS), Entity.key.in_({q, upper})), scope))
    key_like = bool(_KEY_LIKE.fullmatch(upper))
    if key_like and "*" in upper:
        found.add(EXACT_KEY, _masked(session, upper, scope))
        return found.results()
    names = _NameSearch(session, q, scope, limit) if not _NUMBER_LIKE.fullmatch(upper) else None
    steps = [
        (EXACT_NAME, names.exact if names else None),
        (START, (lambda: _key_starts(session, upper, scope)) if key_like else None),
        (START, names.starting if names else None),
        (FRAGMENT, (lambda: _key_ends(session, upper, scope)) if key_like else None),
        (FRAGMENT, names.elsewhere if names else None),
    ]
    for tier, step in steps:
        if step is not None and not found.full:
            found.add(tier, step())
    return found.results()


class _Found:
    """Hits gathered tier by tier, each entity once, up to the limit (one more tells `more`)."""

    def __init__(self, limit: int, warned_first: bool) -> None:
        self.limit = limit
        self.warned_first = warned_first
        self.hits: dict[int, Hit] = {}

    @property
    def full(self) -> bool:
        return len(self.hits) > self.limit

    def add(self, tier: int, entities: Iterable[Entity]) -> None:
        for entity in entities:
            if self.full:
                return
            self.hits.setdefault(entity.id, Hit(entity, tier))

    def results(self) -> Results:
        if self.warned_first:
            ranked = sorted(self.hits.values(), key=lambda h: (h.tier, h.entity.warnings == 0))
        else:  # a verifier may not see every warning: their order would tell which have one
            ranked = sorted(self.hits.values(),
                            key=lambda h: (h.tier, h.entity.name, h.entity.key))
        return Results(ranked[:self.limit], more=len(ranked) > self.limit)


# Keys -------------------------------------------------------------------------------------

def _key_starts(session: Session, upper: str, scope: Scope,
                fits: ColumnElement[bool] | None = None) -> list[Entity]:
    """Entities whose key starts with `upper`, read through the index on (kind, key)."""
    query = select(Entity).where(Entity.kind.in_(ALL_KINDS), _starts(Entity.key, upper))
    return _entities(session, query if fits is None else query.where(fits), scope)


def _key_ends(session: Session, upper: str, scope: Scope,
              fits: ColumnElement[bool] | None = None) -> list[Entity]:
    """Entities whose key ends with `upper`, read through the reversed keys' index."""
    query = (select(Entity).join(SearchKey, SearchKey.entity_id == Entity.id)
             .where(_starts(SearchKey.reversed_key, upper[::-1])))
    return _entities(session, query if fits is None else query.where(fits), scope)


def _masked(session: Session, upper: str, scope: Scope) -> list[Entity]:
    """Keys as a page masks them: each * inside one character, a run of * at either end at
    least that many (*0501, ********0501: the last digits alone); found by the known end (a
    county's IDs share their first six digits), else the known start."""
    core = upper.strip("*")
    lead, trail = len(upper) - len(upper.lstrip("*")), len(upper) - len(upper.rstrip("*"))
    pattern = (("%" + "_" * lead if lead else "") + core.replace("*", "_")
               + ("_" * trail + "%" if trail else ""))
    fits = Entity.key.like(pattern)  # no % or _ in a key-like query
    start = "" if lead else core.split("*", 1)[0]
    end = "" if trail else core.rsplit("*", 1)[-1]
    if end:
        return _key_ends(session, end, scope, fits)
    if start:
        return _key_starts(session, start, scope, fits)
    return []


def _starts(column: InstrumentedAttribute[str], prefix: str) -> ColumnElement[bool]:
    """`column` starts with `prefix` (digits and capitals): a range an index reads, bounded
    by the next such prefix so that it holds in any collation that orders digits before
    capitals (C, and PostgreSQL's usual locales), checked by LIKE (no % or _ in it)."""
    return and_(column >= prefix, column < _following(prefix), column.like(prefix + "%"))


def _following(prefix: str) -> str:
    """The first string after every one of digits and capitals starting with `prefix`."""
    place = _ALPHANUMERIC.find(prefix[-1])
    if 0 <= place < len(_ALPHANUMERIC) - 1:
        return prefix[:-1] + _ALPHANUMERIC[place + 1]
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)  # after Z: [ (in C order)


def _entities(session: Session, query: Select[Entity], scope: Scope) -> list[Entity]:
    """The first CANDIDATES entities of the query within scope: warned first, then by key.

    A short start of an ID matches a county; the warned among its first few hundred are
    listed first, not the warned among all (that would read every one)."""
    rows = session.scalars(query.where(_entity_scope(scope)).limit(CANDIDATES)).all()
    return sorted(rows, key=lambda e: (e.warnings == 0, e.key))


def _entity_scope(scope: Scope) -> ColumnElement[bool]:
    condition: ColumnElement[bool] = true()
    if scope.township is not None:
        condition = condition & (Entity.township == scope.township)
    if scope.kinds is not None:
        condition = condition & Entity.kind.in_(scope.kinds)
    return condition


# Names ------------------------------------------------------------------------------------

class _NameSearch:
    """The exact name, names starting with q, names containing it elsewhere."""

    def __init__(self, session: Session, q: str, scope: Scope, limit: int) -> None:
        self.session, self.q, self.scope, self.limit = session, q, scope, limit

    def exact(self) -> list[Entity]:
        """The name as typed, and names that are it once their marks are left out."""
        q = self.q
        marked = _names(self.session, (SearchGram.gram == q[:2]) & (SearchGram.lead == 1)
                        & (SearchGram.name != q) & (_plain(SearchGram.name) == q),
                        self.scope, self.limit + 1)
        return _entities_named(self.session, [q, *marked], self.scope, self.limit)

    def starting(self) -> list[Entity]:
        q = self.q
        return self._bearing((SearchGram.gram == q[:2]) & (SearchGram.lead == 1)
                             & (_plain(SearchGram.name) != q) & _starts_name(q))

    def elsewhere(self) -> list[Entity]:
        q = self.q
        if len(q) <= 2:
            return self._bearing((SearchGram.gram == q) & (SearchGram.lead == 0))
        rarest = _rarest_pair(self.session, q)
        if rarest is None:
            return []
        return self._bearing((SearchGram.gram == rarest)
                             & _plain(SearchGram.name).contains(q, autoescape=True)
                             & ~_starts_name(q))

    def _bearing(self, condition: ColumnElement[bool]) -> list[Entity]:
        names = _names(self.session, condition, self.scope, self.limit + 1)
        return _entities_named(self.session, names, self.scope, self.limit)


def _starts_name(q: str) -> ColumnElement[bool]:
    """Names starting with q; the gram (q's first two characters, lead) says it up to two."""
    return true() if len(q) <= 2 else _plain(SearchGram.name).startswith(q, autoescape=True)


def _plain(name: InstrumentedAttribute[str]) -> ColumnElement[str]:
    """The name without its marks (search_terms.plain_name), in SQL: read on the rows an
    index already narrowed to a gram, so no index on it is needed."""
    plain: ColumnElement[str] = func.replace(name, NAME_MARKS[0], "")
    for mark in NAME_MARKS[1:]:
        plain = func.replace(plain, mark, "")
    return plain


def _rarest_pair(session: Session, q: str) -> str | None:
    """The pair of q's characters fewest names have; None if some pair no name has."""
    pairs = {q[i:i + 2] for i in range(len(q) - 1)}
    counts: dict[str, int] = {gram: count for gram, count in session.execute(
        select(SearchGram.gram, func.count()).where(SearchGram.gram.in_(pairs))
        .group_by(SearchGram.gram))}
    if len(counts) < len(pairs):
        return None
    return min(sorted(counts), key=lambda pair: counts[pair])


def _names(session: Session, condition: ColumnElement[bool], scope: Scope,
           need: int) -> list[str]:
    """Up to `need` distinct names matching, names of warned entities first, then by name."""
    township = (true() if scope.township is None
                else SearchGram.township == scope.township)
    found: list[str] = []
    for warned in (1, 0):
        query = (select(SearchGram.name).distinct()
                 .where(condition, township, SearchGram.warned == warned)
                 .order_by(SearchGram.name).limit(need))
        found += [name for name in session.scalars(query) if name not in found]
        if len(found) >= need:
            break
    return found[:need]


def _entities_named(session: Session, names: Sequence[str], scope: Scope,
                    limit: int) -> list[Entity]:
    """The entities bearing these names: warned first, then in the names' order."""
    if not names:
        return []
    order = {name: i for i, name in enumerate(names)}
    rows = session.scalars(
        select(Entity).where(Entity.name.in_(names), _entity_scope(scope))
        .order_by(Entity.warnings.desc(), Entity.id).limit(limit * 4)).all()
    return sorted(rows, key=lambda e: (e.warnings == 0, order[e.name],
                                       KIND_ORDER.get(e.kind, 9), e.key))
