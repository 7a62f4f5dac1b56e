"""`generate_bureau`: a prefecture's public-security bureau alone, a year of it, for the
benchmark of section 6 (≈3,000 officers, 300 posts, 200,000 cases) or any other size."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from sunlight.synth.bureau import build_bureau, prefecture_shape
from sunlight.synth.cases import CASE, TRAP, CaseBook
from sunlight.synth.county import (
    MARKER,
    FileFormat,
    GenerationReport,
    Progress,
    build_world,
    make_room,
    write_files,
)
from sunlight.synth.county_bureau import inject_police_cases, recruiter
from sunlight.synth.delivery import DeliveryWriter, assign_formats
from sunlight.synth.police import Period
from sunlight.synth.police_files import bureau_plans

PREFECTURE = "陇州市"
YEAR = Period(date(2024, 1, 1), date(2024, 12, 31))


def generate_bureau(out: Path, posts: int, cases: int, seed: int,
                    file_format: FileFormat = "csv", progress: Progress | None = None
                    ) -> GenerationReport:
    """Write OUT/delivery/ with the five police datasets only, truth.csv and the side files."""
    if posts < 12 or cases < 100:
        raise ValueError("a bureau needs at least 12 posts and 100 cases")
    tell = progress or (lambda stage, done, total: None)
    tell("bureau", 0, 2)
    # The smallest county lends the generator its ID and name factories and a case book;
    # nothing of it is delivered.
    world = build_world(500, seed)
    world.county.name = PREFECTURE
    rng = random.Random(f"{seed}/prefecture")
    recruit = recruiter(rng, world.ids, world.names, iter(()))
    bureau = build_bureau(rng, prefecture_shape(posts, cases, rng), YEAR, recruit)
    book = CaseBook(world)
    inject_police_cases(book, bureau, rng)
    tell("bureau", 1, 2)
    out = Path(out)
    make_room(out)
    writer = DeliveryWriter(world, out / "delivery", seed)
    plans = assign_formats(bureau_plans(PREFECTURE, bureau), file_format, seed)
    tell("bureau", 2, 2)
    truth = write_files(writer, plans, book.findings, out, tell)
    (out / MARKER).write_text(f"bureau posts={posts} cases={cases} seed={seed} "
                              f"format={file_format}\n", "utf-8")
    officers = {id(s.officer) for s in bureau.roster} | {
        id(c.handler) for c in bureau.cases if c.handler}
    return GenerationReport(
        out=out, persons=len(officers), files=writer.log.files, rows=dict(writer.log.rows),
        cases=sum(1 for r in truth if r[8] == CASE), traps=sum(1 for r in truth if r[8] == TRAP),
        bad_rows=len(writer.log.bad_rows), truth_path=out / "truth.csv", seed=seed,
        shortfalls=tuple(book.shortfalls))
