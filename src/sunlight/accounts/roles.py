"""The four roles of the workbench and what each is called in Chinese."""

from __future__ import annotations

ADMIN = "admin"
"""Keeps accounts and reads the audit log; sees no warning or case."""
ANALYST = "analyst"
"""纪委监委: sees every warning and case, assigns, decides, closes."""
OFFICER = "officer"
"""A department's data officer: uploads that department's datasets, reads their quality."""
VERIFIER = "verifier"
"""A township verifier: sees and acts only on the cases of their township assigned to them."""

ROLES = (ADMIN, ANALYST, OFFICER, VERIFIER)
ROLE_ZH = {ADMIN: "系统管理员", ANALYST: "纪委监委分析人员", OFFICER: "部门数据专员",
           VERIFIER: "乡镇核查人员"}
