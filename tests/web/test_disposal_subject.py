"""处分对象 and the payment measures (停发, 取消资格) of a disposal, through the case page's
form: chosen from the warning's people or typed in (the name checked against the registry's
when the index has the ID), checked, stored, shown and logged with the ID masked, and on the
disciplined person's page; on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from sunlight.appdb.audit_tables import AuditEntry
from sunlight.appdb.case_tables import Case, CaseEvent
from sunlight.appdb.entity_tables import Entity
from sunlight.entities.refs import ref_for
from sunlight.masking import masked_name
from tests.appdb.builders import PERSON
from tests.web.case_builders import act, assigned_warning, case_of
from tests.web.conftest import TOWNSHIP, StaffApp
from tests.web.page_text import visible_text

CADRE_ID = "110101198001010010"
SANCTIONED = {"recovered_amount": "1,200.00", "party_discipline": "警告"}


def verified_warning(app: StaffApp) -> tuple[str, str]:
    warning_id, case_no = assigned_warning(app)
    verified = act(app, app.client("verifier"), case_no, "verify", verdict="属实",
                   reason="入户核实")
    assert verified.status_code == 303
    return warning_id, case_no


def offered_refs(html: str) -> list[str]:
    """The 处分对象 choices the disposal form offers (besides 未指定 and 另行填写)."""
    select_html = html.split('name="disciplined"', 1)[1].split("</select>", 1)[0]
    return [ref for ref in re.findall(r'value="([^"]*)"', select_html) if ref not in ("", "typed")]


def test_a_typed_cadre_is_stored_shown_linked_and_logged_masked(staff_app_both: StaffApp):
    app = staff_app_both
    warning_id, case_no = verified_warning(app)
    analyst = app.client("analyst")
    done = act(app, analyst, case_no, "dispose", **SANCTIONED, disciplined="typed",
               disciplined_id_number=CADRE_ID.lower(), disciplined_name="李村长",
               payment_stopped_on="2024-06-01", eligibility_revoked_on="2024-07-15")
    assert done.status_code == 303, done.text
    case = case_of(app, case_no)
    assert (case.disciplined_id_number, case.disciplined_name) == (CADRE_ID, "李村长")
    assert (str(case.payment_stopped_on), str(case.eligibility_revoked_on)) == (
        "2024-06-01", "2024-07-15")
    page = analyst.get(f"/staff/warnings/{warning_id}").text
    outcome = page.split('id="disposal-outcome"', 1)[1].split("</p>", 1)[0]
    assert "李村长（110101********0010）" in outcome and CADRE_ID not in page
    assert re.search(r'<a href="/staff/entities/person/[a-z2-7]{16}">李村长', outcome)
    assert "停发：自 2024-06-01 起" in outcome and "取消资格：自 2024-07-15 起" in outcome
    assert "处分对象 李村长 · 停发 自 2024-06-01 起" in page  # the decision log
    with app.session() as session:
        audit = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "case.dispose")).one()
        event = session.scalars(select(CaseEvent).where(CaseEvent.action == "dispose")).one()
    for details in (audit.details, event.details):
        assert details["disciplined_id_number"] == "110101********0010"
        assert details["disciplined_name"] == "李村长"
        assert details["payment_stopped_on"] == "2024-06-01"
    assert CADRE_ID not in str(audit.details)
    dashboard = analyst.get("/staff/dashboard").text  # counted per model
    assert '<td data-label="停发" class="num">1</td>' in dashboard
    assert '<td data-label="取消资格" class="num">1</td>' in dashboard


def test_the_warnings_payee_is_offered_and_chosen_by_masked_id(staff_app_both: StaffApp):
    app = staff_app_both
    warning_id, case_no = verified_warning(app)
    analyst = app.client("analyst")
    page = analyst.get(f"/staff/warnings/{warning_id}").text
    refs = offered_refs(page)
    assert refs == ["610327********0172"] and PERSON not in page
    assert "王芳（610327********0172，领取人）" in page
    done = act(app, analyst, case_no, "dispose", **SANCTIONED, disciplined=refs[0])
    assert done.status_code == 303, done.text
    case = case_of(app, case_no)
    assert (case.disciplined_id_number, case.disciplined_name) == (PERSON, "王芳")
    assert case.payment_stopped_on is None and case.eligibility_revoked_on is None
    shown = analyst.get(f"/staff/warnings/{warning_id}").text
    assert "停发：否" in shown and "取消资格：否" in shown


def refused(app: StaffApp, **fields: str) -> tuple[str, Case]:
    _, case_no = verified_warning(app)
    response = act(app, app.client("analyst"), case_no, "dispose", **fields)
    assert response.status_code == 400
    return response.text, case_of(app, case_no)


def test_a_wrong_id_number_is_refused_with_the_input_kept(staff_app: StaffApp):
    wrong = CADRE_ID[:17] + "1"  # one slip: the check character no longer matches
    text, case = refused(staff_app, **SANCTIONED, disciplined="typed",
                         disciplined_id_number=wrong, disciplined_name="李村长")
    assert "身份证号“110101198001010011”有误" in text
    assert 'value="李村长"' in text  # kept for correcting
    assert case.status == "verified" and case.disciplined_id_number == ""


def test_a_sanction_without_a_disciplined_person_is_refused(staff_app: StaffApp):
    text, case = refused(staff_app, **SANCTIONED)
    assert "请选择或填写处分对象" in text and case.party_discipline == ""


def test_a_typed_person_needs_both_id_and_name(staff_app: StaffApp):
    text, _ = refused(staff_app, **SANCTIONED, disciplined="typed",
                      disciplined_id_number=CADRE_ID)
    assert "请填写身份证号和姓名" in text


def test_a_choice_not_among_the_cases_people_is_refused(staff_app: StaffApp):
    text, _ = refused(staff_app, **SANCTIONED, disciplined="110101********0010")
    assert "不在此案件涉及的人员中" in text


@pytest.mark.parametrize(("field", "typed", "message"), [
    ("payment_stopped_on", "2024-02-30", "停发的生效日期格式应为 YYYY-MM-DD"),
    ("eligibility_revoked_on", "2999-01-01", "取消资格的生效日期不能晚于今天"),
    ("payment_stopped_on", "1980-01-01", "停发的生效日期不能早于 1990-01-01"),
])
def test_measures_take_real_past_dates(staff_app: StaffApp, field: str, typed: str,
                                       message: str):
    text, case = refused(staff_app, recovered_amount="0", **{field: typed})
    assert message in text and getattr(case, field) is None


def test_a_disposal_without_sanctions_may_name_nobody(staff_app: StaffApp):
    _, case_no = verified_warning(staff_app)
    done = act(staff_app, staff_app.client("analyst"), case_no, "dispose",
               recovered_amount="300", payment_stopped_on="2024-05-01")
    assert done.status_code == 303
    case = case_of(staff_app, case_no)
    assert case.disciplined_id_number == "" and str(case.payment_stopped_on) == "2024-05-01"


def registered(app: StaffApp, id_number: str, *names: str) -> str:
    """The person in the entity index, with a registry state for each name (latest first):
    their page's URL."""
    states = [[name, "女", "1980-01-01", "H0009", "户主", TOWNSHIP, "东村", "正常", None]
              for name in names]
    with app.session() as session:
        ref = ref_for(session, "person", id_number)
        session.add(Entity(kind="person", key=id_number, ref=ref, name=names[0],
                           township=TOWNSHIP, village="东村", household="H0009", warnings=0,
                           doc={"registry": states}))
        session.commit()
    return f"/staff/entities/person/{ref}"


