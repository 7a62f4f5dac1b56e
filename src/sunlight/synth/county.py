"""`generate_county`: a synthetic county delivery with its truth, from a seed."""

from __future__ import annotations

import csv
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from sunlight.contract.catalog import load_catalog
from sunlight.synth import tables
from sunlight.synth.approvals import build_approvals
from sunlight.synth.background import write_background
from sunlight.synth.batch import SCREEN_TRUTH_COLUMNS, inject_next_month, write_next_month
from sunlight.synth.cases import CASE, TRAP, Finding, allocations, inject_cases
from sunlight.synth.county_bureau import county_bureau
from sunlight.synth.delivery import (
    DeliveryWriter,
    FilePlan,
    allocation_plan,
    assign_formats,
    plan_files,
)
from sunlight.synth.enterprise import enterprise_background
from sunlight.synth.geography import build_county
from sunlight.synth.holiday import holiday_background
from sunlight.synth.ids import AccountFactory, IdFactory
from sunlight.synth.names import NameFactory
from sunlight.synth.outputs import (
    BAD_ROW_COLUMNS,
    NON_DATA_COLUMNS,
    TRUTH_COLUMNS,
    truth_rows,
    write_csv,
)
from sunlight.synth.people import build_population
from sunlight.synth.police_files import bureau_plans
from sunlight.synth.programs import Standards
from sunlight.synth.registries import build_registries
from sunlight.synth.welfare import choose_poor, enroll_background
from sunlight.synth.world import World
from sunlight.synth.writers import HEADER

Progress = Callable[[str, int, int], None]
FileFormat = Literal["mixed", "xlsx", "csv"]


@dataclass(frozen=True)
class GenerationReport:
    out: Path
    persons: int
    files: int
    rows: dict[str, int]
    """Data rows written per dataset (unreadable ones included)."""
    cases: int
    traps: int
    bad_rows: int
    truth_path: Path
    seed: int
    shortfalls: tuple[str, ...] = ()
    """Cases or traps a small county had no one to build on (none from 1,500 residents)."""
    batch_path: Path | None = None
    """The next month's payment batch, when asked for (its truth: screen_truth.csv)."""
    batch_rows: int = 0


def build_world(persons: int, seed: int) -> World:
    """The county as it is: people, registries, enrollments and the injected cases."""
    rng = random.Random(seed)
    county = build_county(rng, persons)
    ids, names, accounts = IdFactory(rng, county.area_code), NameFactory(rng), AccountFactory(rng)
    population = build_population(rng, county, persons, ids, names, accounts)
    dibao, tekun = choose_poor(rng, population)
    registries = build_registries(rng, county, population)
    catalog = load_catalog()
    world = World(rng, catalog, county, population, registries, ids, names, accounts,
                  Standards(catalog))
    enroll_background(world, dibao, tekun)
    return world


MARKER = ".synthetic-county"
"""Left in OUT: a later run may replace a delivery this generator wrote, and only such one."""


def make_room(out: Path) -> None:
    """Clear a delivery (and batch) this generator wrote before; refuse to touch anyone else's."""
    for folder in (out / "delivery", out / "batch"):
        if folder.exists() and any(folder.iterdir()):
            if not (out / MARKER).is_file():
                raise FileExistsError(f"{folder} exists and was not written by the generator; "
                                      "choose another --out")
            shutil.rmtree(folder)
    if (out / MARKER).is_file():
        (out / "screen_truth.csv").unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)


def write_files(writer: DeliveryWriter, plans: list[FilePlan], findings: list[Finding],
                out: Path, tell: Progress) -> list[tuple[str, ...]]:
    """Write the planned files, then truth.csv, bad_rows.csv and non_data_rows.csv."""
    for done, plan in enumerate(plans, start=1):
        writer.write(plan)
        tell("files", done, len(plans))
    truth = truth_rows(findings, writer.ledger)
    write_csv(out / "truth.csv", TRUTH_COLUMNS, truth)
    write_csv(out / "bad_rows.csv", BAD_ROW_COLUMNS, sorted(writer.log.bad_rows))
    write_csv(out / "non_data_rows.csv", NON_DATA_COLUMNS, sorted(writer.log.non_data))
    return truth


LARGE_FROM = 200_000
"""Counties larger than this are a case core of CORE_PERSONS plus a vectorised background."""
CORE_PERSONS = 25_000


