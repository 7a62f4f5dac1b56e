"""The HTTP API, an app of its own mounted at /api/v1 (the workbench serves no OpenAPI
document of its pages): bearer tokens instead of sessions, JSON instead of pages, every
refusal as RFC 9457 problem details, and its OpenAPI document at /api/v1/openapi.json."""

from __future__ import annotations

import logging
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import Response
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from sunlight.settings import Settings
from sunlight.web import problems
from sunlight.web.problems import ApiProblem, Problem, ProblemType
from sunlight.web.routes import application_api, screen_api

PREFIX: Final = "/api/v1"
LOG = logging.getLogger("sunlight.web")
SERVER_ERROR = "服务器内部错误，本次请求未能完成。请稍后重试；如果再次出现，请告知系统管理员。"


def create_api(parent: FastAPI) -> FastAPI:
    """The API app over the parent's settings and database, to be mounted at PREFIX."""
    settings: Settings = parent.state.settings
    api = FastAPI(title="Sunlight 阳光监督 API", version="1", docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json", description=_description(settings))
    for name in ("settings", "sessions", "writer_engine", "api_workers"):
        setattr(api.state, name, getattr(parent.state, name))
    api.include_router(screen_api.router)
    api.include_router(application_api.router)
    api.add_api_route("/problems", problem_types, methods=["GET"],
                      response_model=dict[str, ProblemType], summary="各类问题（错误）的说明",
                      description="错误响应的 type 以 #<代码> 结尾；这里按代码列出每类"
                      "问题的标题和状态码。",
                      response_description="按代码列出的问题类型")
    _handle_errors(api)

    def document() -> dict[str, Any]:
        if api.openapi_schema is None:
            api.openapi_schema = _document(api)
        return api.openapi_schema

    api.openapi = document  # type: ignore[method-assign]
    return api


def problem_types() -> dict[str, ProblemType]:
    """Every problem type the API answers, by the code its `type` ends with."""
    return problems.types()


def _description(settings: Settings) -> str:
    return (f"发放前筛查（数据规范 §7）。令牌由系统管理员在工作台“接口令牌”页发放，"
            f"以 Authorization: Bearer <令牌> 提交。每次至多 {settings.api_screen_max_rows} 行、"
            f"{settings.api_screen_max_mb} MB；每个令牌每分钟至多调用 "
            f"{settings.api_screens_per_minute} 次。错误以 application/problem+json 返回"
            f"（RFC 9457）。")


_SCHEMAS: Final[tuple[tuple[type[BaseModel], Any], ...]] = (
    (screen_api.ScreenRequest, "validation"), (screen_api.ScreenResponse, "serialization"),
    (Problem, "serialization"), (application_api.ApplicationRequest, "validation"),
    (application_api.ApplicationResponse, "serialization"))
"""Models the operations name by reference rather than as FastAPI parameters (the batch's
body is read by hand, after its token is checked)."""


def _document(api: FastAPI) -> dict[str, Any]:
    document = get_openapi(title=api.title, version=api.version, description=api.description,
                           routes=api.routes, servers=api.servers)
    _, found = models_json_schema(_SCHEMAS, ref_template="#/components/schemas/{model}")
    components = document.setdefault("components", {})
    components.setdefault("schemas", {}).update(found.get("$defs", {}))
    components["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    for path in (screen_api.PATH, application_api.PATH):
        document["paths"][path]["post"]["security"] = [{"bearer": []}]
    return document


def _handle_errors(api: FastAPI) -> None:

    @api.exception_handler(ApiProblem)
    def refused(_request: Request, error: ApiProblem) -> Response:
        return problems.response(error)

    @api.exception_handler(StarletteHTTPException)
    def http_error(_request: Request, error: StarletteHTTPException) -> Response:
        code = "method-not-allowed" if error.status_code == 405 else "not-found"
        detail = "没有这个接口，请查看 /api/v1/openapi.json。" if code == "not-found" else \
            "这个接口不支持这种请求方法，请查看 /api/v1/openapi.json。"
        return problems.response(ApiProblem(code, detail, headers=dict(error.headers or {})))

    @api.exception_handler(RequestValidationError)
    def bad_request(_request: Request, _error: RequestValidationError) -> Response:
        return problems.response(ApiProblem("invalid-batch", "请求参数有误。"))

    @api.exception_handler(ClientDisconnect)
    def gone(_request: Request, _error: ClientDisconnect) -> Response:
        # The caller hung up mid-body: no one reads the answer, and it is no server error
        # (logged as one, any token holder could fill the log by dropping calls).
        return Response(status_code=400)

    @api.exception_handler(Exception)
    def server_error(request: Request, _error: Exception) -> Response:
        LOG.exception("the API failed on %s", request.url.path)
        return problems.response(ApiProblem("server-error", SERVER_ERROR))
