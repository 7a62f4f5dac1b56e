"""The roles of the workbench; what each is called comes from vocabulary.yaml."""

from __future__ import annotations

from typing import Final

ADMIN: Final = "admin"
"""Keeps accounts and reads the audit log; sees no warning or case."""
ANALYST: Final = "analyst"
"""纪委监委: sees every warning and case, assigns, decides, closes."""
OFFICER: Final = "officer"
"""A department's data officer: uploads that department's datasets, reads their quality."""
VERIFIER: Final = "verifier"
"""A township verifier: sees and acts only on the cases of their township assigned to them."""

INSPECTOR: Final = "inspector"
"""督察 (a police bureau's inspection staff): within their units, what an analyst does for the
county — sees the police models' warnings and cases, assigns, decides, closes. A role of its
own rather than a scoped analyst, so that a page nobody taught about units refuses them
instead of showing the county's subsidy warnings."""
LIAISON: Final = "liaison"
"""单位联络员: sees and acts only on the cases of their unit assigned to them, as a verifier
does in a township."""

ROLES: Final = (ADMIN, ANALYST, OFFICER, VERIFIER, INSPECTOR, LIAISON)
UNIT_ROLES: Final = frozenset({INSPECTOR, LIAISON})
"""The roles scoped to police units (`users.units`) rather than a township."""
CASE_DECIDERS: Final = frozenset({ANALYST, INSPECTOR})
"""Who assigns, reviews, disposes and closes cases: an analyst any, an inspector their units'."""
CASE_CHECKERS: Final = frozenset({VERIFIER, LIAISON})
"""Who checks the cases assigned to them and records the verdict."""
CASE_READERS: Final = (ANALYST, VERIFIER, INSPECTOR, LIAISON)
"""Who may open warnings and cases at all (each within their scope)."""
