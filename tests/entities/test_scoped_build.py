"""After a new delivery the index computes again only what the new batches touch; the result
must be the index a build from nothing makes of the same warehouse: entities, documents,
links, the warnings on each entity and the search box's tables."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from sunlight.appdb.database import make_engine, session_factory
from sunlight.appdb.entity_tables import EntityIndexState
from sunlight.detect import DetectionRun, run_detection
from sunlight.ingest.pipeline import ingest, plan_delivery
from sunlight.settings import Settings
from sunlight.warehouse.store import Warehouse
from tests.entities.county import CREDIT_CODE, firm, son, stranger, sun, wang, zhang, zhao
from tests.models.county import TOWNSHIP, VILLAGE, County

MODELS = ["SHARED_ACCOUNT", "DECEASED_PAID"]


@pytest.fixture
def home(ingested: Path, tmp_path: Path) -> Path:
    """The tiny county as delivered (ingested once per module): this test's copy."""
    copy = tmp_path / "home"
    shutil.copytree(ingested, copy, symlinks=True)
    return copy


def a_month() -> County:
    """July's payroll (the card's payees again, and a newcomer) and a new village cadre."""
    later = County()
    later.pay(son, "低保", "2024-07", 500, file="七月.csv", account=wang.account)
    later.pay(zhao, "低保", "2024-07", 400, file="七月.csv", account=wang.account)
    newcomer = later.person("李新", born="1990-01-01", registered=False, seq=91)
    later.pay(newcomer, "低保", "2024-07", 300, file="七月.csv")
    later.add("officials", "新任.csv", id_number=zhao.id, name=zhao.name, category="村干部",
              start_date="2024-07-01", post="村委会主任", township=TOWNSHIP, village=VILLAGE)
    return later


def a_payroll() -> County:
    """August's payroll: runs continued (王芳 on her card, 赵敏 on 王芳's), a new amount
    (王强), a new payee of an existing card (张伟 on 孙丽's), 孙丽 (no registry row: her place
    is her payments') paid in another village, and the name 王强 written otherwise."""
    later = County()
    later.pay(wang, "低保", "2024-07", 500, file="八月.csv")
    later.pay(zhao, "低保", "2024-03", 400, file="八月.csv", account=wang.account)
    later.pay(son, "低保", "2024-06", 600, file="八月.csv", account=wang.account, name="王小强")
    later.pay(zhang, "低保", "2024-07", 300, file="八月.csv", account=sun.account)
    later.pay(sun, "低保", "2024-02", 300, file="八月.csv", township=TOWNSHIP, village="河西村")
    return later


def a_payroll_elsewhere() -> County:
    """王芳 paid on her card from 河西村: the card's place (its latest payee's) moves."""
    later = County()
    later.pay(wang, "低保", "2024-07", 500, file="九月.csv", village="河西村")
    return later


def a_back_pay() -> County:
    """April paid to 王芳 late (after her June): her runs join again."""
    later = County()
    later.pay(wang, "低保", "2024-04", 500, file="补发四月.csv")
    return later


def a_second_file() -> County:
    """A second file for June, a month 王芳 was paid already: two rows that month."""
    later = County()
    later.pay(wang, "低保", "2024-06", 200, file="补发二.csv")
    return later


def a_registry(village: str) -> County:
    """A new registry delivery: 王强 heads a household of his own (in `village`), 张伟
    renamed, a newborn in H001."""
    later = County()
    later.add("residents", "户籍更新.csv", id_number=son.id, name=son.name, household_id="H005",
              relation="户主", township=TOWNSHIP, village=village)
    later.add("residents", "户籍更新.csv", id_number=zhang.id, name="张伟民",
              household_id=zhang.household, relation="户主", township=TOWNSHIP,
              village=VILLAGE)
    baby = later.person("王小", born="2024-02-02", household="H001", relation="孙子女",
                        registered=False, seq=92)
    later.add("residents", "户籍更新.csv", id_number=baby.id, name=baby.name,
              household_id="H001", relation="孙子女", township=TOWNSHIP, village=VILLAGE)
    return later


def a_replaced_file() -> County:
    """补发.csv delivered again with another amount, replacing the first."""
    later = County()
    later.pay(wang, "低保", "2024-06", 450, file="补发.csv")
    return later


def a_company_month() -> County:
    """February's 留工补贴 (contract §5) and insured headcount: 张伟's company again, the
    unregistered one on a new account, and a company new to the index."""
    later = County()
    later.insured(firm, "2024-02", 9)  # restates February: the latest delivery wins
    later.insured(firm, "2024-03", 7)
    later.pay_company(firm, "留工补贴", "2024-02", 4500, claimed=9, file="留工二月.csv")
    later.pay_company(stranger, "留工补贴", "2024-02", 1500, claimed=3, file="留工二月.csv",
                      account="61050000000000777")
    assert later.company(stranger.name, registered=False) == stranger  # codes come in order
    newcomer = later.company("陇县新开商贸有限公司", registered=False)
    later.pay_company(newcomer, "留工补贴", "2024-02", 900, claimed=2, file="留工二月.csv")
    return later


