"""Batch cases of money and procedure: paid twice, over the standard, two exclusive programs,
an approval chain cut short."""

from __future__ import annotations

from dataclasses import replace

from sunlight.synth.approvals import AUTO, WITHOUT_COUNTY, WITHOUT_PUBLICITY
from sunlight.synth.batch.picks import Picker
from sunlight.synth.batch.rows import BATCH_MONTH, EITHER, HOLD, PASS, BatchRow, regular
from sunlight.synth.periods import LAST_PAID, month_label
from sunlight.synth.programs import DIBAO, GAOLING, TEKUN, Enrollment
from sunlight.synth.welfare import dibao_amounts, tekun_amounts

DUPLICATE_PAYMENT, OVER_STANDARD = "DUPLICATE_PAYMENT", "OVER_STANDARD"
EXCLUSIVE_PROGRAMS, APPROVAL_SKIPPED = "EXCLUSIVE_PROGRAMS", "APPROVAL_SKIPPED"


def duplicate(pick: Picker) -> list[BatchRow]:
    """One payee twice in the batch, and one paid again for the delivery's last month; trap:
    that payee's own next month, on the same day."""
    world = pick.world
    twice = pick.continuing(GAOLING)
    first = regular(world, twice, expect=EITHER, model=DUPLICATE_PAYMENT, note="first of two")
    again = replace(first, expect=HOLD, note="second row, same person, program and period")
    paid = pick.continuing(DIBAO)
    return [first, again,
            regular(world, paid, LAST_PAID, expect=HOLD, model=DUPLICATE_PAYMENT,
                    note=f"{month_label(LAST_PAID)} paid already"),
            regular(world, paid, note="next month on the same day as a repeated one")]


def over_standard(pick: Picker) -> list[BatchRow]:
    """低保 above the standard per person-month; trap: exactly the standard."""
    world = pick.world
    top = world.standards.max_fen(DIBAO, BATCH_MONTH)
    over = pick.continuing(DIBAO)
    exact = pick.continuing(DIBAO)
    extra = pick.rng.choice((2000, 5000, 20000))
    return [replace(regular(world, over), amount=top + extra, expect=HOLD, model=OVER_STANDARD,
                    note=f"{(top + extra) / 100:.2f} > {top / 100:.2f}"),
            replace(regular(world, exact), amount=top, note="exactly the standard")]


def exclusive(pick: Picker) -> list[BatchRow]:
    """特困 beside 低保 in the batch, and 低保 for a month already paid 特困; trap: 特困 from the
    month after 低保 ended."""
    world = pick.world
    both = pick.continuing(DIBAO)
    rows = [regular(world, both, expect=EITHER, model=EXCLUSIVE_PROGRAMS, note="低保 of the pair"),
            BatchRow(TEKUN, both.person, BATCH_MONTH, tekun_amounts(world, pick.rng)[1],
                     both.account, HOLD, EXCLUSIVE_PROGRAMS, "特困 beside 低保")]
    tekun = pick.continuing(TEKUN)
    rows += [BatchRow(DIBAO, tekun.person, LAST_PAID, dibao_amounts(world, pick.rng)[1],
                      tekun.account, HOLD, EXCLUSIVE_PROGRAMS,
                      f"低保 for {month_label(LAST_PAID)}, paid 特困 then"),
             regular(world, tekun, note="特困 continuing beside a held 低保 row")]
    ended = pick.continuing(DIBAO)
    ended.end = LAST_PAID
    rows.append(BatchRow(TEKUN, ended.person, BATCH_MONTH, tekun_amounts(world, pick.rng)[1],
                         ended.account, PASS, "",
                         f"特困 from the month after 低保 ended ({month_label(LAST_PAID)})"))
    return rows


def approval(pick: Picker) -> list[BatchRow]:
    """New 低保 enrollments paid from the batch's month: without 县级审批, without 村级公示;
    trap: the whole chain done before."""
    world, rows = pick.world, []
    for chain, expect, note in ((WITHOUT_COUNTY, HOLD, "enrolled without 县级审批"),
                                (WITHOUT_PUBLICITY, HOLD, "enrolled without 村级公示"),
                                (AUTO, PASS, "enrolled with every step approved")):
        person = pick.plain_adult("a new 低保 payee")
        person.household.poor = True
        enrollment = world.add_enrollment(Enrollment(
            DIBAO, person, BATCH_MONTH, base=dibao_amounts(world, pick.rng), chain=chain))
        rows.append(regular(world, enrollment, expect=expect,
                            model=APPROVAL_SKIPPED if expect == HOLD else "", note=note))
    return rows
