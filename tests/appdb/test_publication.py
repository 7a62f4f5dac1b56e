"""Publishing the tiny county: what goes into the publication tables, versions, withdrawal."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunlight.appdb.audit_tables import AuditEntry
from sunlight.appdb.publication_tables import (
    PUBLISHED,
    WITHDRAWN,
    PubApproval,
    PubBeneficiary,
    PubEntry,
    PubLookup,
    PubPayment,
    PubProgram,
    PubVillage,
    PubVillageProgram,
)
from sunlight.audit.chain import verify
from sunlight.contract.catalog import load_catalog
from sunlight.publish.extract import Extract
from sunlight.publish.privacy import lookup_key, proof_key
from sunlight.publish.store import NotPublished, current, publish, withdraw
from tests.publish_county import chen, li, secrets_of_county, wang, zhang, zhao
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
    assert set(villages) == {("城关镇", "东风村"), ("城关镇", "西山村"), ("马家镇", "马家村")}
    dongfeng = villages[("城关镇", "东风村")]
    assert (dongfeng.beneficiaries, dongfeng.households) == (3, 3)
    assert dongfeng.total == Decimal("1500") + Decimal("600") + Decimal("700")

    people = {b.name: b for b in session.scalars(
        select(PubBeneficiary).where(PubBeneficiary.publication_id == pid))}
    assert set(people) == {"王芳", "张伟", "赵六", "陈静", "刘洋"}  # 李强 is paid nothing
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
    assert set(programs) == {p.code for p in load_catalog().programs}
    assert "社会救助暂行办法" in programs["DIBAO"].policy_basis
    assert programs["DIBAO"].beneficiaries == 3
    assert programs["TEKUN"].total == Decimal("2000")


def test_a_household_is_found_by_any_member_with_id_and_name(session: Session,
                                                             rows: Extract) -> None:
    publication = publish(session, rows, load_catalog(), actor="cli").publication
    session.commit()

    def found(id_number: str, name: str) -> list[int]:
        key = lookup_key(publication.lookup_salt, id_number, name)
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
    salt = publication.lookup_salt

    def found(id_number: str, name: str, tail: str) -> list[int]:
        return list(session.scalars(select(PubLookup.household_no).where(
            PubLookup.publication_id == publication.id,
            PubLookup.key == proof_key(salt, id_number, name, tail))))

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
    assert codes[0] == codes[1] and len(set(codes[0])) == 3
