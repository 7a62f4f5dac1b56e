"""The delivery folder: which files each department hands over, and writing them."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from sunlight.contract.datasets import DATASETS
from sunlight.synth import tables
from sunlight.synth.approvals import ApprovalStep
from sunlight.synth.badrows import DEFECTS, BadRow, plan_defects
from sunlight.synth.enterprise import season
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
from sunlight.synth.periods import (
    EXPORT_DAY,
    HOLIDAY_MONTHS,
    PAID_YEARS,
    Month,
    month,
    month_number,
    year_of,
)
from sunlight.synth.programs import ROSTERLESS
from sunlight.synth.registries import CADRE, CROPLAND, GRASSLAND, Business
from sunlight.synth.subsidies import COMMUNITY_WORKER, SHIFTS
from sunlight.synth.tables import Row
from sunlight.synth.world import World
from sunlight.synth.writers import write_table

ENCODINGS = ("utf-8-sig", "gb18030", "utf-8")
_DROPPABLE = {"residents": ("birth_date",), "disability_certs": ("category", "issue_date"),
              "businesses": ("registered_capital",), "enterprise_payments": ("township",),
              "insured_headcount": ("company",)}
_SUMMED = {"payments": "amount", "allocations": "amount", "land": "area",
           "enrollments": "declared_area", "enterprise_payments": "amount"}


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
    plans += [_enrollment_plan(world, code) for code in _program_codes(world)
              if code not in ROSTERLESS]
    plans += _approval_plans(world, approvals)
    paid_months = _paid_months(world)
    for code in _program_codes(world):
        plans += _payment_plans(world, code, paid_months[code])
    plans += company_plans(world)
    plans += _roster_plans(world)
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
                                                         key=lambda b: b.founded))),
        # The later delivery restating some companies: its name sorts after the first's.
        FilePlan("businesses", "企业登记信息_变更登记", f"{county}市场主体变更登记信息",
                 lambda: tables.businesses(world, registries_restated(world))),
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


def registries_restated(world: World) -> list[Business]:
    return sorted(world.restated, key=lambda b: (b.founded, b.credit_code))


def _paid_months(world: World) -> dict[str, set[Month]]:
    """The periods each program pays in the two years."""
    months: dict[str, set[Month]] = defaultdict(set)
    for enrollment in world.enrollments:
        months[enrollment.program].update(world.months_of(enrollment))
    return months


def _payment_plans(world: World, code: str, paid: set[Month]) -> list[FilePlan]:
    """A file per year (annual programs) or per half-year paying anything (monthly ones)."""
    name, county = world.catalog.by_code[code].name, world.county.name
    plans = []
    for year in PAID_YEARS:
        if world.standards.is_annual(code):
            if month(year, 1) in paid:
                plans.append(FilePlan("payments", f"{name}_{year}年发放明细",
                                      f"{county}{year}年{name}发放花名册",
                                      _payments_of(world, code, [month(year, 1)]), annual=True))
            continue
        for half, label in ((0, "上半年"), (1, "下半年")):
            first = month(year, 1 + 6 * half)
            if not paid.intersection(range(first, first + 6)):
                continue
            plans.append(FilePlan("payments", f"{name}_{year}年{label}发放明细",
                                  f"{county}{year}年{label}{name}发放花名册",
                                  _payments_of(world, code, list(range(first, first + 6)))))
    return plans


def _payments_of(world: World, code: str, periods: list[int]) -> Callable[[], list[Row]]:
    return lambda: tables.payments(world, payments_in(world, code, periods))


def company_plans(world: World) -> list[FilePlan]:
    """Insured headcount per season and 留工 grants per year, as social insurance and the
    human resources bureau deliver them."""
    county, plans = world.county.name, []
    for holiday in HOLIDAY_MONTHS:
        first, last = season(holiday)[0], season(holiday)[-1]
        span = f"{year_of(first)}年{month_number(first)}月至{year_of(last)}年{month_number(last)}月"
        plans.append(FilePlan("insured_headcount", f"参保人数_{span}",
                              f"{county}参保单位参保人数（{span}）",
                              _insured_in(world, season(holiday))))
    for year in PAID_YEARS:
        plans.append(FilePlan("enterprise_payments", f"留工补贴_{year}年发放明细",
                              f"{county}{year}年春节留工补贴发放明细",
                              _grants_in(world, year)))
    return plans


def _insured_in(world: World, months: range) -> Callable[[], list[Row]]:
    def build() -> list[Row]:
        rows = [(b, m) for b, by_month in world.insured.items() for m in months if m in by_month]
        rows.sort(key=lambda r: (r[1], r[0].credit_code))
        return tables.insured_headcount(world, rows)

    return build


def _grants_in(world: World, year: int) -> Callable[[], list[Row]]:
    def build() -> list[Row]:
        grants = [g for g in world.grants if year_of(g.period) == year]
        grants.sort(key=lambda g: (g.paid_on, g.period, g.business.credit_code))
        return tables.enterprise_payments(world, grants)

    return build


def _roster_plans(world: World) -> list[FilePlan]:
    """Each holiday's roster: the village committees' in one file, the police stations' in
    another (only theirs has police numbers)."""
    county, plans = world.county.name, []
    for year in PAID_YEARS:
        for police, stem, title in ((False, "社区春节值班表", "村（社区）春节值班表"),
                                    (True, "派出所春节勤务排班", "公安局春节勤务排班表")):
            plans.append(FilePlan("duty_roster", f"{stem}_{year}年", f"{county}{year}年{title}",
                                  _shifts_in(world, year, police),
                                  omit=() if police else ("police_number",)))
    return plans


def _shifts_in(world: World, year: int, police: bool) -> Callable[[], list[Row]]:
    def build() -> list[Row]:
        shifts = [s for s in world.roster if s.day.year == year
                  and (s.role != COMMUNITY_WORKER) == police]
        shifts.sort(key=lambda s: (s.day, s.unit, SHIFTS.index(s.shift), s.person.order))
        return tables.duty_roster(world, shifts)

    return build


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