def core_size(persons: int, core_persons: int | None = None) -> int:
    """Residents the per-person generator builds: all of them, or the core of a large county."""
    if core_persons is None:
        core_persons = CORE_PERSONS if persons > LARGE_FROM else persons
    if not 0 < core_persons <= persons:
        raise ValueError(f"a core of {core_persons:,} does not fit {persons:,} persons")
    return core_persons


def generate_county(out: Path, persons: int, seed: int, file_format: FileFormat = "mixed",
                    progress: Progress | None = None, next_batch: bool = False,
                    core_persons: int | None = None) -> GenerationReport:
    """Write OUT/delivery/<dataset>/…, truth.csv, bad_rows.csv and non_data_rows.csv; with
    `next_batch`, also OUT/batch/待发放清单_2025年1月.* and screen_truth.csv.

    Above LARGE_FROM persons (or with `core_persons` below `persons`) only a core county is
    built person by person, carrying every case and trap; the other residents are clean
    background written column-wise as CSV (`synth/background/`).
    """
    if file_format not in ("mixed", "xlsx", "csv"):
        raise ValueError(f"file format must be mixed, xlsx or csv, not {file_format!r}")
    tell = progress or (lambda stage, done, total: None)
    core = core_size(persons, core_persons)
    report, world = _generate_core(Path(out), core, seed, file_format, tell, next_batch)
    if core == persons:
        return report
    background = write_background(world, report.out / "delivery", persons - core, seed, tell)
    with (report.out / "non_data_rows.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows((dataset, name, "", 1, HEADER)
                                     for dataset, name in background.headers)
    rows = dict(report.rows)
    for dataset, count in background.rows.items():
        rows[dataset] = rows.get(dataset, 0) + count
    (report.out / MARKER).write_text(f"persons={persons} core={core} seed={seed} "
                                     f"format={file_format}"
                                     f"{' next-batch' if next_batch else ''}\n", "utf-8")
    return replace(report, persons=persons, files=report.files + background.files, rows=rows)


def _generate_core(out: Path, persons: int, seed: int, file_format: FileFormat, tell: Progress,
                   next_batch: bool) -> tuple[GenerationReport, World]:
    """The county built person by person, with its cases and traps."""
    tell("county", 0, 3)
    world = build_world(persons, seed)
    tell("county", 1, 3)
    book, funds = inject_cases(world)
    # The batch's cases come before the approvals: a new enrollment needs its chain.
    next_month = inject_next_month(book) if next_batch else None
    # Section 5's background last: it pays no one whose household a case has taken.
    enterprise_background(world, book.free)
    holiday_background(world, book.free)
    bureau = county_bureau(world, book, seed)
    tell("county", 2, 3)
    approvals = build_approvals(world)
    tell("county", 3, 3)
    make_room(out)
    writer = DeliveryWriter(world, out / "delivery", seed)
    # Allocations come last: they are set against what the payment files turned out to hold.
    allocated = allocation_plan(world, lambda: tables.allocations(
        allocations(world.rng, funds, writer.ledger)))
    plans = assign_formats([*plan_files(world, approvals),
                            *bureau_plans(world.county.name, bureau), allocated],
                           file_format, seed)
    truth = write_files(writer, plans, book.findings, out, tell)
    batch = None
    if next_month is not None:
        batch = write_next_month(world, next_month, out, seed, file_format)
        write_csv(out / "screen_truth.csv", SCREEN_TRUTH_COLUMNS, batch.truth)
    (out / MARKER).write_text(f"persons={persons} seed={seed} format={file_format}"
                              f"{' next-batch' if next_batch else ''}\n", "utf-8")
    shortfalls = [*book.shortfalls, *(next_month.shortfalls if next_month else [])]
    return GenerationReport(
        out=out, persons=persons, files=writer.log.files, rows=dict(writer.log.rows),
        cases=sum(1 for r in truth if r[8] == CASE), traps=sum(1 for r in truth if r[8] == TRAP),
        bad_rows=len(writer.log.bad_rows), truth_path=out / "truth.csv", seed=seed,
        shortfalls=tuple(shortfalls), batch_path=batch.path if batch else None,
        batch_rows=len(batch.truth) if batch else 0), world
