"""A tiny county for the model tests: a few people, a few rows per dataset, one delivery.

A test module describes its county at the top, one person per situation:

    county = County()
    wang = county.person("王芳", born="1950-03-05")
    death = county.death(wang, "2024-03-15")
    paid = county.pay(wang, "低保", months("2024-01", "2024-05"), 500)

and `run = county.fixture("DECEASED_PAID")` makes the module-scoped fixture that runs it
once: `County.detect` writes the delivery as small CSV files with the contract's Chinese
headers (the first synonym of each column), ingests it with the real pipeline into a temporary
SUNLIGHT_HOME, refuses to go on if any row was rejected (a situation that never reached the
models would pass any must-not-fire test), runs the chosen models and hands back a `Run`.

Every added row knows where a person finds it (`Row`: dataset, file, row number with the
header as row 1), so a test can name the evidence it expects.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from sunlight.contract.catalog import load_catalog
from sunlight.contract.datasets import DATASETS
from sunlight.ingest.pipeline import ingest, plan_delivery
from sunlight.models.detection import Detection
from sunlight.models.registry import load_library
from sunlight.models.runner import DetectionResult, ModelOutcome, detect, select
from sunlight.quality.report import findings
from sunlight.settings import Settings
from sunlight.synth.ids import check_char, credit_code
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.store import Warehouse
from tests.conftest import Cell, write_csv

AREA = "610327"
TOWNSHIP = "城关镇"
VILLAGE = "东风村"
FULL_CHAIN = ("申请", "村级评议", "村级公示", "乡镇审核", "县级审批")

Money = int | str | Decimal


def make_id(born: str, seq: int, area: str = AREA) -> str:
    """The valid 18-character ID of someone born on `born` (YYYY-MM-DD), told apart by `seq`."""
    body = f"{area}{born.replace('-', '')}{seq:03d}"
    return body + check_char(body)


def months(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` (YYYY-MM), both included."""
    start = int(first[:4]) * 12 + int(first[5:]) - 1
    end = int(last[:4]) * 12 + int(last[5:]) - 1
    return [f"{m // 12}-{m % 12 + 1:02d}" for m in range(start, end + 1)]


@dataclass(frozen=True)
class Row:
    """A delivered row as a person finds it: dataset, file name, row number (header = 1)."""

    dataset: str
    file: str
    row: int


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    household: str
    township: str = TOWNSHIP
    village: str = VILLAGE
    row: Row | None = None
    """Their row in the resident registry, if they have one."""

    @property
    def account(self) -> str:
        """The person's own 19-digit 一卡通 card."""
        return "62170000" + self.id[6:17]


@dataclass(frozen=True)
class Company:
    code: str
    """Its unified social credit code (GB 32100, a valid check character)."""
    name: str
    rep: Person | None = None
    """Its legal representative, if the registry names one."""
    row: Row | None = None
    """Its row in the business registry, if it has one."""

    @property
    def account(self) -> str:
        """The company's 对公账号."""
        return "61050" + str(sum(ord(c) for c in self.code) * 7919).zfill(12)


