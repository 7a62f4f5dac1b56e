"""The warnings on the link view's nodes and edges, named by their warning IDs.

Read through `entity_warnings`, which the index keeps after every detection run (see
entities/standing.py): a person's warnings and those that concern them, an account's, a
village's, a household's and its members'. One query for the whole picture, ranked per node.
A tie touching an account carries the account's warnings (一卡多人 is about every payee of
the card); any other tie, the warnings both of its ends share.
"""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from sunlight.appdb.entity_tables import EntityWarning
from sunlight.appdb.tables import Warning
from sunlight.contract.cases import RETRACTED
from sunlight.entities.graph import Neighbourhood

PER_NODE = 5
"""Warning IDs named on a node; its count says how many there are."""


def attach_warnings(session: Session, graph: Neighbourhood,
                    visible: Select[Warning], *, sees_all: bool) -> None:
    """Fill `warning_ids` on the nodes and edges from the warnings in `visible` (what the
    reader may see) that stand, highest score first; and each node's count: those the
    reader may see, so that a verifier learns nothing of warnings outside their cases (the
    index's count where the reader `sees_all` and the index counted more)."""
    warned = [node_id for node_id, node in graph.nodes.items() if node.entity.warnings > 0]
    if warned:
        rank = func.row_number().over(partition_by=EntityWarning.entity_id,
                                      order_by=(Warning.score.desc(), Warning.id))
        total = func.count().over(partition_by=EntityWarning.entity_id)
        ranked = (visible.add_columns(EntityWarning.entity_id, rank.label("rank"),
                                      total.label("total"))
                  .join(EntityWarning, EntityWarning.warning_pk == Warning.id)
                  .where(EntityWarning.entity_id.in_(warned), Warning.status != RETRACTED)
                  .subquery())
        rows = session.execute(select(ranked.c.entity_id, ranked.c.warning_id, ranked.c.total)
                               .where(ranked.c.rank <= PER_NODE)
                               .order_by(ranked.c.entity_id, ranked.c.rank))
        for entity_id, warning_id, count in rows:
            node = graph.nodes[entity_id]
            node.warning_ids.append(warning_id)
            node.warnings = count
    if sees_all:
        for node in graph.nodes.values():
            node.warnings = max(node.warnings, node.entity.warnings)
    _on_edges(graph)


def _on_edges(graph: Neighbourhood) -> None:
    for edge in graph.edges:
        source, target = graph.nodes[edge.source], graph.nodes[edge.target]
        accounts = [n for n in (source, target) if n.entity.kind == "account"]
        if accounts:
            edge.warning_ids = list(accounts[0].warning_ids)
        else:
            edge.warning_ids = [w for w in source.warning_ids if w in target.warning_ids]
