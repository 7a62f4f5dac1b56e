"""Public rosters as a villager checks them: areas of programs paid by area, 低保 by household,
the 公示期 and 异议期, and whom to call (the township's phone, which an admin enters, and 12388)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from sunlight.appdb.audit_tables import AuditEntry
from sunlight.appdb.publication_tables import Publication, PubProgram
from sunlight.clock import LOCAL_TIME
from sunlight.contract.catalog import load_catalog
from sunlight.publish.extract import Extract
from sunlight.web.templating import cn_day
from tests.publish_county import zhou
from tests.web.conftest import StaffApp, csrf_of
from tests.web.portal_support import Portal, county_rows, portal, village_link

__all__ = ["county_rows", "portal"]

AREA_COLUMNS = ("declared_area", "rate_per_mu", "registered_area")


def roster(portal: Portal, village: str, program: str, **params: str) -> str:
    client = portal.client()
    page = client.get(village_link(client.get("/").text, village) + f"/program/{program}",
                      params=params)
    assert page.status_code == 200
    return page.text


def lines(html: str) -> list[str]:
    """The roster's lines as text: one per person or household."""
    items = re.findall(r'<li><a href="[^"]+">(.*?)</a></li>', html)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def test_a_grazing_ban_line_shows_declared_area_rate_registered_area_and_amount(
        portal: Portal) -> None:
    page = roster(portal, "草滩村", "JINMU")
    assert lines(page) == ["马牧 120亩 ×7.5元/亩 确权80亩 900.00元/年"]
    person = portal.client().get(
        re.search(r'<li><a href="([^"]+)">', page).group(1)).text  # type: ignore[union-attr]
    assert "申报面积 <strong>120 亩</strong>" in person and "7.5 元/亩" in person
    assert "本户确权登记面积 <strong>80 亩</strong>" in person


def test_a_program_not_paid_by_area_shows_no_area(portal: Portal) -> None:
    page = roster(portal, "东风村", "GAOLING")
    assert lines(page) == ["张伟 第2户 200.00元/月"] and "亩" not in page


def test_the_spring_festival_person_programs_are_published_masked_with_their_texts(
        portal: Portal) -> None:
    """农民工临时生活补助 (yearly) and 社区值班补助 (monthly) are rosters like the others, and
    their pages say what the catalog says of them; a company program has no village roster
    (its rosters are the townships': tests/web/test_portal_companies.py)."""
    assert lines(roster(portal, "马家村", "LINSHI_NONGMINGONG")) == ["孙务工 第2户 1,000.00元/年"]
    page = roster(portal, "马家村", "ZHIBAN")
    assert lines(page) == ["周值守 第3户 300.00元/月"]
    client = portal.client()
    link = re.search(r'<li><a href="([^"]+)">', page)
    assert link
    person = client.get(link.group(1))
    assert zhou.id[:6] + "*" * 12 in person.text and zhou.id not in person.text
    catalog = load_catalog()
    for code in ("LINSHI_NONGMINGONG", "ZHIBAN"):
        about = catalog.by_code[code]
        text = client.get(f"/program/{code}").text
        for said in (about.name, about.policy_basis, about.conditions, about.standard_text):
            assert said in text, (code, said)
    village = village_link(client.get("/").text, "马家村")
    assert "/program/LIUGONG" not in client.get(village).text
    typed = client.get(village + "/program/LIUGONG", follow_redirects=False)
    assert typed.status_code == 303  # no "共 0 人": 马家镇's company roster instead
    assert typed.headers["location"] == "/township/%E9%A9%AC%E5%AE%B6%E9%95%87/program/LIUGONG"
    assert "家企业" in client.get(village + "/program/LIUGONG").text


def test_dibao_is_listed_by_household_with_its_head_and_persons_paid(portal: Portal) -> None:
    # 王芳 is paid, her husband 李强 is the registered head; 赵六 is unregistered.
    assert lines(roster(portal, "东风村", "DIBAO")) == [
        "赵六户 保障 1 人 700.00元/月", "李强户 保障 1 人 500.00元/月"]
    page = roster(portal, "东风村", "DIBAO", q="王")  # a member's name finds the household
    assert lines(page) == ["李强户 保障 1 人 500.00元/月"] and "共 1 户" not in page
    assert "姓名含“王”的 1 户" in page
    assert lines(roster(portal, "东风村", "DIBAO", q="无此人")) == []


