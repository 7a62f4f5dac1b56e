"""A small county's warnings for the dashboard and board tests: two townships with
two villages each, four models, monthly and annual programs."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from sunlight.models.detection import Detection, EvidenceRow
from tests.appdb.builders import detection
from tests.models.county import make_id


def annual(subject: str, amount: str) -> Detection:
    """An over-declared area on 耕地地力 (paid once a year, period `2024`)."""
    paid = EvidenceRow("payments", "地力2024.xlsx", "Sheet1", 3, "paid", "2024", Decimal(amount))
    return replace(detection([1], subject=subject, model="AREA_OVER_DECLARED", program="DILI"),
                   period_from="2024", period_to="2024", amount=Decimal(amount),
                   evidence=(paid,))


def county() -> list[Detection]:
    """Eight warnings: 城关镇 (东关社区, 西村) and 八渡乡 (上寨村, 下寨村); the longest model
    and program names of the library and catalog, and a four-character name."""
    def person(n: int) -> str:
        return make_id("1950-03-05", n)

    return [
        replace(detection([1, 2, 3], subject=person(1)), name="欧阳建国",
                village="东关社区"),
        replace(detection([2], subject=person(2), model="DUPLICATE_PAYMENT", amount="300"),
                name="王芳", village="西村", severity="medium"),
        replace(detection([1], subject=person(3)), name="李秀英",
                township="八渡乡", village="上寨村"),
        replace(detection([3, 4], subject=person(4), model="DUPLICATE_PAYMENT"),
                name="张伟", township="八渡乡", village="下寨村"),
        replace(annual(person(5), "8800"), name="司马相如", township="八渡乡",
                village="上寨村"),
        replace(annual(person(6), "640"), name="刘洋", village="西村"),
        replace(detection([2], subject=person(7), amount="120"), name="陈静",
                village="东关社区"),
        replace(detection([4], subject=person(8), model="EXCLUSIVE_PROGRAMS",
                          program="CANJI_HULI", amount="80"),
                name="欧阳娜娜", township="八渡乡", village="下寨村"),
    ]
