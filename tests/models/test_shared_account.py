"""SHARED_ACCOUNT: one account paid for 3 or more persons of 2 or more households."""

from __future__ import annotations

from tests.models.county import County, Run, assert_explains, evidence, figures, months, paid

county = County()
SPRING = months("2024-01", "2024-03")

# One card takes the money of three persons from two households.
holder = county.person("万金宝", born="1975-05-25", household="H-WAN")
wife = county.person("万刘氏", born="1977-07-27", household="H-WAN")
stranger = county.person("秦老三", born="1941-01-21", household="H-QIN")
card = holder.account
shared = (county.pay(holder, "低保", SPRING, 500)
          + county.pay(wife, "低保", SPRING, 500, account=card)
          + county.pay(stranger, "高龄补贴", "2024-04", 100, account=card))

# A household's card: three persons, one 户号.
head = county.person("顾大年", born="1940-10-10", household="H-GU")
family = [head, county.person("顾孙氏", born="1942-02-12", household="H-GU"),
          county.person("顾小宝", born="1990-09-19", household="H-GU")]
for member in family:
    county.pay(member, "低保", SPRING, 400, account=head.account)

# Two persons of two households: below the threshold of three persons.
pair = county.person("柳青山", born="1955-05-05", household="H-LIU")
neighbour = county.person("葛长根", born="1956-06-06", household="H-GE")
county.pay(pair, "低保", SPRING, 500)
county.pay(neighbour, "低保", SPRING, 500, account=pair.account)


run = county.fixture("SHARED_ACCOUNT")


def test_three_persons_of_two_households_on_one_card_fire(run: Run):
    found = run.one(card)
    assert (found.account, found.id_number) == (card, "")
    assert figures(found) == ("", "2024-01", "2024-04", "3100.00")
    assert evidence(found) == paid(shared)
    assert_explains(found, card, "3人", "2户", "3,100.00")


def test_a_households_own_card_does_not_fire(run: Run):
    assert not run.fired(head.account)


def test_two_persons_on_one_card_do_not_fire(run: Run):
    assert not run.fired(pair.account)
    assert [d.subject for d in run.detections] == [card]
