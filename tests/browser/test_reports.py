"""随手拍 on a phone: a villager browses to a roster, reports a beneficiary with a photo and
tracks the report; an analyst (on a phone too) finds it among the cases, sees the photo and
replies; the villager sees the reply. Nothing is wider than the screen."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from sunlight.appdb.case_tables import Case
from sunlight.appdb.report_tables import Report
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
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", code)
    assert villager.evaluate(FITS)

    villager.get_by_role("link", name="查进度").first.click()
    villager.get_by_label("查询码").fill(code.replace(" ", ""))
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
    photo.scroll_into_view_if_needed()  # it loads lazily, once near the screen
    staff.wait_for_function("img => img.complete", arg=photo.element_handle())
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


def test_an_anonymous_report_with_a_photo_gives_a_code_to_copy_save_and_track(
        page: Page, published: Served) -> None:
    base = published.base_url
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page.goto(base + "/report")
    name = page.get_by_label("姓名（实名时填写）")
    phone_field = page.get_by_label("联系电话（实名时填写）")
    expect(page.get_by_text("一般在 15 个工作日内答复")).to_be_visible()
    expect(name).to_be_hidden()  # 匿名 is chosen first
    page.get_by_label("实名（便于核实）").check()
    name.fill("李大爷")
    phone_field.fill("13912345678")
    page.get_by_label("匿名", exact=True).check()
    expect(name).to_be_hidden()
    expect(phone_field).to_be_hidden()

    button = page.get_by_text("拍照或选择照片")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44
    with page.expect_file_chooser() as chooser:
        button.click()
    assert chooser.value.is_multiple()
    chooser.value.set_files([
        {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": photo_with_gps()},
        {"name": "IMG_0002.jpg", "mimeType": "image/jpeg", "buffer": photo_with_gps()}])
    expect(page.locator("#photos-chosen")).to_have_text("已选择 2 张：IMG_0001.jpg、IMG_0002.jpg")
    page.get_by_label("冒领", exact=True).check()
    page.get_by_label("问题描述").fill("有人已搬到县城居住，仍在村里领取低保。")
    assert page.evaluate(FITS)
    page.get_by_role("button", name="提交举报").click()

    expect(page.get_by_role("heading", name="举报已提交")).to_be_visible()
    code = page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", code)
    expect(page.get_by_text("附照片 2 张")).to_be_visible()
    expect(page.get_by_text("不能凭姓名或电话查找举报")).to_be_visible()
    assert page.evaluate(FITS)
    with published.staff_app.session() as session:
        report = session.scalars(select(Report)).one()
        assert (report.anonymous, report.contact_name, report.contact_phone) == (True, "", "")
        assert len(report.photos) == 2

    page.get_by_role("button", name="复制查询码").click()
    expect(page.get_by_role("status")).to_contain_text("查询码已复制")
    assert page.evaluate("navigator.clipboard.readText()") == code

    with page.expect_download() as download:
        page.get_by_role("button", name="保存为图片").click()
    assert download.value.suggested_filename == f"举报查询码-{code.replace(' ', '')}.png"
    picture = Image.open(io.BytesIO(download.value.path().read_bytes()))
    assert picture.format == "PNG" and picture.width >= 720 and picture.height > picture.width / 2
    assert page.evaluate(FITS)

    page.get_by_role("link", name="查进度").first.click()
    code_box = page.get_by_label("查询码")
    assert code_box.get_attribute("inputmode") == "numeric"  # the number pad on a phone
    code_box.fill(code)  # with its spaces, as it was shown
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("办理情况：")).to_contain_text("待分派")
    expect(page.get_by_text("答复期限：")).to_contain_text("前（提交后 15 个工作日内）")
    assert page.evaluate(FITS)


def test_the_photo_button_is_reached_from_the_keyboard_and_opens_the_chooser(
        page: Page, published: Served) -> None:
    page.goto(published.base_url + "/report")
    page.get_by_label("问题描述").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "photos"
    outline = page.locator(".photo-button").evaluate("b => getComputedStyle(b).outlineStyle")
    assert outline == "solid"  # the focus shows on the button the user sees
    # Focus is on the browser's own file input (hidden, not removed), so Space and Enter open
    # its chooser as they do any file input's; pressing them here raced Playwright's chooser
    # interception, so the click on the button the user sees stands for them.
    assert page.evaluate("document.activeElement.type") == "file"
    with page.expect_file_chooser() as chooser:
        page.locator(".photo-button").click()
    chooser.value.set_files({"name": "门前.jpg", "mimeType": "image/jpeg",
                             "buffer": photo_with_gps()})
    expect(page.locator("#photos-chosen")).to_have_text("已选择 1 张：门前.jpg")


def test_without_the_clipboard_the_code_is_selected_for_copying(
        page: Page, published: Served) -> None:
    # Served over plain HTTP, a phone's browser has no navigator.clipboard.
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page.goto(published.base_url + "/report")
    page.get_by_label("其他", exact=True).check()
    page.get_by_label("问题描述").fill("村里的补贴名单有问题，请核查。")
    page.get_by_role("button", name="提交举报").click()
    code = page.locator("#tracking-code").inner_text().strip()
    page.get_by_role("button", name="复制查询码").click()
    expect(page.get_by_role("status")).to_contain_text("查询码")
    assert page.evaluate("window.getSelection().toString()").strip() == code