class County:
    """Rows of each dataset, by file, in the order they were added."""

    def __init__(self) -> None:
        self.files: dict[tuple[str, str], list[dict[str, Cell]]] = {}
        self._people = 0
        self._codes = random.Random(15)  # the same codes every run: warning IDs stay put

    def add(self, dataset: str, file: str = "", **values: Cell) -> Row:
        """One row of `dataset`, its cells named by the contract's column names."""
        known = {column.name for column in DATASETS[dataset].columns}
        if unknown := sorted(set(values) - known):
            raise TypeError(f"{dataset} has no column {', '.join(unknown)}")
        name = file or f"{dataset}.csv"
        rows = self.files.setdefault((dataset, name), [])
        rows.append(values)
        return Row(dataset, name, len(rows) + 1)

    # -- people and what the departments know of them --------------------------------------

    def person(self, name: str, born: str, *, household: str = "", registered: bool = True,
               township: str = TOWNSHIP, village: str = VILLAGE, seq: int = 0,
               **registry: Cell) -> Person:
        """Someone with a valid ID (`seq` tells apart people born the same day: the next
        number unless given); in the resident registry unless `registered` is false."""
        self._people += 1
        who = Person(make_id(born, seq or self._people), name,
                     household or f"H{self._people:03d}", township, village)
        if not registered:
            return who
        row = self.add("residents", id_number=who.id, name=name, household_id=who.household,
                       township=township, village=village, **registry)
        return replace(who, row=row)

    def death(self, who: Person, on: str, source: str = "公安注销", file: str = "") -> Row:
        return self.add("deaths", file, id_number=who.id, name=who.name, death_date=on,
                        source=source)

    def certificate(self, who: Person, level: Cell, **extra: Cell) -> Row:
        return self.add("disability_certs", id_number=who.id, name=who.name, category="肢体",
                        level=level, **extra)

    def official(self, who: Person, category: str, start: str, end: str = "",
                 **extra: Cell) -> Row:
        return self.add("officials", id_number=who.id, name=who.name, category=category,
                        start_date=start, end_date=end, **extra)

    def vehicle(self, who: Person, vehicle_type: str, status: str = "正常",
                **extra: Cell) -> Row:
        return self.add("vehicles", owner_id_number=who.id, owner_name=who.name,
                        vehicle_type=vehicle_type, status=status, **extra)

    def business(self, who: Person, status: str, company: str = "陇县某某商贸有限公司",
                 **extra: Cell) -> Row:
        return self.add("businesses", rep_id_number=who.id, rep_name=who.name,
                        company=company, status=status, **extra)

    def land(self, who: Person, land_type: str, area: Money) -> Row:
        return self.add("land", holder_id_number=who.id, holder_name=who.name,
                        land_type=land_type, area=str(area))

    def enroll(self, who: Person, program: str, start: str, end: str = "",
               **extra: Cell) -> Row:
        return self.add("enrollments", program=program, id_number=who.id, name=who.name,
                        start_month=start, end_month=end, **extra)

    def approve(self, who: Person, program: str, steps: Mapping[str, str]) -> list[Row]:
        """An approval chain: one row per step (`{"县级审批": "2024-01-20", ...}`)."""
        return [self.add("approvals", program=program, id_number=who.id, step=step, date=day)
                for step, day in steps.items()]

    # -- companies -------------------------------------------------------------------------

    def company(self, name: str, rep: Person | None = None, status: str = "存续", *,
                registered: bool = True, **registry: Cell) -> Company:
        """A company with a fresh valid credit code; in the business registry (with `rep` as
        its legal representative) unless `registered` is false."""
        firm = Company(credit_code(self._codes, AREA), name, rep)
        if not registered:
            return firm
        row = self.add("businesses", credit_code=firm.code, company=name, status=status,
                       rep_id_number=rep.id if rep else None, rep_name=rep.name if rep else None,
                       **registry)
        return replace(firm, row=row)

    def insured(self, firm: Company, month: str, count: Cell) -> Row:
        return self.add("insured_headcount", credit_code=firm.code, company=firm.name,
                        month=month, insured_count=str(count))

    def pay_company(self, firm: Company, program: str, periods: str | Iterable[str],
                    amount: Money, claimed: Cell = None, file: str = "",
                    **written: Cell) -> list[Row]:
        """One enterprise_payments row per period to the company's 对公账号; `written`
        overrides cells (the code as the department wrote it, a bank date)."""
        cells: dict[str, Cell] = {"credit_code": firm.code, "company": firm.name,
                                  "account": firm.account, "township": TOWNSHIP, **written}
        if claimed is not None:
            cells["claimed_headcount"] = str(claimed)
        return [self.add("enterprise_payments", file, program=program, period=period,
                         amount=str(amount), **cells)
                for period in ([periods] if isinstance(periods, str) else periods)]

    def on_duty(self, who: Person, date: str, shift: str = "白班",
                role: str = "社区工作者", unit: str = "东风村委会", file: str = "",
                **extra: Cell) -> Row:
        """A duty_roster row; `extra`: its post, the 警号."""
        return self.add("duty_roster", file, date=date, shift=shift, unit=unit, role=role,
                        id_number=who.id, name=who.name, **extra)

    # -- police supervision (contract §6) --------------------------------------------------

    def post(self, unit: str, post: str, coverage: str = "24小时", file: str = "",
             **extra: Cell) -> Row:
        """A row of the post list; `extra`: active_from, active_to, kind."""
        return self.add("posts", file, unit=unit, post=post, coverage=coverage, **extra)

    def check(self, who: Person, at: str, unit: str, result: str = "不在岗",
              **extra: Cell) -> Row:
        """A duty check (网上点名) of `who` at `at` (`2024-02-10 21:35`); `extra`: post, method."""
        return self.add("duty_checks", checked_at=at, unit=unit, id_number=who.id,
                        name=who.name, result=result, **extra)

    # -- money -----------------------------------------------------------------------------

    def pay(self, who: Person, program: str, periods: str | Iterable[str], amount: Money,
            file: str = "", **written: Cell) -> list[Row]:
        """One payment row per period to the person's own card; `written` overrides cells
        (the ID or name as the roster wrote them, another account, a bank date)."""
        cells: dict[str, Cell] = {
            "id_number": who.id, "name": who.name, "account": who.account,
            "township": who.township, "village": who.village, **written}
        return [self.add("payments", file, program=program, period=period, amount=str(amount),
                         **cells)
                for period in ([periods] if isinstance(periods, str) else periods)]

    def allocate(self, program: str, year: int, township: str, amount: Money) -> Row:
        return self.add("allocations", program=program, year=str(year), township=township,
                        amount=str(amount))

    # -- delivery, ingestion, detection ----------------------------------------------------

    def deliver(self, root: Path) -> Path:
        """Write `<root>/<dataset>/<file>.csv`: required columns and those given, in contract
        order, headed by each column's first synonym."""
        for (code, name), rows in self.files.items():
            given = {column for row in rows for column in row}
            columns = [c for c in DATASETS[code].columns if c.required or c.name in given]
            table: list[list[Cell]] = [[c.label for c in columns]]
            table += [[_cell(row.get(c.name)) for c in columns] for row in rows]
            write_csv(root / code / name, table)
        return root

    def ingested(self, folder: Path) -> Path:
        """SUNLIGHT_HOME `folder/home` with this county ingested (delivered beside it)."""
        home = folder / "home"
        self.run(home)
        return home

    def fixture(self, *codes: str) -> Any:
        """A module-scoped fixture `run`: this county ingested once, the models `codes` run."""

        def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
            return self.detect(tmp_path_factory.mktemp("county") / "home", *codes)

        return pytest.fixture(scope="module", name="run")(run)

    def detect(self, home: Path, *codes: str) -> Run:
        """Deliver, ingest into SUNLIGHT_HOME `home`, run the models `codes` (all must run)."""
        run = self.run(home, *codes)
        for outcome in run.result.outcomes:
            assert outcome.ran, f"{outcome.code} did not run: {outcome.reason}"
        return run

    def run(self, home: Path, *codes: str) -> Run:
        """Like `detect`, but a model may be skipped (see `Run.outcome`)."""
        warehouse = Warehouse(Settings(home=home).warehouse_dir)
        if self.files:
            ingest(warehouse, plan_delivery(self.deliver(home.parent / "delivery")), workers=2)
        rejected = [f for f in findings(warehouse) if f[4] == "rejected"]
        assert not rejected, f"the fixture has unreadable rows: {rejected}"
        result = detect(DuckDBEngine(), warehouse, load_catalog(),
                        select(load_library(), list(codes)))
        return Run(result, warehouse)


