"""The delivery folder: which files each department hands over, and writing them."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from sunlight.contract.datasets import DATASETS
from sunlight.synth import tables
from sunlight.synth.approvals import ApprovalStep
from sunlight.synth.badrows import DEFECTS, BadRow, plan_defects
from sunlight.synth.messiness import (
    Cell,
    FileStyle,
    Habits,
    RowFormatter,
    choose_style,
    with_blanks,
)
from sunlight.synth.payments import Ledger, payments_in
from sunlight.synth.people import Person
from sunlight.synth.periods import EXPORT_DAY, PAID_YEARS, month
from sunlight.synth.registries import CADRE, CROPLAND, GRASSLAND
from sunlight.synth.tables import Row
from sunlight.synth.world import World
from sunlight.synth.writers import write_table

ENCODINGS = ("utf-8-sig", "gb18030", "utf-8")
_DROPPABLE = {"residents": ("birth_date",), "disability_certs": ("category", "issue_date"),
              "businesses": ("registered_capital",)}
_SUMMED = {"payments": "amount", "allocations": "amount", "land": "area",
           "enrollments": "declared_area"}


@dataclass(frozen=True)
class FilePlan:
    dataset: str
    stem: str
    title: str
    build: Callable[[], list[Row]]
    annual: bool = False
    omit: tuple[str, ...] = ()
    """Columns this kind of file never has (a DIBAO roster has no declared area)."""
    file_format: str = "csv"
    encoding: str = "utf-8"


@dataclass
class DeliveryLog:
    """What was written, for the report and the side files."""

    files: int = 0
    rows: Counter[str] = field(default_factory=Counter)
    bad_rows: list[tuple[str, str, str, int, str]] = field(default_factory=list)
    non_data: list[tuple[str, str, str, int, str]] = field(default_factory=list)


def plan_files(world: World, approvals: Sequence[ApprovalStep]) -> list[FilePlan]:
    """Every file but the allocations (which wait for the payments), in writing order."""
    county = world.county.name
    plans = [FilePlan("residents", f"{county}户籍人口_{t.name}", f"{county}{t.name}户籍人口登记表",
                      _residents_of(world, t.name))
             for t in world.county.townships]
    plans += _registry_plans(world)
    plans += [_enrollment_plan(world, code) for code in _program_codes(world)]
    plans += _approval_plans(world, approvals)
    for code in _program_codes(world):
        plans += _payment_plans(world, code)
    return plans


def _program_codes(world: World) -> list[str]:
    """The programs the county enrolls anyone in, in catalog order: a program the generator does
    not yet simulate (a company program, say) gets no empty files."""
    enrolled = {e.program for e in world.enrollments}
    return [p.code for p in world.catalog.programs if p.code in enrolled]


def _residents_of(world: World, township: str) -> Callable[[], list[Row]]:
    return lambda: tables.residents(world, (p for p in world.population.people
                                            if p.household.township_name == township))


def _registry_plans(world: World) -> list[FilePlan]:
    county, registries = world.county.name, world.registries
    records = sorted(world.population.death_records, key=lambda r: (r.day, r.person.order))
    police = [r for r in records if r.source == "公安注销"]
    others = [r for r in records if r.source != "公安注销"]
    officials = sorted(registries.officials, key=lambda o: o.person.order)
    return [
        FilePlan("deaths", "死亡信息_公安户籍注销", f"{county}户籍注销（死亡）人员信息",
                 lambda: tables.deaths(world, police)),
        FilePlan("deaths", "死亡信息_殡葬火化及医学证明", f"{county}火化及死亡医学证明信息",
                 lambda: tables.deaths(world, others)),
        FilePlan("disability_certs", "残疾人证信息", f"{county}持证残疾人信息表",
                 lambda: tables.certs(world, sorted(registries.certs,
                                                    key=lambda c: c.person.order))),
        FilePlan("officials", "公职人员名册", f"{county}财政供养人员花名册",
                 lambda: tables.officials(world, [o for o in officials if o.category != CADRE])),
        FilePlan("officials", "村干部名册", f"{county}村干部花名册",
                 lambda: tables.officials(world, [o for o in officials if o.category == CADRE])),
        FilePlan("vehicles", "机动车登记信息", f"{county}机动车登记信息",
                 lambda: tables.vehicles(world, sorted(registries.vehicles,
                                                       key=lambda v: v.plate))),
        FilePlan("businesses", "企业登记信息", f"{county}市场主体登记信息",
                 lambda: tables.businesses(world, sorted(registries.businesses,
                                                         key=lambda b: b.founded)),
                 # v1's file: the status date (contract v1.1) comes with the company models.
                 omit=("status_date",)),
        *[FilePlan("land", f"{land_type}确权登记", f"{county}{land_type}承包经营权确权登记表",
                   _land_of(world, land_type))
          for land_type in (CROPLAND, GRASSLAND)],
    ]


def _land_of(world: World, land_type: str) -> Callable[[], list[Row]]:
    def build() -> list[Row]:
        parcels = [p for p in world.registries.parcels if p.land_type == land_type]
        parcels.sort(key=lambda p: (p.holder.household.village.township.code,
                                    p.holder.household.village.code, p.holder.order))
        return tables.land(world, parcels)

    return build


def _enrollment_plan(world: World, code: str) -> FilePlan:
    name = world.catalog.by_code[code].name

    def build() -> list[Row]:
        chosen = [e for e in world.enrollments if e.program == code]
        chosen.sort(key=lambda e: _place_order(e.person))
        return tables.enrollments(world, chosen)

    area_based = world.catalog.by_code[code].land_type is not None
    return FilePlan("enrollments", f"{name}花名册", f"{world.county.name}{name}对象花名册", build,
                    omit=() if area_based else ("declared_area",))


def _place_order(person: Person) -> tuple[int, int, int]:
    village = person.household.village
    return village.township.code, village.code, person.order


def _approval_plans(world: World, steps: Sequence[ApprovalStep]) -> list[FilePlan]:
    title = f"{world.county.name}惠民补贴审批流程公示"
    early = [s for s in steps if s.day.year <= 2023]
    late = [s for s in steps if s.day.year > 2023]
    return [FilePlan("approvals", "审批流程_2022-2023年", title,
                     lambda: tables.approvals(world, early)),
            FilePlan("approvals", "审批流程_2024年", title, lambda: tables.approvals(world, late))]


def _payment_plans(world: World, code: str) -> list[FilePlan]:
    name, county = world.catalog.by_code[code].name, world.county.name
    plans = []
    for year in PAID_YEARS:
        if world.standards.is_annual(code):
            plans.append(FilePlan("payments", f"{name}_{year}年发放明细",
                                  f"{county}{year}年{name}发放花名册",
                                  _payments_of(world, code, [month(year, 1)]), annual=True))
            continue
        for half, label in ((0, "上半年"), (1, "下半年")):
            first = month(year, 1 + 6 * half)
            plans.append(FilePlan("payments", f"{name}_{year}年{label}发放明细",
                                  f"{county}{year}年{label}{name}发放花名册",
                                  _payments_of(world, code, list(range(first, first + 6)))))
    return plans


def _payments_of(world: World, code: str, periods: list[int]) -> Callable[[], list[Row]]:
    return lambda: tables.payments(world, payments_in(world, code, periods))


def allocation_plan(world: World, build: Callable[[], list[Row]]) -> FilePlan:
    return FilePlan("allocations", "资金拨付明细", f"{world.county.name}惠民惠农补贴资金拨付明细",
                    build)


def assign_formats(plans: list[FilePlan], file_format: str, seed: int) -> list[FilePlan]:
    """xlsx or csv for each file, and an encoding for each csv (all three appear in turn)."""
    formats = []
    for plan in plans:
        if file_format != "mixed":
            formats.append(file_format)
        else:
            formats.append("xlsx" if _rng(seed, plan, "format").random() < 0.45 else "csv")
    if file_format == "mixed":  # both formats and all encodings, whatever the dice say
        if "xlsx" not in formats:
            formats[0] = "xlsx"
        while formats.count("csv") < len(ENCODINGS):
            formats[formats.index("xlsx", 1)] = "csv"
    offset = seed % len(ENCODINGS)
    assigned, csv_count = [], 0
    for plan, chosen in zip(plans, formats, strict=True):
        encoding = ENCODINGS[(offset + csv_count) % len(ENCODINGS)] if chosen == "csv" else ""
        csv_count += chosen == "csv"
        assigned.append(replace(plan, file_format=chosen, encoding=encoding))
    return assigned


def _rng(seed: int, plan: FilePlan, purpose: str) -> random.Random:
    """A generator per file and purpose, so that one file's dice do not shift another's."""
    return random.Random(f"{seed}/{plan.dataset}/{plan.stem}/{purpose}")


class DeliveryWriter:
    def __init__(self, world: World, root: Path, seed: int) -> None:
        self.world, self.root, self.seed = world, root, seed
        self.log = DeliveryLog()
        self.ledger = Ledger()
        self._defect_cursor: Counter[str] = Counter()
        self._first_of: set[str] = set()
        self._habits = Habits()

    def write(self, plan: FilePlan) -> None:
        dataset = DATASETS[plan.dataset]
        rng = _rng(self.seed, plan, "looks")
        rows = plan.build()
        unreadable = self._unreadable_count(rng, plan, len(rows))
        if plan.dataset == "residents":
            # The registry's garbled rows are of people no other file mentions.
            for stranger in tables.strangers(self.world, rng, rows, unreadable):
                rows.insert(rng.randrange(1, len(rows)), stranger)
        department = dataset.department.split(" ")[0]
        titles = (plan.title, f"填报单位：{self.world.county.name}{department}"
                              f"    填报日期：{chinese_date(EXPORT_DAY)}")
        style = choose_style(rng, dataset, plan.file_format, plan.encoding, titles, self._habits,
                             plan.annual, _DROPPABLE.get(plan.dataset, ()), plan.omit)
        style = with_blanks(rng, style, len(rows))
        bad = plan_defects(rng, dataset, style, rows, unreadable,
                           self._defect_cursor[plan.dataset])
        self._defect_cursor[plan.dataset] += unreadable
        formatter = RowFormatter(rng, dataset, style, self.world.catalog)
        cells = [formatter.cells(row.values, row.noisy) for row in rows]
        folder = self.root / plan.dataset
        folder.mkdir(parents=True, exist_ok=True)
        file_name = f"{plan.stem}.{plan.file_format}"
        totals = totals_row(plan.dataset, style, rows)
        written = write_table(folder / file_name, style, cells, totals)
        self._record(plan, style, file_name, rows, bad, written.row_numbers, written.non_data)

    def _unreadable_count(self, rng: random.Random, plan: FilePlan, rows: int) -> int:
        """A few unreadable rows per large file; every kind of file shows at least one."""
        if plan.dataset not in DEFECTS:
            return 0
        count = min(6, rows // 3000 + (rng.random() < 0.5))
        if plan.dataset not in self._first_of:
            self._first_of.add(plan.dataset)
            count = max(1, count)
        return count

    def _record(self, plan: FilePlan, style: FileStyle, file_name: str, rows: list[Row],
                bad: list[BadRow], numbers: list[int], non_data: list[tuple[int, str]]) -> None:
        sheet = style.sheet if style.is_xlsx else ""
        self.log.files += 1
        self.log.rows[plan.dataset] += len(rows)
        for defect in bad:
            self.log.bad_rows.append((plan.dataset, file_name, sheet, numbers[defect.index],
                                      defect.reason))
        for row_number, kind in non_data:
            self.log.non_data.append((plan.dataset, file_name, sheet, row_number, kind))
        unreadable = {d.index for d in bad}
        for index, row in enumerate(rows):
            if row.payment is not None and index not in unreadable:
                self.ledger.record(row.payment)


def totals_row(dataset: str, style: FileStyle, rows: list[Row]) -> list[Cell] | None:
    """The 合计 row: its label is the first cell filled, the money or area summed after it."""
    if not style.is_xlsx or style.total_label is None:
        return None
    cells: list[Cell] = [None] * len(style.columns)
    label_at = style.total_column
    summed = _SUMMED.get(dataset, "")
    if summed in style.columns and style.columns.index(summed) > 0:
        where = style.columns.index(summed)
        label_at = min(label_at, where - 1)
        position = [c.name for c in DATASETS[dataset].columns].index(summed)
        cells[where] = sum(v for r in rows if isinstance(v := r.values[position], int)) / 100
    cells[label_at] = style.total_label
    return cells


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
