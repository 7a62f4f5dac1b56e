"""Department uploads: stored at once, ingested in the background, ending in a quality report."""

from __future__ import annotations

import io
import os
import re
import socket

import pytest
from fastapi.testclient import TestClient
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from sunlight.appdb.audit_tables import AuditEntry
from sunlight.appdb.job_tables import JOB_RUNNING, Job
from sunlight.appdb.upload_tables import (
    UPLOAD_CUT_OFF,
    UPLOAD_FAILED,
    UPLOAD_QUEUED,
    UPLOAD_RUNNING,
    Upload,
)
from sunlight.jobs.kinds import INGEST_UPLOAD
from sunlight.uploads.worker import IngestWorker
from sunlight.warehouse.store import Warehouse
from tests.web.conftest import StaffApp, csrf_of, make_staff_app

GOOD_ID = "610327197106050172"
DEATHS = ("身份证号,姓名,死亡日期\n"
          f"{GOOD_ID},王芳,2023-05-01\n"
          "12345,李四,2023-06-01\n").encode()
OTHER_DEATH = "身份证号,姓名,死亡日期\n610327195803100017,赵六,2022-01-01\n".encode()
PAYMENTS = ("项目名称,身份证号,姓名,所属期,发放日期,金额(元),银行账号\n"
            f"农村低保,{GOOD_ID},王芳,2024-03,2024/3/15,500.00,6217493730820689217\n"
            "农村低保,999,张三,2024-03,2024/3/15,300.00,6217493730820689217\n").encode()


def send(client: TestClient, dataset: str, name: str, body: bytes):
    return client.post("/staff/uploads", follow_redirects=False,
                       data={"dataset": dataset, "csrf_token": csrf_of(client, "/staff/account")},
                       files={"file": (name, body, "application/octet-stream")})


def finished(staff_app: StaffApp, client: TestClient, location: str) -> str:
    """Wait on the worker, then the upload's page as the browser's last poll sees it."""
    worker: IngestWorker = staff_app.app.state.ingest_worker
    worker.wait(timeout=120)
    upload_id = location.rsplit("/", 1)[-1]
    fragment = client.get(f"/staff/uploads/{upload_id}/status?full=1").text
    assert "data-poll" not in fragment
    return fragment


def uploads(staff_app: StaffApp) -> list[Upload]:
    with staff_app.session() as session:
        return list(session.scalars(select(Upload).order_by(Upload.id)))


def test_an_officer_uploads_a_csv_and_sees_its_quality_report(staff_app: StaffApp):
    client = staff_app.client("officer")
    response = send(client, "deaths", "死亡名单.csv", DEATHS)
    assert response.status_code == 303
    location = response.headers["location"]
    page = client.get(location).text
    assert "死亡名单.csv" in page
    report = finished(staff_app, client, location)
    assert "已导入" in report
    numbers = [int(n) for n in re.findall(r'<div class="stat">([\d,]+)</div>', report)]
    assert numbers == [2, 1, 1, 0]  # read, accepted, rejected, doubtful
    assert "身份证号无法识别" in report and "bad_id" not in report and "12345" in report
    [upload] = uploads(staff_app)
    assert upload.status == "done" and upload.result["rejected"] == 1
    assert (staff_app.settings.uploads_dir / str(upload.id) / "死亡名单.csv").read_bytes() == DEATHS
    batch = Warehouse(staff_app.settings.warehouse_dir).batch_by_hash(upload.sha256)
    assert batch is not None and batch.file_name == "死亡名单.csv"
    listing = client.get("/staff/uploads").text
    assert "已完成" in listing and "拒收 1" in listing


