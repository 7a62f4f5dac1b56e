"""Approval chains (申请 → … → 发放) of recent enrollments, and applications turned down."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sunlight.synth.people import MOVED, Person
from sunlight.synth.periods import (
    APPROVALS_FROM,
    LAST_PAID,
    day_in,
    first_day,
)
from sunlight.synth.programs import ROSTERLESS, Enrollment
from sunlight.synth.world import Rejection, World

APPLY, REVIEW, PUBLICITY, TOWNSHIP, COUNTY, PAYOUT = (
    "申请", "村级评议", "村级公示", "乡镇审核", "县级审批", "发放")
STEPS = (APPLY, REVIEW, PUBLICITY, TOWNSHIP, COUNTY, PAYOUT)
# Days after the previous step; publicity lasts seven days before the township reviews.
_GAPS = {REVIEW: (3, 7), PUBLICITY: (2, 5), TOWNSHIP: (7, 9), COUNTY: (3, 8), PAYOUT: (2, 6)}
_OPINIONS = {APPLY: ("本人申请", "家属代为申请"), REVIEW: ("评议通过",),
             PUBLICITY: ("公示7天无异议",), TOWNSHIP: ("属实，同意上报", "审核通过"),
             COUNTY: ("同意", "批准"), PAYOUT: ("已纳入发放",)}

# The chain defects an enrollment may carry (Enrollment.chain).
AUTO, NONE, WITHOUT_PUBLICITY, WITHOUT_COUNTY, LATE = (
    "auto", "none", "without_publicity", "without_county", "late")


@dataclass(frozen=True, slots=True)
class ApprovalStep:
    person: Person
    program: str
    step: str
    day: date
    handler: str
    opinion: str
    rejected: bool = False
    """Part of an application turned down (never paid): free to be made unreadable."""


def has_chain(enrollment: Enrollment) -> bool:
    return (enrollment.start >= APPROVALS_FROM and enrollment.chain != NONE
            and enrollment.program not in ROSTERLESS)


def build_approvals(world: World) -> list[ApprovalStep]:
    """Chains of every enrollment that has one, and of some applications turned down."""
    steps: list[ApprovalStep] = []
    for enrollment in world.enrollments:
        if has_chain(enrollment):
            steps += _chain(world, enrollment)
    _reject_some(world, sum(1 for e in world.enrollments if has_chain(e)) // 8 + 2)
    for rejection in world.rejections:
        steps += _rejected_chain(world, rejection)
    steps.sort(key=lambda s: (s.day, s.person.order, STEPS.index(s.step)))
    return steps


def _handler(world: World) -> str:
    return world.names.full(world.names.surname(), world.rng.choice("男女"), 1980)


def _walk(world: World, person: Person, program: str, applied: date, names: tuple[str, ...],
          rejected: bool = False) -> list[ApprovalStep]:
    rng, day, out = world.rng, applied, []
    for step in names:
        if step != APPLY:
            low, high = _GAPS[step]
            day += timedelta(days=rng.randint(low, high))
        out.append(ApprovalStep(person, program, step, day, _handler(world),
                                rng.choice(_OPINIONS[step]), rejected))
    return out


def _chain(world: World, enrollment: Enrollment) -> list[ApprovalStep]:
    """A chain finished before the first month paid, unless the enrollment says otherwise."""
    rng = world.rng
    applied = first_day(enrollment.start - 2) + timedelta(days=rng.randint(0, 9))
    names = [s for s in STEPS if not (
        (enrollment.chain == WITHOUT_PUBLICITY and s == PUBLICITY)
        or (enrollment.chain == WITHOUT_COUNTY and s == COUNTY))]
    if enrollment.chain != LATE or enrollment.approved is None:
        return _walk(world, enrollment.person, enrollment.program, applied, tuple(names))
    # Approved at county level only months after payments began.
    early = _walk(world, enrollment.person, enrollment.program, applied, STEPS[:4])
    approved = day_in(enrollment.approved, rng.randint(3, 20))
    return early + _walk(world, enrollment.person, enrollment.program, approved, (COUNTY, PAYOUT))


def _reject_some(world: World, count: int) -> None:
    """Applications turned down at village or township level: never enrolled, never paid."""
    rng = world.rng
    people = world.population.people
    programs = ("DIBAO", "DIBAO", "TEKUN", "CANJI_HULI", "GAOLING")
    for _ in range(count * 4):
        if len(world.rejections) >= count:
            break
        person, program = rng.choice(people), rng.choice(programs)
        if (person.age < 18 or person.status == MOVED or person.death is not None
                or world.enrollments_of(person, program)):
            continue
        world.rejections.append(Rejection(person, program,
                                          rng.randint(APPROVALS_FROM - 2, LAST_PAID - 2),
                                          rng.choice((REVIEW, TOWNSHIP))))


def _rejected_chain(world: World, rejection: Rejection) -> list[ApprovalStep]:
    applied = first_day(rejection.applied) + timedelta(days=world.rng.randint(0, 20))
    names = STEPS[: STEPS.index(rejection.last_step) + 1]
    steps = _walk(world, rejection.person, rejection.program, applied, names, rejected=True)
    last = steps[-1]
    refusal = "评议未通过" if last.step == REVIEW else "不符合条件，不予上报"
    return [*steps[:-1], ApprovalStep(last.person, last.program, last.step, last.day,
                                      last.handler, refusal, rejected=True)]

