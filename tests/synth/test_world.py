"""The county is a plausible one, and its files are as messy as the contract says."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest

from sunlight.synth.ids import check_char, credit_code, to_old_form
from tests.synth.compare import read_csv
from tests.synth.readback import Delivery, header_key, read_cells
from tests.synth.reference import encoded_birth


@pytest.fixture(scope="module")
def cells(root: Path) -> list[object]:
    """Every cell of every delivered file."""
    found: list[object] = []
    for path in sorted((root / "delivery").glob("*/*")):
        for row in read_cells(path)[1]:
            found.extend(row)
    return found


@pytest.fixture(scope="module")
def births(delivery: Delivery) -> dict[str, date]:
    """Each registered ID's encoded birth date, where that is a real date."""
    return {p["id_number"]: born for p in delivery.data["residents"]
            if (born := encoded_birth(p["id_number"])) is not None}


@pytest.fixture(scope="module")
def before_birth(root: Path) -> dict[str, str]:
    """The PAID_BEFORE_BIRTH subjects of truth.csv, case or trap."""
    return {r["id_number"]: r["kind"] for r in read_csv(root / "truth.csv")
            if r["model"] == "PAID_BEFORE_BIRTH"}


def test_ids_are_valid_and_agree_with_birth_date_and_sex(
        delivery: Delivery, births: dict[str, date], before_birth: dict[str, str]) -> None:
    impossible = set()
    for person in delivery.data["residents"]:
        id_number = person["id_number"]
        assert id_number.startswith("610327")
        assert check_char(id_number[:17]) == id_number[17]
        if id_number not in births:
            impossible.add(id_number)
        elif person.get("birth_date"):
            assert person["birth_date"] == births[id_number]
        if person.get("sex"):
            assert person["sex"] == ("男" if int(id_number[16]) % 2 else "女")
    ids = [p["id_number"] for p in delivery.data["residents"]]
    assert len(ids) == len(set(ids))
    # Only the traps of PAID_BEFORE_BIRTH carry an ID whose date is not a real date.
    assert impossible and all(before_birth.get(i) == "trap" for i in impossible)


def test_households_have_one_head_and_family_relations(delivery: Delivery) -> None:
    households: dict[str, list[str]] = defaultdict(list)
    for person in delivery.data["residents"]:
        households[person["household_id"]].append(person["relation"])
    assert all(relations.count("户主") == 1 for relations in households.values())
    assert all(1 <= len(relations) <= 7 for relations in households.values())
    seen = {r for relations in households.values() for r in relations}
    assert {"户主", "配偶", "子", "女", "父亲", "母亲", "孙子"} <= seen


def test_age_pyramid_and_names(delivery: Delivery) -> None:
    people = delivery.data["residents"]
    ages = [2024 - int(p["id_number"][6:10]) for p in people]

    def share(low: int, high: int) -> float:
        return sum(low <= a <= high for a in ages) / len(ages)

    assert 0.02 < share(80, 120) < 0.08
    assert 0.10 < share(0, 14) < 0.25
    assert 0.15 < share(60, 120) < 0.35
    names = Counter(p["name"] for p in people)
    assert any(count > 1 for count in names.values()), "no namesakes"
    assert any("·" in name for name in names), "no minority names"
    assert Counter(p["status"] for p in people).keys() >= {"正常", "死亡", "迁出"}


def test_death_sources_disagree_by_days(delivery: Delivery) -> None:
    dates: dict[str, set[date]] = defaultdict(set)
    for row in delivery.data["deaths"]:
        dates[row["id_number"]].add(row["death_date"])
    spreads = [(max(d) - min(d)).days for d in dates.values() if len(d) > 1]
    assert spreads and all(0 < s <= 120 for s in spreads)
    assert {r["source"] for r in delivery.data["deaths"]} == {"公安注销", "火化", "医学证明"}


def test_registries_are_varied(delivery: Delivery) -> None:
    data = delivery.data
    assert {o["category"] for o in data["officials"]} == {"公务员", "事业单位", "财政供养",
                                                          "村干部"}
    assert {v["status"] for v in data["vehicles"]} == {"正常", "注销", "报废"}
    assert {"小型轿车", "普通二轮摩托车", "三轮汽车", "拖拉机"} <= {
        v["vehicle_type"] for v in data["vehicles"]}
    assert {b["status"] for b in data["businesses"]} >= {"存续", "注销"}
    assert {p["land_type"] for p in data["land"]} == {"耕地", "草原"}
    assert {e["program"] for e in data["enrollments"]} == {
        "DIBAO", "TEKUN", "GAOLING", "CANJI_SHENGHUO", "CANJI_HULI", "JINMU", "DILI"}
    assert {s["step"] for s in data["approvals"]} == {"申请", "村级评议", "村级公示", "乡镇审核",
                                                      "县级审批", "发放"}


def test_back_pay_is_paid_after_its_period(delivery: Delivery) -> None:
    late = [p for p in delivery.data["payments"] if p["period"][0] == "month" and p["paid_on"]
            and p["paid_on"].year * 12 + p["paid_on"].month - 1 > p["period"][1]]
    assert late


