"""发放前筛查 from the workbench: a finance officer or an analyst uploads a batch, it is screened
in the background, the held and unreadable rows are shown and the verdict files downloaded by
their owner and analysts only; the batch file is gone once screened; each screening audited."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from sunlight.appdb.audit_tables import AuditEntry
from sunlight.appdb.database import writing
from sunlight.appdb.job_tables import Job
from sunlight.appdb.screening_tables import SCREENING_RUNNING, Screening
from sunlight.jobs.kinds import SCREEN
from sunlight.screenings.retention import remove_expired
from sunlight.screenings.worker import screen_cut_off
from sunlight.settings import Settings
from sunlight.web.app import create_app
from sunlight.web.middleware import body_limit
from tests.web.conftest import SECRET_KEY, StaffApp, csrf_of, log_in, make_staff_app
from tests.web.page_text import visible_text
from tests.web.screening_support import add_finance_officers, screened, screenings, send_batch

GOOD_ID = "610327197106050172"
ACCOUNT = "6217493730820689217"
BATCH = ("项目名称,身份证号,姓名,所属期,金额,银行账号\n"
         f"农村低保,{GOOD_ID},王芳,2025-01,500.00,{ACCOUNT}\n"
         f"农村低保,{GOOD_ID},王芳,2025-01,500.00,{ACCOUNT}\n"
         "农村低保,12345,李四,2025-01,300.00,6217493730820680000\n").encode()
"""Row 3 pays row 2's person, program and month again (held); row 4's ID cannot be read."""


@pytest.fixture
def finance(staff_app: StaffApp) -> StaffApp:
    add_finance_officers(staff_app)
    return staff_app


def verdict_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_an_officer_screens_a_batch_and_sees_the_held_row_with_its_reason(finance: StaffApp):
    client = finance.client("caizheng")
    location = screened(finance, client, "待发放清单.csv", BATCH)
    page = client.get(location).text
    text = visible_text(page)
    assert "应暂缓发放的行" in text and "重复发放" in text and "DUPLICATE_PAYMENT" not in text
    assert "无法读取的行" in text and "身份证号无法识别" in text and "12345" in text
    assert "610327********0172" in text and GOOD_ID not in text  # masked on the page
    [screening] = screenings(finance)
    assert (screening.status, screening.rows, screening.unreadable) == ("done", 3, 1)
    assert screening.held >= 1
    # The warehouse is empty: the models that need its data did not run, and the page says so.
    assert "DECEASED_PAID" in screening.not_run and "死亡后仍领取" in text
    assert "本次没有检查" in text
    rows = verdict_rows(client.get(f"{location}/verdicts.csv").content)
    assert [(r["row"], r["verdict"]) for r in rows][2] == ("4", "unreadable")
    assert rows[1]["verdict"] == "hold" and "DUPLICATE_PAYMENT" in rows[1]["models"]
    book = client.get(f"{location}/verdicts.xlsx")
    assert book.status_code == 200
    assert len(CalamineWorkbook.from_filelike(io.BytesIO(book.content)).sheet_names) >= 2
    listing = visible_text(client.get("/staff/screening").text)
    assert "待发放清单.csv" in listing and "已完成" in listing


def test_the_batch_file_is_deleted_once_screened(finance: StaffApp):
    client = finance.client("caizheng")
    screened(finance, client, "待发放清单.csv", BATCH)
    [screening] = screenings(finance)
    kept = [p for p in finance.settings.screenings_dir.rglob("*") if p.is_file()]
    assert sorted(p.name for p in kept) == ["verdicts.csv", "verdicts.xlsx"]
    assert not (finance.settings.screenings_dir / str(screening.id) / "batch").exists()


def test_a_file_screening_cannot_read_is_refused_with_its_reason_and_deleted(finance: StaffApp):
    client = finance.client("caizheng")
    location = screened(finance, client, "说明.csv", "甲,乙\n1,2\n".encode())
    text = visible_text(client.get(location).text)
    assert "被拒收" in text and "说明.csv" in text
    assert [p for p in finance.settings.screenings_dir.rglob("*") if p.is_file()] == []
    assert client.get(f"{location}/verdicts.xlsx").status_code == 404


def test_a_file_of_another_type_is_refused_before_anything_is_kept(finance: StaffApp):
    client = finance.client("caizheng")
    response = send_batch(client, "清单.pdf", b"%PDF-1.4 not a batch")
    assert response.status_code == 400 and "不支持的文件类型" in response.text
    assert screenings(finance) == []
    assert [p for p in finance.settings.screenings_dir.rglob("*") if p.is_file()] == []


def test_each_screening_is_audited_with_who_hash_rows_and_holds(finance: StaffApp):
    client = finance.client("caizheng")
    screened(finance, client, "待发放清单.csv", BATCH)
    [screening] = screenings(finance)
    with finance.session() as session:
        entry = session.scalars(select(AuditEntry)
                                .where(AuditEntry.action == "screening")).one()
    assert entry.actor == "caizheng" and entry.target == f"screening:{screening.id}"
    assert entry.details["sha256"] == screening.file_hash and len(screening.file_hash) == 64
    assert entry.details["rows"] == 3 and entry.details["held"] == screening.held
    assert entry.details["unreadable"] == 1
    log = visible_text(finance.client("admin").get("/staff/admin/audit").text)
    assert f"第 {screening.id} 号发放前筛查" in log and "暂缓发放行数" in log


def test_an_officer_of_another_department_has_nothing_to_screen(finance: StaffApp):
    client = finance.client("officer")  # 公安局: residents and deaths
    page = client.get("/staff/screening")
    assert page.status_code == 200 and "没有需要发放前筛查的清单" in page.text
    assert 'name="file"' not in page.text
    refused = send_batch(client, "待发放清单.csv", BATCH)
    assert refused.status_code == 403 and "本部门" in refused.text
    assert screenings(finance) == []


@pytest.mark.parametrize("who", ["verifier", "admin"])
def test_verifiers_and_admins_are_refused(finance: StaffApp, who: str):
    client = finance.client(who)
    assert client.get("/staff/screening").status_code == 403
    assert send_batch(client, "待发放清单.csv", BATCH).status_code == 403


def test_anonymous_is_sent_to_log_in(finance: StaffApp):
    response = finance.client().get("/staff/screening", follow_redirects=False)
    assert response.status_code == 303 and "/staff/login" in response.headers["location"]


def test_another_officer_guessing_screening_ids_finds_nothing(finance: StaffApp):
    owner = finance.client("caizheng")
    screened(finance, owner, "待发放清单.csv", BATCH)
    [screening] = screenings(finance)
    other = finance.client("caizheng2")
    for guess in range(1, screening.id + 5):  # the real one among ids that do not exist
        for tail in ("", "/status", "/verdicts.xlsx", "/verdicts.csv"):
            response = other.get(f"/staff/screening/{guess}{tail}")
            assert response.status_code == 404, (guess, tail)
            assert GOOD_ID not in response.text
    assert "待发放清单.csv" not in other.get("/staff/screening").text
    analyst = finance.client("analyst")
    assert analyst.get(f"/staff/screening/{screening.id}/verdicts.csv").status_code == 200
    assert "待发放清单.csv" in analyst.get("/staff/screening").text


def test_a_download_is_audited(finance: StaffApp):
    client = finance.client("caizheng")
    location = screened(finance, client, "待发放清单.csv", BATCH)
    client.get(f"{location}/verdicts.xlsx")
    with finance.session() as session:
        entry = session.scalars(select(AuditEntry)
                                .where(AuditEntry.action == "screening.download")).one()
    assert entry.actor == "caizheng" and entry.details["format"] == "xlsx"


def test_expired_verdicts_are_refused_then_removed(finance: StaffApp):
    client = finance.client("caizheng")
    location = screened(finance, client, "待发放清单.csv", BATCH)
    with finance.session() as session:
        screening = session.scalars(select(Screening)).one()
        screening.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        session.commit()
    assert client.get(f"{location}/verdicts.xlsx").status_code == 404
    assert "已经删除" in client.get(location).text
    with finance.session() as session:
        assert remove_expired(finance.settings, session) == 1
        session.commit()
    assert [p for p in finance.settings.screenings_dir.rglob("*") if p.is_file()] == []
    assert "已经删除" in client.get(location).text


def test_the_csrf_token_is_required(finance: StaffApp):
    client = finance.client("caizheng")
    csrf_of(client)
    response = client.post("/staff/screening", data={"dataset": "payments"},
                           files={"file": ("a.csv", BATCH, "text/csv")})
    assert response.status_code == 403
    assert screenings(finance) == []


def test_a_screening_cut_off_keeps_nothing_and_says_so(finance: StaffApp):
    """The job's process died (a kill, the memory limit): the batch and any verdict file
    are deleted, the page tells why, and the screening is audited with the reason."""
    client = finance.client("caizheng")
    runner = finance.app.state.jobs
    runner.stop()  # the job stays queued: it is cut off below instead of run
    location = send_batch(client, "待发放清单.csv", BATCH).headers["location"]
    with finance.session() as session:
        writing(session)
        job = session.scalars(select(Job).where(Job.kind == SCREEN)).one()
        [screening] = session.scalars(select(Screening)).all()
        screening.status = SCREENING_RUNNING
        (finance.settings.screenings_dir / str(screening.id) / "verdicts.csv").write_text("半")
        message = screen_cut_off(finance.settings, session, job, "任务进程被系统终止")
        session.commit()
    assert "任务进程被系统终止" in message and "重新上传" in message
    assert [p for p in finance.settings.screenings_dir.rglob("*") if p.is_file()] == []
    text = visible_text(client.get(location).text)
    assert "失败" in text and "任务进程被系统终止" in text
    with finance.session() as session:
        entry = session.scalars(select(AuditEntry)
                                .where(AuditEntry.action == "screening")).one()
    assert "任务进程被系统终止" in entry.details["reason"]


def test_a_batch_over_the_upload_limit_is_refused_and_nothing_is_kept(
        tmp_path: Path, sqlite_template: Path):
    shutil.copyfile(sqlite_template, tmp_path / "app.db")
    settings = Settings(home=tmp_path / "home", database_url=f"sqlite:///{tmp_path}/app.db",
                        secret_key=SECRET_KEY, upload_max_mb=1)
    app = create_app(settings)
    try:
        client = TestClient(app, base_url="http://testserver")
        log_in(client, "analyst")
        rows = f"农村低保,{GOOD_ID},王芳,2025-01,500.00,{ACCOUNT}\n".encode() * 30_000
        response = send_batch(client, "大清单.csv", BATCH + rows)
        assert response.status_code == 413 and "上传大小上限" in response.text
        assert [p for p in settings.screenings_dir.rglob("*") if p.is_file()] == []
        with app.state.sessions() as session:
            assert session.scalars(select(Screening)).all() == []
    finally:
        app.state.engine.dispose()
    assert body_limit("/staff/screening", settings) == body_limit("/staff/uploads", settings)


def test_expired_verdicts_are_removed_when_the_server_starts(finance: StaffApp):
    client = finance.client("caizheng")
    screened(finance, client, "待发放清单.csv", BATCH)
    with finance.session() as session:
        session.scalars(select(Screening)).one().expires_at = datetime.now(UTC)
        session.commit()
    assert [p for p in finance.settings.screenings_dir.rglob("*") if p.is_file()] != []
    restarted = make_staff_app(finance.settings.home, finance.settings.database_url or "",
                               with_accounts=False)
    restarted.app.state.engine.dispose()
    assert [p for p in finance.settings.screenings_dir.rglob("*") if p.is_file()] == []
    with finance.session() as session:
        assert session.scalars(select(Screening)).one().verdicts == ""


def test_a_web_page_named_as_a_workbook_is_refused_with_what_it_is(finance: StaffApp):
    client = finance.client("caizheng")
    location = screened(finance, client, "待发放清单.xlsx",
                        b"<!DOCTYPE html><html><body><table><tr><td>1</td></tr></table>")
    text = visible_text(client.get(location).text)
    assert "被拒收" in text and "待发放清单.xlsx" in text
    [screening] = screenings(finance)
    assert screening.status == "refused" and screening.error
    assert [p for p in finance.settings.screenings_dir.rglob("*") if p.is_file()] == []


def test_a_workbook_with_rows_on_a_later_sheet_is_refused_naming_that_sheet(finance: StaffApp):
    import xlsxwriter

    body = io.BytesIO()
    book = xlsxwriter.Workbook(body, {"in_memory": True})
    for name in ("Sheet1", "八渡乡"):
        sheet = book.add_worksheet(name)
        for number, line in enumerate(BATCH.decode().splitlines()[:2]):
            sheet.write_row(number, 0, line.split(","))
    book.add_worksheet("Sheet3")  # empty, as Excel adds it: not named
    book.close()
    client = finance.client("caizheng")
    location = screened(finance, client, "待发放清单.xlsx", body.getvalue())
    text = visible_text(client.get(location).text)
    assert "被拒收" in text and "'八渡乡'也有数据" in text and "分别筛查" in text
    assert "Sheet3" not in text
    [screening] = screenings(finance)
    assert screening.status == "refused"
    assert [p for p in finance.settings.screenings_dir.rglob("*") if p.is_file()] == []
