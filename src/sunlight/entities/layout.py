"""Where the link view draws each node: a radial layout, the same for the same graph.

The centre sits in the middle, hop 1 on an inner ring, hop 2 on an outer one; each hop-1
node gets a slice of the circle as wide as its children need, and its children are spread
over that slice, so every branch reads outward from its parent. A crowded outer ring is
staggered over two radii, which halves the room each node needs along it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sunlight.entities.graph import Neighbourhood, Node

RING_GAP = 170.0
"""Between the centre and hop 1, and between the rings (SVG units)."""
SPACING = 70.0
"""Along a ring, from one node to the next: room for a short name beneath each."""
STAGGER = 56.0
"""How far out every other node of a crowded outer ring sits."""
MARGIN = 100.0
"""Around the outermost ring: half a label's width, and the warning marks."""
START = -math.pi / 2
"""The first node of hop 1 is drawn straight above the centre."""


@dataclass(frozen=True)
class Layout:
    positions: dict[int, tuple[float, float]]
    """Entity id → (x, y) in the drawing's coordinates, (0, 0) its top left corner."""
    size: float
    """Width and height of the (square) drawing."""


def radial(graph: Neighbourhood) -> Layout:
    """Each node's place in a square drawing, the centre in its middle."""
    first = [node for node in graph.nodes.values() if node.hop == 1]
    children: dict[int, list[Node]] = {node.entity.id: [] for node in first}
    for node in graph.nodes.values():
        if node.hop == 2 and node.parent in children:
            children[node.parent].append(node)
    second = sum(len(kids) for kids in children.values())
    inner = max(RING_GAP, len(first) * SPACING / (2 * math.pi))
    staggered = second * SPACING > 2 * math.pi * (inner + RING_GAP)
    outer = max(inner + RING_GAP,
                second * SPACING / (2 * math.pi) / (2 if staggered else 1)) if second else 0.0
    polar: dict[int, tuple[float, float]] = {graph.centre.entity.id: (0.0, 0.0)}
    weights = [max(1, len(children[node.entity.id])) for node in first]
    total = sum(weights) or 1
    start = START
    index = 0
    for node, weight in zip(first, weights, strict=True):
        width = 2 * math.pi * weight / total
        polar[node.entity.id] = (inner, start + width / 2)
        kids = children[node.entity.id]
        for position, kid in enumerate(kids):
            radius = outer + (STAGGER if staggered and index % 2 else 0.0)
            polar[kid.entity.id] = (radius, start + width * (position + 0.5) / len(kids))
            index += 1
        start += width
    reach = max((radius for radius, _ in polar.values()), default=0.0) + MARGIN
    positions = {node_id: (round(reach + radius * math.cos(angle), 1),
                           round(reach + radius * math.sin(angle), 1))
                 for node_id, (radius, angle) in polar.items()}
    return Layout(positions, round(2 * reach, 1))
