"""Hostile rows in a delivery never reach the portal whole, nor stop a publication: an ID
number or a bank account delivered as a company's 统一社会信用代码 is published masked, an
80-character 乡镇 and a 300-character company name are cut, amounts no column holds are
refused at ingest, and a total beyond what the portal's column holds is held at its largest
(on SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
from sqlalchemy import select

from sunlight.appdb.publication_tables import (
    PubBeneficiary,
    PubCompanyPayment,
    PubProgram,
    PubVillage,
)
from sunlight.contract.catalog import load_catalog
from sunlight.ingest.pipeline import ingest, plan_delivery
from sunlight.publish.extract import Extract, extract
from sunlight.settings import Settings
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.store import Warehouse
from tests.models.county import Company, County
from tests.web.conftest import StaffApp
from tests.web.portal_support import Portal
from tests.web.test_portal_privacy import crawl

PERSON_ID = "610327197408242911"  # a valid ID number, its GB 32100 check failing
ACCOUNT = "621700187888666367"  # an 18-digit bank card number
BOTH_CHECKS = "610327198502150057"  # a valid ID number that also passes GB 32100
GOOD_CODE = "9161032700CY9RKELX"
LONG_TOWNSHIP = "城关" * 39 + "镇"  # 79 characters
LONG_COMPANY = "陇县" + "某" * 296 + "有限公司"  # 302 characters
HUGE = "99999999999999"  # 元: two of them overflow a total of 16 digits


def hostile_county(home: Path) -> Warehouse:
    county = County()
    firms = [Company(code, f"陇县第{n}建材有限公司") for n, code in
             enumerate((PERSON_ID, ACCOUNT, BOTH_CHECKS, GOOD_CODE), start=1)]
    for firm in firms:
        county.pay_company(firm, "留工补贴", "2024-01", 5000, claimed=10)
    county.pay_company(Company(GOOD_CODE, LONG_COMPANY), "留工补贴", "2024-02", 5000,
                       township=LONG_TOWNSHIP)
    county.pay_company(firms[3], "留工补贴", ["2024-03", "2024-04"], HUGE)
    county.pay_company(firms[3], "留工补贴", "2024-05", 5000, claimed="1,000,000,000,000人")
    payee = county.person("王" * 70, born="1950-03-05", township=LONG_TOWNSHIP,
                          village="东风" * 40 + "村")
    county.pay(payee, "低保", "2024-01", 500)
    warehouse = Warehouse(Settings(home=home).warehouse_dir)
    ingest(warehouse, plan_delivery(county.deliver(home.parent / "delivery")), workers=1)
    return warehouse


def published(staff_app: StaffApp, home: Path) -> Portal:
    engine = DuckDBEngine()
    try:
        rows = extract(engine, hostile_county(home), load_catalog())
    finally:
        engine.close()
    portal = Portal(staff_app, rows)
    portal.publish()
    return portal


def test_no_id_or_account_delivered_as_a_credit_code_is_on_the_portal(
        staff_app_both: StaffApp, tmp_path: Path) -> None:
    portal = published(staff_app_both, tmp_path / "county")
    with staff_app_both.session() as session:
        codes = session.scalars(select(PubCompanyPayment.credit_code).distinct()).all()
        companies = session.scalars(select(PubCompanyPayment.company).distinct()).all()
        townships = session.scalars(select(PubVillage.township)).all()
        villages = session.scalars(select(PubVillage.village)).all()
        payees = session.scalars(select(PubBeneficiary.name)).all()
        liugong = session.scalars(select(PubProgram).where(PubProgram.code == "LIUGONG")).one()
    assert sorted(codes) == sorted([GOOD_CODE, "610327" + "*" * 12, "621700" + "*" * 12])
    assert max(len(name) for name in companies) == 200 and LONG_COMPANY[:199] + "…" in companies
    assert townships == [LONG_TOWNSHIP[:59] + "…"]  # the person tables are cut alike
    assert villages == ["东风" * 29 + "东…"] and payees == ["王" * 59 + "…"]
    assert liugong.total == Decimal("25000")  # the two huge payments were refused at ingest
    pages = 0
    client = portal.client()
    for path, _kind, body in crawl(client):
        shown = body.decode("utf-8", errors="replace")
        pages += 1
        assert not [s for s in (PERSON_ID, ACCOUNT, BOTH_CHECKS) if s in shown], path
    assert pages > 5
    roster = "/township/城关镇/program/LIUGONG"
    assert "陇县第4建材有限公司" in client.get(roster).text
    for secret in (PERSON_ID, ACCOUNT, BOTH_CHECKS, PERSON_ID[6:14]):
        found = client.get(roster, params={"q": secret})
        assert found.status_code == 200
        assert "陇县第" not in found.text  # no company is found by the digits it hides


def test_a_total_beyond_the_portals_columns_is_held_not_refused(
        staff_app_both: StaffApp, tmp_path: Path) -> None:
    built = published(staff_app_both, tmp_path / "county")
    totals = built.rows.program_totals.to_pylist()
    huge = [dict(row, total=Decimal("199999999999998.00")) if row["program"] == "LIUGONG"
            else row for row in totals]
    rows: Extract = replace(built.rows, program_totals=pa.Table.from_pylist(
        huge, schema=built.rows.program_totals.schema))
    again = Portal(staff_app_both, rows).publish()
    with staff_app_both.session() as session:
        liugong = session.get(PubProgram, (again.id, "LIUGONG"))
    assert liugong is not None  # SQLite keeps a NUMERIC as a float: .99 comes back .98
    assert Decimal("99999999999999.9") <= liugong.total < Decimal("100000000000000")
