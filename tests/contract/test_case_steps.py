"""The case steps' wording (case_steps.yaml): every status says what comes next."""

from __future__ import annotations

from sunlight.contract.case_steps import case_steps
from sunlight.contract.cases import STATUS_ZH, VERDICTS, VERIFIED


def test_every_status_and_verdict_says_what_comes_next():
    steps = case_steps()
    for status in STATUS_ZH:
        assert steps.next_step(status, None) is not None, status
    for verdict in VERDICTS:
        rule = steps.next_step(VERIFIED, verdict)
        assert rule is not None and rule.actor == "analyst"
    assert "办结" in steps.next_step(VERIFIED, "不属实").does  # type: ignore[union-attr]
    assert "处置" in steps.next_step(VERIFIED, "属实").does  # type: ignore[union-attr]
