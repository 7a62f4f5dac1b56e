"""NAME_MISMATCH: the payee name differs from the registry's name of that ID."""

from __future__ import annotations

import pytest

from tests.models.county import (
    County,
    Person,
    Run,
    assert_explains,
    basis,
    evidence,
    figures,
    months,
    paid,
)

county = County()

# The roster pays 王建平 under the ID of 王建华.
different = county.person("王建华", born="1957-07-17")
different_paid = county.pay(different, "低保", months("2024-01", "2024-03"), 500, name="王建平")


def named(registry_name: str, born: str, written: str) -> Person:
    """A registered person paid under the name `written`."""
    who = county.person(registry_name, born=born)
    county.pay(who, "低保", months("2024-01", "2024-02"), 500, name=written)
    return who


# The same names written otherwise.
inner_spaces = named("李建国", "1950-01-05", "李 建 国")
outer_spaces = named("张红梅", "1961-03-08", " 张红梅 ")
full_width_space = named("赵德胜", "1949-12-09", "赵\u3000德胜")
traditional = named("陈国华", "1953-05-06", "陳國華")
traditional_in_registry = named("劉鳳英", "1944-04-04", "刘凤英")
uyghur = "阿依古丽·买买提"
dot_spaced = named(uyghur, "1968-08-01", "阿依古丽 · 买买提")
dot_full_stop = named(uyghur, "1969-09-02", "阿依古丽．买买提")
dot_katakana = named(uyghur, "1970-10-03", "阿依古丽・买买提")
dot_bullet = named(uyghur, "1971-11-04", "阿依古丽•买买提")
dot_period = named(uyghur, "1972-12-05", "阿依古丽.买买提")

# Not in the registry: UNREGISTERED_PAYEE's concern, there is no registry name to differ from.
unregistered = county.person("无户籍", born="1980-01-01", registered=False)
county.pay(unregistered, "低保", "2024-01", 500)


run = county.fixture("NAME_MISMATCH")


def test_a_different_name_fires(run: Run):
    found = run.one(different)
    assert figures(found) == ("DIBAO", "2024-01", "2024-03", "1500.00")
    assert found.name == "王建华"
    assert different.row is not None
    assert evidence(found) == paid(different_paid) | basis(different.row)
    assert_explains(found, "王建平", "王建华", different.id, "1,500.00")


@pytest.mark.parametrize(
    "who",
    [inner_spaces, outer_spaces, full_width_space, traditional, traditional_in_registry,
     dot_spaced, dot_full_stop, dot_katakana, dot_bullet, dot_period],
    ids=["inner spaces", "outer spaces", "full-width space", "traditional",
         "traditional in the registry", "spaces around ·", "．", "・", "•", "."])
def test_the_same_name_written_otherwise_does_not_fire(run: Run, who: Person):
    assert not run.fired(who)


def test_a_payee_without_a_registry_name_does_not_fire(run: Run):
    assert not run.fired(unregistered)
    assert [d.subject for d in run.detections] == [different.id]
