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


NOT_FOUND_STAFF = "没有这个页面：它不存在，或者不在您的查看范围内。"
NOT_FOUND_PORTAL = "没有这个页面，或者公示已更新。请从首页重新查找。"
BAD_PARAMETERS = "链接或表单中的参数有误（{fields}）。请返回上一页，重新打开后再试。"
TITLES = {400: "参数有误", 403: "无权访问", 404: "未找到", 405: "无法这样打开",
          413: "内容过大", 429: "操作过于频繁"}
"""The title of a page for a status the framework raises (a wrong address, a wrong method)."""
