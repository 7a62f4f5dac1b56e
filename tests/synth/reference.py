"""The contract's supervision models, written plainly over a read-back delivery.

A reference for tests of the generator: every injected case must fire here with the amount
truth.csv gives, no trap may fire, and nothing else may fire (the background is clean).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sunlight.contract.catalog import Catalog
from sunlight.synth.names import TRADITIONAL
from sunlight.text import squeeze
from tests.synth.readback import Delivery, check_char
from tests.synth.reference_police import PoliceReference

_SIMPLIFIED = {v: k for k, v in TRADITIONAL.items()}
CAR_WORDS = ("轿车", "越野", "客车", "货车")


@dataclass(frozen=True)
class Hit:
    model: str
    subject: str
    """ID, account, or township/program/year for FUNDS_WITHHELD."""
    program: str
    amount: int
    period_from: str
    period_to: str


def month_label(m: int) -> str:
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def label(payment: dict[str, Any]) -> str:
    kind, value = payment["period"]
    return str(value) if kind == "year" else month_label(value)


def year_of(payment: dict[str, Any]) -> int:
    kind, value = payment["period"]
    return value if kind == "year" else value // 12


def month_index(payment: dict[str, Any]) -> int:
    """Annual periods count as their January."""
    kind, value = payment["period"]
    return value * 12 if kind == "year" else value


def first_day(m: int) -> date:
    return date(m // 12, m % 12 + 1, 1)


def last_day(m: int) -> date:
    year, number = m // 12, m % 12 + 1
    return date(year, number, calendar.monthrange(year, number)[1])


def encoded_birth(id_number: str) -> date | None:
    """The birth date an ID encodes, or None when that is not a real date."""
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def same_name(written: str, registered: str) -> bool:
    def plain(name: str) -> str:
        text = squeeze(name).replace("・", "·").replace("•", "·")
        return "".join(chr(_SIMPLIFIED.get(ord(c), ord(c))) for c in text)

    return plain(written) == plain(registered)


class Reference:
    def __init__(self, delivery: Delivery, catalog: Catalog) -> None:
        self.d, self.catalog = delivery, catalog
        data = delivery.data
        self.people = {r["id_number"]: r for r in data["residents"]}
        self.members: dict[str, list[str]] = defaultdict(list)
        for person in data["residents"]:
            self.members[person["household_id"]].append(person["id_number"])
        self.death: dict[str, date] = {}
        for row in data["deaths"]:
            self._died(row["id_number"], row["death_date"])
        for person in data["residents"]:
            if person.get("status") == "死亡" and person.get("status_date"):
                self._died(person["id_number"], person["status_date"])
        self.payments = data["payments"]
        # The registry's latest row per credit code (files are read in path order).
        self.companies: dict[str, dict[str, Any]] = {}
        for row in data["businesses"]:
            if row.get("credit_code"):
                self.companies[row["credit_code"]] = row
        self.grants = data["enterprise_payments"]
        self.insured = {(r["credit_code"], r["month"]): r["insured_count"]
                        for r in data["insured_headcount"]}
        self.enrollments: dict[tuple[str, str], dict[str, Any]] = {}
        for row in data["enrollments"]:
            self.enrollments.setdefault((row["id_number"], row["program"]), row)
        self.hits: list[Hit] = []

    def _died(self, id_number: str, day: date) -> None:
        self.death[id_number] = min(day, self.death.get(id_number, day))

    def household(self, id_number: str) -> str:
        person = self.people.get(id_number)
        return person["household_id"] if person else f"?{id_number}"

    def birth(self, id_number: str) -> date:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))

    def max_fen(self, program: str, m: int) -> int:
        standard = self.catalog.by_code[program].standard_for(month_label(m))
        return round((standard.max_amount or 0) * 100)

    def area_fen(self, program: str, year: int, area: int) -> int:
        standard = self.catalog.by_code[program].standard_for(str(year))
        return (round((standard.rate_per_mu or 0) * 100) * area + 50) // 100

    def annual(self, program: str) -> bool:
        return self.catalog.by_code[program].period == "year"

    def enrollment(self, id_number: str, program: str) -> dict[str, Any] | None:
        return self.enrollments.get((id_number, program))

    def add(self, model: str, subject: str, program: str,
            rows: list[tuple[dict[str, Any], int]]) -> None:
        rows = [(p, v) for p, v in rows if v > 0]
        if rows:
            labels = [label(p) for p, _ in rows]
            self.hits.append(Hit(model, subject, program, sum(v for _, v in rows), min(labels),
                                 max(labels)))

    def by_person(self, keep: Any) -> dict[tuple[str, str], list[tuple[dict[str, Any], int]]]:
        groups: dict[tuple[str, str], list[tuple[dict[str, Any], int]]] = defaultdict(list)
        for payment in self.payments:
            value = keep(payment)
            if value:
                groups[(payment["id_number"], payment["program"])].append((payment, value))
        return groups

    def run(self) -> list[Hit]:
        for model in ("deceased", "duplicate", "exclusive", "over_standard", "age",
                      "disability", "official", "relative", "asset", "area", "shared",
                      "unregistered", "name", "approval", "funds", "before_birth",
                      "company_unregistered", "company_inactive", "headcount",
                      "rep_official", "company_duplicate", "company_over_standard",
                      "duty_unearned"):
            getattr(self, model)()
        for model, subject, first, last in PoliceReference(self.d).run():
            self.hits.append(Hit(model, subject, "", 0, first.isoformat(), last.isoformat()))
        return self.hits

    def _emit(self, model: str, groups: dict[tuple[str, str], list[tuple[dict[str, Any], int]]]
              ) -> None:
        for (id_number, program), rows in sorted(groups.items()):
            self.add(model, id_number, program, rows)

    def deceased(self) -> None:
        def after_death(p: dict[str, Any]) -> int:
            died = self.death.get(p["id_number"])
            if died is None:
                return 0
            kind, value = p["period"]
            late = value > died.year if kind == "year" else value > died.year * 12 + died.month - 1
            return p["amount"] if late else 0

        self._emit("DECEASED_PAID", self.by_person(after_death))

    def duplicate(self) -> None:
        seen: dict[tuple[str, str, tuple[str, int]], int] = defaultdict(int)
        groups = defaultdict(list)
        for p in sorted(self.payments, key=lambda p: (p["paid_on"] or date.min)):
            key = (p["id_number"], p["program"], p["period"])
            seen[key] += 1
            if seen[key] > 1:
                groups[(p["id_number"], p["program"])].append((p, p["amount"]))
        self._emit("DUPLICATE_PAYMENT", groups)

    def exclusive(self) -> None:
        paid: dict[str, dict[str, dict[int, list[dict[str, Any]]]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(list)))
        for p in self.payments:
            if p["program"] in ("DIBAO", "TEKUN"):
                paid[p["id_number"]][p["program"]][month_index(p)].append(p)
        for id_number, programs in sorted(paid.items()):
            both = set(programs["DIBAO"]) & set(programs["TEKUN"])
            if not both:
                continue
            sides = [[(p, p["amount"]) for m in sorted(both) for p in programs[code][m]]
                     for code in ("DIBAO", "TEKUN")]
            smaller = min(sides, key=lambda side: sum(v for _, v in side))
            self.add("EXCLUSIVE_PROGRAMS", id_number, "", smaller)

    def over_standard(self) -> None:
        self._over_yearly_standard()

        def excess(p: dict[str, Any]) -> int:
            standard = self.catalog.by_code[p["program"]].standard_for(label(p))
            if standard.max_amount is None and standard.rate_per_mu is None:
                return 0  # ZHIBAN: its standard is DUTY_ALLOWANCE_UNEARNED's alone
            if self.annual(p["program"]) and standard.max_amount is not None:
                return 0  # a yearly maximum: judged over the year below
            if self.annual(p["program"]):
                enrollment = self.enrollment(p["id_number"], p["program"])
                if enrollment is None or enrollment.get("declared_area") is None:
                    return 0
                allowed = self.area_fen(p["program"], year_of(p), enrollment["declared_area"])
            else:
                allowed = self.max_fen(p["program"], month_index(p))
            return max(0, p["amount"] - allowed)

        self._emit("OVER_STANDARD", self.by_person(excess))

    def _over_yearly_standard(self) -> None:
        """An annual program with a maximum (LINSHI_NONGMINGONG): over it in a year."""
        years: dict[tuple[str, str, int], list[dict[str, Any]]] = defaultdict(list)
        for p in self.payments:
            if self.annual(p["program"]) and self.max_fen(p["program"], month_index(p)):
                years[(p["id_number"], p["program"], year_of(p))].append(p)
        for (id_number, program, year), rows in sorted(years.items()):
            over = sum(p["amount"] for p in rows) - self.max_fen(program, year * 12)
            if over > 0:
                self.hits.append(Hit("OVER_STANDARD", id_number, program, over, str(year),
                                     str(year)))

    def age(self) -> None:
        def young(p: dict[str, Any]) -> int:
            minimum = self.catalog.by_code[p["program"]].eligibility.min_age
            if not minimum:
                return 0
            birth = self.birth(p["id_number"])
            # An annual program qualifies whoever reaches the age during the year.
            last = month_index(p) + (11 if self.annual(p["program"]) else 0)
            age = (last - (birth.year * 12 + birth.month - 1)) // 12
            return p["amount"] if age < minimum else 0

        self._emit("INELIGIBLE_AGE", self.by_person(young))

    def disability(self) -> None:
        certs: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for cert in self.d.data["disability_certs"]:
            certs[cert["id_number"]].append(cert)

        def unqualified(p: dict[str, Any]) -> int:
            levels = self.catalog.by_code[p["program"]].eligibility.disability_levels
            if not levels:
                return 0
            valid = any(c["level"] in levels and c.get("status") != "注销"
                        for c in certs[p["id_number"]])
            return 0 if valid else p["amount"]

        self._emit("INELIGIBLE_DISABILITY", self.by_person(unqualified))

    def _in_office(self, office: dict[str, Any], m: int, until: int | None = None) -> bool:
        """In office on any day of month `m` (through month `until`)."""
        start, end = office.get("start_date"), office.get("end_date")
        return ((start is None or start <= last_day(until if until is not None else m))
                and (end is None or end >= first_day(m)))

    def official(self) -> None:
        offices = defaultdict(list)
        for office in self.d.data["officials"]:
            if office["category"] != "村干部":
                offices[office["id_number"]].append(office)

        def serving(p: dict[str, Any]) -> int:
            if p["program"] not in ("DIBAO", "TEKUN", "LINSHI_NONGMINGONG"):
                return 0
            first = month_index(p)
            last = first + (11 if self.annual(p["program"]) else 0)
            held = any(self._in_office(o, first, last) for o in offices[p["id_number"]])
            return p["amount"] if held else 0

        self._emit("OFFICIAL_ON_WELFARE", self.by_person(serving))

    def relative(self) -> None:
        cadres = defaultdict(list)
        for office in self.d.data["officials"]:
            if office["category"] == "村干部":
                cadres[self.household(office["id_number"])].append(office)

        def related(p: dict[str, Any]) -> int:
            if p["program"] not in ("DIBAO", "TEKUN"):
                return 0
            person = self.people.get(p["id_number"])
            if person is None:
                return 0
            held = any(o.get("village") == person["village"] and self._in_office(o, month_index(p))
                       for o in cadres[person["household_id"]])
            return p["amount"] if held else 0

        self._emit("RELATIVE_OF_CADRE", self.by_person(related))

    def asset(self) -> None:
        owners: set[str] = set()
        for vehicle in self.d.data["vehicles"]:
            if vehicle.get("status") == "正常" and any(w in vehicle["vehicle_type"]
                                                     for w in CAR_WORDS):
                owners.add(self.household(vehicle["owner_id_number"]))
        companies: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for business in [*self.companies.values(),
                         *(b for b in self.d.data["businesses"] if not b.get("credit_code"))]:
            companies[self.household(business["rep_id_number"])].append(business)

        def running(business: dict[str, Any], m: int) -> bool:
            if business["status"] in ("存续", "在业"):
                return True
            closed = business.get("status_date")
            return closed is not None and closed > last_day(m)

        def owning(p: dict[str, Any]) -> int:
            if p["program"] != "DIBAO":
                return 0
            household = self.household(p["id_number"])
            if household in owners or any(running(b, month_index(p))
                                          for b in companies.get(household, [])):
                return p["amount"]
            return 0

        self._emit("ASSET_OWNER_ON_WELFARE", self.by_person(owning))

    def area(self) -> None:
        registered: dict[tuple[str, str], int] = defaultdict(int)
        for parcel in self.d.data["land"]:
            registered[(self.household(parcel["holder_id_number"]), parcel["land_type"])] += (
                parcel["area"])

        def excess(p: dict[str, Any]) -> int:
            land_type = self.catalog.by_code[p["program"]].land_type
            enrollment = self.enrollment(p["id_number"], p["program"])
            if not land_type or enrollment is None or enrollment.get("declared_area") is None:
                return 0
            held = registered[(self.household(p["id_number"]), land_type)]
            over = enrollment["declared_area"] - held
            if over <= 50 or over * 100 <= 2 * held:
                return 0
            return p["amount"] - self.area_fen(p["program"], year_of(p), held)

        self._emit("AREA_OVER_DECLARED", self.by_person(excess))

    def shared(self) -> None:
        accounts = defaultdict(list)
        for p in self.payments:
            accounts[p["account"]].append(p)
        for account, rows in sorted(accounts.items()):
            people = {p["id_number"] for p in rows}
            households = {self.household(i) for i in people}
            if len(people) >= 3 and len(households) >= 2:
                self.add("SHARED_ACCOUNT", account, "", [(p, p["amount"]) for p in rows])

    def unregistered(self) -> None:
        def unknown(p: dict[str, Any]) -> int:
            id_number = p["id_number"]
            known = id_number in self.people and check_char(id_number[:17]) == id_number[17]
            return 0 if known else p["amount"]

        self._emit("UNREGISTERED_PAYEE", self.by_person(unknown))

    def name(self) -> None:
        def other(p: dict[str, Any]) -> int:
            person = self.people.get(p["id_number"])
            if person is None or same_name(p["_name_as_written"], person["name"]):
                return 0
            return p["amount"]

        self._emit("NAME_MISMATCH", self.by_person(other))

    def approval(self) -> None:
        steps: dict[tuple[str, str], dict[str, date]] = defaultdict(dict)
        days = [s["date"] for s in self.d.data["approvals"]]
        if not days:
            return
        earliest = min(days)
        for s in self.d.data["approvals"]:
            steps[(s["id_number"], s["program"])][s["step"]] = s["date"]

        def skipped(p: dict[str, Any]) -> int:
            enrollment = self.enrollment(p["id_number"], p["program"])
            if enrollment is None or first_day(enrollment["start_month"]) < earliest.replace(day=1):
                return 0
            chain = steps[(p["id_number"], p["program"])]
            if "村级公示" not in chain or "县级审批" not in chain:
                return p["amount"]
            approved = chain["县级审批"]
            return p["amount"] if month_index(p) < approved.year * 12 + approved.month - 1 else 0

        self._emit("APPROVAL_SKIPPED", self.by_person(skipped))

    def funds(self) -> None:
        allocated: dict[tuple[str, str, int], int] = defaultdict(int)
        for row in self.d.data["allocations"]:
            allocated[(row["township"], row["program"], row["year"])] += row["amount"]
        paid: dict[tuple[str, str, int], int] = defaultdict(int)
        for p in self.payments:
            paid[(p["township"], p["program"], year_of(p))] += p["amount"]
        for key, amount in sorted(allocated.items()):
            short = amount - paid[key]
            if short * 100 > 5 * amount:
                year = str(key[2])
                self.hits.append(Hit("FUNDS_WITHHELD", "/".join(map(str, key)), key[1], short,
                                     year, year))

    def before_birth(self) -> None:
        def unborn(p: dict[str, Any]) -> int:
            born = encoded_birth(p["id_number"])
            if born is None:
                return 0
            kind, value = p["period"]
            early = value < born.year if kind == "year" else value < born.year * 12 + born.month - 1
            return p["amount"] if early else 0

        self._emit("PAID_BEFORE_BIRTH", self.by_person(unborn))

    # -- companies and the duty allowance (contract section 5) --------------------------------

    def _company_hits(self, model: str, value: Any) -> None:
        groups: dict[str, list[tuple[dict[str, Any], int]]] = defaultdict(list)
        for grant in self.grants:
            amount = value(grant)
            if amount:
                groups[grant["credit_code"]].append((grant, amount))
        for code, rows in sorted(groups.items()):
            self.add(model, code, rows[0][0]["program"], rows)

    def company_unregistered(self) -> None:
        self._company_hits("COMPANY_UNREGISTERED", lambda g: 0 if g["credit_code"] in
                           self.companies else g["amount"])

    def company_inactive(self) -> None:
        def closed(g: dict[str, Any]) -> int:
            company = self.companies.get(g["credit_code"])
            if company is None or company["status"] not in ("注销", "吊销"):
                return 0
            day = company.get("status_date")
            return g["amount"] if day is None or day < first_day(month_index(g)) else 0

        self._company_hits("COMPANY_INACTIVE_PAID", closed)

    def headcount(self) -> None:
        def overclaimed(g: dict[str, Any]) -> int:
            claimed = g.get("claimed_headcount")
            insured = self.insured.get((g["credit_code"], month_index(g)))
            if claimed is None or insured is None:
                return 0
            over = claimed - insured
            if over <= 2 or over * 10 <= insured:
                return 0
            return (g["amount"] * over * 2 + claimed) // (2 * claimed)  # to the fen, half up

        self._company_hits("HEADCOUNT_OVERCLAIMED", overclaimed)

    def rep_official(self) -> None:
        offices: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for office in self.d.data["officials"]:
            if office["category"] != "村干部":
                offices[self.household(office["id_number"])].append(office)

        def related(g: dict[str, Any]) -> int:
            company = self.companies.get(g["credit_code"])
            if company is None:
                return 0
            held = any(self._in_office(o, month_index(g))
                       for o in offices[self.household(company["rep_id_number"])])
            return g["amount"] if held else 0

        self._company_hits("REP_IS_OFFICIAL", related)

    def company_duplicate(self) -> None:
        seen: dict[tuple[str, str, tuple[str, int]], int] = defaultdict(int)

        def again(g: dict[str, Any]) -> int:
            key = (g["credit_code"], g["program"], g["period"])
            seen[key] += 1
            return g["amount"] if seen[key] > 1 else 0

        self.grants.sort(key=lambda g: g["paid_on"] or date.min)
        self._company_hits("DUPLICATE_PAYMENT", again)

    def company_over_standard(self) -> None:
        def excess(g: dict[str, Any]) -> int:
            standard = self.catalog.by_code[g["program"]].standard_for(label(g))
            claimed = g.get("claimed_headcount")
            if claimed is None or standard.per_claimed_worker is None:
                return 0
            return max(0, g["amount"] - round(standard.per_claimed_worker * 100) * claimed)

        self._company_hits("OVER_STANDARD", excess)

    def duty_unearned(self) -> None:
        """Paid more than the standard per distinct date on the roster that month."""
        days: dict[tuple[str, int], set[date]] = defaultdict(set)
        for shift in self.d.data["duty_roster"]:
            day = shift["date"]
            days[(shift["id_number"], day.year * 12 + day.month - 1)].add(day)
        paid: dict[tuple[str, str, int], list[dict[str, Any]]] = defaultdict(list)
        for p in self.payments:
            standard = self.catalog.by_code[p["program"]].standard_for(label(p))
            if standard.per_roster_day is not None:
                paid[(p["id_number"], p["program"], month_index(p))].append(p)
        for (id_number, program, m), rows in sorted(paid.items()):
            rate = round((self.catalog.by_code[program].standard_for(month_label(m))
                          .per_roster_day or 0) * 100)
            excess = sum(p["amount"] for p in rows) - rate * len(days[(id_number, m)])
            if excess > 0:
                self.hits.append(Hit("DUTY_ALLOWANCE_UNEARNED", id_number, program, excess,
                                     month_label(m), month_label(m)))
