"""Publishing the tiny county: what goes into the publication tables, versions, withdrawal."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sunlight.appdb.audit_tables import AuditEntry
from sunlight.appdb.database import downgrade, upgrade
from sunlight.appdb.publication_tables import (
    PUBLISHED,
    WITHDRAWN,
    PubApproval,
    PubBeneficiary,
    PubEntry,
    PubHousehold,
    PubLookup,
    PubPayment,
    PubProgram,
    PubVillage,
    PubVillageProgram,
)
from sunlight.appdb.report_tables import CATEGORIES, Report
from sunlight.audit.chain import verify
from sunlight.audit.key import AuditKey, key_of
from sunlight.contract.catalog import load_catalog
from sunlight.ingest.pipeline import ingest, plan_delivery
from sunlight.masking import masked_number, public_masked_id
from sunlight.publish.extract import Extract, extract
from sunlight.publish.lookups import lookups_of
from sunlight.publish.privacy import lookup_key, proof_key
from sunlight.publish.store import NotPublished, current, publish, withdraw
from sunlight.reports.filing import Draft, Place, Subject, file_report
from sunlight.settings import Settings
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.store import Warehouse
from tests.models.county import County
from tests.publish_county import chen, li, secrets_of_county, wang, zhang, zhao, zhou
from tests.web.portal_support import county_rows

__all__ = ["county_rows"]  # a fixture, shared with the web tests


@pytest.fixture
def rows(county_rows: Extract) -> Extract:
    """The tiny county's publication rows (computed once per test session)."""
    return county_rows


def test_a_publication_holds_rosters_chains_and_programs(session: Session,
                                                         rows: Extract) -> None:
    written = publish(session, rows, load_catalog(), actor="cli")
    session.commit()
    pid = written.publication.id
    villages = {(v.township, v.village): v for v in session.scalars(
        select(PubVillage).where(PubVillage.publication_id == pid))}
    assert set(villages) == {("城关镇", "东风村"), ("城关镇", "西山村"), ("马家镇", "马家村"),
                             ("马家镇", "草滩村")}
    dongfeng = villages[("城关镇", "东风村")]
    assert (dongfeng.beneficiaries, dongfeng.households) == (3, 3)
    assert dongfeng.total == Decimal("1500") + Decimal("600") + Decimal("700")

    people = {b.name: b for b in session.scalars(
        select(PubBeneficiary).where(PubBeneficiary.publication_id == pid))}
    assert set(people) == {"王芳", "张伟", "赵六", "陈静", "刘洋", "马牧", "孙务工",
                           "周值守"}  # 李强 is paid nothing
    assert people["王芳"].masked_id == wang.id[:6] + "*" * 12

    entries = {(e.beneficiary_no, e.program): e for e in session.scalars(
        select(PubEntry).where(PubEntry.publication_id == pid))}
    gaoling = entries[(people["张伟"].no, "GAOLING")]
    assert (gaoling.first_period, gaoling.last_period, gaoling.periods) == (
        "2024-01", "2024-02", 2)
    assert (gaoling.amount_per_period, gaoling.total) == (Decimal("200"), Decimal("600"))
    paid = session.scalars(select(PubPayment.period).where(
        PubPayment.publication_id == pid, PubPayment.entry_no == gaoling.no)
        .order_by(PubPayment.line)).all()
    assert paid == ["2024-01", "2024-02", "2024-02"]  # the month paid twice shows twice

    jinmu = entries[(people["马牧"].no, "JINMU")]  # 120 亩 declared, 80 registered
    assert (jinmu.declared_area, jinmu.rate_per_mu, jinmu.registered_area, jinmu.total) == (
        Decimal("120"), Decimal("7.5"), Decimal("80"), Decimal("900"))
    assert gaoling.declared_area is gaoling.rate_per_mu is gaoling.registered_area is None
    heads = {(h.village_no, h.household_no): h.head for h in session.scalars(
        select(PubHousehold).where(PubHousehold.publication_id == pid))}
    assert heads[(dongfeng.no, people["王芳"].household_no)] == "李强"  # the registry's 户主
    assert heads[(dongfeng.no, people["赵六"].household_no)] == ""  # unregistered
    assert programs_listed(session, pid) == {"DIBAO": "household"}

    dibao = entries[(people["王芳"].no, "DIBAO")]
    chain = session.scalars(select(PubApproval).where(
        PubApproval.publication_id == pid, PubApproval.entry_no == dibao.no)
        .order_by(PubApproval.line)).all()
    assert [(a.step, a.day.isoformat() if a.day else "", a.handler) for a in chain] == [
        ("申请", "2023-11-02", "刘经办"), ("村级评议", "2023-11-10", "刘经办"),
        ("村级公示", "2023-11-15", "刘经办"), ("乡镇审核", "2023-11-25", "刘经办"),
        ("县级审批", "2023-12-05", "刘经办")]

    summary = {(s.village_no, s.program): (s.beneficiaries, s.total) for s in session.scalars(
        select(PubVillageProgram).where(PubVillageProgram.publication_id == pid))}
    assert summary[(dongfeng.no, "DIBAO")] == (2, Decimal("2200"))
    programs = {p.code: p for p in session.scalars(
        select(PubProgram).where(PubProgram.publication_id == pid))}
    # Every program, company ones too (their rows: tests/web/test_portal_companies.py).
    assert set(programs) == {p.code for p in load_catalog().programs}
    assert {code for code, p in programs.items() if p.subject == "company"} == {"LIUGONG"}
    assert "社会救助暂行办法" in programs["DIBAO"].policy_basis
    assert programs["DIBAO"].beneficiaries == 3
    assert programs["TEKUN"].total == Decimal("2000")
    assert (programs["LINSHI_NONGMINGONG"].beneficiaries, programs["LINSHI_NONGMINGONG"].total,
            programs["ZHIBAN"].total) == (1, Decimal("1000"), Decimal("300"))
    linshi = entries[(people["孙务工"].no, "LINSHI_NONGMINGONG")]
    assert (linshi.first_period, linshi.periods, linshi.total) == ("2024", 1, Decimal("1000"))
    assert people["周值守"].masked_id == zhou.id[:6] + "*" * 12


