"""Section 6's six models written plainly over a read-back delivery, as the contract states
them: the generator's police cases must fire here with their periods, its traps must not, and
nothing else may (see reference.py for the other models)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from tests.synth.readback import Delivery

Row = dict[str, Any]
LIMITS = {"刑事": ("filed_at", 7), "行政": ("closed_at", 30), "涉疫": ("closed_at", 15)}
SPANS = {"白班": (8, 12), "夜班": (20, 12), "全天": (0, 24)}


def span(row: Row) -> tuple[datetime, datetime]:
    start_hour, hours = SPANS[row["shift"]]
    start = datetime.combine(row["date"], datetime.min.time()) + timedelta(hours=start_hour)
    return start, start + timedelta(hours=hours)


def latest(rows: Iterable[Row], *key: str) -> list[Row]:
    """The row delivered last for each key (files are read in path order)."""
    return list({tuple(r[k] for k in key): r for r in rows}.values())


def as_of_date(cases: list[Row], findings: list[Row]) -> date | None:
    moments = [r[c] for r in cases for c in ("received_at", "filed_at", "measures_at", "closed_at")
               if r.get(c)]
    days = [m.date() for m in moments] or [
        r[c] for r in findings for c in ("found_on", "rectify_by", "rectified_on") if r.get(c)]
    return max(days, default=None)


class PoliceReference:
    def __init__(self, delivery: Delivery) -> None:
        data = delivery.data
        self.roster = data.get("duty_roster", [])
        self.checks = data.get("duty_checks", [])
        self.posts = latest(data.get("posts", []), "unit", "post")
        self.cases = latest(data.get("police_cases", []), "case_no")
        self.findings = latest(data.get("inspection_findings", []), "finding_no")
        self.as_of = as_of_date(data.get("police_cases", []), data.get("inspection_findings", []))
        self.shifts: dict[tuple[str, str], list[Row]] = defaultdict(list)
        for row in self.roster:
            self.shifts[(row["id_number"], row["unit"])].append(row)
        self.hits: list[tuple[str, str, date, date]] = []
        """(model, subject, first day, last day)."""

    def run(self) -> list[tuple[str, str, date, date]]:
        for model in (self.duty_absent, self.leader_absent, self.post_uncovered,
                      self.case_overdue, self.case_step_order, self.rectification_overdue):
            model()
        return self.hits

    def _add(self, model: str, days: dict[str, list[date]]) -> None:
        for subject, concerned in sorted(days.items()):
            self.hits.append((model, subject, min(concerned), max(concerned)))

    def away_during(self, check: Row) -> list[Row]:
        """The checked person's roster rows at that unit the absence falls in."""
        if check["result"] != "不在岗":
            return []
        return [r for r in self.shifts[(check["id_number"], check["unit"])]
                if span(r)[0] <= check["checked_at"] < span(r)[1]
                and (not (check.get("post") and r.get("post")) or check["post"] == r["post"])]

    def duty_absent(self) -> None:
        days: dict[str, list[date]] = defaultdict(list)
        for check in self.checks:
            if self.away_during(check):
                days[check["id_number"]].append(check["checked_at"].date())
        self._add("DUTY_ABSENT", days)

    def leader_absent(self) -> None:
        away = {id(r) for c in self.checks for r in self.away_during(c)}
        by_unit_day: dict[str, dict[date, list[Row]]] = defaultdict(lambda: defaultdict(list))
        for row in self.roster:
            by_unit_day[row["unit"]][row["date"]].append(row)
        days: dict[str, list[date]] = defaultdict(list)
        for unit, by_day in by_unit_day.items():
            if not any(r["role"] == "带班领导" for rows in by_day.values() for r in rows):
                continue
            for day, rows in by_day.items():
                leaders = [r for r in rows if r["role"] == "带班领导"]
                if not leaders or all(id(r) in away for r in leaders):
                    days[unit].append(day)
        self._add("LEADER_ABSENT", days)

    def post_uncovered(self) -> None:
        if not self.roster:
            return
        first, last = min(r["date"] for r in self.roster), max(r["date"] for r in self.roster)
        covered = {(r["unit"], r["post"], r["date"], shift) for r in self.roster if r.get("post")
                   for shift in (("白班", "夜班") if r["shift"] == "全天" else (r["shift"],))}
        days: dict[str, list[date]] = defaultdict(list)
        for post in self.posts:
            needed = ("白班", "夜班") if post["coverage"] == "24小时" else ("白班",)
            start = max(first, post.get("active_from") or first)
            end = min(last, post.get("active_to") or last)
            for n in range((end - start).days + 1):
                day = start + timedelta(days=n)
                if any((post["unit"], post["post"], day, s) not in covered for s in needed):
                    days[f"{post['unit']}/{post['post']}"].append(day)
        self._add("POST_UNCOVERED", days)

    def case_overdue(self) -> None:
        days: dict[str, list[date]] = defaultdict(list)
        for case in self.cases:
            step, limit = LIMITS[case["category"]]
            received = case["received_at"].date()
            done = case[step].date() if case.get(step) else self.as_of
            if done is not None and (done - received).days > limit:
                days[case["case_no"]].append(received)
        self._add("CASE_OVERDUE", days)

    def case_step_order(self) -> None:
        def day(case: Row, step: str) -> date | None:
            return case[step].date() if case.get(step) else None

        days: dict[str, list[date]] = defaultdict(list)
        for case in self.cases:
            received, filed = day(case, "received_at"), day(case, "filed_at")
            measures, closed = day(case, "measures_at"), day(case, "closed_at")
            assert received is not None
            early_measures = case["category"] == "刑事" and measures is not None and (
                filed is None or measures < filed)
            wrong = early_measures or any(step is not None and step < received
                                          for step in (closed, filed))
            if wrong:
                days[case["case_no"]].append(received)
        self._add("CASE_STEP_ORDER", days)

    def rectification_overdue(self) -> None:
        days: dict[str, list[date]] = defaultdict(list)
        for finding in self.findings:
            done = finding.get("rectified_on")
            late = done > finding["rectify_by"] if done else (
                self.as_of is not None and finding["rectify_by"] < self.as_of)
            if late:
                days[finding["finding_no"]].append(finding["found_on"])
        self._add("RECTIFICATION_OVERDUE", days)