def test_the_report_downloads_as_xlsx_and_is_audited(staff_app: StaffApp):
    client = staff_app.client("officer")
    location = send(client, "deaths", "deaths.csv", DEATHS).headers["location"]
    finished(staff_app, client, location)
    response = client.get(f"{location}/report.xlsx")
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_name(
        "质量问题").to_python()
    assert rows[0] == ["数据集", "文件", "工作表", "行号", "处理", "列", "问题", "原值"]
    [(dataset, file, _, row, severity, column, reason, value)] = rows[1:]
    assert (dataset, file, int(row), severity, column, value) == (
        "死亡信息", "deaths.csv", 3, "拒收（未纳入分析）", "身份证号", "12345")
    assert reason.startswith("身份证号无法识别")
    with staff_app.session() as session:
        actions = [e.action for e in session.scalars(select(AuditEntry))]
    assert "quality.export" in actions


def test_the_report_names_the_column_of_each_finding_and_lists_doubtful_rows(
        staff_app: StaffApp):
    client = staff_app.client("officer")
    deaths = ("身份证号,姓名,死亡日期\n"
              f"{GOOD_ID},王芳,\n"
              f"{GOOD_ID[:-1]}3,李四,2023-06-01\n").encode()
    location = send(client, "deaths", "deaths.csv", deaths).headers["location"]
    report = finished(staff_app, client, location)
    rejected, doubtful = report.split("存疑的行")
    rejected_rows = re.findall(r'<td data-label="列">([^<]*)</td>', rejected)
    assert rejected_rows == ["死亡日期"]
    assert re.findall(r'<td data-label="列">([^<]*)</td>', doubtful) == ["身份证号"]
    assert "校验位不符" in doubtful and f"{GOOD_ID[:-1]}3" in doubtful


def test_an_upload_is_audited_with_dataset_name_size_and_hash(staff_app: StaffApp):
    client = staff_app.client("officer")
    send(client, "deaths", "deaths.csv", DEATHS)
    staff_app.app.state.ingest_worker.wait(timeout=120)
    with staff_app.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "upload")).one()
    assert entry.actor == "officer"
    assert entry.details["dataset"] == "deaths" and entry.details["file"] == "deaths.csv"
    assert entry.details["size"] == len(DEATHS) and len(entry.details["sha256"]) == 64


def test_the_same_bytes_again_are_a_reported_no_op(staff_app: StaffApp):
    client = staff_app.client("officer")
    finished(staff_app, client, send(client, "deaths", "first.csv", DEATHS).headers["location"])
    again = finished(staff_app, client,
                     send(client, "deaths", "second.csv", DEATHS).headers["location"])
    assert "未重复导入" in again and "first.csv" in again
    assert len(Warehouse(staff_app.settings.warehouse_dir).batches()) == 1


def test_money_in_rejected_payment_rows_is_shown(staff_app: StaffApp):
    client = staff_app.client("analyst")
    report = finished(staff_app, client,
                      send(client, "payments", "发放.csv", PAYMENTS).headers["location"])
    assert "300.00" in report and "拒收发放行涉及金额" in report


def test_a_file_without_the_datasets_columns_is_refused_with_what_was_expected(
        staff_app: StaffApp):
    client = staff_app.client("officer")
    report = finished(staff_app, client, send(
        client, "deaths", "花名册.csv", "甲,乙\n1,2\n".encode()).headers["location"])
    assert "被拒收" in report
    assert "花名册.csv" in report and "死亡信息" in report and "死亡日期" in report
    [upload] = uploads(staff_app)
    assert upload.status == "refused"
    assert Warehouse(staff_app.settings.warehouse_dir).batches() == []


def test_a_file_over_a_reading_bound_is_refused_for_that_reason_in_chinese(
        staff_app: StaffApp):
    client = staff_app.client("officer")
    wide = (",".join(["身份证号", "姓名", "死亡日期", *(f"列{n}" for n in range(2_000))])
            + "\n").encode()
    report = finished(staff_app, client,
                      send(client, "deaths", "宽表.csv", wide).headers["location"])
    assert "被拒收" in report and "宽表.csv" in report and "超过允许的 1,000 列" in report
    assert "至少包含这些列" not in report  # its headers were never the problem
    assert "死亡信息" in report and "（deaths）" not in report  # the dataset's name, not its code
    assert Warehouse(staff_app.settings.warehouse_dir).batches() == []


