"""Entity pages: a person, account, household, company, village and township as the index
built at detection time holds them, linked to each other, masked unless revealed (audited),
and for a verifier only within their township."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from sunlight.appdb.audit_tables import AuditEntry
from sunlight.appdb.tables import Warning
from sunlight.detect import run_detection
from sunlight.masking import masked_number, public_masked_id
from sunlight.reports.filing import Draft, Place, Subject, file_report
from sunlight.settings import Settings
from tests.entities.county import CREDIT_CODE, clerk, son, wang, zhang, zhao
from tests.entities.indexed import detected, entity_address
from tests.models.county import TOWNSHIP, VILLAGE
from tests.web.conftest import StaffApp, form_token
from tests.web.page_text import visible_text
from tests.web.stored import assign


@pytest.fixture
def indexed(staff_app: StaffApp, ingested: Path) -> StaffApp:
    """The workbench after a detection run over the tiny county (one SHARED_ACCOUNT)."""
    detected(ingested, staff_app.settings.database_url)
    return staff_app


@pytest.fixture
def indexed_both(staff_app_both: StaffApp, ingested: Path) -> StaffApp:
    """The same on SQLite and on PostgreSQL."""
    detected(ingested, staff_app_both.settings.database_url)
    return staff_app_both


url = entity_address


def text_of(staff_app: StaffApp, kind: str, key: str, user: str = "analyst") -> str:
    response = staff_app.client(user).get(url(staff_app, kind, key))
    assert response.status_code == 200, response.text
    return response.text


def test_a_person_page_shows_registry_household_ties_and_payments(indexed: StaffApp):
    html = text_of(indexed, "person", zhang.id)
    text = visible_text(html)
    assert "张伟" in text and "村党支部书记" in text and "陕C12345" in text
    assert "陇县张氏商贸有限公司" in text  # the company they represent, linked
    assert url(indexed, "company", CREDIT_CODE) in html
    assert url(indexed, "household", "H002") in html
    assert zhang.id not in html and masked_number(zhang.id) in text
    assert "关系图谱" in text and f"{url(indexed, 'person', zhang.id)}/links" in html
    mother = text_of(indexed, "person", wang.id)
    assert "王强" in mother and url(indexed, "person", son.id) in mother  # household member
    assert "火化" in mother and "2024-03" in visible_text(mother)
    assert "2,000.00" in mother  # the month × program grid's total


def test_an_account_page_lists_every_payee_by_month_and_its_warning(indexed_both: StaffApp):
    indexed = indexed_both
    html = text_of(indexed, "account", wang.account)
    text = visible_text(html)
    for person in (wang, son, zhao):
        assert person.name in text and url(indexed, "person", person.id) in html
    assert url(indexed, "household", "H003") in html
    assert wang.account not in html and masked_number(wang.account) in text
    with indexed.session() as session:
        warning = session.scalars(select(Warning)).one()
    assert f"/staff/warnings/{warning.warning_id}" in html
    assert "800.00" in text  # 赵敏's two months of 400


def test_household_company_village_and_township_pages(indexed: StaffApp):
    home = visible_text(text_of(indexed, "household", "H001"))
    assert "王芳" in home and "王强" in home and "草原" in home and "陇县王家小卖部" in home
    assert "3,000.00" in home and "户内无人领取补贴" not in home  # its members' payment runs
    cadre_home = visible_text(text_of(indexed, "household", "H002"))
    assert "村党支部书记" in cadre_home and "小型轿车" in cadre_home
    company = text_of(indexed, "company", CREDIT_CODE)
    assert "存续" in company and url(indexed, "person", zhang.id) in company
    village = text_of(indexed, "village", f"{TOWNSHIP}/{VILLAGE}")
    assert "张伟" in village and "河西村" in village  # the township's other village beside it
    assert "75.0" in village  # 3 payees per 4 residents
    township = text_of(indexed, "township", TOWNSHIP)
    assert "钱进" in township and "科员" in township


def test_revealing_the_full_number_is_audited(indexed: StaffApp):
    client = indexed.client("analyst")
    page = url(indexed, "person", wang.id)
    response = client.post(f"{page}/reveal", data={"csrf_token": form_token(client.get(page).text)})
    assert response.status_code == 200 and wang.id in response.text
    with indexed.session() as session:
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "view.entity"))
        assert entry.actor == "analyst" and wang.id not in str(entry.details)


def test_a_birth_date_beside_a_masked_id_shows_its_month_only(indexed: StaffApp):
    # The masked ID hides exactly its birth-date digits: the day beside it would give them back.
    client = indexed.client("analyst")
    page = url(indexed, "person", wang.id)
    html = client.get(page).text
    text = visible_text(html)
    assert "1950年3月" in text
    assert "1950-03-05" not in html and "19500305" not in html and "3月5日" not in text
    household = client.get(url(indexed, "household", "H001")).text
    assert "1950-03-05" not in household and "1975-06-01" not in household
    revealed = client.post(f"{page}/reveal", data={"csrf_token": form_token(html)}).text
    assert "1950-03-05" in revealed and wang.id in revealed  # once revealed, and audited


def test_a_verifier_sees_their_township_only_and_their_own_warnings(indexed: StaffApp):
    page = url(indexed, "account", wang.account)
    assert indexed.client("verifier_other").get(page).status_code == 404
    assert "/staff/warnings/" not in indexed.client("verifier").get(page).text
    with indexed.session() as session:
        warning_id = session.scalars(select(Warning.warning_id)).one()
    assign(indexed, warning_id, "verifier")
    assert f"/staff/warnings/{warning_id}" in indexed.client("verifier").get(page).text
    assert indexed.client("officer").get(page).status_code == 403


def test_an_unknown_ref_is_a_404_and_an_unbuilt_index_says_when_it_comes(
        staff_app: StaffApp, ingested: Path):
    client = staff_app.client("analyst")
    unbuilt = client.get(url(staff_app, "person", wang.id))
    assert unbuilt.status_code == 404 and "下次运行检测时将自动建立" in unbuilt.text
    run_detection(Settings(home=ingested, database_url=staff_app.settings.database_url),
                  ["SHARED_ACCOUNT"])
    unknown = client.get("/staff/entities/person/aaaaaaaaaaaaaaaa")
    assert unknown.status_code == 404 and "未找到" in unknown.text
    assert client.get(url(staff_app, "person", clerk.id)).status_code == 200


def test_a_citizens_report_naming_the_person_is_on_their_page_and_their_village(
        indexed: StaffApp, tmp_path: Path):
    with indexed.session() as session:
        filed = file_report(
            session, Draft(category="冒领", description="已去世仍在领取", anonymous=True),
            Place(township=TOWNSHIP, village=VILLAGE),
            Subject(publication_version=1, beneficiary_no=1, name="王芳",
                    masked_id=public_masked_id(wang.id)), [], tmp_path)
        session.commit()
        case_no = filed.case.case_no
    assert f"/staff/cases/{case_no}" in text_of(indexed, "person", wang.id)
    assert f"/staff/cases/{case_no}" not in text_of(indexed, "person", son.id)
    assert f"/staff/cases/{case_no}" in text_of(indexed, "village", f"{TOWNSHIP}/{VILLAGE}")
