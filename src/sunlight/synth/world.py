"""Everything the generator knows about the county, with the indexes injections need."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from sunlight.contract.catalog import Catalog
from sunlight.synth.geography import County, Village
from sunlight.synth.ids import AccountFactory, IdFactory
from sunlight.synth.names import NameFactory
from sunlight.synth.people import Household, Person, Population
from sunlight.synth.periods import Month
from sunlight.synth.programs import Enrollment, Standards, paid_periods
from sunlight.synth.registries import Business, Cert, Official, Parcel, Registries, Vehicle
from sunlight.synth.subsidies import Grant, Shift

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Rejection:
    """An application turned down along the approval chain: the person is never paid."""

    person: Person
    program: str
    applied: Month
    last_step: str


@dataclass(eq=False)
class World:
    rng: random.Random
    catalog: Catalog
    county: County
    population: Population
    registries: Registries
    ids: IdFactory
    names: NameFactory
    accounts: AccountFactory
    standards: Standards
    enrollments: list[Enrollment] = field(default_factory=list)
    ghosts: list[Person] = field(default_factory=list)
    """Payees the registry does not know (UNREGISTERED_PAYEE cases)."""
    rejections: list[Rejection] = field(default_factory=list)
    pay_days: dict[tuple[str, str], int] = field(default_factory=dict)
    claimed: set[int] = field(default_factory=set)
    """id() of people a case or trap is built on: their rows are written verbatim."""
    grants: list[Grant] = field(default_factory=list)
    """Company subsidies paid (`enterprise_payments`)."""
    insured: dict[Business, dict[Month, int]] = field(default_factory=dict)
    """Insured headcount per company and month (`insured_headcount`)."""
    pinned_companies: set[int] = field(default_factory=set)
    """id() of companies a case or trap is built on: their headcount rows are all kept."""
    restated: list[Business] = field(default_factory=list)
    """Companies as a later delivery of the registry restates them (the latest row wins)."""
    roster: list[Shift] = field(default_factory=list)
    _by_person: dict[int, list[Enrollment]] = field(default_factory=lambda: defaultdict(list))
    _certs: dict[int, list[Cert]] | None = None
    _offices: dict[int, list[Official]] | None = None
    _vehicles: dict[int, list[Vehicle]] | None = None
    _businesses: dict[int, list[Business]] | None = None
    _parcels: dict[int, list[Parcel]] | None = None

    def __post_init__(self) -> None:
        for enrollment in self.enrollments:
            self._by_person[id(enrollment.person)].append(enrollment)

    # -- enrollments ---------------------------------------------------------------------

    def add_enrollment(self, enrollment: Enrollment) -> Enrollment:
        if not enrollment.account:
            enrollment.account = enrollment.person.household.account
        self.enrollments.append(enrollment)
        self._by_person[id(enrollment.person)].append(enrollment)
        return enrollment

    def remove_enrollment(self, enrollment: Enrollment) -> None:
        self.enrollments.remove(enrollment)
        self._by_person[id(enrollment.person)].remove(enrollment)

    def enrollments_of(self, person: Person, program: str | None = None) -> list[Enrollment]:
        return [e for e in self._by_person.get(id(person), [])
                if program is None or e.program == program]

    def pay_day(self, township: str, program: str) -> int:
        key = (township, program)
        if key not in self.pay_days:
            self.pay_days[key] = self.rng.randint(8, 25)
        return self.pay_days[key]

    # -- registries ----------------------------------------------------------------------

    def certs_of(self, person: Person) -> list[Cert]:
        if self._certs is None:
            self._certs = _group(self.registries.certs, lambda c: c.person)
        return self._certs.get(id(person), [])

    def offices_of(self, person: Person) -> list[Official]:
        if self._offices is None:
            self._offices = _group(self.registries.officials, lambda o: o.person)
        return self._offices.get(id(person), [])

    def vehicles_of(self, household: Household) -> list[Vehicle]:
        if self._vehicles is None:
            self._vehicles = _group(self.registries.vehicles, lambda v: v.owner.household)
        return self._vehicles.get(id(household), [])

    def businesses_of(self, household: Household) -> list[Business]:
        if self._businesses is None:
            self._businesses = _group(self.registries.businesses, lambda b: b.rep.household)
        return self._businesses.get(id(household), [])

    def parcels_of(self, household: Household) -> list[Parcel]:
        if self._parcels is None:
            self._parcels = _group(self.registries.parcels, lambda p: p.holder.household)
        return self._parcels.get(id(household), [])

    def land_area(self, household: Household, land_type: str) -> int:
        return sum(p.area for p in self.parcels_of(household) if p.land_type == land_type)

    def add_cert(self, cert: Cert) -> Cert:
        self.registries.certs.append(cert)
        if self._certs is not None:  # kept up to date: regrouping all is costly
            self._certs[id(cert.person)].append(cert)
        return cert

    def add_office(self, office: Official) -> Official:
        self.registries.officials.append(office)
        if self._offices is not None:  # kept up to date: regrouping all is costly
            self._offices[id(office.person)].append(office)
        return office

    def add_vehicle(self, vehicle: Vehicle) -> Vehicle:
        self.registries.vehicles.append(vehicle)
        if self._vehicles is not None:  # kept up to date: regrouping all is costly
            self._vehicles[id(vehicle.owner.household)].append(vehicle)
        return vehicle

    def add_business(self, business: Business) -> Business:
        self.registries.businesses.append(business)
        if self._businesses is not None:  # kept up to date: regrouping all is costly
            self._businesses[id(business.rep.household)].append(business)
        return business

    def add_parcel(self, parcel: Parcel) -> Parcel:
        self.registries.parcels.append(parcel)
        if self._parcels is not None:  # kept up to date: regrouping all is costly
            self._parcels[id(parcel.holder.household)].append(parcel)
        return parcel

    # -- people --------------------------------------------------------------------------

    def ghost_household(self, village: Village) -> Household:
        """A household the registry has never heard of, for a payee who is not registered."""
        return Household(hid="", village=village, account=self.accounts.new())

    def is_plain(self, household: Household) -> bool:
        """No official, cadre, car, running company or welfare: any case may be built on it."""
        return not household.poor and not any(
            self.offices_of(p) for p in household.members
        ) and not self.vehicles_of(household) and not self.businesses_of(household)

    def months_of(self, enrollment: Enrollment) -> list[Month]:
        return paid_periods(self.standards, enrollment)


def _group(records: Iterable[R], key: Callable[[R], object]) -> dict[int, list[R]]:
    groups: dict[int, list[R]] = defaultdict(list)
    for record in records:
        groups[id(key(record))].append(record)
    return groups
