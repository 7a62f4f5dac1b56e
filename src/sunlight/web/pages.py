"""Rendering a page: the template plus what every staff page needs (who, CSRF token, menu)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from sunlight.contract.roles import ADMIN, ANALYST, INSPECTOR, LIAISON, OFFICER, VERIFIER
from sunlight.web import csrf
from sunlight.web.deps import Staff
from sunlight.web.errors import UserError

MENU: dict[str, list[tuple[str, str]]] = {
    ANALYST: [("/staff/dashboard", "总览"), ("/staff/warnings", "预警"),
              ("/staff/cases", "案件"), ("/staff/oversight", "网上督察"),
              ("/staff/self-corrections", "主动说明登记"),
              ("/staff/uploads", "数据上传"), ("/staff/screening", "发放前筛查"),
              ("/staff/publications", "公示发布")],
    VERIFIER: [("/staff/cases", "我的核查任务")],
    INSPECTOR: [("/staff/oversight", "网上督察"), ("/staff/warnings", "预警"),
                ("/staff/cases", "督察案件")],
    LIAISON: [("/staff/cases", "我的核查任务")],
    OFFICER: [("/staff/uploads", "数据上传"), ("/staff/screening", "发放前筛查")],
    ADMIN: [("/staff/admin/users", "账户管理"), ("/staff/admin/audit", "审计日志"),
            ("/staff/admin/townships", "乡镇电话"), ("/staff/admin/tokens", "接口令牌")],
}
HOME = {role: items[0][0] for role, items in MENU.items()}


def menu_label(role: str, path: str) -> str:
    """What the role's menu calls the page at `path` (a page's title says the same)."""
    return dict(MENU.get(role, [])).get(path, "")
SEARCHERS = frozenset({ANALYST, VERIFIER})
"""Who has the search box (/staff/search) in the header of every page."""


def templates_of(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


def render(request: Request, template: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200) -> HTMLResponse:
    """A page or fragment, with the logged-in staff member, their menu and CSRF token."""
    staff: Staff | None = getattr(request.state, "staff", None)
    full = {
        "staff": staff,
        "menu": MENU.get(staff.role, []) if staff else [],
        "csrf_token": (csrf.form_token(request, csrf.Purpose.STAFF,
                                       staff.web_session.csrf_token) if staff else ""),
        "path": request.url.path,
        "search_box": bool(staff and staff.role in SEARCHERS),
        **(context or {}),
    }
    response = templates_of(request).TemplateResponse(request, template, full,
                                                      status_code=status_code)
    if staff:
        csrf.keep(request, response)
    return response


def error_page(request: Request, error: UserError) -> HTMLResponse:
    """The workbench's page of a request it cannot do."""
    return render(request, "staff/error.html", {"title": error.title, "message": error.message},
                  status_code=error.status)
