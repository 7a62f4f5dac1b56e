"""The warnings on the link view's nodes and edges, named by their warning IDs.

A person carries the warnings about them (their ID the subject) and those that concern them
(`warning_people`: the payees of a shared card, the cadre beside a relative); an account
those about it; a village those of its township and village. Persons are looked up through
the indexed `warning_people.id_number` (and their own warnings where the index counts any),
accounts and villages only where the index counts warnings on them. A tie touching an
account carries the account's warnings (一卡多人 is about every payee of the card); any other
tie, the warnings both of its ends share.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import Session

from sunlight.appdb.tables import Warning, WarningPerson
from sunlight.contract.cases import RETRACTED
from sunlight.entities.graph import Neighbourhood
from sunlight.models.registry import library

PER_NODE = 5
"""Warning IDs named on a node; its count says how many there are."""
READ_AT_MOST = 400
"""Rows read per query: a village's warnings are many, a few per node are shown."""


def attach_warnings(session: Session, graph: Neighbourhood,
                    visible: Select[Warning], *, sees_all: bool) -> None:
    """Fill `warning_ids` on the nodes and edges, from the warnings in `visible` (what the
    reader may see) that stand (not retracted), highest score first; and each node's count:
    those found, or the index's if higher where the reader `sees_all` warnings (a village's
    are more than are read), so that a verifier learns nothing of warnings outside their
    cases."""
    standing = visible.where(Warning.status != RETRACTED).order_by(Warning.score.desc(),
                                                                   Warning.id)
    found: dict[int, list[str]] = {node_id: [] for node_id in graph.nodes}
    for node_id, warning_id in _standing(session, graph, standing):
        if warning_id not in found[node_id]:
            found[node_id].append(warning_id)
    for node_id, node in graph.nodes.items():
        node.warning_ids = found[node_id][:PER_NODE]
        node.warnings = len(found[node_id])
        if sees_all:
            node.warnings = max(node.warnings, node.entity.warnings)
    _on_edges(graph)


def _standing(session: Session, graph: Neighbourhood,
              standing: Select[Warning]) -> Iterable[tuple[int, str]]:
    """(node id, warning ID) for each standing warning on a node, best first per query."""
    nodes = graph.nodes.values()
    persons = {n.entity.key: n.entity.id for n in nodes if n.entity.kind == "person"}
    warned = [n for n in nodes if n.entity.warnings > 0]
    own = {n.entity.key: n.entity.id for n in warned if n.entity.kind == "person"}
    accounts = {n.entity.key: n.entity.id for n in warned if n.entity.kind == "account"}
    villages = {(n.entity.township, n.entity.village): n.entity.id
                for n in warned if n.entity.kind == "village"}
    if persons:
        concerning = (standing.add_columns(WarningPerson.id_number)
                      .join(WarningPerson, WarningPerson.warning_pk == Warning.id)
                      .where(WarningPerson.id_number.in_(persons)).limit(READ_AT_MOST))
        for warning, id_number in session.execute(concerning):
            yield persons[id_number], warning.warning_id
    if own:
        # By the (model, subject, ...) key's index: every model times these subjects.
        about = standing.where(Warning.model.in_(sorted(library())), Warning.subject.in_(own))
        for warning in session.scalars(about.limit(READ_AT_MOST)):
            yield own[warning.subject], warning.warning_id
    if accounts:
        for warning in session.scalars(standing.where(Warning.account.in_(accounts))
                                       .limit(READ_AT_MOST)):
            yield accounts[warning.account], warning.warning_id
    if villages:
        places = or_(*(and_(Warning.township == t, Warning.village == v) for t, v in villages))
        for warning in session.scalars(standing.where(places).limit(READ_AT_MOST)):
            yield villages[(warning.township, warning.village)], warning.warning_id


def _on_edges(graph: Neighbourhood) -> None:
    for edge in graph.edges:
        source, target = graph.nodes[edge.source], graph.nodes[edge.target]
        accounts = [n for n in (source, target) if n.entity.kind == "account"]
        if accounts:
            edge.warning_ids = list(accounts[0].warning_ids)
        else:
            edge.warning_ids = [w for w in source.warning_ids if w in target.warning_ids]

