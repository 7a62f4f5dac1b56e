"""The link view's graph (关系图谱): an entity's neighbourhood, up to two hops, read from the
entity index with a handful of indexed queries per hop.

Ties come from `entity_links` in both directions, and from households, which the index keeps
as a person's `Entity.household` rather than as links: a person is tied to the household
entity of their 户号 (or, where the index has no such entity, straight to the others who share
it), a household to its members. Everything is bounded: at most `limit` nodes, and at most a
few dozen ties of one kind followed out of one node, so that a village of 5,000 residents or
an account paid to hundreds stays a picture a person can read.

Wherever a cap leaves ties out, the warned entities are kept first, then those holding an
office (村干部, 公职), then the rest: a crowded village still shows whom its warnings concern.
Every node is told its offices whatever the filter; and where 村干部任职 is followed without
同户, a person is tied straight to a cadre of their household by a derived `cadre_relative`
tie (亲属为村干部), the tie the inspector is looking for; and wherever 公职任职 is followed, to
an official of their household by `official_relative` (亲属为公职人员), so that a company's
legal representative leads to the official of their household within two hops (REP_IS_OFFICIAL,
contract §5).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, case, exists, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from sunlight.appdb.entity_tables import Entity, EntityLink
from sunlight.contract.vocabulary import LINK_KIND_ZH
from sunlight.entities.payments import payee_totals

CADRE = "cadre"
CADRE_RELATIVE = "cadre_relative"
"""Derived, not stored: a person to a cadre sharing their 户号."""
OFFICIAL = "official"
OFFICIAL_RELATIVE = "official_relative"
"""Derived, not stored: a person to an official (公职) sharing their 户号."""
DERIVED = (CADRE_RELATIVE, OFFICIAL_RELATIVE)
OFFICES = (CADRE, OFFICIAL)
"""The ties that say a person holds an office."""
LINK_KINDS: tuple[str, ...] = tuple(kind for kind in LINK_KIND_ZH if kind not in DERIVED)
"""Every stored kind of tie, in the order the page lists them (the filter's choices)."""
MEMBER = "member"
RESIDENT = "resident"
NODE_LIMIT = 150
"""Nodes drawn at most: beyond it the page says the picture was cut."""
TIES_PER_KIND = 30
"""Ties of one kind followed out of one node (an account's payees, a household's members)."""
RESIDENTS_PER_VILLAGE = 12
"""A village's residents are a sample: the village is someone's address, not their tie."""
_ORDER = {kind: index for index, kind in enumerate((MEMBER, CADRE, CADRE_RELATIVE, OFFICIAL,
                                                    OFFICIAL_RELATIVE, "legal_rep",
                                                    "payee", "vehicle", RESIDENT))}
"""Which ties claim the last places first when the node limit is near: residents last."""


@dataclass
class Node:
    """An entity in the picture: how many hops from the centre, and who reached it."""

    entity: Entity
    hop: int
    parent: int | None
    warning_ids: list[str] = field(default_factory=list)
    """Its standing warnings that the reader may see (a few, highest score first)."""
    warnings: int = 0
    """How many warnings the page says it has (see graph_warnings.attach_warnings)."""
    capped: bool = False
    """Some of its ties were left out (more than `TIES_PER_KIND` of a kind)."""
    offices: list[tuple[str, str]] = field(default_factory=list)
    """(kind, post) of each office it holds (cadre, official), whatever ties are drawn."""


@dataclass
class Edge:
    """A tie between two nodes, by entity id; `role` is the source's role in it."""

    source: int
    target: int
    kind: str
    role: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    warning_ids: list[str] = field(default_factory=list)


@dataclass
class Neighbourhood:
    centre: Node
    nodes: dict[int, Node]
    """By entity id, in the order found: the centre, then hop 1, then hop 2."""
    edges: list[Edge]
    cut: bool = False
    """The node limit was reached: some neighbours are not shown."""
    hidden_ids: set[int] = field(default_factory=set)
    """Neighbours outside the reader's township, left out."""

    @property
    def capped(self) -> bool:
        return any(node.capped for node in self.nodes.values())

    @property
    def hidden(self) -> int:
        return len(self.hidden_ids)


@dataclass(frozen=True)
class _Tie:
    """A tie found from a frontier node (`near`) to another entity (`far`)."""

    near: int
    far: Entity
    edge: Edge
    office: bool = False
    """The far end holds an office: kept before the rest when a cap is near."""

    @property
    def rank(self) -> int:
        """Warned first, then office holders, then the rest."""
        return 0 if self.far.warnings > 0 else 1 if self.office else 2


def neighbourhood(session: Session, entity: Entity, *, hops: int = 2,
                  kinds: Collection[str] = LINK_KINDS, limit: int = NODE_LIMIT,
                  township: str | None = None) -> Neighbourhood:
    """The entities within `hops` ties of `entity` by ties of `kinds`, at most `limit` of
    them; with `township`, only entities of that township (or of none: accounts, companies)."""
    centre = Node(entity, 0, None)
    graph = Neighbourhood(centre, {entity.id: centre}, [])
    wanted = [kind for kind in LINK_KINDS if kind in kinds]
    frontier = [entity]
    for hop in range(1, hops + 1):
        if not frontier or not wanted:
            break
        ties, capped = _ties(session, frontier, wanted)
        for node_id in capped:
            graph.nodes[node_id].capped = True
        frontier = _grow(graph, ties, hop, limit, township)
    if frontier and wanted:
        _close(session, graph, frontier, wanted)
    _attach_offices(session, graph)
    _attach_payee_totals(session, graph)
    return graph


def _attach_payee_totals(session: Session, graph: Neighbourhood) -> None:
    """What each payee tie drawn was paid (first, last, months, amount, rows): read from the
    runs of months, not stored with the link (a month of payments changes no link)."""
    ties = [(edge, (graph.nodes[edge.target].entity.key, graph.nodes[edge.source].entity.key))
            for edge in graph.edges if edge.kind == "payee"
            and edge.source in graph.nodes and edge.target in graph.nodes]
    totals = payee_totals(session, {account for _, (account, _) in ties})
    for edge, pair in ties:
        if pair in totals:
            edge.details = {**edge.details, **totals[pair].as_details()}


def _attach_offices(session: Session, graph: Neighbourhood) -> None:
    """Each node's offices, read whether or not their ties are drawn."""
    links = session.execute(select(EntityLink.source_id, EntityLink.kind, EntityLink.role)
                            .where(EntityLink.source_id.in_(list(graph.nodes)),
                                   EntityLink.kind.in_(OFFICES))
                            .order_by(EntityLink.id))
    for source_id, kind, role in links:
        office = (kind, role)
        if office not in graph.nodes[source_id].offices:
            graph.nodes[source_id].offices.append(office)


def _priority(entity_id: InstrumentedAttribute[int],
              warnings: InstrumentedAttribute[int]) -> ColumnElement[int]:
    """0 for a warned entity, 1 for one holding an office, else 2: who a cap keeps first."""
    office = aliased(EntityLink)
    holds = exists().where(office.source_id == entity_id, office.kind.in_(OFFICES))
    return case((warnings > 0, 0), (holds, 1), else_=2)


def _close(session: Session, graph: Neighbourhood, outermost: Sequence[Entity],
           kinds: Sequence[str]) -> None:
    """The ties of the outermost nodes to nodes already drawn, not followed any further:
    the cadre reached through a household is seen holding office in the village reached
    through another."""
    ids = [entity.id for entity in outermost]
    links = session.scalars(select(EntityLink).where(
        EntityLink.source_id.in_(ids), EntityLink.target_id.in_(list(graph.nodes)),
        EntityLink.kind.in_(kinds)).order_by(EntityLink.id))
    ties = [_Tie(link.source_id, graph.nodes[link.target_id].entity,
                 Edge(link.source_id, link.target_id, link.kind, link.role,
                      dict(link.details or {}))) for link in links]
    if MEMBER in kinds:
        homes = {node.entity.key: node.entity for node in graph.nodes.values()
                 if node.entity.kind == "household"}
        ties += [_Tie(person.id, homes[person.household],
                      Edge(person.id, homes[person.household].id, MEMBER))
                 for person in outermost
                 if person.kind == "person" and person.household in homes]
    _grow(graph, ties, 0, len(graph.nodes), None)


def _grow(graph: Neighbourhood, ties: Iterable[_Tie], hop: int, limit: int,
          township: str | None) -> list[Entity]:
    """Add the ties' far ends as nodes of `hop` (while there is room) and the ties as edges;
    the new nodes, to be expanded next."""
    order = {node_id: index for index, node_id in enumerate(graph.nodes)}
    seen = {(edge.source, edge.target, edge.kind) for edge in graph.edges}
    added: list[Entity] = []
    for tie in sorted(ties, key=lambda t: (t.rank, _ORDER.get(t.edge.kind, 99), order[t.near],
                                           t.far.id)):
        far = tie.far
        if township is not None and far.township not in ("", township):
            graph.hidden_ids.add(far.id)
            continue
        if far.id not in graph.nodes:
            if len(graph.nodes) >= limit:
                graph.cut = True
                continue
            graph.nodes[far.id] = Node(far, hop, tie.near)
            added.append(far)
        key = (tie.edge.source, tie.edge.target, tie.edge.kind)
        if key not in seen and (key[1], key[0], key[2]) not in seen:
            seen.add(key)
            graph.edges.append(tie.edge)
    return added


def _ties(session: Session, frontier: Sequence[Entity],
          kinds: Sequence[str]) -> tuple[list[_Tie], set[int]]:
    """The frontier's ties, and the frontier nodes some of whose ties were left out."""
    capped: set[int] = set()
    ties = _stored_ties(session, frontier, kinds, capped, outgoing=True)
    ties += _stored_ties(session, frontier, kinds, capped, outgoing=False)
    if MEMBER in kinds:
        ties += _household_ties(session, frontier, capped)
    elif CADRE in kinds:
        ties += _office_relatives(session, frontier, CADRE, CADRE_RELATIVE)
    if OFFICIAL in kinds:  # an official two hops away through the household is three
        ties += _office_relatives(session, frontier, OFFICIAL, OFFICIAL_RELATIVE)
    return ties, capped


def _office_relatives(session: Session, frontier: Sequence[Entity], office: str,
                      derived: str) -> list[_Tie]:
    """Derived ties (`derived`) from the frontier's persons to the holders of an `office`
    in their household, one per holder, the post as its role: what 同户 would have led to,
    without the household."""
    persons = [e for e in frontier if e.kind == "person" and e.household]
    if not persons:
        return []
    rows = session.execute(
        select(EntityLink, Entity).join(Entity, Entity.id == EntityLink.source_id)
        .where(EntityLink.kind == office, Entity.kind == "person",
               Entity.household.in_({p.household for p in persons}))
        .order_by(EntityLink.id).limit(TIES_PER_KIND * len(persons))).all()
    ties: dict[tuple[int, int], _Tie] = {}
    for post, holder in rows:
        for person in persons:
            if person.household == holder.household and person.id != holder.id:
                edge = Edge(person.id, holder.id, derived, post.role, dict(post.details or {}))
                ties.setdefault((person.id, holder.id), _Tie(person.id, holder, edge, True))
    return list(ties.values())


def _cap(kind: str) -> int:
    """Ties of a kind followed out of one node."""
    return RESIDENTS_PER_VILLAGE if kind == RESIDENT else TIES_PER_KIND


def _stored_ties(session: Session, frontier: Sequence[Entity], kinds: Sequence[str],
                 capped: set[int], *, outgoing: bool) -> list[_Tie]:
    """The frontier's links of `kinds` in one direction, at most a cap per node and kind
    (ranked in the index's order, so a village's thousands of residents are not read out);
    one more than the cap is read, to know that some were left."""
    near_column = EntityLink.source_id if outgoing else EntityLink.target_id
    far_column = EntityLink.target_id if outgoing else EntityLink.source_id
    far = aliased(Entity)
    # Each link is given its far end's priority (warned, office, rest), then ranked by it.
    scored = (select(EntityLink, _priority(far.id, far.warnings).label("priority"))
              .join(far, far.id == far_column)
              .where(near_column.in_([e.id for e in frontier]), EntityLink.kind.in_(kinds))
              .subquery())
    rank = func.row_number().over(partition_by=(scored.c[near_column.key], scored.c.kind),
                                  order_by=(scored.c.priority, scored.c.id)).label("rank")
    # The links come whole out of the ranking, then meet their far ends by primary key.
    ranked = select(scored, rank).subquery()
    links = aliased(EntityLink, ranked)
    beyond = case((ranked.c.kind == RESIDENT, RESIDENTS_PER_VILLAGE + 1),
                  else_=TIES_PER_KIND + 1)
    rows = session.execute(
        select(links, Entity, ranked.c.rank, ranked.c.priority)
        .join(Entity, Entity.id == (links.target_id if outgoing else links.source_id))
        .where(ranked.c.rank <= beyond)
        .order_by(ranked.c.id)).all()
    ties = []
    for link, end, position, priority in rows:
        near = link.source_id if outgoing else link.target_id
        if position > _cap(link.kind):
            capped.add(near)
            continue
        ties.append(_Tie(near, end, Edge(link.source_id, link.target_id, link.kind,
                                         link.role, dict(link.details or {})), priority == 1))
    return ties


def _household_ties(session: Session, frontier: Sequence[Entity],
                    capped: set[int]) -> list[_Tie]:
    """Persons to their household entity (or, without one, to those sharing their 户号), and
    household entities to their members, through the (kind, household) index."""
    persons = [e for e in frontier if e.kind == "person" and e.household]
    homes = {e.key: e for e in frontier if e.kind == "household"}
    found = _households(session, {p.household for p in persons})
    ties = [_Tie(p.id, found[p.household], Edge(p.id, found[p.household].id, MEMBER))
            for p in persons if p.household in found]
    homeless: dict[str, list[Entity]] = {}
    for person in persons:
        if person.household not in found:
            homeless.setdefault(person.household, []).append(person)
    for key, member, beyond, office in _members(session, set(homes) | set(homeless)):
        if key in homes:
            if beyond:
                capped.add(homes[key].id)
            else:
                ties.append(_Tie(homes[key].id, member, Edge(member.id, homes[key].id, MEMBER),
                                 office))
        for person in homeless.get(key, ()):
            if beyond:
                capped.add(person.id)
            elif member.id != person.id:
                ties.append(_Tie(person.id, member, Edge(person.id, member.id, MEMBER), office))
    return ties


def _households(session: Session, keys: Collection[str]) -> dict[str, Entity]:
    """The household entities of these 户号 that the index holds."""
    if not keys:
        return {}
    query = select(Entity).where(Entity.kind == "household", Entity.key.in_(keys))
    return {home.key: home for home in session.scalars(query)}


def _members(session: Session,
             households: Collection[str]) -> list[tuple[str, Entity, bool, bool]]:
    """(户号, person, beyond the cap, holds an office) for the persons of these households, a
    cap's worth each (the warned, then office holders, first) and one more."""
    if not households:
        return []
    scored = (select(Entity, _priority(Entity.id, Entity.warnings).label("priority"))
              .where(Entity.kind == "person", Entity.household.in_(households)).subquery())
    rank = func.row_number().over(partition_by=scored.c.household,
                                  order_by=(scored.c.priority, scored.c.id)).label("rank")
    ranked = select(scored, rank).subquery()
    members = aliased(Entity, ranked)
    rows = session.execute(select(members, ranked.c.rank, ranked.c.priority)
                           .where(ranked.c.rank <= TIES_PER_KIND + 1)
                           .order_by(ranked.c.id)).all()
    return [(member.household, member, position > TIES_PER_KIND, priority == 1)
            for member, position, priority in rows]