def a_company_restated() -> County:
    """A later registry delivery restating 张伟's company: deregistered, 王强 its
    representative (latest wins)."""
    later = County()
    later.add("businesses", "变更登记.csv", credit_code=CREDIT_CODE, company="陇县张氏商贸有限公司",
              status="注销", status_date="2024-05-01", rep_id_number=son.id, rep_name=son.name)
    return later


@pytest.mark.parametrize(("delivery", "replace", "scoped"), [
    pytest.param(a_company_month, False, True, id="company-month"),
    pytest.param(a_company_restated, False, True, id="company-restated"),
    pytest.param(a_month, False, True, id="month"),
    pytest.param(a_payroll, False, True, id="payroll-continued"),
    pytest.param(a_payroll_elsewhere, False, True, id="payroll-elsewhere"),
    pytest.param(a_back_pay, False, True, id="back-pay"),
    pytest.param(a_second_file, False, True, id="second-file-of-a-month"),
    pytest.param(lambda: a_registry(VILLAGE), False, True, id="registry"),
    # A village no entity named before: links to villages move, so everything is built.
    pytest.param(lambda: a_registry("新村"), False, False, id="registry-new-village"),
    pytest.param(a_replaced_file, True, False, id="replaced-file"),
])
def test_after_a_delivery_the_index_is_what_a_build_from_nothing_makes(
        home: Path, tmp_path: Path, db_url: str, migrated_sqlite: Path,
        delivery: Any, replace: bool, scoped: bool):
    first = run_detection(Settings(home=home, database_url=db_url), MODELS)
    assert first.index is not None and first.index.whole
    warehouse = Warehouse(Settings(home=home).warehouse_dir)
    ingest(warehouse, plan_delivery(delivery().deliver(tmp_path / "later")), replace=replace)

    after = run_detection(Settings(home=home, database_url=db_url), MODELS)
    assert _index(after).scoped is scoped
    reference = _same_secret(db_url, tmp_path / "reference.db", migrated_sqlite)
    fresh = run_detection(Settings(home=home, database_url=reference), MODELS)
    assert _index(fresh).whole
    assert _contents(db_url) == _contents(reference)


@pytest.mark.parametrize("deliveries", [
    pytest.param((a_month, a_payroll, a_payroll_elsewhere), id="payrolls"),
    # The registry rows read again: unchanged (representatives), then changed.
    pytest.param((a_company_month, lambda: a_registry(VILLAGE), a_month), id="registry"),
])
def test_deliveries_one_after_another_keep_the_index_a_build_from_nothing_makes(
        home: Path, tmp_path: Path, db_url: str, migrated_sqlite: Path,
        deliveries: tuple[Any, ...]):
    """Each scoped build reads what the last one left in the snapshot (its pairs, the
    registry rows): three deliveries in a row, each compared."""
    run_detection(Settings(home=home, database_url=db_url), MODELS)
    warehouse = Warehouse(Settings(home=home).warehouse_dir)
    for number, delivery in enumerate(deliveries):
        ingest(warehouse, plan_delivery(delivery().deliver(tmp_path / f"later{number}")))
        assert _index(run_detection(Settings(home=home, database_url=db_url), MODELS)).scoped
        reference = _same_secret(db_url, tmp_path / f"reference{number}.db", migrated_sqlite)
        fresh_home = tmp_path / f"fresh{number}"  # its own snapshot, not beside this one
        shutil.copytree(home / "warehouse", fresh_home / "warehouse")
        fresh = run_detection(Settings(home=fresh_home, database_url=reference), MODELS)
        assert _index(fresh).whole
        assert _contents(db_url) == _contents(reference)


def test_a_new_payroll_writes_only_what_it_touched(home: Path, tmp_path: Path, db_url: str):
    run_detection(Settings(home=home, database_url=db_url), MODELS)
    ingest(Warehouse(Settings(home=home).warehouse_dir),
           plan_delivery(a_month().deliver(tmp_path / "later")))
    index = _index(run_detection(Settings(home=home, database_url=db_url), MODELS))
    assert index.scoped and not index.whole
    # 赵敏 (a new office) and the newcomer; the card and the newcomer's; H003 (赵敏's
    # office); both villages, whose money grew. Not 王强's page nor H001's: payments are runs
    # of their own. Nor 王芳's, 张伟's, his company's, the township.
    assert (index.written, index.entities["person"]) == (7, 7)


