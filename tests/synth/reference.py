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
                      "unregistered", "name", "approval", "funds", "before_birth"):
            getattr(self, model)()
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
        def excess(p: dict[str, Any]) -> int:
            if self.annual(p["program"]):
                enrollment = self.enrollment(p["id_number"], p["program"])
                if enrollment is None or enrollment.get("declared_area") is None:
                    return 0
                allowed = self.area_fen(p["program"], year_of(p), enrollment["declared_area"])
            else:
                allowed = self.max_fen(p["program"], month_index(p))
            return max(0, p["amount"] - allowed)

        self._emit("OVER_STANDARD", self.by_person(excess))

    def age(self) -> None:
        def young(p: dict[str, Any]) -> int:
            minimum = self.catalog.by_code[p["program"]].eligibility.min_age
            if not minimum:
                return 0
            birth = self.birth(p["id_number"])
            age = (month_index(p) - (birth.year * 12 + birth.month - 1)) // 12
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

    def _in_office(self, office: dict[str, Any], m: int) -> bool:
        start, end = office.get("start_date"), office.get("end_date")
        return (start is None or start <= last_day(m)) and (end is None or end >= first_day(m))

    def official(self) -> None:
        offices = defaultdict(list)
        for office in self.d.data["officials"]:
            if office["category"] != "村干部":
                offices[office["id_number"]].append(office)

        def serving(p: dict[str, Any]) -> int:
            if p["program"] not in ("DIBAO", "TEKUN"):
                return 0
            held = any(self._in_office(o, month_index(p)) for o in offices[p["id_number"]])
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
        for business in self.d.data["businesses"]:
            if business["status"] in ("存续", "在业"):
                owners.add(self.household(business["rep_id_number"]))

        def owning(p: dict[str, Any]) -> int:
            return p["amount"] if (p["program"] == "DIBAO"
                                   and self.household(p["id_number"]) in owners) else 0

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