def test_a_typed_id_the_registry_names_otherwise_is_refused(staff_app_both: StaffApp):
    registered(staff_app_both, CADRE_ID, "周玉兰")
    text, case = refused(staff_app_both, **SANCTIONED, disciplined="typed",
                         disciplined_id_number=CADRE_ID, disciplined_name="张三")
    assert "该身份证号在户籍中的姓名为周*兰，与填写的姓名不符" in text
    assert "周玉兰" not in text and case.disciplined_id_number == ""


def test_a_typed_name_the_registry_knows_is_taken_as_written(staff_app: StaffApp):
    registered(staff_app, CADRE_ID, "周玉兰", "周玉蘭")  # renamed: either registry name
    _, case_no = verified_warning(staff_app)
    done = act(staff_app, staff_app.client("analyst"), case_no, "dispose", **SANCTIONED,
               disciplined="typed", disciplined_id_number=CADRE_ID, disciplined_name="周 玉蘭")
    assert done.status_code == 303, done.text
    assert case_of(staff_app, case_no).disciplined_name == "周 玉蘭"


def test_the_disciplined_persons_page_says_so_with_the_sanction(staff_app_both: StaffApp):
    app = staff_app_both
    page = registered(app, CADRE_ID, "周玉兰")
    _, case_no = verified_warning(app)
    analyst = app.client("analyst")
    assert "受处分情况" not in analyst.get(page).text
    done = act(app, analyst, case_no, "dispose", **SANCTIONED, disciplined="typed",
               disciplined_id_number=CADRE_ID, disciplined_name="周玉兰")
    assert done.status_code == 303, done.text
    html = analyst.get(page).text
    facts = html.split('id="disciplined"', 1)[1].split("</dd>", 1)[0]
    assert f'<a href="/staff/cases/{case_no}">{case_no}</a>：党纪处分 警告' in facts
    assert "处分对象：党纪处分 警告" in visible_text(html.split('id="cases"', 1)[1])
    payee_page = analyst.get(registered(app, PERSON, "王芳")).text  # paid, not disciplined
    assert "受处分情况" not in payee_page and "处分对象：" not in payee_page


@pytest.mark.parametrize(("name", "shown"), [
    ("周玉兰", "周*兰"), ("李明", "李*"), ("欧阳春晓", "欧**晓"), ("王", "*")])
def test_a_registry_name_is_quoted_masked(name: str, shown: str):
    assert masked_name(name) == shown