def test_a_payroll_continuing_runs_changes_only_the_village_and_a_run(
        home: Path, tmp_path: Path, db_url: str):
    run_detection(Settings(home=home, database_url=db_url), MODELS)
    july = County()
    july.pay(wang, "低保", "2024-07", 500, file="七月.csv")
    ingest(Warehouse(Settings(home=home).warehouse_dir),
           plan_delivery(july.deliver(tmp_path / "later")))
    index = _index(run_detection(Settings(home=home, database_url=db_url), MODELS))
    # Her village's money grew; not her page, her card's, her household's, nor a link.
    assert (index.scoped, index.written, index.links_written) == (True, 1, 0)
    assert index.payment_runs == 1  # June's run now ends in July
    runs = _contents(db_url)["payments"]
    assert (wang.id, wang.account, "DIBAO", "2024-06", "2024-07", "500.00", 1) in runs


def test_a_month_of_enterprise_payments_writes_only_its_companies(
        home: Path, tmp_path: Path, db_url: str):
    run_detection(Settings(home=home, database_url=db_url), MODELS)
    later = County()
    later.pay_company(firm, "留工补贴", "2024-02", 4500, claimed=9, file="留工二月.csv")
    later.insured(firm, "2024-03", 7)
    ingest(Warehouse(Settings(home=home).warehouse_dir),
           plan_delivery(later.deliver(tmp_path / "later")))
    index = _index(run_detection(Settings(home=home, database_url=db_url), MODELS))
    # The company's page alone: not its account (same program), representative or a link.
    assert (index.scoped, index.written, index.links_written) == (True, 1, 0)


def _index(run: DetectionRun) -> Any:
    assert run.index is not None and run.index.built
    return run.index


def _same_secret(source_url: str, target: Path, migrated: Path) -> str:
    """A new SQLite database at `target` (a copy of the `migrated` one), to hold a reference
    index under the same secret as `source_url`'s, so that refs compare; its URL."""
    source = make_engine(source_url)
    with session_factory(source)() as session:
        salt = session.get(EntityIndexState, 1).salt  # type: ignore[union-attr]
    source.dispose()
    shutil.copyfile(migrated, target)
    target_url = f"sqlite:///{target}"
    engine = make_engine(target_url)
    with session_factory(engine).begin() as session:
        session.add(EntityIndexState(id=1, salt=salt, fingerprint="", entities=0, links=0))
    engine.dispose()
    return target_url


def _contents(url: str) -> dict[str, Any]:
    """Everything the index holds, by entity keys instead of ids."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            def rows(query: str) -> list[tuple[Any, ...]]:
                return [tuple(row) for row in connection.execute(text(query))]

            return {
                "entities": {(kind, key): (rest[:-2], _json(rest[-2]), rest[-1]) for
                             kind, key, *rest in rows(
                                 "SELECT kind, key, ref, name, township, village, household, "
                                 "warnings, doc, digest FROM entities")},
                "links": Counter((*ends, _json(details)) for *ends, details in rows(
                    "SELECT s.kind, s.key, t.kind, t.key, l.kind, l.role, l.details "
                    "FROM entity_links AS l JOIN entities AS s ON s.id = l.source_id "
                    "JOIN entities AS t ON t.id = l.target_id")),
                "warnings": set(rows(
                    "SELECT e.kind, e.key, w.warning_id FROM entity_warnings AS x "
                    "JOIN entities AS e ON e.id = x.entity_id "
                    "JOIN warnings AS w ON w.id = x.warning_pk")),
                "grams": Counter(rows("SELECT gram, lead, warned, name, township "
                                      "FROM search_grams")),
                "keys": set(rows("SELECT e.kind, e.key, k.reversed_key FROM search_keys AS k "
                                 "JOIN entities AS e ON e.id = k.entity_id")),
                "key_count": rows("SELECT count(*) FROM search_keys"),
                "warned": set(rows("SELECT name, township FROM search_warned")),
                "payments": Counter(rows("SELECT person, account, program, first, last, "
                                         "amount, rows FROM entity_payments")),
            }
    finally:
        engine.dispose()


def _json(value: Any) -> str:
    """A JSON column as SQLite and PostgreSQL both give it back, in one spelling."""
    return json.dumps(json.loads(value) if isinstance(value, str) else value, sort_keys=True,
                      ensure_ascii=False)


def test_a_batch_the_index_does_not_read_leaves_it_as_it_was(
        home: Path, tmp_path: Path, db_url: str):
    run_detection(Settings(home=home, database_url=db_url), MODELS)
    before = _contents(db_url)
    budget = County()
    budget.allocate("低保", 2024, TOWNSHIP, 100_000)
    warehouse = Warehouse(Settings(home=home).warehouse_dir)
    ingest(warehouse, plan_delivery(budget.deliver(tmp_path / "budget")))
    kept = run_detection(Settings(home=home, database_url=db_url), MODELS).index
    assert kept is not None and not kept.built
    assert _contents(db_url) == before
    # The allocation counts among the batches built from: the next payroll is scoped.
    ingest(warehouse, plan_delivery(a_month().deliver(tmp_path / "later")))
    assert _index(run_detection(Settings(home=home, database_url=db_url), MODELS)).scoped
