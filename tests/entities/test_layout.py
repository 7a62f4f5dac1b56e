"""The link view's radial layout: the centre in the middle, rings outward, branches kept
together, no two nodes on top of each other, the same picture every time."""

from __future__ import annotations

import math

from sunlight.appdb.entity_tables import Entity
from sunlight.entities.graph import Neighbourhood, Node
from sunlight.entities.layout import SPACING, radial


def star(first: int, children: int) -> Neighbourhood:
    """A centre, `first` nodes at hop 1, each with `children` nodes at hop 2."""
    nodes: dict[int, Node] = {}

    def add(node_id: int, hop: int, parent: int | None) -> None:
        nodes[node_id] = Node(Entity(id=node_id, kind="person", key=str(node_id)), hop, parent)

    add(0, 0, None)
    for branch in range(1, first + 1):
        add(branch, 1, 0)
    next_id = first + 1
    for branch in range(1, first + 1):
        for _ in range(children):
            add(next_id, 2, branch)
            next_id += 1
    return Neighbourhood(nodes[0], nodes, [])


def distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def test_rings_outward_from_the_centre():
    graph = star(3, 2)
    layout = radial(graph)
    middle = (layout.size / 2, layout.size / 2)
    assert layout.positions[0] == middle
    inner = {round(distance(layout.positions[i], middle)) for i in (1, 2, 3)}
    outer = {round(distance(layout.positions[i], middle)) for i in range(4, 10)}
    assert len(inner) == 1 and min(outer) > max(inner)
    assert layout.positions[1][1] < middle[1]  # the first branch straight above


def test_children_sit_nearer_their_parent_than_any_other_branch():
    layout = radial(star(4, 3))
    for child in range(5, 17):
        parent = 1 + (child - 5) // 3
        nearest = min(range(1, 5), key=lambda b: distance(layout.positions[b],
                                                          layout.positions[child]))
        assert nearest == parent


def test_a_crowded_picture_keeps_its_nodes_apart_and_inside():
    graph = star(10, 14)  # 151 nodes: the most the view draws, and one more
    layout = radial(graph)
    points = list(layout.positions.values())
    assert len(points) == 151
    closest = min(distance(a, b) for i, a in enumerate(points) for b in points[i + 1:])
    assert closest > SPACING / 2
    assert all(0 < x < layout.size and 0 < y < layout.size for x, y in points)
    assert radial(graph) == layout


def test_a_lone_entity_is_drawn_alone():
    layout = radial(star(0, 0))
    assert layout.positions == {0: (layout.size / 2, layout.size / 2)}