def _cell(value: Cell) -> Cell:
    return "" if value is None else value


@dataclass
class Run:
    """What the models said about the tiny county."""

    result: DetectionResult
    warehouse: Warehouse

    @property
    def detections(self) -> list[Detection]:
        return self.result.detections

    def of(self, subject: str | Person | Company) -> list[Detection]:
        key = (subject.id if isinstance(subject, Person)
               else subject.code if isinstance(subject, Company) else subject)
        return [d for d in self.detections if d.subject == key]

    def one(self, subject: str | Person | Company) -> Detection:
        """The one detection about `subject` (an ID, a person, a company, an account...)."""
        found = self.of(subject)
        assert len(found) == 1, f"expected one detection of {subject}, got {found}"
        return found[0]

    def fired(self, subject: str | Person | Company) -> bool:
        return bool(self.of(subject))

    def outcome(self, code: str) -> ModelOutcome:
        return next(o for o in self.result.outcomes if o.code == code)

    def findings(self) -> list[tuple[str, str, str, int, str, str, str]]:
        """The data-quality report of the delivery."""
        return findings(self.warehouse)


def figures(detection: Detection) -> tuple[str, str, str, str]:
    """What the warning says in figures: program, period_from, period_to, amount."""
    return (detection.program, detection.period_from, detection.period_to, str(detection.amount))


def evidence(detection: Detection) -> set[tuple[Row, str]]:
    """The detection's evidence as (row, role) pairs."""
    return {(Row(e.dataset, e.file, e.row), e.role) for e in detection.evidence}


def paid(*rows: Row | Iterable[Row]) -> set[tuple[Row, str]]:
    return {(row, "paid") for row in _flat(rows)}


def basis(*rows: Row | Iterable[Row]) -> set[tuple[Row, str]]:
    return {(row, "basis") for row in _flat(rows)}


def _flat(rows: tuple[Row | Iterable[Row], ...]) -> list[Row]:
    return [r for item in rows for r in ([item] if isinstance(item, Row) else item)]


_HAN = re.compile(r"[\u4e00-\u9fff]")


def assert_explains(detection: Detection, *facts: str) -> None:
    """The explanation is a finished Chinese sentence that names each of `facts`."""
    text = detection.explanation
    assert len(_HAN.findall(text)) >= 10, text
    assert not any(slip in text for slip in ("{", "}", "None", "（未知）", "nan")), text
    for fact in facts:
        assert fact in text, f"{fact!r} not in {text!r}"