def test_another_extension_is_refused_in_chinese_and_nothing_is_kept(staff_app: StaffApp):
    client = staff_app.client("officer")
    response = send(client, "deaths", "名单.pdf", b"%PDF-1.4")
    assert response.status_code == 400
    assert "不支持的文件类型" in response.text and ".xlsx" in response.text
    assert '<option value="deaths" selected>' in response.text  # chosen again for the retry
    assert uploads(staff_app) == []
    incoming = staff_app.settings.uploads_dir / "incoming"
    assert not incoming.exists() or list(incoming.iterdir()) == []


def test_an_oversize_file_is_refused(staff_app: StaffApp):
    staff_app.settings.upload_max_mb = 1
    client = staff_app.client("officer")
    response = send(client, "deaths", "big.csv", DEATHS + b"x" * (3 << 20))
    assert response.status_code == 413
    assert "超过上传大小上限 1 MB" in response.text
    assert uploads(staff_app) == []


def test_an_oversize_file_without_a_length_header_is_refused_while_copied(staff_app: StaffApp):
    staff_app.settings.upload_max_mb = 1
    client = staff_app.client("officer")
    response = send(client, "deaths", "big.csv", DEATHS + b"x" * ((1 << 20) + 10))
    assert response.status_code == 413  # within the form's allowance, over the file's limit
    assert uploads(staff_app) == []


def test_an_overlong_dataset_field_is_refused_unkept(staff_app: StaffApp):
    client = staff_app.client("officer")
    token = csrf_of(client, "/staff/account")
    overlong = client.post("/staff/uploads", data={"dataset": "d" * 5_000, "csrf_token": token},
                           files={"file": ("d.csv", DEATHS, "text/csv")})
    assert overlong.status_code == 400 and "参数有误" in overlong.text
    assert uploads(staff_app) == []


def test_an_officer_uploads_only_their_own_datasets(staff_app: StaffApp):
    client = staff_app.client("officer")
    page = client.get("/staff/uploads").text
    assert 'value="deaths"' in page and 'value="payments"' not in page
    refused = send(client, "payments", "p.csv", PAYMENTS)
    assert refused.status_code == 403
    assert "户籍人口" in refused.text and "死亡信息" in refused.text  # the names, not the codes
    assert "deaths" not in refused.text
    assert uploads(staff_app) == []


def test_an_officer_sees_only_uploads_of_their_datasets(staff_app: StaffApp):
    analyst = staff_app.client("analyst")
    location = send(analyst, "payments", "发放.csv", PAYMENTS).headers["location"]
    staff_app.app.state.ingest_worker.wait(timeout=120)
    officer = staff_app.client("officer")
    assert "发放.csv" not in officer.get("/staff/uploads").text
    missing = "/staff/uploads/999999"
    for suffix in ("", "/status", "/report.xlsx"):
        theirs, none = officer.get(location + suffix), officer.get(missing + suffix)
        assert theirs.status_code == none.status_code == 404  # not told that it exists
        assert theirs.text == none.text
    assert "发放.csv" in analyst.get("/staff/uploads").text


@pytest.mark.parametrize("user", ["verifier", "admin"])
def test_verifiers_and_admins_may_not_upload(staff_app: StaffApp, user: str):
    client = staff_app.client(user)
    assert client.get("/staff/uploads").status_code == 403
    assert send(client, "deaths", "d.csv", DEATHS).status_code == 403
    assert uploads(staff_app) == []


def test_anonymous_is_sent_to_log_in(staff_app: StaffApp):
    response = staff_app.client().get("/staff/uploads", follow_redirects=False)
    assert response.status_code == 303 and "/staff/login" in response.headers["location"]


def test_a_missing_upload_is_not_found(staff_app: StaffApp):
    assert staff_app.client("analyst").get("/staff/uploads/99").status_code == 404


