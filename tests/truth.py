"""Holding a warnings export to a county's truth.csv (see sunlight.synth.scorecard)."""

from __future__ import annotations

from sunlight.synth.scorecard import read_truth, score

__all__ = ["problems", "read_rows"]

read_rows = read_truth


def problems(exported: list[dict[str, str]], truth: list[dict[str, str]]) -> list[str]:
    """Cases missed or stated wrongly, traps that fired, and warnings the truth does not hold."""
    return score(exported, truth).problems
