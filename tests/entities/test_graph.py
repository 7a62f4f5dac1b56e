"""The link view's neighbourhood: who is reached in how many hops, by which ties, within
which bounds, with which warnings; on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunlight.appdb.entity_tables import Entity
from sunlight.appdb.tables import Warning
from sunlight.entities.graph import (
    RESIDENTS_PER_VILLAGE,
    TIES_PER_KIND,
    Neighbourhood,
    neighbourhood,
)
from sunlight.entities.graph_warnings import attach_warnings
from tests.entities.fixtures import HOUSEHOLD_ZHANG, entity, link, shared_card


def hops_of(graph: Neighbourhood) -> dict[str, int]:
    """Name (or key) → hop, for every node."""
    return {node.entity.name or node.entity.key: node.hop for node in graph.nodes.values()}


def test_the_cadre_is_two_hops_from_a_payee_sharing_the_household(session: Session):
    story = shared_card(session, warnings=False)
    graph = neighbourhood(session, story.persons["son"])
    nodes = graph.nodes
    assert nodes[story.households[HOUSEHOLD_ZHANG].id].hop == 1
    assert nodes[story.account.id].hop == 1
    assert nodes[story.cadre.id].hop == 2
    assert nodes[story.cadre.id].parent == story.households[HOUSEHOLD_ZHANG].id
    assert {nodes[p.id].hop for p in story.payees if p.id != story.persons["son"].id} == {2}
    ties = {(e.source, e.target, e.kind) for e in graph.edges}
    assert (story.cadre.id, story.households[HOUSEHOLD_ZHANG].id, "member") in ties
    # Both at hop 2, the cadre and the village are tied by his office, though not expanded.
    assert nodes[story.village.id].hop == 2
    assert (story.cadre.id, story.village.id, "cadre") in ties
    assert not graph.cut and not graph.capped


def test_one_hop_stops_at_the_direct_ties(session: Session):
    story = shared_card(session, warnings=False)
    graph = neighbourhood(session, story.persons["son"], hops=1)
    assert hops_of(graph) == {"张小明": 0, "张建国": 1, "张小明、张小红、李秀英、李强": 1}
    # (the household is named after its head, 张建国)
    assert story.cadre.id not in graph.nodes


def test_the_account_reaches_its_payees_then_their_households(session: Session):
    story = shared_card(session, warnings=False)
    graph = neighbourhood(session, story.account, kinds={"payee", "member"})
    assert {graph.nodes[p.id].hop for p in story.payees} == {1}
    assert {graph.nodes[h.id].hop for h in story.households.values()} == {2}
    assert story.cadre.id not in graph.nodes  # three hops away: account, payee, household
    payee_edges = [e for e in graph.edges if e.kind == "payee"]
    assert len(payee_edges) == 4
    assert payee_edges[0].details["amount"] == "11415.38"


def test_a_filter_follows_only_the_kinds_asked_for(session: Session):
    story = shared_card(session, warnings=False)
    graph = neighbourhood(session, story.persons["son"], kinds={"payee"})
    assert set(graph.nodes) == {story.account.id} | {p.id for p in story.payees}
    assert {e.kind for e in graph.edges} == {"payee"}
    cadre_only = neighbourhood(session, story.village, kinds={"cadre"})
    assert set(cadre_only.nodes) == {story.village.id, story.cadre.id}
    assert cadre_only.edges[0].role == "村党支部书记"


def test_a_village_shows_a_sample_of_its_residents(session: Session):
    story = shared_card(session, warnings=False)
    for number in range(40):
        home = entity(session, "household", f"6103270020{number:02d}", f"村民{number}")
        link(session, home, story.village, "resident", "resident")
    graph = neighbourhood(session, story.village, hops=1)
    residents = [e for e in graph.edges if e.kind == "resident"]
    assert len(residents) == RESIDENTS_PER_VILLAGE
    assert graph.nodes[story.village.id].capped
    assert story.cadre.id in graph.nodes  # reached as cadre, whatever the residents' sample


def test_the_node_limit_cuts_the_picture(session: Session):
    story = shared_card(session, warnings=False)
    graph = neighbourhood(session, story.persons["son"], limit=4)
    assert len(graph.nodes) == 4
    assert graph.cut
    # The household ties come first: the cadre's household is kept.
    assert story.households[HOUSEHOLD_ZHANG].id in graph.nodes


def test_a_household_shows_at_most_a_cap_of_members(session: Session):
    home = entity(session, "household", "610327009009", "王大")
    for number in range(TIES_PER_KIND + 5):
        entity(session, "person", f"6103271980010100{number:02d}", f"王{number}",
               household=home.key)
    graph = neighbourhood(session, home, hops=1)
    assert len(graph.nodes) == TIES_PER_KIND + 1
    assert graph.centre.capped


def test_without_a_household_entity_those_sharing_the_number_are_tied(session: Session):
    first = entity(session, "person", "610327198001010011", "赵一", household="H-1")
    second = entity(session, "person", "610327198001010022", "赵二", household="H-1")
    entity(session, "person", "610327198001010033", "钱三", household="H-2")
    graph = neighbourhood(session, first)
    assert set(graph.nodes) == {first.id, second.id}
    assert [(e.source, e.target, e.kind) for e in graph.edges] == [(first.id, second.id,
                                                                      "member")]


def test_a_verifier_sees_only_their_township(session: Session):
    story = shared_card(session, warnings=False)
    stranger = entity(session, "person", "610327197001010099", "外乡人", township="马家镇",
                      village="西村")
    link(session, stranger, story.account, "payee", "payee")
    link(session, stranger, story.account, "payee", "payee")  # a second run of payments
    everyone = neighbourhood(session, story.account, hops=1)
    assert stranger.id in everyone.nodes
    scoped = neighbourhood(session, story.account, hops=1, township="城关镇")
    assert stranger.id not in scoped.nodes
    assert scoped.hidden == 1
    assert {p.id for p in story.payees} <= set(scoped.nodes)


def test_nodes_and_edges_carry_their_warnings(session: Session):
    story = shared_card(session)
    graph = neighbourhood(session, story.persons["son"])
    attach_warnings(session, graph, select(Warning), sees_all=True)
    nodes = graph.nodes
    card, relative = story.warning_ids["account"], story.warning_ids["son"]
    assert nodes[story.account.id].warning_ids == [card]
    # His own (亲属关联), and the card's, which concerns each of its payees.
    assert set(nodes[story.persons["son"].id].warning_ids) == {card, relative}
    assert nodes[story.persons["li_son"].id].warning_ids == [card]
    assert nodes[story.cadre.id].warning_ids == [relative]  # concerned as the cadre
    # A household carries its members' warnings.
    assert set(nodes[story.households[HOUSEHOLD_ZHANG].id].warning_ids) == {card, relative}
    assert set(nodes[story.village.id].warning_ids) == {card, relative}
    assert [nodes[story.persons["son"].id].warnings, nodes[story.cadre.id].warnings,
            nodes[story.village.id].warnings] == [2, 1, 2]
    paid = next(e for e in graph.edges if e.kind == "payee"
                and e.source == story.persons["son"].id)
    assert paid.warning_ids == [card]
    home = next(e for e in graph.edges if e.kind == "member"
                and e.source == story.persons["son"].id)
    assert set(home.warning_ids) == {card, relative}  # both ends carry both
    cadre = next(e for e in graph.edges if e.kind == "cadre")
    assert cadre.warning_ids == [relative]  # the cadre and his village share the 亲属关联


def test_warnings_the_reader_may_not_see_are_neither_named_nor_counted(session: Session):
    story = shared_card(session)
    graph = neighbourhood(session, story.persons["son"])
    attach_warnings(session, graph, select(Warning).where(Warning.model == "SHARED_ACCOUNT"),
                    sees_all=False)
    card = story.warning_ids["account"]
    son, cadre = graph.nodes[story.persons["son"].id], graph.nodes[story.cadre.id]
    assert (son.warning_ids, son.warnings) == ([card], 1)
    assert (cadre.warning_ids, cadre.warnings) == ([], 0)
    assert graph.nodes[story.village.id].warnings == 1


def test_a_company_and_its_legal_representative(session: Session):
    story = shared_card(session, warnings=False)
    company = entity(session, "company", "91610327MA6Y8K2X1Q", "东村建材有限公司",
                     village="")
    link(session, story.cadre, company, "legal_rep", "legal_rep")
    graph = neighbourhood(session, company, kinds={"legal_rep", "member"})
    assert graph.nodes[story.cadre.id].hop == 1
    assert graph.nodes[story.households[HOUSEHOLD_ZHANG].id].hop == 2
    assert story.persons["son"].id not in graph.nodes  # three hops: company, cadre, household


def crowded_village(session: Session, fillers: int) -> tuple[Entity, Entity, Entity, Entity]:
    """A village whose warned household (and warned member), and a cadre's household, come
    after `fillers` quiet ones in the index's order: (village, warned home, warned person,
    cadre)."""
    village = entity(session, "village", "城关镇/北村", "北村", village="北村")
    for number in range(fillers):
        home = entity(session, "household", f"6103270030{number:02d}", f"村民{number}")
        link(session, home, village, "resident", "resident")
    warned_home = entity(session, "household", "610327003099", "刘一", warnings=1)
    link(session, warned_home, village, "resident", "resident")
    for number in range(TIES_PER_KIND + 5):
        entity(session, "person", f"6103271980020200{number:02d}", f"刘{number}",
               household=warned_home.key)
    cadre = entity(session, "person", "610327198002020098", "刘书记", household=warned_home.key)
    link(session, cadre, village, "cadre", "村委会主任")
    warned = entity(session, "person", "610327198002020099", "刘警", household=warned_home.key,
                    warnings=1)
    return village, warned_home, warned, cadre


def test_every_cap_keeps_the_warned_then_the_office_holders(session: Session):
    village, home, warned, cadre = crowded_village(session, RESIDENTS_PER_VILLAGE + 3)
    graph = neighbourhood(session, village, kinds={"resident", "member"})
    assert graph.nodes[village.id].capped and graph.nodes[home.id].capped
    assert graph.nodes[home.id].hop == 1  # the resident cap kept the warned household
    assert graph.nodes[warned.id].hop == 2  # the member cap kept its warned member,
    assert graph.nodes[cadre.id].hop == 2  # then its cadre, before 30 others
    small = neighbourhood(session, village, hops=1, limit=3, kinds={"resident", "cadre"})
    assert graph.nodes and small.cut
    assert set(small.nodes) == {village.id, home.id, cadre.id}  # the node cap, too


def test_every_node_says_its_offices_whatever_the_filter(session: Session):
    story = shared_card(session, warnings=False)
    graph = neighbourhood(session, story.persons["son"], kinds={"member", "cadre"})
    assert story.village.id not in graph.nodes  # his office's tie is not drawn...
    assert graph.nodes[story.cadre.id].offices == [("cadre", "村党支部书记")]  # ...but known
    assert graph.nodes[story.persons["son"].id].offices == []


def test_cadre_ties_alone_reach_the_cadre_of_a_payees_household(session: Session):
    story = shared_card(session, warnings=False)
    son = story.persons["son"]
    graph = neighbourhood(session, son, kinds={"cadre"})
    assert graph.nodes[story.cadre.id].hop == 1
    assert graph.nodes[story.village.id].hop == 2  # and on, to the village he serves
    derived = next(e for e in graph.edges if e.kind == "cadre_relative")
    assert (derived.source, derived.target, derived.role) == (son.id, story.cadre.id,
                                                               "村党支部书记")
    assert story.households["610327001001"].id not in graph.nodes
    # With 同户 followed, the household itself leads to him: no derived tie.
    both = neighbourhood(session, son, kinds={"cadre", "member"})
    assert "cadre_relative" not in {e.kind for e in both.edges}
    assert both.nodes[story.cadre.id].hop == 2