def cut_off(staff_app: StaffApp, upload_id: int, *, present_before: bool) -> Upload:
    """As a stop (or a killed job process) leaves an ingest: the upload running, its job
    claimed by a process that is gone; then the app's start-up finds it."""
    with staff_app.session() as session:
        upload = session.get_one(Upload, upload_id)
        upload.status, upload.stage = UPLOAD_RUNNING, "writing"
        upload.result = {"present_before": present_before}
        [job] = [job for job in session.scalars(select(Job).where(Job.kind == INGEST_UPLOAD))
                 if job.payload["upload_id"] == upload_id]
        job.status, job.runner = JOB_RUNNING, f"{socket.gethostname()}:{os.getpid()}:gone"
        session.commit()
    staff_app.app.state.ingest_worker.recover()
    with staff_app.session() as session:
        return session.get_one(Upload, upload_id)


def test_an_ingest_cut_off_before_its_commit_says_the_warehouse_is_unchanged(
        staff_app: StaffApp):
    staff_app.app.state.jobs.stop()  # the server stops before the job's process commits
    client = staff_app.client("officer")
    location = send(client, "deaths", "deaths.csv", DEATHS).headers["location"]
    upload = cut_off(staff_app, int(location.rsplit("/", 1)[-1]), present_before=False)
    assert upload.status == UPLOAD_FAILED
    assert "在任务完成前停止" in upload.error and "数据仓库未被改动" in upload.error
    assert Warehouse(staff_app.settings.warehouse_dir).batches() == []
    page = client.get(location).text
    assert "数据仓库未被改动" in page and "/rollback" not in page


def test_an_ingest_cut_off_after_its_commit_says_so_and_is_rolled_back(staff_app: StaffApp):
    from sunlight.appdb.tables import Warning

    analyst, officer = staff_app.client("analyst"), staff_app.client("officer")
    for dataset, name, body in (("deaths", "另一人.csv", OTHER_DEATH),
                                ("payments", "发放.csv", PAYMENTS)):
        finished(staff_app, analyst, send(analyst, dataset, name, body).headers["location"])
    warehouse = Warehouse(staff_app.settings.warehouse_dir)
    before = warehouse.batches()
    location = send(officer, "deaths", "死亡.csv", DEATHS).headers["location"]
    finished(staff_app, officer, location)
    upload = cut_off(staff_app, int(location.rsplit("/", 1)[-1]), present_before=False)

    assert upload.status == UPLOAD_CUT_OFF
    assert "数据仓库未被改动" not in upload.error
    page = officer.get(location).text
    button = f'action="{location}/rollback"'
    assert "已完整写入数据仓库" in page and button in page
    assert button in analyst.get(location).text
    pressed = officer.post(f"{location}/rollback", follow_redirects=False,
                           data={"csrf_token": csrf_of(officer)})
    assert pressed.status_code == 303
    page = finished(staff_app, officer, location)
    assert "已撤销" in page and "已从数据仓库中移除" in page
    assert [b.data for b in warehouse.batches()] == [b.data for b in before]
    with staff_app.session() as session:
        deceased = session.scalars(select(Warning).where(
            Warning.model == "DECEASED_PAID")).all()
        [entry] = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "upload.rollback")).all()
    assert deceased and {w.status for w in deceased} == {"retracted"}  # the models ran again
    assert entry.actor == "officer" and entry.target == f"upload:{upload.id}"
    again = officer.post(f"{location}/rollback", data={"csrf_token": csrf_of(officer)})
    assert again.status_code == 409


def test_only_an_analyst_or_the_uploader_may_roll_back(staff_app: StaffApp):
    analyst = staff_app.client("analyst")
    location = send(analyst, "deaths", "deaths.csv", DEATHS).headers["location"]
    finished(staff_app, analyst, location)
    cut_off(staff_app, int(location.rsplit("/", 1)[-1]), present_before=False)
    officer = staff_app.client("officer")  # of the deaths' department, not the uploader
    assert "/rollback" not in officer.get(location).text
    refused = officer.post(f"{location}/rollback", data={"csrf_token": csrf_of(officer)})
    assert refused.status_code == 403
    assert len(Warehouse(staff_app.settings.warehouse_dir).batches()) == 1


