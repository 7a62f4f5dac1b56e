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