def programs_listed(session: Session, pid: int) -> dict[str, str]:
    """The programs whose roster is not a line per person."""
    return {p.code: p.listed_by for p in session.scalars(select(PubProgram).where(
        PubProgram.publication_id == pid, PubProgram.listed_by != "person"))}


def area_of(home: Path, county: County) -> tuple[object, object, object]:
    """(declared, rate, registered) of the one roster line of `county`, as extracted."""
    warehouse = Warehouse(Settings(home=home).warehouse_dir)
    ingest(warehouse, plan_delivery(county.deliver(home.parent / "delivery")), workers=1)
    engine = DuckDBEngine()
    try:
        [line] = extract(engine, warehouse, load_catalog()).entries.to_pylist()
    finally:
        engine.close()
    return line["declared_area"], line["rate_per_mu"], line["registered_area"]


def test_a_registered_area_is_shown_only_where_the_land_register_was_delivered(
        tmp_path: Path) -> None:
    county = County()
    farmer = county.person("周农", born="1965-05-05")
    county.enroll(farmer, "耕地地力保护补贴", "2020-01", declared_area="12.5")
    county.pay(farmer, "耕地地力保护补贴", "2024", "1312.5")
    assert area_of(tmp_path / "none" / "home", county) == (
        Decimal("12.5"), Decimal("105"), None)  # no land register: nothing to compare with
    neighbour = county.person("吴邻", born="1966-06-06")
    county.land(neighbour, "耕地", "30")
    assert area_of(tmp_path / "some" / "home", county) == (
        Decimal("12.5"), Decimal("105"), Decimal("0"))  # registered: none of it is his


def test_a_household_is_found_by_any_member_with_id_and_name(session: Session,
                                                             rows: Extract) -> None:
    publication = publish(session, rows, load_catalog(), actor="cli").publication
    session.commit()

    secret = lookups_of(publication, key_of(session)).secret
    assert secret is not None

    def found(id_number: str, name: str) -> list[int]:
        key = lookup_key(secret, id_number, name)
        return list(session.scalars(select(PubLookup.household_no).where(
            PubLookup.publication_id == publication.id, PubLookup.key == key)))

    wang_household = found(wang.id, wang.name)
    assert len(wang_household) == 1
    assert found(li.id, " 李 强 ") == wang_household  # her husband, paid nothing himself
    assert found(li.id.lower(), "李强") == wang_household
    assert found(zhao.id, zhao.name)  # unregistered: a household of his own
    assert found(li.id, "王芳") == [] and found(chen.id, "张伟") == []
    assert found(zhang.id[:-1] + "0", zhang.name) == []


def test_the_further_proof_needs_an_account_the_household_was_paid_into(
        session: Session, rows: Extract) -> None:
    publication = publish(session, rows, load_catalog(), actor="cli").publication
    session.commit()
    secret = lookups_of(publication, key_of(session)).secret
    assert secret is not None

    def found(id_number: str, name: str, tail: str) -> list[int]:
        return list(session.scalars(select(PubLookup.household_no).where(
            PubLookup.publication_id == publication.id,
            PubLookup.key == proof_key(secret, id_number, name, tail))))

    household = found(wang.id, wang.name, wang.account[-6:])
    assert len(household) == 1
    assert found(li.id, "李强", wang.account[-6:]) == household  # paid nothing, same card
    assert found(wang.id, wang.name, chen.account[-6:]) == []  # another household's card
    assert found(chen.id, chen.name, wang.account[-6:]) == []
    assert found(wang.id, wang.name, "") == []
    # Only keyed hashes are stored: nothing to read an ID, a name or digits back from.
    keys = session.scalars(select(PubLookup.key)).all()
    assert keys and all(len(k) == 32 and set(k) <= set("0123456789abcdef") for k in keys)


