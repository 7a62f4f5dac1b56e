"""The link view's graph (关系图谱): an entity's neighbourhood, up to two hops, read from the
entity index with a handful of indexed queries per hop.

Ties come from `entity_links` in both directions, and from households, which the index keeps
as a person's `Entity.household` rather than as links: a person is tied to the household
entity of their 户号 (or, where the index has no such entity, straight to the others who share
it), a household to its members. Everything is bounded: at most `limit` nodes, and at most a
few dozen ties of one kind followed out of one node, so that a village of 5,000 residents or
an account paid to hundreds stays a picture a person can read.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from sunlight.appdb.entity_tables import Entity, EntityLink
from sunlight.contract.vocabulary import LINK_KIND_ZH

LINK_KINDS: tuple[str, ...] = tuple(LINK_KIND_ZH)
"""Every kind of tie, in the order the page lists them."""
MEMBER = "member"
RESIDENT = "resident"
NODE_LIMIT = 150
"""Nodes drawn at most: beyond it the page says the picture was cut."""
TIES_PER_KIND = 30
"""Ties of one kind followed out of one node (an account's payees, a household's members)."""
RESIDENTS_PER_VILLAGE = 12
"""A village's residents are a sample: the village is someone's address, not their tie."""
_ORDER = {kind: index for index, kind in enumerate((MEMBER, "cadre", "official", "legal_rep",
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
    return graph


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
    for tie in sorted(ties, key=lambda t: (_ORDER.get(t.edge.kind, 99), order[t.near], t.far.id)):
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
    return ties, capped


def _cap(kind: str) -> int:
    """Ties of a kind followed out of one node."""
    return RESIDENTS_PER_VILLAGE if kind == RESIDENT else TIES_PER_KIND


def _stored_ties(session: Session, frontier: Sequence[Entity], kinds: Sequence[str],
                 capped: set[int], *, outgoing: bool) -> list[_Tie]:
    """The frontier's links of `kinds` in one direction, at most a cap per node and kind
    (ranked in the index's order, so a village's thousands of residents are not read out);
    one more than the cap is read, to know that some were left."""
    near_column = EntityLink.source_id if outgoing else EntityLink.target_id
    rank = func.row_number().over(partition_by=(near_column, EntityLink.kind),
                                  order_by=EntityLink.id).label("rank")
    # The links come whole out of the ranking, then meet their far ends by primary key: a
    # plan that holds however stale the planner's statistics (a freshly built index).
    ranked = (select(EntityLink, rank)
              .where(near_column.in_([e.id for e in frontier]), EntityLink.kind.in_(kinds))
              .subquery())
    links = aliased(EntityLink, ranked)
    beyond = case((ranked.c.kind == RESIDENT, RESIDENTS_PER_VILLAGE + 1),
                  else_=TIES_PER_KIND + 1)
    rows = session.execute(
        select(links, Entity, ranked.c.rank)
        .join(Entity, Entity.id == (links.target_id if outgoing else links.source_id))
        .where(ranked.c.rank <= beyond)
        .order_by(ranked.c.id)).all()
    ties = []
    for link, far, position in rows:
        near = link.source_id if outgoing else link.target_id
        if position > _cap(link.kind):
            capped.add(near)
            continue
        ties.append(_Tie(near, far, Edge(link.source_id, link.target_id, link.kind,
                                         link.role, dict(link.details or {}))))
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
    for key, member, beyond in _members(session, set(homes) | set(homeless)):
        if key in homes:
            if beyond:
                capped.add(homes[key].id)
            else:
                ties.append(_Tie(homes[key].id, member, Edge(member.id, homes[key].id, MEMBER)))
        for person in homeless.get(key, ()):
            if beyond:
                capped.add(person.id)
            elif member.id != person.id:
                ties.append(_Tie(person.id, member, Edge(person.id, member.id, MEMBER)))
    return ties


def _households(session: Session, keys: Collection[str]) -> dict[str, Entity]:
    """The household entities of these 户号 that the index holds."""
    if not keys:
        return {}
    query = select(Entity).where(Entity.kind == "household", Entity.key.in_(keys))
    return {home.key: home for home in session.scalars(query)}


def _members(session: Session, households: Collection[str]) -> list[tuple[str, Entity, bool]]:
    """(户号, person, beyond the cap) for the persons of these households, a cap's worth each
    and one more."""
    if not households:
        return []
    rank = func.row_number().over(partition_by=Entity.household, order_by=Entity.id).label("rank")
    ranked = (select(Entity, rank)
              .where(Entity.kind == "person", Entity.household.in_(households)).subquery())
    members = aliased(Entity, ranked)
    rows = session.execute(select(members, ranked.c.rank)
                           .where(ranked.c.rank <= TIES_PER_KIND + 1)
                           .order_by(ranked.c.id)).all()
    return [(member.household, member, position > TIES_PER_KIND) for member, position in rows]