def test_a_publication_from_before_areas_and_heads_still_renders(
        staff_app: StaffApp, county_rows: Extract) -> None:
    old = replace(county_rows, entries=county_rows.entries.drop_columns(list(AREA_COLUMNS)),
                  households=county_rows.households.slice(0, 0))
    built = Portal(staff_app, old)
    built.publish()
    with staff_app.session() as session:  # as migration 0012 left the programs of old ones
        session.execute(update(PubProgram).values(listed_by="person"))
        session.commit()
    assert lines(roster(built, "草滩村", "JINMU")) == ["马牧 第1户 900.00元/年"]
    assert lines(roster(built, "东风村", "DIBAO")) == [
        "赵六 第1户 700.00元/月", "王芳 第3户 500.00元/月"]


def test_the_notice_and_objection_periods_count_from_the_day_of_publishing(
        portal: Portal) -> None:
    portal.staff_app.settings.notice_days = 7
    portal.staff_app.settings.objection_days = 15
    with portal.staff_app.session() as session:
        published = session.scalars(select(Publication.published_at)).one()
    first = published.astimezone(LOCAL_TIME).date()
    page = roster(portal, "东风村", "GAOLING")
    assert (f"公示期 {cn_day(first)}至{cn_day(first + timedelta(days=6))}" in page)
    assert f"异议期至{cn_day(first + timedelta(days=14))}" in page
    assert 'href="tel:12388"' in page and "城关镇电话" not in page


def phones_form(client: object, **phones: str) -> dict[str, object]:
    return {"csrf_token": csrf_of(client, "/staff/admin/townships"),  # type: ignore[arg-type]
            "township": list(phones), "phone": list(phones.values())}


def test_an_admin_enters_a_township_phone_and_its_villages_show_it_at_once(
        portal: Portal) -> None:
    village_page = roster(portal, "东风村", "GAOLING")  # kept in the portal's cache now
    assert "城关镇电话" not in village_page
    admin = portal.staff_app.client("admin")
    listed = admin.get("/staff/admin/townships")
    assert listed.status_code == 200 and "城关镇" in listed.text and "马家镇" in listed.text

    saved = admin.post("/staff/admin/townships", follow_redirects=False,
                       data=phones_form(admin, 城关镇="(0954) 1234567 转 8012", 马家镇=""))
    assert saved.status_code == 303
    page = roster(portal, "东风村", "GAOLING")
    assert '城关镇电话 <a href="tel:09541234567">(0954) 1234567 转 8012</a>' in page
    assert "纪检监察举报电话" in page
    assert "城关镇电话" in portal.client().get(
        village_link(portal.client().get("/").text, "西山村")).text
    assert "马家镇电话" not in roster(portal, "草滩村", "JINMU")  # none set: 12388 alone
    with portal.staff_app.session() as session:
        audited = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "township.phone")).all()
        assert [(e.actor, e.target) for e in audited] == [("admin", "城关镇")]


def test_a_phone_that_is_not_a_number_is_refused_in_chinese(portal: Portal) -> None:
    admin = portal.staff_app.client("admin")
    refused = admin.post("/staff/admin/townships",
                         data=phones_form(admin, 城关镇="<script>x</script>"))
    assert refused.status_code == 400 and "不是电话号码" in refused.text
    assert "<script>x" not in refused.text
    assert "城关镇电话" not in roster(portal, "东风村", "GAOLING")
    # A township the publication does not name is not stored.
    admin.post("/staff/admin/townships", data=phones_form(admin, 别处镇="0954-1"))
    assert "别处镇" not in admin.get("/staff/admin/townships").text


@pytest.mark.parametrize("user", ["analyst", "verifier", "officer"])
def test_only_the_admin_may_set_phones(portal: Portal, user: str) -> None:
    client = portal.staff_app.client(user)
    assert client.get("/staff/admin/townships").status_code == 403
    sent = client.post("/staff/admin/townships", data={
        "csrf_token": csrf_of(client), "township": "城关镇", "phone": "0954-1"})
    assert sent.status_code == 403
    assert "城关镇电话" not in roster(portal, "东风村", "GAOLING")
