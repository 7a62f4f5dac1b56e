"""Comments and attachments on a case: who may, what is stored where, what is refused."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from sunlight.appdb.audit_tables import AuditEntry
from sunlight.appdb.case_tables import CaseAttachment
from sunlight.cases.attachments import clean_name
from tests.web.case_builders import assigned_warning, report_case
from tests.web.conftest import OTHER_TOWNSHIP, StaffApp, csrf_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%fake but well begun\n"


def comment(client: TestClient, case_no: str, body: str) -> Response:
    return client.post(f"/staff/cases/{case_no}/comments", follow_redirects=False,
                       data={"csrf_token": csrf_of(client), "body": body})


def upload(client: TestClient, case_no: str, name: str, content: bytes,
           kind: str = "application/octet-stream") -> Response:
    return client.post(f"/staff/cases/{case_no}/attachments", follow_redirects=False,
                       data={"csrf_token": csrf_of(client)},
                       files={"file": (name, content, kind)})


def audited(app: StaffApp) -> list[str]:
    """The case actions in the audit log (logins are there too)."""
    with app.session() as session:
        return list(session.scalars(select(AuditEntry.action).where(
            AuditEntry.action.like("case.%")).order_by(AuditEntry.id)))


def attachment_ids(app: StaffApp) -> list[int]:
    with app.session() as session:
        return list(session.scalars(select(CaseAttachment.id).order_by(CaseAttachment.id)))


# Permissions ---------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(staff_app: StaffApp):
    case_no = report_case(staff_app)
    client = staff_app.client()
    download = client.get(f"/staff/cases/{case_no}/attachments/1", follow_redirects=False)
    assert download.status_code == 303 and "/staff/login" in download.headers["location"]
    assert client.post(f"/staff/cases/{case_no}/comments", data={"body": "x"}).status_code == 401
    assert client.post(f"/staff/cases/{case_no}/attachments",
                       files={"file": ("a.pdf", PDF)}).status_code == 401


@pytest.mark.parametrize("user", ["admin", "officer", "verifier_other"])
def test_those_who_may_not_see_the_case_may_not_comment_attach_or_download(
        staff_app: StaffApp, user: str):
    case_no = report_case(staff_app)
    assert upload(staff_app.client("analyst"), case_no, "a.pdf", PDF).status_code == 303
    [attachment] = attachment_ids(staff_app)
    client = staff_app.client(user)
    refused = 404 if user == "verifier_other" else 403  # outside their scope: as if missing
    assert comment(client, case_no, "不该出现").status_code == refused
    assert upload(client, case_no, "b.pdf", PDF).status_code == refused
    assert client.get(f"/staff/cases/{case_no}/attachments/{attachment}").status_code == refused
    assert "不该出现" not in staff_app.client("analyst").get(f"/staff/cases/{case_no}").text
    assert attachment_ids(staff_app) == [attachment]


def test_a_verifier_of_the_same_township_not_assigned_is_refused(staff_app: StaffApp):
    case_no = report_case(staff_app, "analyst")
    assert comment(staff_app.client("verifier"), case_no, "x").status_code == 404


# Comments ------------------------------------------------------------------------------


def test_the_assigned_verifier_comments_and_everyone_on_the_case_reads_it(staff_app: StaffApp):
    case_no = report_case(staff_app)
    response = comment(staff_app.client("verifier"), case_no, "已电话联系村委会，\n明日入户。")
    assert response.status_code == 303
    assert response.headers["location"] == f"/staff/cases/{case_no}#discussion"
    page = staff_app.client("analyst").get(f"/staff/cases/{case_no}").text
    assert "已电话联系村委会，\n明日入户。" in page and "verifier" in page
    assert audited(staff_app)[-1] == "case.comment"


def test_a_warnings_comment_returns_to_the_warning_page(staff_app: StaffApp):
    warning_id, case_no = assigned_warning(staff_app)
    response = comment(staff_app.client("analyst"), case_no, "请尽快核实")
    assert response.headers["location"] == f"/staff/warnings/{warning_id}#discussion"


def test_an_empty_or_overlong_comment_is_refused_and_kept(staff_app: StaffApp):
    case_no = report_case(staff_app)
    client = staff_app.client("analyst")
    empty = comment(client, case_no, "   ")
    assert empty.status_code == 400 and "评论内容不能为空" in empty.text
    long = "很长的说明" * 1001
    refused = comment(client, case_no, long)
    assert refused.status_code == 400 and "最多 5000 字" in refused.text
    assert long in refused.text


# Attachments ---------------------------------------------------------------------------


def test_a_file_is_stored_by_its_hash_and_downloaded_under_its_own_name(staff_app: StaffApp):
    case_no = report_case(staff_app)
    name = "户口本 首页.png"
    response = upload(staff_app.client("verifier"), case_no, name, PNG, "image/png")
    assert response.status_code == 303
    digest = hashlib.sha256(PNG).hexdigest()
    stored = staff_app.settings.attachments_dir / digest[:2] / digest
    assert stored.read_bytes() == PNG
    files = [p.name for p in staff_app.settings.attachments_dir.rglob("*") if p.is_file()]
    assert files == [digest]  # never under the sender's name
    [attachment] = attachment_ids(staff_app)
    page = staff_app.client("analyst").get(f"/staff/cases/{case_no}").text
    assert name in page and f"/staff/cases/{case_no}/attachments/{attachment}" in page
    download = staff_app.client("analyst").get(f"/staff/cases/{case_no}/attachments/{attachment}")
    assert download.status_code == 200 and download.content == PNG
    assert download.headers["content-type"] == "image/png"
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment;") and quote(name) in disposition
    assert download.headers["x-content-type-options"] == "nosniff"
    assert audited(staff_app)[-2:] == ["case.attach", "case.attachment.download"]


def test_the_same_file_twice_is_stored_once(staff_app: StaffApp):
    case_no = report_case(staff_app)
    client = staff_app.client("analyst")
    upload(client, case_no, "a.pdf", PDF)
    upload(client, case_no, "b.pdf", PDF)
    assert len(attachment_ids(staff_app)) == 2
    assert len([p for p in staff_app.settings.attachments_dir.rglob("*") if p.is_file()]) == 1


def test_an_attachment_is_downloaded_only_through_its_own_case(staff_app: StaffApp):
    first, second = report_case(staff_app), report_case(staff_app)
    upload(staff_app.client("analyst"), first, "a.pdf", PDF)
    [attachment] = attachment_ids(staff_app)
    client = staff_app.client("analyst")
    assert client.get(f"/staff/cases/{second}/attachments/{attachment}").status_code == 404
    assert client.get(f"/staff/cases/{first}/attachments/999").status_code == 404


@pytest.mark.parametrize(("name", "content", "message"), [
    ("setup.exe", b"MZ\x90\x00", "不支持此文件类型"),
    ("photo.png", b"GIF89a" + b"\x00" * 10, "文件内容与扩展名不符"),
    ("empty.pdf", b"", "文件是空的"),
    ("", PDF, "请选择要上传的文件"),
])
def test_a_wrong_file_is_refused_with_a_message(staff_app: StaffApp, name: str,
                                                content: bytes, message: str):
    case_no = report_case(staff_app)
    response = upload(staff_app.client("analyst"), case_no, name, content)
    assert response.status_code in (400, 422)
    if response.status_code == 400:
        assert message in response.text
    assert attachment_ids(staff_app) == []


def test_a_file_over_20_mb_is_refused(staff_app: StaffApp):
    case_no = report_case(staff_app)
    response = upload(staff_app.client("analyst"), case_no, "big.pdf",
                      b"%PDF-" + b"0" * (20 * 1024 * 1024))
    assert response.status_code == 413 and "文件超过 20 MB" in response.text
    assert attachment_ids(staff_app) == []
    leftovers = [p for p in staff_app.settings.attachments_dir.rglob("*") if p.is_file()]
    assert leftovers == []


def test_a_verifier_of_another_township_gets_no_case_of_theirs_by_guessing(staff_app: StaffApp):
    case_no = report_case(staff_app, "verifier_other", township=OTHER_TOWNSHIP)
    assert comment(staff_app.client("verifier_other"), case_no, "本镇案件").status_code == 303


@pytest.mark.parametrize(("sent", "kept"), [
    ("../../etc/passwd.pdf", "passwd.pdf"), ("C:\\Users\\王\\扫描件.pdf", "扫描件.pdf"),
    ("a\x00b\n.pdf", "ab.pdf"), ("x" * 300 + ".pdf", "x" * 196 + ".pdf")])
def test_the_senders_name_is_cleaned(sent: str, kept: str):
    assert clean_name(sent) == kept
