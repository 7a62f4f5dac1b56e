"""A workbench holding something of everything: the tiny county ingested and published, an
upload done and one refused, a batch screened and one refused, warnings of several models in
every state with their cases, a citizen's report with a photo, a comment, an attachment, a
self-correction and the audit entries all of these write. Accounts are named in pinyin and
Chinese, never like a code."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from sunlight.accounts.users import add_user
from sunlight.appdb.account_tables import ApiToken, User
from sunlight.appdb.case_tables import Case, CaseAttachment
from sunlight.appdb.entity_tables import Entity
from sunlight.appdb.oversight_tables import (
    OversightCase,
    OversightFinding,
    OversightPost,
    OversightPostShift,
    OversightState,
)
from sunlight.appdb.report_tables import ReportPhoto
from sunlight.appdb.screening_tables import Screening
from sunlight.appdb.tables import Warning
from sunlight.appdb.upload_tables import Upload
from sunlight.cases.attachments import attach
from sunlight.cases.comments import add_comment
from sunlight.cases.self_corrections import record
from sunlight.cases.workflow import case_for_warning, take
from sunlight.contract.cases import (
    CLOSED,
    HANDLING,
    NOT_TRUE,
    OPEN,
    RETRACTED,
    TRUE,
    VERIFIED,
    VERIFYING,
)
from sunlight.contract.roles import ADMIN, ANALYST, INSPECTOR, LIAISON, OFFICER, VERIFIER
from sunlight.contract.vocabulary import FINDING_STATE_ZH, TIMELINESS_ZH
from sunlight.entities.build import rebuild_index
from sunlight.models.detection import Detection, EvidenceRow
from sunlight.settings import Settings
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.store import Warehouse
from sunlight.web.app import create_app
from sunlight.web.reference import warning_case_title
from tests.appdb.builders import run
from tests.models.county import Person
from tests.publish_county import ingested, liu, wang, zhang, zhao
from tests.web.conftest import PASSWORD, SECRET_KEY, form_token, log_in
from tests.web.report_support import file_report, photo_with_gps

ACCOUNTS = {
    ANALYST: dict(username="fenxi", display_name="张分析", role=ANALYST),
    VERIFIER: dict(username="hecha", display_name="李核查", role=VERIFIER, township="城关镇"),
    OFFICER: dict(username="shuju", display_name="王数据", role=OFFICER, department="公安局"),
    ADMIN: dict(username="guanli", display_name="赵管理", role=ADMIN),
    INSPECTOR: dict(username="ducha", display_name="孙督察", role=INSPECTOR, units=["城关派出所"]),
    LIAISON: dict(username="lianluo", display_name="刘联络", role=LIAISON, units=["城关派出所"]),
}
"""One account per role, by role."""
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
BATCH = ("项目名称,身份证号,姓名,所属期,金额,银行账号\n"
         f"低保,{wang.id},王芳,2024-03,500.00,6217493730820689217\n"
         f"高龄补贴,{zhang.id},张伟,2024-01,200.00,6217493730820689218\n"
         "低保,12345,李四,2024-03,300.00,6217493730820689219\n").encode()
"""A batch to screen: 王芳's March paid before, 张伟's January too, an ID unreadable."""
DEATHS = ("身份证号,姓名,死亡日期\n"
          f"{wang.id},王芳,2023-12-01\n"
          "12345,李四,2023-06-01\n").encode()


@dataclass
class Workbench:
    """The seeded app and the ids its routes take."""

    app: object
    settings: Settings
    ids: dict[str, list[str]] = field(default_factory=dict)

    def client(self, role: str | None = None) -> TestClient:
        client = TestClient(self.app, base_url="http://testserver")  # type: ignore[arg-type]
        if role is not None:
            log_in(client, str(ACCOUNTS[role]["username"]))
        return client


def _detection(model: str, person: Person, facts: dict[str, str], month: int,
               program: str = "DIBAO") -> Detection:
    number = person.id
    paid = EvidenceRow("payments", "低保发放.csv", "", month + 1, "paid", f"2024-{month:02d}",
                       Decimal("500"))
    basis = EvidenceRow("deaths", "死亡登记.csv", "", 2, "basis")
    return Detection(
        model=model, subject=number, program=program, severity="high",
        period_from=paid.period, period_to=paid.period, amount=paid.amount,
        id_number=number, name=person.name, township="城关镇", village="东风村",
        facts={"strength": "0.9", "program_name": "农村低保", **facts},
        evidence=(paid, basis), template="{name}共领取{amount}元。")


DETECTIONS = {
    OPEN: _detection("DECEASED_PAID", wang, {"death_date": "2023-12-01",
                                             "death_source": "火化"}, 1),
    VERIFYING: _detection("DUPLICATE_PAYMENT", zhang, {"first_file": "低保发放.csv",
                                                       "first_row": "3"}, 2),
    VERIFIED: _detection("UNREGISTERED_PAYEE", zhao, {"reason_zh": "户籍中无此人"}, 3),
    HANDLING: _detection("NAME_MISMATCH", liu, {"registry_name": "刘洋",
                                                "payee_name": "刘阳"}, 4),
    CLOSED: _detection("OVER_STANDARD", wang, {"standard_text": "每月 500 元"}, 5),
    NOT_TRUE: _detection("INELIGIBLE_AGE", zhang, {"min_age": "80"}, 6),
    RETRACTED: _detection("SHARED_ACCOUNT", zhao, {"persons": "2", "households": "2"}, 7),
}
"""One warning per state its case reaches (NOT_TRUE: closed as unfounded)."""
STEPS = {
    OPEN: [], VERIFYING: ["assign"], VERIFIED: ["assign", "verify"],
    HANDLING: ["assign", "verify", "dispose"], CLOSED: ["assign", "verify", "dispose", "close"],
    NOT_TRUE: ["assign", "verify", "close_unfounded"],
}


def seeded(home: Path) -> Workbench:
    """The workbench in `home`, filled as its people would fill it."""
    settings = Settings(home=home, database_url=f"sqlite:///{home}/app.db",
                        secret_key=SECRET_KEY, public_url="https://gongshi.example.cn")
    settings.home.mkdir(parents=True, exist_ok=True)
    ingested(home)
    bench = Workbench(create_app(settings), settings)
    sessions = bench.app.state.sessions  # type: ignore[attr-defined]
    with sessions() as session:
        for account in ACCOUNTS.values():
            add_user(session, password=PASSWORD, **account)  # type: ignore[arg-type]
        session.commit()
    _upload(bench)
    _screening(bench)
    _publish(bench)
    _warnings(bench)
    _report(bench)
    _entities(bench)
    _api_tokens(bench)
    _oversight(bench)
    with sessions() as session:
        bench.ids["warning_id"] = list(session.scalars(select(Warning.warning_id)))
        bench.ids["case_no"] = list(session.scalars(select(Case.case_no)))
        bench.ids["upload_id"] = [str(i) for i in session.scalars(select(Upload.id))]
        bench.ids["screening_id"] = [str(i) for i in session.scalars(select(Screening.id))]
        bench.ids["attachment_id"] = [str(i) for i in session.scalars(select(CaseAttachment.id))]
        bench.ids["photo_id"] = [str(i) for i in session.scalars(select(ReportPhoto.id))]
    _portal_ids(bench)
    return bench


def _api_tokens(bench: Workbench) -> None:
    """Tokens issued to the analyst on the admin's page: one used for a screening and for
    a batch the API refuses, one revoked, one expired."""
    client = bench.client(ADMIN)
    analyst = ACCOUNTS[ANALYST]["username"]
    with bench.app.state.sessions() as session:  # type: ignore[attr-defined]
        user_id = session.scalars(select(User.id).where(User.username == analyst)).one()
    secrets = {}
    for name in ("发放系统", "旧脚本", "试用"):
        page = client.get("/staff/admin/tokens").text
        issued = client.post("/staff/admin/tokens", data={
            "csrf_token": form_token(page), "user_id": str(user_id), "name": name, "days": "30"})
        found = re.search(r'id="issued-token" value="([^"]+)"', issued.text)
        assert issued.status_code == 200 and found, issued.text
        secrets[name] = found.group(1)
    with bench.app.state.sessions() as session:  # type: ignore[attr-defined]
        tokens = {t.name: t for t in session.scalars(select(ApiToken))}
        tokens["试用"].expires_at = tokens["试用"].issued_at
        session.commit()
        revoked = tokens["旧脚本"].id
    page = client.get("/staff/admin/tokens").text
    client.post(f"/staff/admin/tokens/{revoked}/revoke", data={"csrf_token": form_token(page)})
    api = bench.client()
    auth = {"Authorization": f"Bearer {secrets['发放系统']}"}
    row = {"program": "DIBAO", "id_number": wang.id, "name": "王芳", "period": "2024-03",
           "amount": "340", "account": "6228480012345678901"}
    assert api.post("/api/v1/screen", json={"rows": [row]}, headers=auth).status_code == 200
    assert api.post("/api/v1/screen", json={"rows": [{"备注": "无"}]},
                    headers=auth).status_code == 422


def _upload(bench: Workbench) -> None:
    """A deaths file the officer uploads (one row refused) and a file that is refused."""
    client = bench.client(OFFICER)
    for name, body in (("死亡名单.csv", DEATHS), ("说明.csv", "甲,乙\n1,2\n".encode())):
        token = form_token(client.get("/staff/uploads").text)
        sent = client.post("/staff/uploads", follow_redirects=False,
                           data={"dataset": "deaths", "csrf_token": token},
                           files={"file": (name, body, "text/csv")})
        assert sent.status_code == 303, sent.text
        assert bench.app.state.ingest_worker.wait(timeout=120)  # type: ignore[attr-defined]


def _screening(bench: Workbench) -> None:
    """The analyst screens a batch (held, passed and unreadable rows) and one refused."""
    client = bench.client(ANALYST)
    for name, body in (("待发放清单.csv", BATCH), ("说明.csv", "甲,乙\n1,2\n".encode())):
        token = form_token(client.get("/staff/screening").text)
        sent = client.post("/staff/screening", follow_redirects=False,
                           data={"dataset": "payments", "csrf_token": token},
                           files={"file": (name, body, "text/csv")})
        assert sent.status_code == 303, sent.text
        assert bench.app.state.jobs.wait(timeout=120)  # type: ignore[attr-defined]


def _publish(bench: Workbench) -> None:
    client = bench.client(ANALYST)
    token = form_token(client.get("/staff/publications").text)
    assert client.post("/staff/publications", data={"csrf_token": token},
                       follow_redirects=False).status_code == 303
    assert bench.app.state.publisher.wait(120)  # type: ignore[attr-defined]


def _warnings(bench: Workbench) -> None:
    models = {d.model for d in DETECTIONS.values()}
    sessions = bench.app.state.sessions  # type: ignore[attr-defined]
    with sessions() as session:
        run(session, DETECTIONS.values(), models=models)
        analyst = _user(session, ANALYST)
        verifier = _user(session, VERIFIER)
        for state, steps in STEPS.items():
            detection = DETECTIONS[state]
            warning = session.scalars(select(Warning).where(
                Warning.model == detection.model, Warning.subject == detection.subject,
                Warning.program == detection.program)).one()
            case = case_for_warning(session, warning, warning_case_title(warning))
            for step in steps:
                form = _form(step, state, verifier)
                take(session, case, step, analyst, form, expected_version=case.version)
            if state == HANDLING:
                add_comment(session, case, analyst, "请补充发放台账。")
                attach(session, case, analyst, "台账.png", io.BytesIO(PNG),
                       bench.settings.attachments_dir)
                record(session, analyst, {"kind": "主动退回", "person_name": liu.name,
                                          "amount_refunded": "500", "township": "马家镇",
                                          "warning_id": warning.warning_id})
        session.commit()
        # A later run no longer finds the shared account: its open warning is retracted.
        run(session, [d for s, d in DETECTIONS.items() if s != RETRACTED], models=models)


def _form(step: str, state: str, verifier: User) -> dict[str, str]:
    if step == "assign":
        return {"assignee": str(verifier.id)}
    if step == "verify":
        return {"verdict": NOT_TRUE if state == NOT_TRUE else TRUE, "reason": "经入户核实。"}
    if step == "dispose":
        return {"recovered_amount": "500", "party_discipline": "警告",
                "organisational_measures": "诫勉", "transferred_to": "主管部门处理",
                "reason": "责令退回。", "disciplined": "typed",
                "disciplined_id_number": "110101198001010010", "disciplined_name": "李村长",
                "payment_stopped_on": "2024-06-01"}
    return {}


def _report(bench: Workbench) -> None:
    """A villager's report about a company program, with a photo, assigned to the verifier,
    who replies."""
    client = bench.client()
    filed = file_report(client, "/report?program=LIUGONG", photos=[photo_with_gps()],
                        anonymous="0", contact_name="王五", contact_phone="13800000000")
    assert filed.status_code in (200, 303), filed.text
    sessions = bench.app.state.sessions  # type: ignore[attr-defined]
    with sessions() as session:
        case = session.scalars(select(Case).where(Case.kind == "report")).one()
        case.township = "城关镇"
        take(session, case, "assign", _user(session, ANALYST),
             {"assignee": str(_user(session, VERIFIER).id)}, expected_version=case.version)
        session.commit()


ENTITY_KINDS = ("person", "account", "village")
"""The entity pages visited (the scan takes three values of each path parameter)."""


def _entities(bench: Workbench) -> None:
    """The entity index, built as a detection run builds it; a page of each kind above."""
    engine = DuckDBEngine()
    try:
        with bench.app.state.sessions.begin() as session:  # type: ignore[attr-defined]
            rebuild_index(engine, Warehouse(bench.settings.warehouse_dir), session, "seeded")
    finally:
        engine.close()
    with bench.app.state.sessions() as session:  # type: ignore[attr-defined]
        refs = [session.scalars(select(Entity.ref).where(Entity.kind == kind)
                                .order_by(Entity.warnings.desc(), Entity.id).limit(1)).one()
                for kind in ENTITY_KINDS]
    bench.ids.update(kind=list(ENTITY_KINDS), ref=refs)


def _portal_ids(bench: Workbench) -> None:
    """Village, program, person, household and township of the published county, as its links
    name them."""
    client = bench.client()
    home = client.get("/").text
    villages = sorted(set(re.findall(r'href="/village/([0-9a-f]+)"', home)))
    townships = sorted(set(re.findall(r'href="/township/([^"?/]+)"', home)))
    programs, people, households = set(), set(), set()
    # Company programs are listed per township; first, so that their rosters are tried.
    companies = sorted({code for name in townships for code in re.findall(
        rf'href="/township/{name}/program/(\w+)', home)})
    for code in villages:
        for program in re.findall(rf'href="/village/{code}/program/(\w+)', client.get(
                f"/village/{code}").text):
            programs.add(program)
            roster = client.get(f"/village/{code}/program/{program}").text
            people |= set(re.findall(rf'href="/village/{code}/person/(\d+)', roster))
            households |= set(re.findall(rf'href="/village/{code}/household/(\d+)', roster))
    versions = re.findall(r'href="/village/\w+/(?:person|household)/\d+\?v=(\d+)"', roster)
    bench.ids.update(v=versions[:1], village_code=villages, township_name=townships,
                     program=companies + sorted(programs), person_no=sorted(people),
                     household_no=sorted(households),
                     program_code=sorted(programs),
                     qr_kind=["svg"], static_name=["sunlight.css"],
                     templates_code=["deaths"])  # a dataset's upload template


def _oversight(bench: Workbench) -> None:
    """The 督察 views' tables with a row in every state (as a detection run builds them)."""
    unit, day = "城关派出所", date(2024, 3, 1)
    with bench.app.state.sessions() as session:  # type: ignore[attr-defined]
        session.add(OversightPost(unit=unit, post="东关卡口", kind="卡口", coverage="24小时"))
        session.add_all([OversightPostShift(unit=unit, post="东关卡口", day=day, shift="白班",
                                            covered=True),
                         OversightPostShift(unit=unit, post="东关卡口", day=day, shift="夜班",
                                            covered=False)])
        session.add_all([OversightCase(case_no=f"A{n}", unit=unit, category="涉疫",
                                       received_on=day, step="closed_at", limit_days=15,
                                       days_taken=n, timeliness=judged)
                         for n, judged in enumerate(TIMELINESS_ZH)])
        session.add_all([OversightFinding(finding_no=f"DC{n}", unit=unit, found_on=day,
                                          category="值守", rectify_by=day, state=state)
                         for n, state in enumerate(FINDING_STATE_ZH)])
        session.merge(OversightState(id=1, as_of=day, fingerprint="", built_at=datetime.now(UTC)))
        session.commit()


def _user(session: object, role: str) -> User:
    found: User = session.scalars(  # type: ignore[attr-defined]
        select(User).where(User.username == ACCOUNTS[role]["username"])).one()
    return found

