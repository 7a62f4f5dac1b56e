"""Batch cases of identity: unknown IDs, other names, one card for several households."""

from __future__ import annotations

from sunlight.synth.batch.picks import Picker, adult, living
from sunlight.synth.batch.rows import BATCH_MONTH, HOLD, BatchRow, regular
from sunlight.synth.cases.identity import unknown_person
from sunlight.synth.ids import FULL_WIDTH_DIGITS, to_old_form
from sunlight.synth.names import traditional
from sunlight.synth.programs import DIBAO, GAOLING, TEKUN
from sunlight.synth.welfare import dibao_amounts

UNREGISTERED_PAYEE, NAME_MISMATCH, SHARED_ACCOUNT = (
    "UNREGISTERED_PAYEE", "NAME_MISMATCH", "SHARED_ACCOUNT")


def unregistered(pick: Picker) -> list[BatchRow]:
    """IDs no registry holds (one failing its check character); traps: registered IDs in their
    15-digit form and with a lower-case or full-width check character."""
    world, rows = pick.world, []
    for wrong_check in (False, True):
        ghost = unknown_person(pick.book, pick.rng.randint(30, 64), wrong_check)
        rows.append(BatchRow(DIBAO, ghost, BATCH_MONTH, dibao_amounts(world, pick.rng)[1],
                             ghost.household.account, HOLD, UNREGISTERED_PAYEE,
                             "check character fails" if wrong_check else "not in the registry"))
    old = pick.continuing(GAOLING, lambda e: e.person.id_number[6:8] == "19")
    rows.append(regular(world, old, note="15-digit ID",
                        id_text=to_old_form(old.person.id_number)))
    other = pick.continuing(DIBAO)
    written = other.person.id_number
    written = written.lower() if written.endswith("X") else written.translate(FULL_WIDTH_DIGITS)
    rows.append(regular(world, other, note="ID in lower case or full width", id_text=written))
    return rows


def name_mismatch(pick: Picker) -> list[BatchRow]:
    """Another name on a registered ID; traps: the registry's name traditional or spaced."""
    world = pick.world
    wrong = pick.continuing(DIBAO)
    person = wrong.person
    rows = [regular(world, wrong, expect=HOLD, model=NAME_MISMATCH, note="another name",
                    name=world.names.other_than(person.name, person.sex, person.birth.year))]
    spelled = pick.continuing(GAOLING, lambda e: traditional(e.person.name) is not None)
    rows.append(regular(world, spelled, note="name in traditional characters",
                        name=traditional(spelled.person.name)))
    spaced = pick.continuing(DIBAO, lambda e: "·" not in e.person.name)
    name = spaced.person.name
    rows.append(regular(world, spaced, note="name with a full-width space",
                        name=f"{name[0]}\u3000{name[1:]}"))
    return rows


def shared_account(pick: Picker) -> list[BatchRow]:
    """A household's 低保 card that a payee of another household joins in this batch; traps:
    three persons of one household on one card, two persons of two households."""
    world = pick.world
    first = pick.continuing(DIBAO, lambda e: sum(
        1 for p in e.person.household.members
        if any(x.account == e.account for x in world.enrollments_of(p, DIBAO))) >= 2)
    account = first.account
    members = [e for p in first.person.household.members for e in world.enrollments_of(p, DIBAO)
               if e.account == account and living(p) and e.end is None]
    note = "a card of two households once this batch is counted"
    rows = [regular(world, e, expect=HOLD, model=SHARED_ACCOUNT, note=note) for e in members]
    stranger = pick.plain_adult("a payee of another household")
    rows.append(BatchRow(DIBAO, stranger, BATCH_MONTH, dibao_amounts(world, pick.rng)[1],
                         account, HOLD, SHARED_ACCOUNT, note))
    household = pick.household(lambda h: world.is_plain(h) and sum(
        1 for p in h.members if living(p)) >= 3 and adult(h) is not None,
        "a household of three for one card")
    family = [p for p in household.members if living(p)][:3]
    rows += [BatchRow(DIBAO, p, BATCH_MONTH, dibao_amounts(world, pick.rng)[1],
                      household.account, note="three persons of one household on one card")
             for p in family]
    alone = pick.continuing(TEKUN, lambda e: pick.payees_of(e.account) == 1)
    guest = pick.plain_adult("a payee of another household on a one-person card")
    note = "two persons of two households on one card"
    return [*rows, regular(world, alone, note=note),
            BatchRow(DIBAO, guest, BATCH_MONTH, dibao_amounts(world, pick.rng)[1],
                     alone.account, note=note)]
