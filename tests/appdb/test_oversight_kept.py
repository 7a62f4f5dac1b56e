"""The 督察 tables are built again only when the police data they read (or the as-of date)
changed: a month of payments keeps them, a police delivery rebuilds them."""

from __future__ import annotations

from datetime import datetime
from importlib import resources
from pathlib import Path

from sqlalchemy import func, select

from sunlight.appdb.database import database_url, make_engine, session_factory
from sunlight.appdb.oversight_tables import OversightCase, OversightState
from sunlight.detect import run_detection
from sunlight.ingest.pipeline import ingest, plan_delivery
from sunlight.settings import Settings
from sunlight.warehouse.store import Warehouse
from tests.models.county import County
from tests.web.month_story import county, guard

MODELS = ["DUPLICATE_PAYMENT", "CASE_OVERDUE", "POST_UNCOVERED"]


def built(settings: Settings) -> tuple[datetime, int]:
    """When the tables were last built, and how many cases they hold."""
    db = make_engine(database_url(settings))
    try:
        with session_factory(db)() as session:
            state = session.scalars(select(OversightState)).one()
            cases = session.scalar(select(func.count()).select_from(OversightCase))
    finally:
        db.dispose()
    return state.built_at, int(cases or 0)


def delivered(settings: Settings, more: County, folder: Path) -> None:
    ingest(Warehouse(settings.warehouse_dir), plan_delivery(more.deliver(folder)), workers=1)


def test_a_month_of_payments_keeps_the_tables_and_a_police_delivery_rebuilds_them(
        tmp_path: Path):
    settings = Settings(home=tmp_path / "home")
    county.run(settings.home)
    run_detection(settings, MODELS)
    first, cases = built(settings)
    assert cases == 7

    payroll = County()
    payroll.pay(guard, "低保", "2024-03", 500, file="三月.csv")
    delivered(settings, payroll, tmp_path / "payroll")
    run_detection(settings, MODELS)
    assert built(settings) == (first, 7)

    police = County()
    police.add("police_cases", "新案件.csv", case_no="B2024009", unit="八渡乡派出所",
               category="行政", handler_name="王警官", received_at="2024-03-01 09:00",
               status="办理中")
    delivered(settings, police, tmp_path / "police")
    run_detection(settings, MODELS)
    again, cases = built(settings)
    assert again > first and cases == 8


def test_new_time_limits_rebuild_the_tables_without_new_data(tmp_path: Path):
    settings = Settings(home=tmp_path / "home")
    county.run(settings.home)
    run_detection(settings, MODELS)
    first, _ = built(settings)
    shipped = resources.files("sunlight.contract").joinpath("time_limits.yaml").read_text("utf-8")
    edited = tmp_path / "time_limits.yaml"
    edited.write_text(shipped.replace("days: 30}", "days: 60}"), "utf-8")
    assert edited.read_text("utf-8") != shipped
    run_detection(Settings(home=settings.home, time_limits=edited), MODELS)
    again, _ = built(settings)
    assert again > first  # 行政 cases judged at 60 days now, not the tables of 30
