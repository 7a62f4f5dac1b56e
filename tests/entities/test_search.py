"""The search box's matching and ranking, on SQLite and PostgreSQL, over a few entities."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from sunlight.appdb.account_tables import User
from sunlight.appdb.database import make_engine, session_factory
from sunlight.appdb.entity_tables import Entity
from sunlight.appdb.search_tables import SearchGram
from sunlight.contract.roles import ANALYST, OFFICER, VERIFIER
from sunlight.entities.search import (
    LIMIT,
    VERIFIER_KINDS,
    Scope,
    normal_query,
    scope_of,
    search,
)
from sunlight.entities.search_terms import index_terms, refresh_warned
from tests.entities.search_rows import (
    ACCOUNT,
    COMPANY,
    CREDIT_CODE,
    HOME,
    HOUSEHOLD,
    OTHER,
    ROWS,
    WANG_FANG,
    WANG_FANG_WARNED,
    X_ENDING,
    add,
)


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        add(session, ROWS)
        index_terms(session)
        session.commit()
        yield session
    engine.dispose()


def found(session: Session, q: str, scope: Scope | None = None) -> list[tuple[str, str]]:
    """(kind, key) of every hit, best first."""
    results = search(session, q, scope or Scope())
    return [(hit.entity.kind, hit.entity.key) for hit in results.hits]


def keys(session: Session, q: str, scope: Scope | None = None) -> list[str]:
    return [key for _, key in found(session, q, scope)]


def test_one_character_finds_names_starting_with_it_before_those_containing_it(session):
    hits = keys(session, "王")
    assert set(hits) == {WANG_FANG, WANG_FANG_WARNED, "610327198505052222", HOUSEHOLD,
                         "610327197107075555", ACCOUNT, "610327196006063333"}
    assert hits[-1] == "610327196006063333"  # 李王: 王 not first
    assert set(keys(session, "芳")) == {WANG_FANG, WANG_FANG_WARNED, "610327198505052222",
                                        HOUSEHOLD, ACCOUNT}


def test_warned_entities_come_first_within_a_tier(session):
    hits = keys(session, "王")
    warned = {WANG_FANG_WARNED, "610327197107075555", ACCOUNT}
    assert set(hits[:3]) == warned


def test_two_characters_exact_name_first_then_names_starting_then_containing(session):
    hits = keys(session, "王芳")
    assert hits[0] == WANG_FANG_WARNED  # exact name, warned
    assert set(hits[1:3]) == {WANG_FANG, HOUSEHOLD}  # exact name
    assert hits[3] == ACCOUNT  # starts with 王芳, warned
    assert hits[4] == "610327198505052222"  # 王芳芳
    assert len(hits) == 5
    assert set(keys(session, "建国")) == {"610327197007074444", "610327197107075555"}
    assert keys(session, "芳芳") == ["610327198505052222"]


def test_longer_fragments_and_company_names(session):
    assert keys(session, "宏达种养") == [CREDIT_CODE]
    assert keys(session, COMPANY) == [CREDIT_CODE]
    assert keys(session, "种养殖专业") == [CREDIT_CODE]
    assert keys(session, "专业合作社宏达") == []
    assert keys(session, "张建国") == ["610327197007074444"]
    assert keys(session, "芳、李") == [ACCOUNT]


def test_spaces_and_full_width_forms_are_ignored(session):
    assert keys(session, " 王 芳 芳 ") == ["610327198505052222"]
    assert keys(session, "３３３３") == ["610327196006063333"]


def test_id_number_whole_start_end_and_masked(session):
    assert keys(session, WANG_FANG) == [WANG_FANG]
    assert keys(session, "6103271980") == [WANG_FANG]
    assert keys(session, "1234") == [WANG_FANG]
    assert keys(session, "610327********1234") == [WANG_FANG]
    assert keys(session, "610327********5678") == [WANG_FANG_WARNED]
    assert keys(session, "610327*******1234") == []  # one character short
    assert keys(session, "6103**********123X") == [X_ENDING]
    assert keys(session, "6103**********123x") == [X_ENDING]
    assert keys(session, "123x") == [X_ENDING]
    assert keys(session, "610327**************") == []  # nothing known to look up by


def test_a_masked_id_without_its_known_start_finds_by_the_last_digits(session):
    # As the hint says: each hidden character a *, the first six left out too.
    assert keys(session, "********1234") == [WANG_FANG]
    assert keys(session, "*1234") == [WANG_FANG]
    assert keys(session, "*123X") == [X_ENDING]
    assert keys(session, "**************1234") == [WANG_FANG]
    assert keys(session, "***************1234") == []  # more characters than any key has
    assert keys(session, "*9999") == [] and keys(session, "*") == []


def test_a_name_is_found_with_or_without_the_marks_between_its_parts(session):
    add(session, [("person", "610327199909099999", "艾买提·阿西木", HOME, 0),
                  ("person", "610327199808088888", "玛丽亚 • 阿不都", HOME, 0)])
    index_terms(session)
    for typed in ["艾买提阿西木", "艾买提·阿西木", "艾买提.阿西木", "艾买提 阿西木",
                  "艾买提•阿西木"]:
        assert keys(session, typed) == ["610327199909099999"], typed
    assert keys(session, "提阿西") == ["610327199909099999"]  # across the mark
    assert keys(session, "艾买提阿") == ["610327199909099999"]  # its start
    assert keys(session, "玛丽亚阿不都") == ["610327199808088888"]
    assert keys(session, "亚阿") == ["610327199808088888"]


def test_whole_key_before_keys_starting_or_ending_with_it(session):
    add(session, [("person", "610327198001010000", "某甲", HOME, 5)])
    add(session, [("account", "99" + WANG_FANG, "某乙", HOME, 0)])
    index_terms(session)
    assert keys(session, WANG_FANG) == [WANG_FANG, "99" + WANG_FANG]
    assert keys(session, "61032719800101")[0] == "610327198001010000"  # warned first


def test_account_household_and_credit_code(session):
    assert found(session, ACCOUNT) == [("account", ACCOUNT)]
    assert keys(session, "5678901") == [ACCOUNT]
    assert keys(session, "62284800") == [ACCOUNT]
    assert found(session, HOUSEHOLD) == [("household", HOUSEHOLD)]
    assert keys(session, "30101") == [HOUSEHOLD]
    assert keys(session, CREDIT_CODE) == [CREDIT_CODE]
    assert keys(session, "91610327ma6x") == [CREDIT_CODE]
    assert keys(session, "ABCD1X") == [CREDIT_CODE]


def test_like_wildcards_are_matched_as_typed(session):
    assert keys(session, "%") == ["陇县100%纯净水厂"]
    assert keys(session, "0%纯") == ["陇县100%纯净水厂"]
    assert keys(session, "_") == ["A_B商行"]
    assert keys(session, "A_B") == ["A_B商行"]
    assert keys(session, "AXB") == []
    assert keys(session, "\\") == []
    assert keys(session, "陇县%") == []


def test_any_unicode_is_searched_without_error(session):
    for q in ["\x00", "王\x00芳", "\ud800", "😀", "🀄王", "\u200b王芳芳", "'; DROP TABLE x; --",
              "ß", "*", "**", "X", "\\%_"]:
        search(session, q)
    assert keys(session, "王\x00芳芳") == ["610327198505052222"]
    assert normal_query("王" * 100) == "王" * 60


def test_at_most_the_limit_is_listed_and_more_is_said(session):
    add(session, [("person", f"6103272000010100{i:02d}", f"赵{chr(0x4e00 + i)}", HOME, 0)
                  for i in range(LIMIT + 10)])
    index_terms(session)
    results = search(session, "赵")
    assert len(results.hits) == LIMIT and results.more
    assert not search(session, "王").more


def test_a_verifier_finds_only_their_townships_persons_households_accounts_villages(session):
    home = Scope(township=HOME, kinds=frozenset({"person", "household", "account", "village"}))
    assert WANG_FANG_WARNED not in keys(session, "王芳", home)
    assert set(keys(session, "王芳", home)) == {WANG_FANG, HOUSEHOLD, ACCOUNT,
                                               "610327198505052222"}
    assert keys(session, "610327********5678", home) == []
    assert keys(session, "宏达", home) == []
    assert found(session, "东村", home) == [("village", f"{HOME}/东村")]
    assert search(session, "王芳", Scope(nothing=True)).hits == []


def test_a_verifiers_results_are_not_ordered_by_warnings_they_may_not_see(session):
    home = Scope(township=HOME, kinds=frozenset({"person", "household", "account", "village"}))
    assert keys(session, "建国")[0] == "610327197107075555"  # the analyst: 王建国, warned
    assert keys(session, "建国", home) == ["610327197007074444", "610327197107075555"]
    session.execute(update(Entity).where(Entity.name == "张建国").values(warnings=3))
    session.execute(update(Entity).where(Entity.name == "王建国").values(warnings=0))
    refresh_warned(session)
    assert keys(session, "建国", home) == ["610327197007074444", "610327197107075555"]


def test_warnings_changed_without_a_rebuild_reorder_the_names(session):
    assert keys(session, "建国")[0] == "610327197107075555"  # 王建国, warned
    session.execute(update(Entity).where(Entity.name == "王建国").values(warnings=0))
    session.execute(update(Entity).where(Entity.name == "张建国").values(warnings=3))
    assert refresh_warned(session) == 2
    assert keys(session, "建国") == ["610327197007074444", "610327197107075555"]
    assert refresh_warned(session) == 0
    index_terms(session)  # a rebuild agrees
    assert keys(session, "建国") == ["610327197007074444", "610327197107075555"]
    session.execute(update(Entity).where(Entity.name == "张建国").values(warnings=0))
    assert refresh_warned(session) == 1
    warned = select(SearchGram.name, SearchGram.township).where(SearchGram.warned == 1)
    assert {tuple(row) for row in session.execute(warned.distinct())} == {("王芳", OTHER),
                                                                ("王芳、李四", HOME)}


def test_rebuilding_follows_the_entities(session):
    session.execute(delete(Entity).where(Entity.name == "王芳芳"))
    add(session, [("person", "610327198808088888", "孙悟空", HOME, 0)])
    index_terms(session)
    assert keys(session, "芳芳") == []
    assert keys(session, "悟") == ["610327198808088888"]


def test_who_searches_what():
    analyst = User(username="a", role=ANALYST, township=None)
    verifier = User(username="v", role=VERIFIER, township=HOME)
    assert scope_of(analyst) == Scope()
    assert scope_of(verifier) == Scope(township=HOME, kinds=VERIFIER_KINDS)
    assert scope_of(User(username="w", role=VERIFIER, township=None)).nothing
    assert scope_of(User(username="w", role=VERIFIER, township="")).nothing
    assert scope_of(User(username="o", role=OFFICER, township=HOME)).nothing