def test_households_share_a_card_within_the_household(delivery: Delivery) -> None:
    household = {p["id_number"]: p["household_id"] for p in delivery.data["residents"]}
    payees: dict[str, set[str]] = defaultdict(set)
    for payment in delivery.data["payments"]:
        payees[payment["account"]].add(payment["id_number"])
    shared = [ids for ids in payees.values()
              if len(ids) >= 3 and len({household.get(i) for i in ids}) == 1]
    assert shared, "no household card paying three members"


def test_values_are_written_in_every_form_the_contract_lists(cells: list[object]) -> None:
    texts = [c for c in cells if isinstance(c, str)]
    patterns = {
        "date 2024-03-05": r"20\d\d-\d\d-\d\d", "date 2024/3/5": r"20\d\d/\d{1,2}/\d{1,2}",
        "date 2024.3.5": r"20\d\d\.\d{1,2}\.\d{1,2}", "date 20240305": r"20\d\d[01]\d[0-3]\d",
        "date 2024年3月5日": r"20\d\d年\d{1,2}月\d{1,2}日", "month 2024-03": r"20\d\d-\d\d",
        "month 2024/3": r"20\d\d/\d{1,2}", "month 202403": r"20\d\d[01]\d",
        "month 2024年3月": r"20\d\d年\d{1,2}月", "amount 元": r"[\d,]+\.\d\d元",
        "amount 1,050.00": r"\d{1,3}(,\d{3})+\.\d\d元?",
        "amount full-width": r"[０-９]+．[０-９]{2}",
        "area 亩": r"\d+(\.\d+)?亩", "ID apostrophe": r"'\d{17}[\dX]",
        "ID full-width": r"[０-９]{17}[０-９Ｘ]",
        "ID spaced": r"\d{6} \d{8} ?\d{3}[\dX]|\d{6} \d{11}[\dX]",
        "ID 15 digits": r"\d{15}", "name spaced": r"[\u4e00-\u9fff][ \u3000]+[\u4e00-\u9fff]+",
    }
    missing = [label for label, pattern in patterns.items()
               if not any(re.fullmatch(pattern, t.strip() if "ID" not in label else t)
                          for t in texts)]
    assert missing == []
    assert any(isinstance(c, date) for c in cells), "no Excel date cells"
    assert any(isinstance(c, float) and c > 1e17 for c in cells), "no ID turned into a number"


def test_headers_vary_between_files(root: Path) -> None:
    headers: set[str] = set()
    orders: set[tuple[str, ...]] = set()
    for path in sorted((root / "delivery" / "payments").iterdir()):
        _, rows = read_cells(path)
        header = next(r for r in rows if "合计" not in r and sum(bool(str(c).strip())
                                                                for c in r) > 5)
        headers.update(str(c) for c in header)
        orders.add(tuple(header_key(str(c)) for c in header))
    assert len(orders) > 3
    assert any(h != h.strip() or " " in h for h in headers)
    assert any("（" in h for h in headers)
    assert len({header_key(h) for h in headers}) > 9


def test_ids_and_codes() -> None:
    assert check_char("11010519491231002") == "X"
    assert to_old_form("610327194001186415") == "610327400118641"
    import random

    code = credit_code(random.Random(1), "610327")
    assert len(code) == 18 and code.startswith("91610327")


def test_nothing_happens_before_people_are_old_enough(
        delivery: Delivery, births: dict[str, date], before_birth: dict[str, str]) -> None:
    def age_at(id_number: str, day: date) -> float:
        return (day - births[id_number]).days / 365.25

    data = delivery.data
    assert all(age_at(o["id_number"], o["start_date"]) >= 18 for o in data["officials"])
    assert all(age_at(v["owner_id_number"], v["registered_on"]) >= 16 for v in data["vehicles"])
    assert all(age_at(b["rep_id_number"], b["founded_on"]) >= 18 for b in data["businesses"])
    assert all(age_at(c["id_number"], c["issue_date"]) > 0 for c in data["disability_certs"]
               if c.get("issue_date"))
    assert all(age_at(d["id_number"], d["death_date"]) > 0 for d in data["deaths"])
    for enrollment in data["enrollments"]:
        birth = births.get(enrollment["id_number"])
        # Unregistered payees have no registry birth date; babies enrolled before they were
        # born are the cases of PAID_BEFORE_BIRTH.
        if birth is not None and before_birth.get(enrollment["id_number"]) != "case":
            assert enrollment["start_month"] >= birth.year * 12 + birth.month - 1


def test_a_county_of_millions_keeps_a_real_countys_townships_with_unique_village_names():
    import random

    from sunlight.synth.geography import MAX_TOWNSHIPS, build_county

    county = build_county(random.Random(5), 10_000_000)
    villages = [v.name for t in county.townships for v in t.villages]
    assert len(county.townships) == MAX_TOWNSHIPS
    assert len(villages) == len(set(villages))
