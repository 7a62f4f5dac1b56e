"""A citizen's report links to the entities it names: its village and township always; the
persons of that name in its township and village (several listed when several match), or,
when it names nobody, the villagers its text names; their household, vehicles, companies
and warnings; on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunlight.appdb.entity_tables import Entity, EntityLink
from sunlight.appdb.report_tables import Report
from sunlight.appdb.tables import Warning
from sunlight.cases.workflow import open_case
from sunlight.contract.cases import REPORT_CASE
from sunlight.entities.refs import ref_for
from tests.appdb.builders import PERSON, detection, run
from tests.web.case_builders import act, case_of
from tests.web.conftest import TOWNSHIP, StaffApp

VILLAGE = "东村"
NAMESAKE = "610327198002020031"
ELSEWHERE = "610327199003030046"


def entity(session: Session, kind: str, key: str, name: str, *, village: str = VILLAGE,
           household: str = "", doc: dict[str, object] | None = None) -> Entity:
    row = Entity(kind=kind, key=key, ref=ref_for(session, kind, key), name=name,
                 township=TOWNSHIP, village=village, household=household, warnings=0,
                 doc=doc or {})
    session.add(row)
    session.flush()
    return row


def seeded(app: StaffApp, masked_id: str = "") -> str:
    """王芳 twice in 东村 (one with a household, a car, a company and a warning), once in
    another village; a report about 王芳 of 东村. Its case number."""
    with app.session() as session:
        run(session, [detection(range(1, 4))])  # a warning on PERSON, 王芳
        wang = entity(session, "person", PERSON, "王芳", household="H0001", doc={
            "vehicles": [{"plate": "陕C12345", "type": "小型轿车", "status": "正常"}]})
        entity(session, "household", "H0001", "王大山")
        company = entity(session, "company", "91610327MA6X000001", "宝鸡某商贸有限公司")
        session.add(EntityLink(source_id=wang.id, target_id=company.id, kind="legal_rep",
                               role="legal_rep", details={}))
        entity(session, "person", NAMESAKE, "王芳")
        entity(session, "person", ELSEWHERE, "王芳", village="西村")
        entity(session, "person", "610327197106050199", "王小芳")
        case = open_case(session, kind=REPORT_CASE, title="举报：王芳", township=TOWNSHIP,
                         village=VILLAGE)
        session.add(Report(case_id=case.id, code_hash="0" * 64, filed_at=datetime.now(UTC),
                           category="冒领", description="王芳家有小汽车还领低保",
                           subject_name="王芳", subject_masked_id=masked_id))
        session.commit()
        return case.case_no


def section(html: str) -> str:
    return html.split('id="report-subjects"', 1)[1].split("</section>", 1)[0]


def test_a_report_links_every_namesake_of_its_village_with_their_ties(
        staff_app_both: StaffApp):
    app = staff_app_both
    case_no = seeded(app)
    shown = section(app.client("analyst").get(f"/staff/cases/{case_no}").text)
    people = re.findall(r'<a href="/staff/entities/person/[a-z2-7]{16}">([^<]+)</a>', shown)
    assert people == ["王芳（610327********0172）", "王芳（610327********0031）"]
    assert "共 2 人同名" in shown and PERSON not in shown
    assert re.search(r'户号 <a href="/staff/entities/household/[a-z2-7]{16}">H0001</a>'
                     r'（户主 王大山）', shown)
    assert "陕C12345（小型轿车）" in shown
    assert re.search(r'<a href="/staff/entities/company/[a-z2-7]{16}">宝鸡某商贸有限公司</a>',
                     shown)
    with app.session() as session:
        warning_id = session.scalars(select(Warning.warning_id)).one()
    assert f'预警：<a href="/staff/warnings/{warning_id}">{warning_id}</a>' in shown


def test_the_mask_the_portal_showed_narrows_the_namesakes(staff_app: StaffApp):
    case_no = seeded(staff_app, masked_id="610327198*********")
    shown = section(staff_app.client("analyst").get(f"/staff/cases/{case_no}").text)
    assert "610327********0031" in shown and "610327********0172" not in shown


def test_a_person_the_index_lacks_is_said_to_be_missing(staff_app: StaffApp):
    with staff_app.session() as session:
        case = open_case(session, kind=REPORT_CASE, title="举报", township=TOWNSHIP,
                         village=VILLAGE)
        session.add(Report(case_id=case.id, code_hash="1" * 64, filed_at=datetime.now(UTC),
                           category="其他", description="x", subject_name="赵无名"))
        session.commit()
        case_no = case.case_no
    shown = section(staff_app.client("analyst").get(f"/staff/cases/{case_no}").text)
    assert "实体索引中没有赵无名（同乡镇、同村）的记录" in shown


def test_a_reports_namesakes_are_offered_as_the_disciplined(staff_app: StaffApp):
    case_no = seeded(staff_app)
    analyst = staff_app.client("analyst")
    act(staff_app, analyst, case_no, "assign", assignee=str(staff_app.users["verifier"]))
    act(staff_app, staff_app.client("verifier"), case_no, "verify", verdict="属实",
        reason="入户核实")
    page = analyst.get(f"/staff/cases/{case_no}").text
    assert "王芳（610327********0031，本人）" in page
    done = act(staff_app, analyst, case_no, "dispose", recovered_amount="0",
               party_discipline="警告", disciplined="610327********0031")
    assert done.status_code == 303
    assert case_of(staff_app, case_no).disciplined_id_number == NAMESAKE


def nameless_report(app: StaffApp, description: str, village: str = VILLAGE) -> str:
    """A report filed without a roster line (no person in its fields): its case number."""
    with app.session() as session:
        case = open_case(session, kind=REPORT_CASE, title="举报", township=TOWNSHIP,
                         village=village)
        session.add(Report(case_id=case.id, code_hash="2" * 64, filed_at=datetime.now(UTC),
                           category="其他", description=description))
        session.commit()
        return case.case_no


def test_every_report_links_its_village_and_township(staff_app: StaffApp):
    named = seeded(staff_app)
    nameless = nameless_report(staff_app, "村委会公示栏一年没更新")
    with staff_app.session() as session:
        village = ref_for(session, "village", f"{TOWNSHIP}/{VILLAGE}")
        township = ref_for(session, "township", TOWNSHIP)
        session.commit()
    for case_no in (named, nameless):
        html = staff_app.client("analyst").get(f"/staff/cases/{case_no}").text
        place = html.split("反映地点", 1)[1].split("</dd>", 1)[0]
        assert f'href="/staff/entities/village/{village}">{VILLAGE}</a>' in place
        assert f'href="/staff/entities/township/{township}">{TOWNSHIP}</a>' in place


def test_a_report_naming_nobody_lists_the_villagers_its_text_names(staff_app_both: StaffApp):
    staff_app = staff_app_both
    seeded(staff_app)
    with staff_app.session() as session:
        entity(session, "person", "610327196505050013", "芳")  # one character: in any text
        session.commit()
    case_no = nameless_report(staff_app, "听说王小芳的表姐王芳家有小汽车还领低保")
    shown = section(staff_app.client("analyst").get(f"/staff/cases/{case_no}").text)
    people = re.findall(r'<a href="/staff/entities/person/[a-z2-7]{16}">([^<]+)</a>', shown)
    assert people == ["王小芳（610327********0199）", "王芳（610327********0172）",
                      "王芳（610327********0031）"]  # 西村's 王芳 is another village's
    assert "举报内容提到的本村人员" in shown and "举报未指明反映对象" in shown
    assert "陕C12345（小型轿车）" in shown and "宝鸡某商贸有限公司" in shown
    assert re.search(r'户号 <a href="/staff/entities/household/[a-z2-7]{16}">H0001</a>', shown)
    assert "预警：" in shown
    verifier_page = staff_app.client("verifier").get(f"/staff/cases/{case_no}")
    assert 'id="report-subjects"' not in verifier_page.text  # analysts only, as before


def test_a_report_naming_no_one_anyone_knows_says_so(staff_app: StaffApp):
    seeded(staff_app)
    shown = section(staff_app.client("analyst").get(
        f"/staff/cases/{nameless_report(staff_app, '村委会公示栏一年没更新')}").text)
    assert "内容中也没有东村人员的姓名" in shown and "/staff/entities/person/" not in shown


def test_the_villagers_a_report_names_are_offered_as_the_disciplined(staff_app: StaffApp):
    seeded(staff_app)
    case_no = nameless_report(staff_app, "王小芳家有小汽车还领低保")
    analyst = staff_app.client("analyst")
    act(staff_app, analyst, case_no, "assign", assignee=str(staff_app.users["verifier"]))
    act(staff_app, staff_app.client("verifier"), case_no, "verify", verdict="属实",
        reason="入户核实")
    done = act(staff_app, analyst, case_no, "dispose", recovered_amount="0",
               party_discipline="警告", disciplined="610327********0199")
    assert done.status_code == 303
    assert case_of(staff_app, case_no).disciplined_id_number == "610327197106050199"
