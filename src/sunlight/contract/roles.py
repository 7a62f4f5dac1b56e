"""The four roles of the workbench; what each is called comes from vocabulary.yaml."""

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

ROLES: Final = (ADMIN, ANALYST, OFFICER, VERIFIER)
