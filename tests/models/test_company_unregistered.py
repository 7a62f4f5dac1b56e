"""COMPANY_UNREGISTERED: a company program paying a credit code no business registry row holds."""

from __future__ import annotations

import random

import pytest

from sunlight.synth.ids import credit_code
from tests.models.county import (
    County,
    Run,
    assert_explains,
    evidence,
    figures,
    paid,
)

county = County()

registered = county.company("陇县惠民商贸有限公司", county.person("惠民", born="1970-01-01"))

# A code the registry does not hold (its check character right).
unknown = county.company("陇县鑫源商贸有限公司", registered=False)
unknown_paid = county.pay_company(unknown, "留工补贴", "2024-01", 3500, claimed=7)

# A code whose check character fails: paid, kept, reported, and unregistered.
valid = credit_code(random.Random(7), "610327")
forged_code = valid[:-1] + ("0" if valid[-1] != "0" else "1")
forged = county.pay_company(unknown, "留工补贴", "2024-01", 5000, claimed=10,
                            credit_code=forged_code, company="陇县鑫源建材有限公司")

# The registered code written in lower case, with spaces, in full width: the same company.
spellings = [registered.code.lower(), f"{registered.code[:8]} {registered.code[8:]}",
             "".join(chr(ord(c) + 0xFEE0) for c in registered.code)]
for spelled in spellings:
    county.pay_company(registered, "留工补贴", "2024-01", 1000, claimed=2, credit_code=spelled)

run = county.fixture("COMPANY_UNREGISTERED")


def test_a_code_the_registry_lacks_fires_for_the_payment(run: Run):
    found = run.one(unknown)
    assert figures(found) == ("LIUGONG", "2024-01", "2024-01", "3500.00")
    assert evidence(found) == paid(unknown_paid)
    assert (found.subject_kind, found.subject_name, found.id_number) == (
        "company", "陇县鑫源商贸有限公司", "")
    assert_explains(found, "陇县鑫源商贸有限公司", unknown.code, "校验位正确", "查无此代码",
                    "3,500.00")


def test_a_code_failing_its_check_fires_and_is_reported(run: Run):
    found = run.one(forged_code)
    assert figures(found) == ("LIUGONG", "2024-01", "2024-01", "5000.00")
    assert evidence(found) == paid(forged)
    assert_explains(found, "校验位不符")
    assert [(f[0], f[3], f[5]) for f in run.findings()] == [
        ("enterprise_payments", forged[0].row, "credit_code_checksum")]


@pytest.mark.parametrize("spelled", spellings, ids=["lower case", "spaces", "full width"])
def test_a_code_differing_only_by_case_width_or_spaces_does_not_fire(run: Run, spelled: str):
    assert not run.fired(spelled) and not run.fired(registered)
