"""Finding the people a batch's cases are built on, among the households no case has taken."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from sunlight.synth.batch.rows import continues
from sunlight.synth.cases.book import CaseBook, need, supply
from sunlight.synth.people import MOVED, Household, Person
from sunlight.synth.programs import Enrollment
from sunlight.synth.registries import ACTIVE_BUSINESS, CAR_TYPES, Official
from sunlight.synth.world import World


class Picker:
    """Takes households from the case book for the batch, so that no two cases share one."""

    def __init__(self, book: CaseBook) -> None:
        self.book, self.world, self.rng = book, book.world, book.rng
        self._payees: dict[str, set[int]] | None = None

    def payees_of(self, account: str) -> int:
        """How many persons the delivery's enrollments pay to `account` (as first asked)."""
        if self._payees is None:
            self._payees = defaultdict(set)
            for enrollment in self.world.enrollments:
                self._payees[enrollment.account].add(id(enrollment.person))
        return len(self._payees.get(account, ()))

    def continuing(self, program: str, predicate: Callable[[Enrollment], bool] = lambda e: True
                   ) -> Enrollment:
        """A continuing payee of `program` (paid every month of the delivery); when the cases
        took them all, a plain household put on the program years ago."""
        found = supply(self.book, program, lambda e: continues(self.world, e) and predicate(e))
        self.book.claim(found.person.household)
        return found

    def household(self, predicate: Callable[[Household], bool], what: str) -> Household:
        found = need(self.book.household(predicate), what)
        self.book.claim(found)
        return found

    def person(self, predicate: Callable[[Person], bool], what: str) -> Person:
        found = need(self.book.person(predicate), what)
        self.book.claim(found.household)
        return found

    def plain_adult(self, what: str, low: int = 18, high: int = 75) -> Person:
        """An adult of a household with nothing to its name and no welfare."""
        household = self.household(
            lambda h: self.world.is_plain(h) and adult(h, low, high) is not None, what)
        return need(adult(household, low, high), what)


def living(person: Person) -> bool:
    return person.death is None and person.status != MOVED


def adult(household: Household, low: int = 18, high: int = 75,
          but: Person | None = None) -> Person | None:
    return next((p for p in household.members
                 if low <= p.age <= high and living(p) and p is not but), None)


def offices_in(world: World, household: Household) -> list[Official]:
    return [o for p in household.members for o in world.offices_of(p)]


def has_assets(world: World, household: Household) -> bool:
    """A car in use or a running company in the household (ASSET_OWNER_ON_WELFARE)."""
    return any(v.vehicle_type in CAR_TYPES and v.status == "正常"
               for v in world.vehicles_of(household)) or any(
        b.status in ACTIVE_BUSINESS for b in world.businesses_of(household))


def unenrolled(world: World, person: Person) -> bool:
    return not world.enrollments_of(person)
