"""What the link view's template draws: nodes placed and labelled, ties with their hover
text, and the same graph as table rows. IDs and accounts are masked here, once."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sunlight.appdb.entity_tables import Entity
from sunlight.contract.vocabulary import (
    LINK_DETAIL_ZH,
    LINK_KIND_ZH,
    PERSON_ROLE_ZH,
    SUBJECT_KIND_ZH,
)
from sunlight.entities.graph import Edge, Neighbourhood, Node
from sunlight.entities.layout import radial
from sunlight.masking import masked_number, masked_text

LABELLED_AT_MOST = 60
"""Beyond this many nodes only the centre and hop 1 carry names; the rest say theirs on
hover and in the table."""
LABEL_CHARS = 6
"""A name drawn under its node is cut to this many characters (the table has it whole)."""

Href = Callable[[str, str], str]
"""(kind, key) → the entity page's address (web.entity_href.entity_url for the request)."""


def key_text(entity: Entity) -> str:
    """The entity's key as a page may show it: ID numbers and accounts masked."""
    if entity.kind in ("person", "account"):
        return masked_number(entity.key)
    if entity.kind == "village":
        return entity.key.replace("/", " ")
    return masked_text(entity.key)


def label(entity: Entity) -> str:
    """What a reader calls the entity: its name, else its masked key."""
    if entity.kind == "household":
        return f"{entity.name}户" if entity.name else f"户号 {key_text(entity)}"
    if entity.kind == "village":
        return entity.name or entity.village or key_text(entity)
    return entity.name or key_text(entity)


def tie_text(edge: Edge) -> str:
    """同户, 收款（领取人）, 村干部任职（村党支部书记）, then its details (those labelled)."""
    text = LINK_KIND_ZH.get(edge.kind, "关联")
    # A role is a post as written (村党支部书记), or a code of ours that only a label may show.
    role = PERSON_ROLE_ZH.get(edge.role, "") if edge.role.isascii() else edge.role
    if role and role != text:
        text += f"（{role}）"
    details = [f"{LINK_DETAIL_ZH[name]} {value}" for name, value in edge.details.items()
               if name in LINK_DETAIL_ZH and isinstance(value, str | int | float)
               and str(value) != ""]
    return "；".join([text, *details])


@dataclass(frozen=True)
class DrawnNode:
    id: int
    x: float
    y: float
    kind: str
    kind_label: str
    label: str
    short: str
    """The label drawn under the node ('' where there is no room for it)."""
    key_text: str
    hop: int
    warnings: int
    warning_ids: list[str]
    page_url: str
    links_url: str


@dataclass(frozen=True)
class DrawnEdge:
    x1: float
    y1: float
    x2: float
    y2: float
    kind: str
    title: str
    warned: bool


@dataclass(frozen=True)
class Tie:
    """A row's tie to a node nearer the centre."""

    text: str
    whom: DrawnNode


@dataclass
class Row:
    node: DrawnNode
    ties: list[Tie] = field(default_factory=list)


@dataclass(frozen=True)
class Drawing:
    size: float
    nodes: list[DrawnNode]
    edges: list[DrawnEdge]
    rows: list[Row]
    kinds: dict[str, str]
    """The kinds of node drawn, for the legend: kind → label."""


def drawing(graph: Neighbourhood, href: Href, names: Mapping[int, str] | None = None) -> Drawing:
    """The graph placed, labelled and linked, and as table rows (nearest the centre first);
    `names` overrides the label of some nodes (by entity id: an account's to a verifier)."""
    layout = radial(graph)
    crowded = len(graph.nodes) > LABELLED_AT_MOST
    names = names or {}
    nodes = {node_id: _drawn(node, layout.positions[node_id], href, crowded,
                             names.get(node_id, ""))
             for node_id, node in graph.nodes.items()}
    edges = [_edge(edge, nodes) for edge in graph.edges]
    rows = {node_id: Row(drawn) for node_id, drawn in nodes.items()}
    order = {node_id: index for index, node_id in enumerate(nodes)}
    for edge in graph.edges:
        near, far = sorted((edge.source, edge.target),
                           key=lambda n: (graph.nodes[n].hop, order[n]))
        rows[far].ties.append(Tie(tie_text(edge), nodes[near]))
    kinds = {kind: SUBJECT_KIND_ZH.get(kind, kind) for kind in
             dict.fromkeys(node.kind for node in nodes.values())}
    return Drawing(layout.size, list(nodes.values()), edges, list(rows.values()), kinds)


def _drawn(node: Node, at: tuple[float, float], href: Href, crowded: bool,
           named: str) -> DrawnNode:
    entity = node.entity
    name = named or label(entity)
    page = href(entity.kind, entity.key)
    short = name if len(name) <= LABEL_CHARS else name[:LABEL_CHARS - 1] + "…"
    return DrawnNode(
        id=entity.id, x=at[0], y=at[1], kind=entity.kind,
        kind_label=SUBJECT_KIND_ZH.get(entity.kind, ""), label=name,
        short="" if crowded and node.hop > 1 else short, key_text=key_text(entity),
        hop=node.hop, warnings=node.warnings, warning_ids=node.warning_ids,
        page_url=page, links_url=f"{page}/links" if page else "")


def _edge(edge: Edge, nodes: Mapping[int, DrawnNode]) -> DrawnEdge:
    source, target = nodes[edge.source], nodes[edge.target]
    title = f"{source.label} — {target.label}：{tie_text(edge)}"
    if edge.warning_ids:
        title += f"；预警 {'、'.join(edge.warning_ids)}"
    return DrawnEdge(source.x, source.y, target.x, target.y, edge.kind, title,
                     bool(edge.warning_ids))