def test_an_ingest_over_the_memory_limit_fails_and_the_server_keeps_answering(
        staff_app: StaffApp):
    client = staff_app.client("officer")
    finished(staff_app, client, send(client, "deaths", "first.csv", DEATHS).headers["location"])
    manifest = (staff_app.settings.warehouse_dir / "manifest.json").read_bytes()
    staff_app.settings.job_memory_mb = 1  # the job's process may grow by 1 MB: it cannot
    big = DEATHS + "".join(f"{GOOD_ID},王芳{i},2023-05-01\n" for i in range(2000)).encode()
    report = finished(staff_app, client, send(client, "deaths", "big.csv", big)
                      .headers["location"])
    assert "失败" in report and "内存上限（1 MB）" in report and "数据仓库未被改动" in report
    assert client.get("/healthz").json() == {"status": "ok"}
    assert (staff_app.settings.warehouse_dir / "manifest.json").read_bytes() == manifest


def test_a_queued_upload_runs_at_start(staff_app: StaffApp):
    staff_app.app.state.jobs.stop()  # stopped before the job is claimed
    client = staff_app.client("officer")
    send(client, "deaths", "deaths.csv", DEATHS)
    assert uploads(staff_app)[0].status == UPLOAD_QUEUED
    restarted = make_staff_app(staff_app.settings.home, staff_app.settings.database_url or "",
                               with_accounts=False)
    assert restarted.app.state.ingest_worker.wait(timeout=120)
    [upload] = uploads(staff_app)
    assert upload.status == "done" and upload.result["accepted"] == 1
    restarted.app.state.engine.dispose()


def test_a_running_upload_polls_its_status(staff_app: StaffApp):
    client = staff_app.client("officer")
    send(client, "deaths", "deaths.csv", DEATHS)
    staff_app.app.state.ingest_worker.wait(timeout=120)
    with staff_app.session() as session:
        upload = session.scalars(select(Upload)).one()
        upload.status, upload.stage = UPLOAD_RUNNING, "writing"
        session.commit()
    listing = client.get("/staff/uploads").text
    assert f'data-poll="/staff/uploads/{upload.id}/status"' in listing
    fragment = client.get(f"/staff/uploads/{upload.id}/status").text
    assert "data-poll" in fragment and "写入数据仓库" in fragment


def test_an_upload_runs_the_models_so_new_months_raise_their_warnings(staff_app: StaffApp):
    from sunlight.appdb.tables import Warning

    analyst = staff_app.client("analyst")
    deaths = finished(staff_app, analyst, send(analyst, "deaths", "死亡.csv", DEATHS)
                      .headers["location"])
    assert "现有数据尚不足以运行任何预警模型" in deaths or "新增 0 条" in deaths
    payments = finished(staff_app, analyst, send(analyst, "payments", "发放.csv", PAYMENTS)
                        .headers["location"])
    assert re.search(r"预警模型已按最新数据重新运行：新增 [1-9]\d* 条", payments), payments
    with staff_app.session() as session:
        models = {w.model for w in session.scalars(select(Warning))}
    assert "DECEASED_PAID" in models


def test_a_workbook_with_rows_on_a_later_sheet_says_they_were_not_imported(
        staff_app: StaffApp):
    import xlsxwriter

    body = io.BytesIO()
    book = xlsxwriter.Workbook(body, {"in_memory": True})
    for name in ("Sheet1", "八渡乡"):
        sheet = book.add_worksheet(name)
        for number, line in enumerate(DEATHS.decode().splitlines()[:2]):
            sheet.write_row(number, 0, line.split(","))
    book.add_worksheet("Sheet3")  # empty, as Excel adds it: not named
    book.close()
    client = staff_app.client("officer")
    report = finished(staff_app, client,
                      send(client, "deaths", "死亡名单.xlsx", body.getvalue()).headers["location"])
    assert "已导入" in report and "只导入了第一个工作表" in report
    assert "“八渡乡”也有数据" in report and "Sheet3" not in report
