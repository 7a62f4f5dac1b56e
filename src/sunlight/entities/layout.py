"""Where the link view draws each node: a radial layout, the same for the same graph.

The centre sits in the middle, hop 1 on an inner ring, hop 2 on an outer one; each hop-1
node gets a slice of the circle as wide as its children need, but never less than half an
even share (so hop-1 nodes with few children, a village's cadres, are not crowded together
while a household's members fan out), and its children are spread over that slice, so every
branch reads outward from its parent. The inner ring is wide enough for the narrowest slice.
A crowded outer ring is staggered over two radii, which halves the room each node needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sunlight.entities.graph import Neighbourhood, Node

RING_GAP = 170.0
"""Between the centre and hop 1, and between the rings (SVG units)."""
SPACING = 84.0
"""Along a ring, from one node to the next: room for a short name beneath each."""
STAGGER = 56.0
"""How far out every other node of a crowded outer ring sits."""
MARGIN = 130.0
"""Around the outermost ring: a label drawn outward, and the marks."""
START = -math.pi / 2
"""The first node of hop 1 is drawn straight above the centre."""


@dataclass(frozen=True)
class Layout:
    positions: dict[int, tuple[float, float]]
    """Entity id → (x, y) in the drawing's coordinates, (0, 0) its top left corner."""
    size: float
    """Width and height of the (square) drawing."""
    angles: dict[int, float]
    """Entity id → the direction from the centre (radians; the centre's own: straight down),
    where its label is drawn."""


def slices(counts: list[int]) -> list[float]:
    """Each hop-1 node's angle: in proportion to its children, but at least half an even
    share (the rest shared out again among the others, until it adds up to a circle)."""
    if not counts:
        return []
    least = math.pi / len(counts)
    weights = [max(count, 1) for count in counts]
    small: set[int] = set()
    while True:
        share = (2 * math.pi - least * len(small)) / sum(
            weight for index, weight in enumerate(weights) if index not in small)
        more = {index for index, weight in enumerate(weights) if weight * share < least}
        if more <= small:
            return [least if index in small else weight * share
                    for index, weight in enumerate(weights)]
        small |= more


def radial(graph: Neighbourhood) -> Layout:
    """Each node's place in a square drawing, the centre in its middle."""
    first = [node for node in graph.nodes.values() if node.hop == 1]
    children: dict[int, list[Node]] = {node.entity.id: [] for node in first}
    for node in graph.nodes.values():
        if node.hop == 2 and node.parent in children:
            children[node.parent].append(node)
    counts = [len(children[node.entity.id]) for node in first]
    widths = slices(counts)
    inner = max(RING_GAP, SPACING / min(widths, default=math.pi))
    # The outer ring's radius that leaves SPACING between the children of the fullest slice.
    need = max((SPACING * count / width for count, width in zip(counts, widths, strict=True)),
               default=0.0)
    staggered = need > inner + RING_GAP
    outer = max(inner + RING_GAP, need / (2 if staggered else 1)) if need else 0.0
    polar: dict[int, tuple[float, float]] = {graph.centre.entity.id: (0.0, 0.0)}
    start = START
    index = 0
    for node, width in zip(first, widths, strict=True):
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
    angles = {node_id: angle for node_id, (_, angle) in polar.items()}
    angles[graph.centre.entity.id] = math.pi / 2
    return Layout(positions, round(2 * reach, 1), angles)
