"""The one kind of error a person is shown: a status, a title and what happened, in Chinese.

Each area renders it as its own page (the workbench's, the portal's); see web.app.
"""

from __future__ import annotations


class UserError(Exception):
    """A request that cannot be done, said in Chinese: nothing was saved by it."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.title = title
        self.message = message


class Forbidden(UserError):
    """Logged in, but this role or scope may not see or do this."""

    def __init__(self, message: str = "您没有权限访问此页面") -> None:
        super().__init__(403, "无权访问", message)


class BadCsrf(UserError):
    """A form without its CSRF token (see web.csrf): not sent by our own page."""

    def __init__(self) -> None:
        super().__init__(403, "表单已失效", "表单校验码不符（页面可能已过期或来自其他网站）。"
                                         "请返回并刷新页面后重试。")


class TooLarge(UserError):
    """A request announcing more bytes than its form takes: refused before it is read."""

    def __init__(self, message: str, title: str = "内容过大") -> None:
        super().__init__(413, title, message)


class BadParameters(UserError):
    """A hand-edited address or a form not sent by our pages (FastAPI found it invalid)."""

    def __init__(self) -> None:
        super().__init__(400, "参数有误",
                         "链接或表单中的参数有误。请返回上一页，重新打开后再试。")


NOT_FOUND = {"staff": "没有这个页面：它不存在，或者不在您的查看范围内。",
             "portal": "没有这个页面，或者公示已更新。请从首页重新查找。"}
"""What a 404 says, by area."""
REFUSED = "无法完成这个请求。请返回上一页后重试。"
"""What any other status the framework raises says (a POST to a page, say)."""
TITLES = {400: "参数有误", 403: "无权访问", 404: "未找到", 405: "无法这样打开",
          413: "内容过大", 429: "操作过于频繁"}


def from_http(status: int, area: str) -> UserError:
    """The page of a status the framework raised (no route, a wrong method), in `area`."""
    message = NOT_FOUND[area] if status == 404 else REFUSED
    return UserError(status, TITLES.get(status, "无法完成"), message)
