"""The warnings on the link view's nodes and edges, named by their warning IDs.

Only nodes the index counts warnings on are looked up: persons by their ID number, accounts
by their number, villages by township and village. A tie touching an account carries the
account's warnings (一卡多人 is about every payee of the card); any other tie, the warnings
both of its ends share.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import Session

from sunlight.appdb.tables import Warning
from sunlight.contract.cases import RETRACTED
from sunlight.entities.graph import Neighbourhood, Node

PER_NODE = 5
"""Warning IDs named on a node; its count says how many there are."""
READ_AT_MOST = 400
"""Rows read per kind of node: a village's warnings are many, a few per node are shown."""


def attach_warnings(session: Session, graph: Neighbourhood,
                    visible: Select[Warning], *, sees_all: bool) -> None:
    """Fill `warning_ids` on the nodes and edges, from the warnings in `visible` (what the
    reader may see) that stand (not retracted), highest score first; and each node's count:
    the index's where the reader `sees_all` warnings, else those of `visible` found, so that
    a verifier learns nothing of warnings outside their cases."""
    warned = [node for node in graph.nodes.values() if node.entity.warnings > 0]
    by_key: dict[tuple[str, ...], Node] = {}
    for node in warned:
        entity = node.entity
        if entity.kind == "village":
            by_key[("village", entity.township, entity.village)] = node
        elif entity.kind in ("person", "account"):
            by_key[(entity.kind, entity.key)] = node
    standing = visible.where(Warning.status != RETRACTED).order_by(Warning.score.desc(),
                                                                   Warning.id)
    persons = [key[1] for key in by_key if key[0] == "person"]
    accounts = [key[1] for key in by_key if key[0] == "account"]
    villages = [key[1:] for key in by_key if key[0] == "village"]
    if persons:
        _name(by_key, session.scalars(standing.where(Warning.id_number.in_(persons))
                                      .limit(READ_AT_MOST)), "person")
    if accounts:
        _name(by_key, session.scalars(standing.where(Warning.account.in_(accounts))
                                      .limit(READ_AT_MOST)), "account")
    if villages:
        places = or_(*(and_(Warning.township == t, Warning.village == v) for t, v in villages))
        _name(by_key, session.scalars(standing.where(places).limit(READ_AT_MOST)), "village")
    for node in graph.nodes.values():
        if sees_all:
            node.warnings = node.entity.warnings
    _on_edges(graph)


def _name(by_key: dict[tuple[str, ...], Node], warnings: Iterable[Warning], kind: str) -> None:
    for warning in warnings:
        key = {"person": ("person", warning.id_number), "account": ("account", warning.account),
               "village": ("village", warning.township, warning.village)}[kind]
        node = by_key.get(key)
        if node is None:
            continue
        node.warnings += 1
        if len(node.warning_ids) < PER_NODE:
            node.warning_ids.append(warning.warning_id)


def _on_edges(graph: Neighbourhood) -> None:
    for edge in graph.edges:
        source, target = graph.nodes[edge.source], graph.nodes[edge.target]
        accounts = [n for n in (source, target) if n.entity.kind == "account"]
        if accounts:
            edge.warning_ids = list(accounts[0].warning_ids)
        else:
            edge.warning_ids = [w for w in source.warning_ids if w in target.warning_ids]
