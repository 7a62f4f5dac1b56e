"""UNREGISTERED_PAYEE: a paid ID that is not in the resident registry or fails its check digit."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sunlight.synth.ids import FULL_WIDTH_DIGITS, to_old_form, with_wrong_check
from tests.models.county import (
    County,
    Person,
    Run,
    assert_explains,
    evidence,
    figures,
    make_id,
    paid,
)

county = County()

# Nobody of that ID lives in the county.
ghost = county.person("钟无名", born="1955-05-15", registered=False)
ghost_paid = county.pay(ghost, "低保", ["2024-01", "2024-02"], 500)

# A registered person's ID with one wrong check character: not a valid ID at all.
slipped = county.person("贝晓东", born="1962-02-26")
bad_id = with_wrong_check(slipped.id)
bad_paid = county.pay(slipped, "低保", "2024-03", 500, id_number=bad_id)

# The registry itself holds the same slip: registered, and still not a valid ID.
twin_slip = county.person("齐错号", born="1966-01-16", registered=False)
registered_bad = with_wrong_check(twin_slip.id)
county.add("residents", id_number=registered_bad, name=twin_slip.name, household_id="H-QI",
           township="城关镇", village="东风村")
county.pay(twin_slip, "低保", "2024-04", 500, id_number=registered_bad)


def paid_as(name: str, born: str, write: Callable[[str], str], seq: int = 0) -> Person:
    """A registered person paid under their ID as `write` writes it."""
    who = county.person(name, born=born, seq=seq)
    county.pay(who, "低保", ["2024-01", "2024-02"], 500, id_number=write(who.id))
    return who


def check_x(born: str) -> int:
    """A sequence number whose ID ends in the check character X."""
    return next(seq for seq in range(900, 1000) if make_id(born, seq).endswith("X"))


# The same registered IDs, written as rosters write them.
old_form = paid_as("甄老大", "1946-04-16", to_old_form)
lower_x = paid_as("卜小丫", "1958-03-18", str.lower, seq=check_x("1958-03-18"))
spaced = paid_as("骆驼祥", "1951-05-21", lambda i: f"{i[:6]} {i[6:14]} {i[14:]}")
full_width = paid_as("查尔斯", "1964-06-24", lambda i: i.translate(FULL_WIDTH_DIGITS))
apostrophe = paid_as("单田芳", "1939-09-29", lambda i: "'" + i)

# The registry still holds the old 15-digit form; the payments the 18-digit one.
registry_old = county.person("仇老实", born="1948-08-18", registered=False)
county.add("residents", id_number=to_old_form(registry_old.id), name=registry_old.name,
           household_id="H-QIU", township="城关镇", village="东风村")
county.pay(registry_old, "低保", "2024-01", 500)


run = county.fixture("UNREGISTERED_PAYEE")


def test_an_id_the_registry_does_not_know_fires(run: Run):
    found = run.one(ghost)
    assert figures(found) == ("DIBAO", "2024-01", "2024-02", "1000.00")
    assert (found.id_number, found.name) == (ghost.id, "钟无名")
    assert evidence(found) == paid(ghost_paid)
    assert_explains(found, ghost.id, "钟无名", "查无此人", "1,000.00")


def test_an_id_failing_its_check_digit_fires_even_beside_its_registered_twin(run: Run):
    found = run.one(bad_id)
    assert figures(found) == ("DIBAO", "2024-03", "2024-03", "500.00")
    assert evidence(found) == paid(bad_paid)
    assert_explains(found, bad_id, "校验位")
    assert not run.fired(slipped)


def test_an_id_failing_its_check_digit_fires_even_when_the_registry_has_it(run: Run):
    assert figures(run.one(registered_bad)) == ("DIBAO", "2024-04", "2024-04", "500.00")


def test_a_failed_check_digit_is_also_a_quality_finding(run: Run):
    reasons = {(row, reason) for _, _, _, row, _, reason, _ in run.findings()}
    assert (bad_paid[0].row, "id_checksum") in reasons


@pytest.mark.parametrize("who", [old_form, lower_x, spaced, full_width, apostrophe, registry_old],
                         ids=["15位", "小写x", "空格", "全角", "撇号", "户籍为15位"])
def test_a_registered_id_written_another_way_does_not_fire(run: Run, who: Person):
    assert not run.fired(who)


def test_the_lower_case_x_case_is_real():
    assert lower_x.id.endswith("X")
