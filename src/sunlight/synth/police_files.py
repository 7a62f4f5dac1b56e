"""The bureau's files: posts (and a later restatement), and month by month its roster, roll
calls, cases and findings. A case or finding that changed since the month before is delivered
again in the later month's file, whose name sorts after the earlier one's: the later row wins."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from typing import TypeVar

from sunlight.synth.delivery import FilePlan
from sunlight.synth.periods import Month, last_day, month_number, month_of, year_of
from sunlight.synth.police import (
    Bureau,
    DutyCheck,
    InspectionFinding,
    PoliceCase,
    PoliceShift,
    Post,
)
from sunlight.synth.subsidies import SHIFTS
from sunlight.synth.tables import Row

R = TypeVar("R", PoliceCase, InspectionFinding)


def bureau_plans(place: str, bureau: Bureau) -> list[FilePlan]:
    return [*_post_plans(place, bureau), *_roster_plans(place, bureau),
            *_monthly(bureau, "duty_checks", "网上点名记录", f"{place}公安局网上点名及在岗核查记录",
                      lambda m: _checks_in(bureau, m)),
            *_monthly(bureau, "police_cases", "案件办理情况", f"{place}公安局案件办理情况",
                      lambda m: case_rows(_delivered(bureau.cases, m, _case_month))),
            *_monthly(bureau, "inspection_findings", "督察发现问题台账",
                      f"{place}公安局督察发现问题整改台账",
                      lambda m: finding_rows(_delivered(bureau.findings, m, _finding_month)))]


def _months(bureau: Bureau) -> list[Month]:
    first, last = month_of(bureau.period.first), month_of(bureau.period.last)
    return list(range(first, last + 1))


def _label(m: Month) -> str:
    """Zero-padded, so that a later month's file name sorts after an earlier one's."""
    return f"{year_of(m)}年{month_number(m):02d}月"


def _monthly(bureau: Bureau, dataset: str, stem: str, title: str,
             build: Callable[[Month], list[Row]]) -> list[FilePlan]:
    return [FilePlan(dataset, f"{stem}_{_label(m)}", f"{title}（{_label(m)}）", partial(build, m))
            for m in _months(bureau)]


# -- posts ------------------------------------------------------------------------------------


def _post_plans(place: str, bureau: Bureau) -> list[FilePlan]:
    posts, restated = bureau.posts, [p for p in bureau.posts if p.restated_to]
    plans = [FilePlan("posts", "执勤站点及卡口", f"{place}公安局执勤站点及卡口一览表",
                      lambda: post_rows(posts, restate=False))]
    if restated:
        plans.append(FilePlan("posts", "执勤站点及卡口_变更", f"{place}公安局执勤站点变更（停用）",
                              lambda: post_rows(restated, restate=True)))
    return plans


def post_rows(posts: Sequence[Post], restate: bool) -> list[Row]:
    return [Row((p.unit, p.name, p.kind, p.coverage, p.active_from,
                 p.restated_to if restate else p.active_to), noisy=False) for p in posts]


# -- roster and roll calls --------------------------------------------------------------------


def _roster_plans(place: str, bureau: Bureau) -> list[FilePlan]:
    """A file per month of the bureau's months, and per year for a continuous unit's earlier
    rows (a checkpoint station rostered since before the months)."""
    by_month: dict[Month, list[PoliceShift]] = defaultdict(list)
    for row in bureau.roster:
        by_month[month_of(row.day)].append(row)
    first = month_of(bureau.period.first)
    earlier: dict[int, list[PoliceShift]] = defaultdict(list)
    for m in sorted(m for m in by_month if m < first):
        earlier[year_of(m)] += by_month[m]
    plans = [FilePlan("duty_roster", f"检查站勤务排班_{year}年",
                      f"{place}公安检查站{year}年勤务排班表", partial(roster_rows, rows))
             for year, rows in sorted(earlier.items())]
    return plans + [FilePlan("duty_roster", f"勤务排班表_{_label(m)}",
                             f"{place}公安局勤务排班表（{_label(m)}）",
                             partial(roster_rows, by_month[m])) for m in _months(bureau)]


def roster_rows(shifts: list[PoliceShift]) -> list[Row]:
    shifts = sorted(shifts, key=lambda s: (s.day, s.unit, SHIFTS.index(s.shift), s.post or ""))
    return [Row((s.day, s.shift, s.unit, s.post, s.role, s.officer.id_number, s.officer.name,
                 s.officer.police_number), noisy=s.spare, spare=s.spare) for s in shifts]


def _checks_in(bureau: Bureau, m: Month) -> list[Row]:
    checks = sorted((c for c in bureau.checks if month_of(c.checked_at.date()) == m),
                    key=lambda c: (c.checked_at, c.unit))
    return check_rows(checks)


def check_rows(checks: Sequence[DutyCheck]) -> list[Row]:
    return [Row((c.checked_at, c.unit, c.post, c.officer.id_number, c.officer.name, c.result,
                 c.method), noisy=c.spare, spare=c.spare) for c in checks]


# -- cases and findings -----------------------------------------------------------------------


def _case_month(case: PoliceCase) -> Month:
    return month_of(case.received.date())


def _finding_month(finding: InspectionFinding) -> Month:
    return month_of(finding.found_on)


def _delivered(records: Sequence[R], m: Month, month_of_record: Callable[[R], Month]
               ) -> list[R]:
    """Month `m`'s file: its new records as they stood at its end, and earlier ones that have
    changed since the month before (never made unreadable: the earlier row would win)."""
    cut, before = last_day(m), last_day(m - 1)
    new: list[R] = [r.as_of(cut) for r in records if month_of_record(r) == m]
    changed: list[R] = [replace(r.as_of(cut), spare=False) for r in records
               if month_of_record(r) < m and r.as_of(cut).state != r.as_of(before).state]
    return new + changed


def case_rows(cases: Sequence[PoliceCase]) -> list[Row]:
    ordered = sorted(cases, key=lambda c: (c.received, c.case_no))
    return [Row((c.case_no, c.unit, c.category, c.handler.id_number if c.handler else None,
                 c.handler.name if c.handler else None, c.received, c.filed, c.measures,
                 c.closed, c.status), noisy=c.spare, spare=c.spare) for c in ordered]


def finding_rows(findings: Sequence[InspectionFinding]) -> list[Row]:
    ordered = sorted(findings, key=lambda f: (f.found_on, f.finding_no))
    return [Row((f.finding_no, f.unit, f.found_on, f.category, f.description, f.rectify_by,
                 f.rectified_on, f.inspector), noisy=f.spare, spare=f.spare) for f in ordered]
