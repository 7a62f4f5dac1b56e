"""The body of an API call: JSON only (415), read with a cap as it streams (413), and a
body pydantic refuses turned into a 422 that says where, in Chinese."""

from __future__ import annotations

from typing import Final

from fastapi import Request
from pydantic import ValidationError

from sunlight.web.problems import ApiProblem, ProblemItem

JSON_TYPES: Final = ("application/json",)
ERRORS_SHOWN: Final = 20
"""Places named in a 422's `errors`: enough to fix a request, never the whole of it."""


async def json_body(request: Request, max_bytes: int) -> bytes:
    """The request's JSON body, read as it streams and refused once past `max_bytes`
    (BodyDeadline cuts it off there too; this holds without it)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in JSON_TYPES:
        raise ApiProblem("unsupported-media-type",
                         "请求内容须为 JSON，请求头 Content-Type 设为 application/json。")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise _too_large(max_bytes)
    return bytes(body)


def _too_large(max_bytes: int) -> ApiProblem:
    return ApiProblem("too-large", f"请求内容超过上限（{max_bytes >> 20} MB），请分批提交。")


_SAYS = {
    "json_invalid": "请求内容不是有效的 JSON",
    "missing": "缺少这一项",
    "string_type": "应为文本（JSON 字符串，例如 \"340.00\"）",
    "dict_type": "应为对象（{名称: 文本}）",
    "model_type": "应为对象（{…}）",
    "list_type": "应为数组",
    "too_long": "过长",
    "string_too_long": "过长",
    "string_too_short": "不能为空",
    "too_short": "不能为空：至少要有一项",
    "extra_forbidden": "不认识的字段",
}


def unreadable(invalid: ValidationError, problem: str = "invalid-batch") -> ApiProblem:
    """A 422 naming where the body is wrong, in Chinese (pydantic's English stays out)."""
    errors = [ProblemItem(pointer=_pointer(error["loc"]),
                          detail=_SAYS.get(error["type"], "不符合要求"))
              for error in invalid.errors(include_url=False)[:ERRORS_SHOWN]]
    first = errors[0]
    where = f"“{first.pointer}”" if first.pointer else ""
    return ApiProblem(problem, f"无法读取：{where}{first.detail}"
                      f"（共 {invalid.error_count()} 处问题）。", errors=errors)


def _pointer(location: tuple[int | str, ...]) -> str:
    """pydantic's location as a JSON Pointer; a dict key's own error names the key."""
    parts = [str(part) for part in location if part != "[key]"]
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)

