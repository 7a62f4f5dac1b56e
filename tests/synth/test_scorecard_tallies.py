"""The scorecard's counts per model, and its matching rule at the edges: a trap on another
company of the same representative, a v1 truth file without `subject_id`."""

from __future__ import annotations

from sunlight.synth.scorecard import Tally, score

CODE, OTHER, REP = "91610327MLTW1B79HH", "91610327PL2Y1UC412", "610327198006036327"


def truth(model: str, kind: str, subject_id: str, id_number: str = "", program: str = "LIUGONG",
          amount: str = "") -> dict[str, str]:
    period = "2024-02" if kind == "case" else ""
    return {"model": model, "id_number": id_number, "account": "", "program": program,
            "township": "", "period_from": period, "period_to": period, "amount": amount,
            "kind": kind, "subject_id": subject_id}


def warning(model: str, subject_id: str, id_number: str, amount: str,
            program: str = "LIUGONG") -> dict[str, str]:
    return {"warning_id": f"W-{model}-{subject_id}", "model": model, "id_number": id_number,
            "account": "", "program": program, "township": "八渡乡", "period_from": "2024-02",
            "period_to": "2024-02", "amount": amount, "subject_kind": "company",
            "subject_id": subject_id}


def test_cases_and_traps_are_counted_per_model() -> None:
    # A company warning names the legal representative; the truth row names no one.
    card = score([warning("HEADCOUNT_OVERCLAIMED", CODE, REP, "3500.00")],
                 [truth("HEADCOUNT_OVERCLAIMED", "case", CODE, amount="3500.00"),
                  truth("HEADCOUNT_OVERCLAIMED", "trap", OTHER),
                  truth("COMPANY_UNREGISTERED", "case", OTHER, amount="500.00")])
    assert (card.found, card.cases, card.fired, card.traps, card.unexpected) == (1, 2, 0, 1, 0)
    assert card.models["HEADCOUNT_OVERCLAIMED"] == Tally(cases=1, found=1, traps=1, fired=0)
    assert card.models["COMPANY_UNREGISTERED"] == Tally(cases=1, found=0, traps=0, fired=0)


def test_a_trap_on_another_company_of_the_same_representative_is_not_fired_by_it() -> None:
    card = score([warning("REP_IS_OFFICIAL", CODE, REP, "9000.00")],
                 [truth("REP_IS_OFFICIAL", "trap", OTHER), truth("REP_IS_OFFICIAL", "trap", CODE)])
    assert (card.traps, card.fired) == (2, 1)
    assert card.models["REP_IS_OFFICIAL"].fired == 1


def test_a_v1_truth_row_without_subject_id_matches_on_the_id_number() -> None:
    row = truth("DECEASED_PAID", "case", "", id_number=REP, program="GAOLING", amount="300.00")
    del row["subject_id"]
    person = {**warning("DECEASED_PAID", REP, REP, "300.00", "GAOLING"), "subject_kind": "person"}
    card = score([person], [row])
    assert (card.found, card.cases, card.unexpected) == (1, 1, 0)


def test_a_case_found_with_another_amount_is_a_problem() -> None:
    card = score([warning("COMPANY_INACTIVE_PAID", CODE, REP, "100.00")],
                 [truth("COMPANY_INACTIVE_PAID", "case", CODE, amount="3500.00")])
    assert card.found == 0 and len(card.problems) == 1
