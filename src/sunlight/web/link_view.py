"""What the link view's template draws: nodes placed and labelled, ties with their hover
text, and the same graph as table rows. IDs and accounts are masked here, once.

A name is drawn outward from its node (beside it on the left and right of the ring, above or
below at the top and bottom), cut short when long; where it would cover a name, a node or a
mark already drawn it tries a line further out, then below, above, right and left of the
node, and is otherwise left to the hover text and the table, which always have it whole."""

from __future__ import annotations

import math
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
from sunlight.entities.layout import Layout, radial
from sunlight.masking import masked_number, masked_text

LABELLED_AT_MOST = 60
"""Beyond this many nodes only the centre and hop 1 carry names; the rest say theirs on
hover and in the table."""
LABEL_CHARS = 6
"""A name drawn under its node is cut to this many characters (the table has it whole)."""
FONT = 14.0
"""A name's font size in the drawing's units (links.css), a Chinese character's width."""
NODE_RADIUS = 16.0
"""Around a node's centre, room its shape takes (a name keeps clear of it)."""
MIN_SCALE = 0.5
"""CSS px a drawing unit takes at least: a node and a "图" (each r 24) stay 24 px across."""
ROOMY = 640
"""A drawing at least this wide (CSS px) takes the page's width, its table below it."""
BADGE = 30.0
"""From a node's centre to its "图" (up left) and its warning count (up right), each way."""
Box = tuple[float, float, float, float]
"""left, top, right, bottom."""

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
    """The label drawn by the node ('' where there is no room for it)."""
    label_x: float
    label_y: float
    anchor: str
    """Where the label is drawn: its SVG text-anchor (start, middle, end) at (x, y)."""
    offices: list[str]
    """Its posts, as read out: 村干部：村党支部书记."""
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

    @property
    def min_width(self) -> int:
        """The drawing's narrowest in CSS px (wider than its column, it scrolls)."""
        return round(self.size * MIN_SCALE)

    @property
    def roomy(self) -> bool:
        """Too large to sit beside the table: drawn across the page, the table below."""
        return self.min_width >= ROOMY


def office_text(kind: str, post: str) -> str:
    """村干部：村党支部书记 (a post as written; a code of ours only through its label)."""
    title = PERSON_ROLE_ZH.get(kind, "任职")
    shown = PERSON_ROLE_ZH.get(post, "") if post.isascii() else post
    return f"{title}：{shown}" if shown and shown != title else title


def drawing(graph: Neighbourhood, href: Href, names: Mapping[int, str] | None = None) -> Drawing:
    """The graph placed, labelled and linked, and as table rows (nearest the centre first);
    `names` overrides the label of some nodes (by entity id: an account's to a verifier)."""
    layout = radial(graph)
    crowded = len(graph.nodes) > LABELLED_AT_MOST
    names = names or {}
    taken = [box for node_id, node in graph.nodes.items()
             for box in _marks(node, *layout.positions[node_id])]
    nodes = {node_id: _drawn(node, layout, href, crowded, taken, names.get(node_id, ""))
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


def _drawn(node: Node, layout: Layout, href: Href, crowded: bool,
           taken: list[Box], named: str) -> DrawnNode:
    entity = node.entity
    name = named or label(entity)
    page = href(entity.kind, entity.key)
    x, y = layout.positions[entity.id]
    short = name if len(name) <= LABEL_CHARS else name[:LABEL_CHARS - 1] + "…"
    spot = None if crowded and node.hop > 1 else _place(short, x, y, layout.angles[entity.id],
                                                         (22.0 if node.hop == 0 else 15.0),
                                                         taken)
    label_x, label_y, anchor = spot or (x, y, "middle")
    return DrawnNode(
        id=entity.id, x=x, y=y, kind=entity.kind,
        kind_label=SUBJECT_KIND_ZH.get(entity.kind, ""), label=name,
        short=short if spot else "", label_x=label_x, label_y=label_y, anchor=anchor,
        offices=[office_text(kind, post) for kind, post in node.offices],
        key_text=key_text(entity), hop=node.hop, warnings=node.warnings,
        warning_ids=node.warning_ids, page_url=page,
        links_url=f"{page}/links" if page else "")


def _marks(node: Node, x: float, y: float) -> list[Box]:
    """The node's shape, its "图" (if not the centre) and its warning count (if any)."""
    boxes = [_around(x, y, NODE_RADIUS + (7 if node.hop == 0 else 0))]
    if node.hop:
        boxes.append(_around(x - BADGE, y - BADGE, 13))
    if node.warnings:
        boxes.append(_around(x + BADGE, y - BADGE, 12))
    return boxes


def _around(x: float, y: float, radius: float) -> Box:
    return (x - radius, y - radius, x + radius, y + radius)


def _place(text: str, x: float, y: float, angle: float, radius: float,
           taken: list[Box]) -> tuple[float, float, str] | None:
    """Where to draw `text` by the node at (x, y): outward (or a line further out), else
    below, above, right or left of it; None where each would cover a name, a node or a mark
    already there. The place found is taken."""
    width = sum(FONT if ord(char) > 0x2E7F else FONT * 0.6 for char in text)
    gap = radius + 10
    for spot in (*(_outward(x, y, angle, distance) for distance in (gap, gap + FONT)),
                 (x, y + gap + FONT, "middle"), (x, y - gap, "middle"),
                 (x + gap, y + FONT / 3, "start"), (x - gap, y + FONT / 3, "end")):
        left = spot[0] - {"start": 0, "middle": width / 2, "end": width}[spot[2]]
        box = (left, spot[1] - FONT, left + width, spot[1] + 3)
        if not any(_overlap(box, other) for other in taken):
            taken.append(box)
            return spot
    return None


def _outward(x: float, y: float, angle: float, distance: float) -> tuple[float, float, str]:
    """A label's baseline and anchor `distance` from its node, away from the centre."""
    dx, dy = math.cos(angle), math.sin(angle)
    anchor = "start" if dx > 0.4 else "end" if dx < -0.4 else "middle"
    lift = FONT if dy > 0.4 else 0 if dy < -0.4 else FONT / 3
    return (x + dx * distance, y + dy * distance + lift, anchor)


def _overlap(one: Box, other: Box) -> bool:
    return one[0] < other[2] and other[0] < one[2] and one[1] < other[3] and other[1] < one[3]


def _edge(edge: Edge, nodes: Mapping[int, DrawnNode]) -> DrawnEdge:
    source, target = nodes[edge.source], nodes[edge.target]
    title = f"{source.label} — {target.label}：{tie_text(edge)}"
    if edge.warning_ids:
        title += f"；预警 {'、'.join(edge.warning_ids)}"
    return DrawnEdge(source.x, source.y, target.x, target.y, edge.kind, title,
                     bool(edge.warning_ids))
