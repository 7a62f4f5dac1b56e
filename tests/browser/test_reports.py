"""随手拍 on a phone: a villager browses to a roster, reports a beneficiary with a photo and
tracks the report; an analyst (on a phone too) finds it among the cases, sees the photo and
replies; the villager sees the reply. Nothing is wider than the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from sunlight.appdb.case_tables import Case
from tests.browser.conftest import PHONE, Served, log_in
from tests.web.conftest import PASSWORD
from tests.web.report_support import photo_with_gps

pytestmark = pytest.mark.browser

FITS = "document.documentElement.scrollWidth <= window.innerWidth"



def phone(browser: Browser) -> Page:
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    context.set_default_timeout(10_000)
    return context.new_page()


def test_report_track_reply_on_a_phone(browser: Browser, published: Served) -> None:
    base = published.base_url
    villager = phone(browser)
    villager.goto(base + "/")
    villager.get_by_role("link", name="东风村").first.click()
    villager.get_by_role("link", name="农村最低生活保障名单").click()
    villager.get_by_label("按姓名查找").fill("王")
    villager.get_by_role("button", name="查找").click()
    villager.get_by_role("link", name="李强户").click()  # 低保 is listed by household
    villager.get_by_role("link", name="王芳", exact=True).click()
    villager.get_by_role("link", name="随手拍举报").click()
    expect(villager.get_by_text("反映对象：")).to_contain_text("王芳")
    assert villager.evaluate(FITS)

    villager.get_by_label("冒领", exact=True).check()
    villager.get_by_label("问题描述").fill("王芳一家已搬到县城居住，仍在村里领取低保。")
    villager.locator("#photos").set_input_files(
        {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": photo_with_gps()})
    villager.get_by_role("button", name="提交举报").click()
    expect(villager.get_by_role("heading", name="举报已提交")).to_be_visible()
    code = villager.locator("#tracking-code").inner_text().strip()
    assert len(code.replace("-", "")) == 12
    assert villager.evaluate(FITS)

    villager.get_by_role("link", name="查进度").first.click()
    villager.get_by_label("查询码").fill(code.lower())
    villager.get_by_role("button", name="查询").click()
    expect(villager.get_by_text("办理情况：")).to_contain_text("待分派")
    expect(villager.get_by_text("暂无答复")).to_be_visible()
    assert villager.evaluate(FITS)

    with published.staff_app.session() as session:
        case_no = session.scalars(select(Case.case_no)).one()
    staff = phone(browser)
    log_in(staff, base, "analyst", PASSWORD)
    staff.goto(base + "/staff/cases")
    staff.get_by_role("link", name=case_no).click()
    expect(staff.get_by_role("heading", name="举报内容（随手拍）")).to_be_visible()
    photo = staff.get_by_role("img", name="举报照片 1")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.naturalWidth") == 40
    staff.get_by_label("答复内容").fill("已收到，乡镇正在入户核查，结果会在此答复。")
    staff.get_by_role("button", name="发布答复").click()
    expect(staff.get_by_text("答复于")).to_be_visible()
    expect(staff.get_by_role("button", name="发布补充答复")).to_be_visible()
    assert staff.evaluate(FITS)

    villager.get_by_role("button", name="查询").click()
    expect(villager.get_by_text("已收到，乡镇正在入户核查，结果会在此答复。")).to_be_visible()
    assert "analyst" not in villager.content()
    assert villager.evaluate(FITS)
