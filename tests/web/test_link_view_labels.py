"""How the link view names entities and ties: masked, in Chinese, never a code."""

from __future__ import annotations

from sunlight.appdb.entity_tables import Entity
from sunlight.entities.graph import Edge
from sunlight.web.link_view import key_text, label, tie_text


def test_ties_read_in_chinese_without_codes():
    assert tie_text(Edge(1, 2, "payee", "payee", {"first": "2023-01", "amount": "12.50",
                                                  "rows": 3, "secret_code": "x"})) \
        == "收款（领取人）；起始月份 2023-01；金额（元） 12.50；笔数 3"
    assert tie_text(Edge(1, 2, "resident", "resident", {"members": 4})) == "所在村；户内人数 4"
    assert tie_text(Edge(1, 2, "cadre", "村党支部书记", {"employer": "", "end": None})) \
        == "村干部任职（村党支部书记）"
    assert tie_text(Edge(1, 2, "legal_rep", "legal_rep")) == "法定代表人"
    assert tie_text(Edge(1, 2, "member")) == "同户"


def test_ids_and_accounts_are_masked_in_names_and_keys():
    person = Entity(kind="person", key="610327199203150033", name="")
    account = Entity(kind="account", key="6228480012345678901", name="")
    assert label(person) == key_text(person) == "610327********0033"
    assert label(account) == "622848*********8901"
    assert label(Entity(kind="household", key="610327001001", name="张建国")) == "张建国户"
    assert key_text(Entity(kind="village", key="城关镇/东村", name="东村")) == "城关镇 东村"
