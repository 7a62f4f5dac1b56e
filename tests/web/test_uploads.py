"""Department uploads: stored at once, ingested in the background, ending in a quality report."""

from __future__ import annotations

import io
import re

import pytest
from fastapi.testclient import TestClient
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from sunlight.appdb.audit_tables import AuditEntry
from sunlight.appdb.upload_tables import UPLOAD_FAILED, UPLOAD_QUEUED, UPLOAD_RUNNING, Upload
from sunlight.uploads.worker import IngestWorker
from sunlight.warehouse.store import Warehouse
from tests.web.conftest import StaffApp, csrf_of

GOOD_ID = "610327197106050172"
DEATHS = ("身份证号,姓名,死亡日期\n"
          f"{GOOD_ID},王芳,2023-05-01\n"
          "12345,李四,2023-06-01\n").encode()
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
    assert "bad_id" in report and "12345" in report
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
        "findings").to_python()
    assert rows[0][:3] == ["dataset", "file", "sheet"]
    assert [(r[0], r[1], r[5]) for r in rows[1:]] == [("deaths", "deaths.csv", "bad_id")]
    with staff_app.session() as session:
        actions = [e.action for e in session.scalars(select(AuditEntry))]
    assert "quality.export" in actions


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


def test_an_officer_uploads_only_their_own_datasets(staff_app: StaffApp):
    client = staff_app.client("officer")
    page = client.get("/staff/uploads").text
    assert 'value="deaths"' in page and 'value="payments"' not in page
    assert send(client, "payments", "p.csv", PAYMENTS).status_code == 403
    assert uploads(staff_app) == []


def test_an_officer_sees_only_uploads_of_their_datasets(staff_app: StaffApp):
    analyst = staff_app.client("analyst")
    location = send(analyst, "payments", "发放.csv", PAYMENTS).headers["location"]
    staff_app.app.state.ingest_worker.wait(timeout=120)
    officer = staff_app.client("officer")
    assert "发放.csv" not in officer.get("/staff/uploads").text
    for suffix in ("", "/status", "/report.xlsx"):
        assert officer.get(location + suffix).status_code == 403
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


def test_an_upload_cut_off_by_a_stop_is_marked_failed_at_start(staff_app: StaffApp):
    client = staff_app.client("officer")
    send(client, "deaths", "deaths.csv", DEATHS)
    worker: IngestWorker = staff_app.app.state.ingest_worker
    worker.wait(timeout=120)
    with staff_app.session() as session:
        upload = session.scalars(select(Upload)).one()
        upload.status, upload.stage = UPLOAD_RUNNING, "normalising"
        session.commit()
    IngestWorker(staff_app.settings, staff_app.app.state.sessions).recover()
    [upload] = uploads(staff_app)
    assert upload.status == UPLOAD_FAILED and "服务器在导入完成前停止" in upload.error
    assert "重新上传" in client.get(f"/staff/uploads/{upload.id}").text


def test_a_queued_upload_runs_at_start(staff_app: StaffApp):
    client = staff_app.client("officer")
    send(client, "deaths", "deaths.csv", DEATHS)
    staff_app.app.state.ingest_worker.wait(timeout=120)
    with staff_app.session() as session:
        upload = session.scalars(select(Upload)).one()
        upload.status, upload.result = UPLOAD_QUEUED, {}
        session.commit()
    worker = IngestWorker(staff_app.settings, staff_app.app.state.sessions)
    worker.recover()
    worker.wait(timeout=120)
    [upload] = uploads(staff_app)
    assert upload.status == "done" and upload.result["outcome"] == "already_ingested"


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
