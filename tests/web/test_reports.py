"""随手拍 over HTTP: a villager reports from a beneficiary's page, the report lands in the
workbench as a case, staff reply, and the reporter follows it on /track; who may see what;
CSRF, rate and size limits, and messages in Chinese."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from sunlight.appdb.account_tables import User
from sunlight.appdb.audit_tables import AuditEntry
from sunlight.appdb.case_tables import Case
from sunlight.appdb.report_tables import Report, ReportPhoto, ReportReply
from sunlight.cases.workflow import take
from sunlight.reports.codes import code_hash
from sunlight.reports.photos import MAX_BYTES
from sunlight.reports.reply_due import reply_due, spoken_date
from sunlight.web.portal import guard
from tests.appdb.builders import detection
from tests.publish_county import wang
from tests.web.case_builders import act, case_of
from tests.web.conftest import TOWNSHIP, StaffApp, csrf_of
from tests.web.portal_support import Portal, county_rows, portal, village_link
from tests.web.report_support import (
    file_report,
    hidden_fields,
    person_report_page,
    photo_with_gps,
    track,
    tracking_code,
)
from tests.web.stored import store

__all__ = ["county_rows", "portal"]


def only_case(app: StaffApp) -> Case:
    with app.session() as session:
        return session.scalars(select(Case)).one()


def only_report(app: StaffApp) -> Report:
    with app.session() as session:
        return session.scalars(select(Report)).one()


def reply(app: StaffApp, user: str, case_no: str, text: str) -> int:
    client = app.client(user)
    return client.post(f"/staff/cases/{case_no}/reply", follow_redirects=False, data={
        "csrf_token": csrf_of(client), "reply": text}).status_code


def test_report_case_reply_and_tracking_end_to_end(portal: Portal) -> None:
    app, villager = portal.staff_app, portal.client()
    form = person_report_page(villager)
    page = villager.get(form)
    assert "反映对象：<strong>王芳</strong>" in page.text
    assert wang.id not in page.text

    filed = file_report(villager, form, photos=[photo_with_gps()])
    assert filed.status_code == 200 and filed.headers["cache-control"] == "no-store"
    code = tracking_code(filed.text)
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", code)

    case = only_case(app)
    assert (case.kind, case.status, case.township, case.village) == ("report", "open",
                                                                     "城关镇", "东风村")
    report = only_report(app)
    assert report.subject_name == "王芳" and report.subject_masked_id == \
        wang.id[:6] + "*" * 12
    assert code.replace(" ", "") not in report.code_hash  # only a hash is kept

    analyst = app.client("analyst")
    listed = analyst.get("/staff/cases", params={"kind": "report"})
    assert case.case_no in listed.text and "举报" in listed.text
    case_page = analyst.get(f"/staff/cases/{case.case_no}")
    assert case_page.status_code == 200
    assert "举报内容（随手拍）" in case_page.text and "此人已外出务工多年" in case_page.text
    assert "匿名" in case_page.text
    photo_url = re.search(r'src="(/staff/cases/\w+/photos/\d+)"', case_page.text)
    assert photo_url
    picture = analyst.get(photo_url.group(1))
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/jpeg"
    assert not Image.open(io.BytesIO(picture.content)).getexif()

    tracked = track(villager, code.replace(" ", "-"))
    assert tracked.status_code == 200 and "待分派" in tracked.text and "暂无答复" in tracked.text

    assert act(app, analyst, case.case_no, "assign",
               assignee=str(app.users["verifier"])).status_code == 303
    analyst.post(f"/staff/cases/{case.case_no}/comments", data={
        "csrf_token": csrf_of(analyst), "body": "内部意见：先核对务工证明"})
    assert reply(app, "verifier", case.case_no, "已受理，正在入户核查。") == 303
    assert act(app, app.client("verifier"), case.case_no, "verify", verdict="属实",
               reason="村民证实").status_code == 303

    tracked = track(villager, code)
    steps = re.findall(r"<strong>(\S+)</strong> <span>", tracked.text)
    assert steps == ["待分派", "核查中", "已核实"]
    assert "已受理，正在入户核查。" in tracked.text
    assert "内部意见" not in tracked.text and "村民证实" not in tracked.text
    assert "verifier" not in tracked.text and "analyst" not in tracked.text

    # A second reply adds to the first: the villager reads both, the first first.
    assert reply(app, "analyst", case.case_no, "经核实情况属实，已停发并追回。") == 303
    tracked = track(villager, code).text
    assert tracked.index("已受理，正在入户核查。") < tracked.index("经核实情况属实，已停发并追回。")
    assert "补充答复于" in tracked
    page = app.client("analyst").get(f"/staff/cases/{case.case_no}").text
    assert "已受理，正在入户核查。" in page and "发布补充答复" in page
    with app.session() as session:
        actions = session.scalars(select(AuditEntry.action).where(
            AuditEntry.target == case.case_no)).all()
    assert "report.file" in actions and "report.reply" in actions


def test_the_photo_is_stored_by_hash_without_its_metadata(portal: Portal) -> None:
    app = portal.staff_app
    file_report(portal.client(), photos=[photo_with_gps((40, 20), orientation=6)])
    with app.session() as session:
        photo = session.scalars(select(ReportPhoto)).one()
    stored = app.settings.report_photos_dir / photo.sha256[:2] / photo.sha256
    data = stored.read_bytes()
    assert b"PhoneMaker" not in data and b"Exif" not in data
    assert (photo.width, photo.height) == (20, 40)  # turned upright before EXIF went
    assert [p.name for p in app.settings.report_photos_dir.rglob("*") if p.is_file()] == \
        [photo.sha256]


@pytest.mark.parametrize(("user", "status"), [("analyst", 200), ("verifier", 200),
                                              ("verifier_other", 404), ("officer", 403),
                                              ("admin", 403)])
def test_who_sees_a_report_and_its_photos(portal: Portal, user: str, status: int) -> None:
    app = portal.staff_app
    file_report(portal.client(), person_report_page(portal.client()),
                photos=[photo_with_gps()])
    case = only_case(app)
    act(app, app.client("analyst"), case.case_no, "assign", assignee=str(app.users["verifier"]))
    client = app.client(user)
    assert client.get(f"/staff/cases/{case.case_no}").status_code == status
    with app.session() as session:
        photo_id = session.scalars(select(ReportPhoto.id)).one()
    assert client.get(f"/staff/cases/{case.case_no}/photos/{photo_id}").status_code == status
    assert reply(app, user, case.case_no, "答复") == (303 if status == 200 else status)


def test_the_public_cannot_see_photos_or_reply(portal: Portal) -> None:
    app = portal.staff_app
    file_report(portal.client(), photos=[photo_with_gps()])
    case = only_case(app)
    anonymous = portal.client()
    photo = anonymous.get(f"/staff/cases/{case.case_no}/photos/1", follow_redirects=False)
    assert photo.status_code == 303 and photo.headers["location"].startswith("/staff/login")
    assert anonymous.post(f"/staff/cases/{case.case_no}/reply",
                          data={"reply": "x"}).status_code == 401


def test_a_reply_is_checked_and_needs_the_csrf_token(portal: Portal) -> None:
    app = portal.staff_app
    file_report(portal.client())
    case_no = only_case(app).case_no
    analyst = app.client("analyst")
    empty = analyst.post(f"/staff/cases/{case_no}/reply",
                         data={"csrf_token": csrf_of(analyst), "reply": "  "})
    assert empty.status_code == 400 and "请填写答复内容" in empty.text
    forged = analyst.post(f"/staff/cases/{case_no}/reply", data={"reply": "答复"})
    assert forged.status_code == 403
    with app.session() as session:
        assert session.scalars(select(ReportReply)).all() == []


def test_a_warning_case_has_no_reply(staff_app: StaffApp) -> None:
    from tests.web.case_builders import report_case

    case_no = report_case(staff_app)  # a case of kind report without a citizen's report
    assert reply(staff_app, "analyst", case_no, "答复") == 404


def test_the_village_form_and_the_general_form_place_the_case(portal: Portal) -> None:
    app, client = portal.staff_app, portal.client()
    village = village_link(client.get("/").text, "西山村")
    assert "随手拍举报" in client.get(village).text
    file_report(client, village + "/report", category="虚报面积")
    general = client.get("/report").text
    code = re.search(r'<option value="(\w+)">马家镇 马家村</option>', general)
    assert code
    file_report(client, "/report", village=code.group(1), category="优亲厚友")
    file_report(client, "/report", category="其他")
    with app.session() as session:
        places = session.execute(select(Case.township, Case.village, Case.title)
                                 .order_by(Case.id)).all()
    assert [(t, v) for t, v, _ in places] == [("城关镇", "西山村"), ("马家镇", "马家村"), ("", "")]
    assert places[0][2] == "随手拍·虚报面积（西山村）"


def test_contact_details_when_not_anonymous(portal: Portal) -> None:
    client = portal.client()
    missing = file_report(client, anonymous="0")
    assert missing.status_code == 400 and "请留下姓名或联系电话" in missing.text
    assert "此人已外出务工多年" in missing.text  # what they typed is kept
    assert file_report(client, anonymous="0", contact_phone="13800000000").status_code == 200
    report = only_report(portal.staff_app)
    assert not report.anonymous and report.contact_phone == "13800000000"


def test_bad_input_gets_a_chinese_message_and_keeps_the_text(portal: Portal) -> None:
    client = portal.client()
    bad = file_report(client, category="乱写")
    assert bad.status_code == 400 and "请选择问题类型" in bad.text
    assert "此人已外出务工多年" in bad.text
    short = file_report(client, description="有")
    assert short.status_code == 400 and "至少 5 个字" in short.text
    not_photo = file_report(client, photos=[b"%PDF-1.4 not a photo"])
    assert not_photo.status_code == 400 and "不是 JPEG 或 PNG 图片" in not_photo.text
    four = file_report(client, photos=[photo_with_gps()] * 4)
    assert four.status_code == 400 and "最多上传 3 张照片" in four.text
    assert portal.staff_app.session().scalars(select(Report)).all() == []


def test_size_limits_answer_413_in_chinese(portal: Portal) -> None:
    client = portal.client()
    big = file_report(client, photos=[b"\xff\xd8\xff" + b"0" * MAX_BYTES])
    assert big.status_code == 413 and "超过 5 MB" in big.text
    huge = client.post("/report", content=b"x" * 10,
                       headers={"content-length": str(17 * 1024 * 1024),
                                "content-type": "multipart/form-data; boundary=x"})
    assert huge.status_code == 413 and "提交的内容过大" in huge.text


def test_forms_need_the_portal_csrf_token(portal: Portal) -> None:
    client = portal.client()
    client.get("/report")
    refused = client.post("/report", data={"category": "冒领", "description": "描述足够长的问题",
                                           "anonymous": "1", "csrf_token": "forged.x"})
    assert refused.status_code == 403 and "页面已过期" in refused.text
    assert "描述足够长的问题" in refused.text
    tracked = client.post("/track", data={"code": "ABCD-EFGH-JKMN"})
    assert tracked.status_code == 403


def test_reports_and_tracking_are_rate_limited_per_browser(
        portal: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(portal.staff_app.settings, "portal_burst_per_minute", 1000)
    client = portal.client()
    for _ in range(5):
        assert file_report(client).status_code == 200
    sixth = file_report(client)
    assert sixth.status_code == 429 and "稍后再试" in sixth.text
    assert len(portal.staff_app.session().scalars(select(Report)).all()) == 5
    statuses = [track(client, "ABCD-EFGH-JKMN").status_code for _ in range(31)]
    assert statuses[:30] == [404] * 30 and statuses[30] == 429


def test_households_behind_one_address_each_get_their_own_allowance(
        portal: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guard, "BROWSERS_PER_ADDRESS", 2)  # the address: 2 browsers' worth
    monkeypatch.setattr(portal.staff_app.settings, "portal_burst_per_minute", 1000)
    first, second, third = portal.client(), portal.client(), portal.client()
    assert [file_report(first).status_code for _ in range(6)] == [200] * 5 + [429]
    assert [file_report(second).status_code for _ in range(5)] == [200] * 5  # not stopped
    assert file_report(third).status_code == 429  # a fresh browser: the address's cap holds


def test_track_explains_a_mistyped_or_unknown_code(portal: Portal) -> None:
    client = portal.client()
    assert "查询码" in client.get("/track").text
    short = track(client, "3849 2210")
    assert short.status_code == 400 and "16 位数字" in short.text
    assert "您输入了 8 位" in short.text
    old_short = track(client, "ABC")
    assert old_short.status_code == 400 and "字母查询码是 12 位" in old_short.text
    look_alike = track(client, "YCTC-TDV4-TZSO")  # an O where the code has no O
    assert look_alike.status_code == 400 and "查询码里没有“O”" in look_alike.text
    unknown = track(client, "ABCD-EFGH-JKMN")
    assert unknown.status_code == 404 and "没有找到这个查询码的举报" in unknown.text
    unknown = track(client, "3849 2210 7765 0193")
    assert unknown.status_code == 404 and "没有找到这个查询码的举报" in unknown.text


def test_a_report_form_from_an_old_version_says_the_publication_changed(
        portal: Portal) -> None:
    client = portal.client()
    form = person_report_page(client)
    fields = hidden_fields(client.get(form).text)  # the page open on the phone
    portal.publish()  # version 2: the link carries v=1
    assert client.get(form).status_code == 404
    stale = client.post("/report", data={**fields, "category": "冒领", "anonymous": "1",
                                         "description": "此人已外出务工多年"})
    assert stale.status_code == 404 and "公示已更新" in stale.text
    assert "此人已外出务工多年" in stale.text
    assert portal.staff_app.session().scalars(select(Report)).all() == []


def test_reports_work_before_anything_is_published(staff_app: StaffApp) -> None:
    client = staff_app.client()
    filed = file_report(client)
    assert filed.status_code == 200
    assert track(client, tracking_code(filed.text)).status_code == 200
    assert case_of(staff_app, only_case(staff_app).case_no).township == ""



def test_a_named_reporter_is_shown_to_the_commission_not_to_the_township(
        portal: Portal) -> None:
    assert file_report(portal.client(), anonymous="0", contact_name="李大爷",
                       contact_phone="13912345678").status_code == 200
    case_no = only_case(portal.staff_app).case_no
    with portal.staff_app.session() as session:
        case = session.scalars(select(Case)).one()
        analyst = session.get(User, portal.staff_app.users["analyst"])
        assert analyst is not None
        case.township = TOWNSHIP  # the verifier's, so that they may be assigned it
        take(session, case, "assign", analyst,
             {"assignee": str(portal.staff_app.users["verifier"])}, expected_version=1)
        session.commit()
    seen_by_analyst = portal.staff_app.client("analyst").get(f"/staff/cases/{case_no}").text
    assert "李大爷" in seen_by_analyst and "13912345678" in seen_by_analyst
    seen_by_verifier = portal.staff_app.client("verifier").get(f"/staff/cases/{case_no}")
    assert seen_by_verifier.status_code == 200
    assert "李大爷" not in seen_by_verifier.text and "13912345678" not in seen_by_verifier.text
    assert "联系方式仅县纪委监委可见" in seen_by_verifier.text


def test_analysts_see_a_report_and_a_warning_about_the_same_person_side_by_side(
        portal: Portal) -> None:
    app = portal.staff_app
    file_report(portal.client(), person_report_page(portal.client()))
    warning_id = store(app, [detection([1], subject=wang.id)])[wang.id]
    case_no = only_case(app).case_no
    analyst = app.client("analyst")
    case_page = analyst.get(f"/staff/cases/{case_no}").text
    assert f'href="/staff/warnings/{warning_id}"' in case_page and "避免重复核查" in case_page
    warning_page = analyst.get(f"/staff/warnings/{warning_id}").text
    assert f'href="/staff/cases/{case_no}"' in warning_page and "群众举报过此人" in warning_page

    with app.session() as session:  # the township verifier works the report, not the warning
        case = session.scalars(select(Case)).one()
        take(session, case, "assign", session.get(User, app.users["analyst"]),
             {"assignee": str(app.users["verifier"])}, expected_version=1)
        session.commit()
    seen_by_verifier = app.client("verifier").get(f"/staff/cases/{case_no}").text
    assert "避免重复核查" not in seen_by_verifier and warning_id not in seen_by_verifier


def test_an_anonymous_report_keeps_no_name_or_phone_even_if_sent(portal: Portal) -> None:
    filed = file_report(portal.client(), anonymous="1", contact_name="李大爷",
                        contact_phone="13912345678")
    assert filed.status_code == 200
    report = only_report(portal.staff_app)
    assert report.anonymous and (report.contact_name, report.contact_phone) == ("", "")
    with portal.staff_app.session() as session:
        details = [str(d) for d in session.scalars(select(AuditEntry.details)).all()]
    assert not any("李大爷" in d or "13912345678" in d for d in details)
    case_page = portal.staff_app.client("analyst").get(
        f"/staff/cases/{only_case(portal.staff_app).case_no}").text
    assert "李大爷" not in case_page and "13912345678" not in case_page


def test_a_code_issued_before_still_finds_its_report(portal: Portal) -> None:
    file_report(portal.client())
    with portal.staff_app.session() as session:  # as filed before codes became digits
        session.scalars(select(Report)).one().code_hash = code_hash("TQX79RF8SH4R")
        session.commit()
    tracked = track(portal.client(), "tqx7 9rf8 sh4r")
    assert tracked.status_code == 200 and "待分派" in tracked.text
    assert 'value="TQX7-9RF8-SH4R"' in tracked.text
    assert 'inputmode="numeric"' not in tracked.text  # letters can be typed again


def test_the_reporter_is_told_when_to_expect_a_reply(
        portal: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(portal.staff_app.settings, "report_reply_days", 7)
    client = portal.client()
    assert "一般在 7 个工作日内答复" in client.get("/report").text
    filed = file_report(client)
    due = spoken_date(reply_due(only_report(portal.staff_app).filed_at, 7))
    assert "一般在 7 个工作日内答复" in filed.text and f"{due} 前" in filed.text
    assert "不能凭姓名或电话查找" in filed.text
    code = tracking_code(filed.text)
    tracked = track(client, code).text
    assert f"答复期限：{due} 前（提交后 7 个工作日内）" in tracked
    assert "不能凭姓名或电话查找" in tracked and "已过答复期限" not in tracked

    with portal.staff_app.session() as session:  # filed a month ago, still unanswered
        report = session.scalars(select(Report)).one()
        report.filed_at = report.filed_at - timedelta(days=30)
        session.commit()
    assert "已过答复期限仍未答复，可拨打纪检监察举报电话 12388" in track(client, code).text
    assert reply(portal.staff_app, "analyst", only_case(portal.staff_app).case_no,
                 "已受理。") == 303
    answered = track(client, code).text
    assert "答复期限" not in answered and "已过答复期限" not in answered


def test_the_track_form_offers_the_number_pad_and_a_way_to_letters(portal: Portal) -> None:
    client = portal.client()
    digits = client.get("/track").text
    assert 'inputmode="numeric"' in digits and 'href="/track?letters=1"' in digits
    letters = client.get("/track", params={"letters": "1"}).text
    assert 'inputmode="numeric"' not in letters and "?letters=1" not in letters
