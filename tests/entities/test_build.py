"""The entity index holds every person, household, account, company, village and township
of the warehouse, what each page shows, and the ties between them; it is rebuilt only when
the warehouse changed."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session, aliased

from sunlight.appdb.database import make_engine, session_factory, upgrade
from sunlight.appdb.entity_tables import Entity, EntityIndexState, EntityLink
from sunlight.appdb.tables import Warning
from sunlight.contract.cases import RETRACTED
from sunlight.detect import fingerprint, run_detection
from sunlight.entities.build import REFILLED, rebuild_index
from sunlight.entities.payments import account_cells, account_payees, payee_totals
from sunlight.entities.ref_sql import with_refs
from sunlight.entities.refs import entity_ref, index_state
from sunlight.entities.search import search
from sunlight.entities.search_terms import index_terms
from sunlight.entities.standing import refresh_warnings
from sunlight.settings import Settings
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.store import Warehouse
from sunlight.web.entity_data import household_programs, payment_runs
from tests.databases import Schema
from tests.entities.county import CREDIT_CODE, clerk, firm, son, stranger, sun, wang, zhang, zhao
from tests.entities.indexed import detected
from tests.models.county import TOWNSHIP, VILLAGE


@pytest.fixture
def built(ingested: Path, db_url: str) -> Any:
    run = detected(ingested, db_url, ["SHARED_ACCOUNT", "DECEASED_PAID"])
    engine = make_engine(db_url)
    yield run, engine
    engine.dispose()


def entity(session: Session, kind: str, key: str) -> Entity:
    found = session.scalar(select(Entity).where(Entity.kind == kind, Entity.key == key))
    assert found is not None, (kind, key)
    return found


def links(session: Session, kind: str) -> set[tuple[str, str, str]]:
    source, target = aliased(Entity), aliased(Entity)
    rows = session.execute(select(source.key, target.key, EntityLink.role)
                           .join(source, source.id == EntityLink.source_id)
                           .join(target, target.id == EntityLink.target_id)
                           .where(EntityLink.kind == kind))
    return {tuple(row) for row in rows}  # type: ignore[misc]


def test_every_person_of_every_dataset_is_indexed_with_their_page(built: Any):
    run, engine = built
    assert run.index is not None and run.index.built
    with session_factory(engine)() as session:
        persons = set(session.scalars(select(Entity.key).where(Entity.kind == "person")))
        assert persons == {wang.id, son.id, zhao.id, zhang.id, sun.id, clerk.id}
        me = entity(session, "person", wang.id)
        assert (me.name, me.township, me.village, me.household) == (
            "王芳", TOWNSHIP, VILLAGE, "H001")
        assert me.ref == entity_ref(session.get(EntityIndexState, 1).salt,  # type: ignore[union-attr]
                                    "person", wang.id)
        doc = me.doc
        assert doc["relation"] == "户主"
        assert "offices" not in doc  # null members are left out
        assert [d["source"] for d in doc["deaths"]] == ["火化"]
        assert doc["certificates"][0]["level"] == 2
        assert [(e["program"], e["start"]) for e in doc["enrollments"]] == [("DIBAO", "2020-01")]
        # Months paid alike are one run, in a table of their own.
        assert "payments" not in doc
        assert [(r["g"], r["f"], r["t"], r["a"], r["n"]) for r in payment_runs(session, me)] == [
            ("DIBAO", "2024-01", "2024-03", "500.00", 1),
            ("DIBAO", "2024-06", "2024-06", "500.00", 1)]
        assert [(land["type"], land["area"]) for land in doc["land"]] == [("耕地", "3.5000")]
        unregistered = entity(session, "person", sun.id)
        assert (unregistered.name, unregistered.village, unregistered.household) == (
            "孙丽", VILLAGE, "")
        assert entity(session, "person", zhang.id).doc["vehicles"][0]["plate"] == "陕C12345"


def test_households_accounts_companies_and_places(built: Any):
    _, engine = built
    with session_factory(engine)() as session:
        home = entity(session, "household", "H001")
        assert home.name == "王芳"
        assert [(m["name"], m["relation"]) for m in home.doc["members"]] == [
            ("王芳", "户主"), ("王强", "子")]
        assert {(land["type"], land["area"]) for land in home.doc["land"]} == {
            ("耕地", "5.0000"), ("草原", "10.0000")}
        assert "programs" not in home.doc  # read from the members' payment runs
        [program] = household_programs(session, home)
        assert (program["program"], program["payees"], str(program["amount"])) == (
            "DIBAO", 2, "3000.00")
        assert [c["name"] for c in home.doc["companies"]] == ["陇县王家小卖部"]
        cadre_home = entity(session, "household", "H002")
        assert [(o["name"], o["post"]) for o in cadre_home.doc["offices"]] == [
            ("张伟", "村党支部书记")]
        card = entity(session, "account", wang.account)
        assert set(card.name.split("、")) == {"王芳", "王强", "赵敏"}
        # What each payee was paid is read from the runs, not stored with the account.
        assert "months" not in card.doc and "amount" not in card.doc["payees"][0]
        payees = account_payees(session, card.key, card.doc["payees"])
        assert [(p["name"], p["household"], p["amount"], p["months"]) for p in payees] == [
            ("王芳", "H001", "2000.00", 4), ("赵敏", "H003", "800.00", 2),
            ("王强", "H001", "1000.00", 2)]
        assert {(m["id"], m["f"], m["a"]) for m in account_cells(session, card.key)} == {
            (son.id, "2024-04", "500.00"), (son.id, "2024-05", "500.00"),
            (wang.id, "2024-01", "500.00"), (wang.id, "2024-02", "500.00"),
            (wang.id, "2024-03", "500.00"), (wang.id, "2024-06", "500.00"),
            (zhao.id, "2024-01", "400.00"), (zhao.id, "2024-02", "400.00")}
        assert entity(session, "account", sun.account).doc["programs"] == ["DIBAO", "DILI"]
        company = entity(session, "company", CREDIT_CODE)
        assert (company.name, company.township) == ("陇县张氏商贸有限公司", TOWNSHIP)
        assert company.doc["rows"][0]["status"] == "存续"
        assert entity(session, "company", "陇县王家小卖部").doc["rows"][0]["rep"] == son.id
        village = entity(session, "village", f"{TOWNSHIP}/{VILLAGE}")
        assert village.doc["residents"] == 4  # 王芳, 王强, 张伟, 钱进 (赵敏 lives in 河西村)
        [dibao] = village.doc["programs"]
        # 赵敏 was paid in 河西村; 王芳's enrollment names no village.
        assert (dibao["payees"], dibao["enrolled"], dibao["amount"]) == (3, 0, "3300.00")
        assert entity(session, "township", TOWNSHIP).doc["villages"] == 2


def test_a_company_holds_its_registry_payments_and_insured_headcount(built: Any):
    _, engine = built
    with session_factory(engine)() as session:
        doc = entity(session, "company", CREDIT_CODE).doc
        assert [(p["period"], p["program"], p["claimed"], p["amount"], p["account"])
                for p in doc["payments"]] == [
            ("2024-01", "LIUGONG", 10, "4000.00", firm.account)]
        assert doc["insured"] == [{"month": "2024-01", "count": 8},
                                  {"month": "2024-02", "count": 8}]
        # Known only from its payments (查无此企): a page all the same, named as paid.
        unknown = entity(session, "company", stranger.code)
        assert (unknown.name, unknown.township) == ("陇县无名贸易有限公司", TOWNSHIP)
        assert "rows" not in unknown.doc and unknown.doc["payments"][0]["claimed"] == 3
        account = entity(session, "account", firm.account)
        assert account.name == "陇县张氏商贸有限公司"
        assert account.doc["companies"] == [{"key": CREDIT_CODE, "name": "陇县张氏商贸有限公司"}]
        assert account.doc["programs"] == ["LIUGONG"]


def test_links_tie_payees_cadres_officials_representatives_and_households(built: Any):
    _, engine = built
    with session_factory(engine)() as session:
        assert links(session, "payee") == {
            (wang.id, wang.account, "payee"), (son.id, wang.account, "payee"),
            (zhao.id, wang.account, "payee"), (sun.id, sun.account, "payee"),
            (CREDIT_CODE, firm.account, "payee"), (stranger.code, stranger.account, "payee")}
        assert links(session, "cadre") == {(zhang.id, f"{TOWNSHIP}/{VILLAGE}", "村党支部书记")}
        assert links(session, "official") == {(clerk.id, TOWNSHIP, "科员")}
        assert links(session, "legal_rep") == {(zhang.id, CREDIT_CODE, "legal_rep"),
                                               (son.id, "陇县王家小卖部", "legal_rep")}
        assert ("H003", f"{TOWNSHIP}/河西村", "resident") in links(session, "resident")
        payee = session.scalar(select(EntityLink).join(Entity, Entity.id == EntityLink.source_id)
                               .where(Entity.key == zhao.id, EntityLink.kind == "payee"))
        assert payee is not None and payee.details == {}  # what was paid is read from runs
        totals = payee_totals(session, {wang.account})[(wang.account, zhao.id)].as_details()
        assert totals == {"first": "2024-01", "last": "2024-02", "months": 2,
                          "amount": "800.00", "rows": 2}


def test_warnings_are_counted_on_person_account_household_and_village(built: Any):
    _, engine = built
    with session_factory(engine)() as session:
        # SHARED_ACCOUNT on the card (concerning its three payees), DECEASED_PAID on 王芳.
        assert entity(session, "account", wang.account).warnings == 1
        assert entity(session, "person", wang.id).warnings == 2
        assert entity(session, "person", son.id).warnings == 1
        assert entity(session, "person", zhao.id).warnings == 1
        assert entity(session, "household", "H001").warnings == 2  # its members', once each
        assert entity(session, "household", "H003").warnings == 1
        assert entity(session, "village", f"{TOWNSHIP}/{VILLAGE}").warnings == 2
        assert entity(session, "person", zhang.id).warnings == 0
        assert entity(session, "household", "H002").warnings == 0


def test_a_retracted_warning_leaves_its_entities_and_comes_back_when_restored(built: Any):
    _, engine = built
    with session_factory(engine)() as session:
        def counts() -> tuple[int, ...]:
            session.expire_all()
            return tuple(entity(session, kind, key).warnings for kind, key in (
                ("account", wang.account), ("person", wang.id), ("person", son.id),
                ("household", "H001"), ("household", "H003"),
                ("village", f"{TOWNSHIP}/{VILLAGE}")))

        shared = select(Warning).where(Warning.model == "SHARED_ACCOUNT")
        pairs = refresh_warnings(session)
        assert counts() == (1, 2, 1, 2, 1, 2)
        session.scalars(shared).one().status = RETRACTED
        session.flush()
        # The card's pairs gone (its own, its three payees', their households', the
        # village's); 王芳's death still warned, on her, H001 and the village.
        assert refresh_warnings(session) == pairs - 7
        assert counts() == (0, 1, 0, 1, 0, 1)
        session.scalars(shared).one().status = "open"
        session.flush()
        assert refresh_warnings(session) == pairs
        assert counts() == (1, 2, 1, 2, 1, 2)
        session.rollback()


def test_an_unchanged_warehouse_is_not_indexed_again(built: Any, ingested: Path):
    _, engine = built
    duck = DuckDBEngine()
    try:
        with session_factory(engine).begin() as session:
            first = session.scalar(select(Entity.id).where(Entity.key == wang.id))
            counts = rebuild_index(duck, Warehouse(Settings(home=ingested).warehouse_dir),
                                   session, fingerprint(
                                       Warehouse(Settings(home=ingested).warehouse_dir)))
            assert not counts.built
            assert session.scalar(select(Entity.id).where(Entity.key == wang.id)) == first
            # Told the warehouse changed, but no batch of it is new: nothing to compute.
            kept = rebuild_index(duck, Warehouse(Settings(home=ingested).warehouse_dir),
                                 session, "another state")
            assert not kept.built
            # Not knowing which batches it was built from: everything computed again.
            index_state(session).batches = ""
            again = rebuild_index(duck, Warehouse(Settings(home=ingested).warehouse_dir),
                                  session, "yet another state")
            assert again.built and not again.scoped and again.entities["person"] == 6
            # Same content: nothing written again, ids kept.
            assert (again.written, again.links_written) == (0, 0)
            assert session.scalar(select(Entity.id).where(Entity.key == wang.id)) == first
    finally:
        duck.close()


def test_a_rebuild_writes_what_changed_and_keeps_ids_and_refs(built: Any, ingested: Path):
    _, engine = built
    warehouse = Warehouse(Settings(home=ingested).warehouse_dir)
    duck = DuckDBEngine()
    try:
        with session_factory(engine).begin() as session:
            me = entity(session, "person", wang.id)
            my_id, my_ref, my_doc = me.id, me.ref, me.doc
            # As if 王芳's page had changed, 王强 were new, and a stale entity and link stored.
            me.digest, me.doc, me.name = "0" * 16, {}, "王旧"
            son_ref = entity(session, "person", son.id).ref
            session.delete(entity(session, "person", son.id))
            session.add(Entity(id=10_000, kind="person", key="gone", ref="x" * 16,
                               name="", township="", village="", household="", doc={}))
            session.add(EntityLink(source_id=10_000, target_id=my_id, kind="payee",
                                   role="payee", details={}))
            session.flush()
            index_terms(session)  # the search box as that index stood
            assert [hit.entity.key for hit in search(session, "王旧").hits] == [wang.id]
            counts = rebuild_index(duck, warehouse, session, "a third state")
            assert not counts.whole and counts.written == 2
            assert counts.links_written == 2  # 王强's: payee of the card, legal rep
            session.expire_all()
            me = entity(session, "person", wang.id)
            assert (me.id, me.ref, me.doc) == (my_id, my_ref, my_doc)
            assert entity(session, "person", son.id).ref == son_ref
            assert session.scalar(select(Entity).where(Entity.key == "gone")) is None
            assert session.scalar(select(EntityLink).where(EntityLink.source_id == 10_000)) is None
            assert (son.id, wang.account, "payee") in links(session, "payee")
            assert entity(session, "person", wang.id).warnings == 2
            # The search box moved with them: the old name gone, the new person found.
            assert search(session, "王旧").hits == []
            assert wang.id in [hit.entity.key for hit in search(session, "王芳").hits]
            assert [hit.entity.key for hit in search(session, son.id[-6:]).hits] == [son.id]
    finally:
        duck.close()



@pytest.mark.parametrize("key", ["610327195003050015", "城关镇/东风村", "H-0\\01'x", ""])
def test_refs_computed_by_the_engine_are_the_refs_pages_compute(key: str):
    salt = secrets.token_hex(32)
    duck = DuckDBEngine()
    try:
        duck.register_table("keys", pa.table({"kind": ["person"], "key": [key]}))
        [ref] = duck.query(with_refs(salt, "SELECT * FROM keys")).column("ref").to_pylist()
    finally:
        duck.close()
    assert ref == entity_ref(salt, "person", key)


def test_an_index_mostly_changed_is_written_whole_keeping_ids_and_refs(built: Any,
                                                                       ingested: Path):
    _, engine = built
    duck = DuckDBEngine()
    try:
        with session_factory(engine).begin() as session:
            before = {k: r for k, r in session.execute(select(Entity.key, Entity.ref))}
            ids = {k: i for k, i in session.execute(select(Entity.key, Entity.id))}
            session.execute(update(Entity).values(digest="0" * 16))
            # An index as a version without snapshots left it: compared with the database.
            session.execute(update(EntityIndexState).values(snapshot="", batches=""))
            counts = rebuild_index(duck, Warehouse(Settings(home=ingested).warehouse_dir),
                                   session, "yet another state")
            assert counts.whole and counts.written == len(before)
            session.expire_all()
            assert {k: r for k, r in session.execute(select(Entity.key, Entity.ref))} == before
            assert {k: i for k, i in session.execute(select(Entity.key, Entity.id))} == ids
            assert entity(session, "person", wang.id).warnings == 2
            assert (son.id, wang.account, "payee") in links(session, "payee")
    finally:
        duck.close()


def test_the_search_box_finds_what_the_build_indexed(built: Any):
    _, engine = built
    with session_factory(engine)() as session:
        found = [(hit.entity.kind, hit.entity.key) for hit in search(session, "王").hits]
        assert ("person", wang.id) in found and ("person", son.id) in found
        assert ("company", CREDIT_CODE) in [
            (hit.entity.kind, hit.entity.key) for hit in search(session, "张氏").hits]
        assert [hit.entity.key for hit in search(session, wang.id[-6:]).hits] == [wang.id]
        # 王芳's account carries warnings: listed before the unwarned names with 王.
        first = search(session, "王").hits[0].entity
        assert first.warnings > 0


@pytest.mark.postgres
def test_postgresql_plans_reads_of_a_new_index_from_its_statistics(ingested: Path,
                                                                     postgres: Schema):
    """The search box's read by name used the name index at once, not a guess that scanned
    every entity until autovacuum (maybe off) analysed the tables a build filled again."""
    postgres.reset()
    upgrade(postgres.url)
    run_detection(Settings(home=ingested, database_url=postgres.url),
                  ["SHARED_ACCOUNT", "DECEASED_PAID"])
    engine = make_engine(postgres.url)
    try:
        with engine.connect() as connection:
            analysed = set(connection.scalars(text(
                "SELECT DISTINCT tablename FROM pg_stats WHERE schemaname = current_schema()")))
    finally:
        engine.dispose()
    assert {model.__tablename__ for model in REFILLED} <= analysed