def test_nothing_public_holds_a_full_id_account_or_registry_household(
        session: Session, rows: Extract) -> None:
    publish(session, rows, load_catalog(), actor="cli")
    session.commit()
    secrets = secrets_of_county()
    for model in (PubVillage, PubBeneficiary, PubEntry, PubPayment, PubApproval, PubProgram,
                  PubVillageProgram, PubLookup):
        for row in session.scalars(select(model)):
            text = repr({c.key: getattr(row, c.key) for c in model.__mapper__.column_attrs})
            leaked = [s for s in secrets if s in text]
            assert not leaked, f"{model.__tablename__} holds {leaked}"


def test_versions_and_withdrawal(session: Session, rows: Extract) -> None:
    first = publish(session, rows, load_catalog(), actor="cli").publication
    session.commit()
    second = publish(session, rows, load_catalog(), actor="analyst").publication
    session.commit()
    assert (first.version, second.version) == (1, 2)
    assert current(session) == second

    withdraw(session, 2, actor="analyst", reason="名单有误")
    session.commit()
    assert second.status == WITHDRAWN and current(session) == first
    with pytest.raises(NotPublished):
        withdraw(session, 2, actor="analyst")
    with pytest.raises(NotPublished):
        withdraw(session, 9, actor="analyst")
    withdraw(session, 1, actor="analyst")
    session.commit()
    assert current(session) is None
    third = publish(session, rows, load_catalog(), actor="cli").publication
    session.commit()
    assert third.version == 3 and third.status == PUBLISHED and current(session) == third

    actions = [(e.action, e.target) for e in session.scalars(
        select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == [("publication.publish", "v1"), ("publication.publish", "v2"),
                       ("publication.withdraw", "v2"), ("publication.withdraw", "v1"),
                       ("publication.publish", "v3")]
    assert verify(session).intact


def test_village_codes_are_stable_across_versions(session: Session, rows: Extract) -> None:
    codes = []
    for _ in range(2):
        pid = publish(session, rows, load_catalog(), actor="cli").publication.id
        codes.append(sorted(session.scalars(select(PubVillage.code).where(
            PubVillage.publication_id == pid))))
    assert codes[0] == codes[1] and len(set(codes[0])) == 4


def test_a_database_backup_alone_cannot_test_guessed_ids(session: Session,
                                                         rows: Extract) -> None:
    publication = publish(session, rows, load_catalog(), actor="cli").publication
    session.commit()
    stored = set(session.scalars(select(PubLookup.key)))
    # The thief holds the salt and every hash, and guessed the right ID: no match.
    assert lookup_key(publication.lookup_salt, wang.id, wang.name) not in stored
    assert proof_key(publication.lookup_salt, wang.id, wang.name, wang.account[-6:]) \
        not in stored
    own = lookups_of(publication, key_of(session))
    assert own.secret is not None and lookup_key(own.secret, wang.id, wang.name) in stored
    assert not own.republish_advised
    # A process with another key (the secret rotated) knows its lookups cannot match.
    other = lookups_of(publication, AuditKey(b"another secret", "a test"))
    assert other.secret is None and other.republish_advised


def test_upgrading_re_masks_what_was_published_with_first_6_and_last_4(
        session: Session, rows: Extract, db_url: str, tmp_path: Path) -> None:
    publication = publish(session, rows, load_catalog(), actor="cli").publication
    wang_row = session.scalars(select(PubBeneficiary).where(
        PubBeneficiary.publication_id == publication.id, PubBeneficiary.name == wang.name)).one()
    draft = Draft(category=CATEGORIES[0], description="他家并不困难，请核实。", anonymous=True)
    about = Subject(publication.version, wang_row.no, wang.name, wang_row.masked_id)
    filed = file_report(session, draft, Place(), about, [], tmp_path)
    session.commit()
    report_id = filed.report.id
    downgrade(db_url, "0010")  # the database as the release before wrote it
    session.execute(update(PubBeneficiary).values(masked_id=masked_number(wang.id))
                    .where(PubBeneficiary.no == wang_row.no))
    session.execute(update(Report).values(subject_masked_id=masked_number(wang.id)))
    session.execute(update(PubBeneficiary).values(masked_id="37****")
                    .where(PubBeneficiary.name == zhao.name))  # as a short value was masked
    session.commit()
    session.close()

    upgrade(db_url)
    masks = {b.name: b.masked_id for b in session.scalars(select(PubBeneficiary))}
    assert masks[wang.name] == public_masked_id(wang.id) == wang.id[:6] + "*" * 12
    assert masks[zhao.name] == "******"  # a short, odd value is hidden whole
    assert all(m.endswith("*") for m in masks.values())
    report = session.get(Report, report_id)
    assert report is not None and report.subject_masked_id == public_masked_id(wang.id)
    # Its lookup hashes were keyed by the salt alone: they still answer, and staff are told
    # to publish again.
    before = session.get(type(publication), publication.id)
    assert before is not None and before.lookup_keyed_by == ""
    assert lookups_of(before, key_of(session)).republish_advised
