"""The scorecard matches a company's warning to its truth row by the 统一社会信用代码 (contract
v1.1 samples: company rows give `subject_id` and no ID number), a person's by the ID."""

from __future__ import annotations

from sunlight.synth.scorecard import score

CODE = "9161032711N2LWHWJQ"
REP = "610327197505292857"


def warning(model: str, kind: str, subject_id: str, id_number: str, amount: str) -> dict[str, str]:
    return {"warning_id": "W-1", "model": model, "id_number": id_number, "account": "",
            "program": "LIUGONG", "township": "", "period_from": "2024-01",
            "period_to": "2024-01", "amount": amount, "subject_kind": kind,
            "subject_id": subject_id}


def truth(model: str, subject_id: str, id_number: str, kind: str,
          amount: str = "") -> dict[str, str]:
    return {"model": model, "id_number": id_number, "account": "", "program": "LIUGONG",
            "township": "", "period_from": "2024-01" if amount else "",
            "period_to": "2024-01" if amount else "", "amount": amount, "kind": kind,
            "subject_id": subject_id}


def test_a_company_warning_is_found_by_its_code_not_its_representatives_id():
    card = score([warning("HEADCOUNT_OVERCLAIMED", "company", CODE, REP, "8500.00")],
                 [truth("HEADCOUNT_OVERCLAIMED", CODE, "", "case", "8500.00")])
    assert (card.cases, card.found, card.unexpected, card.problems) == (1, 1, 0, [])


def test_a_company_trap_fires_on_its_code_and_a_person_case_is_not_a_company():
    card = score([warning("REP_IS_OFFICIAL", "company", CODE, REP, "9000.00"),
                  warning("DUPLICATE_PAYMENT", "person", REP, REP, "100.00")],
                 [truth("REP_IS_OFFICIAL", CODE, "", "trap"),
                  truth("DUPLICATE_PAYMENT", REP, REP, "case", "100.00")])
    assert (card.fired, card.found, card.unexpected) == (1, 1, 0)


def police(model: str, kind: str, subject_id: str, day: str = "", id_number: str = ""
           ) -> dict[str, str]:
    """A section-6 warning (with `subject_kind`) or truth row (`kind` case/trap): no money."""
    row = {"model": model, "id_number": id_number, "account": "", "program": "",
           "township": "", "period_from": day, "period_to": day, "amount": "",
           "subject_id": subject_id}
    if kind in ("case", "trap"):
        return {**row, "kind": kind}
    return {**row, "warning_id": "W-2", "subject_kind": kind}


def test_police_warnings_are_found_by_their_subject_and_days():
    warnings = [police("POST_UNCOVERED", "post", "交警大队/固关检查站", "2024-01-23"),
                police("CASE_OVERDUE", "case", "A20240190183", "2024-01-03"),
                police("DUTY_ABSENT", "person", REP, "2024-01-31", REP),
                police("LEADER_ABSENT", "unit", "巡特警大队", "2024-02-01")]
    card = score(warnings, [police("POST_UNCOVERED", "case", "交警大队/固关检查站", "2024-01-23"),
                            police("CASE_OVERDUE", "case", "A20240190183", "2024-01-04"),
                            police("DUTY_ABSENT", "case", REP, "2024-01-31", REP),
                            police("LEADER_ABSENT", "trap", "巡特警大队")])
    assert (card.cases, card.found, card.traps, card.fired, card.unexpected) == (3, 2, 1, 1, 0)
    assert card.models["CASE_OVERDUE"].found == 0  # found, but for another 受理 date
