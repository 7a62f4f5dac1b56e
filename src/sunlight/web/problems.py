"""The HTTP API's refusals as RFC 9457 problem details (application/problem+json): a type
naming the kind of problem, its Chinese title from the vocabulary, the status and what
happened in Chinese."""

from __future__ import annotations

from typing import Any, Final

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from sunlight.contract.vocabulary import VOCABULARY

MEDIA_TYPE: Final = "application/problem+json"
TYPES_PATH: Final = "/api/v1/problems"
"""Where the problem types are listed; a problem's type is this with its code as fragment."""
STATUS: Final = {"unauthorized": 401, "forbidden": 403, "not-found": 404,
                 "method-not-allowed": 405, "too-slow": 408, "too-large": 413,
                 "unsupported-media-type": 415, "invalid-batch": 422,
                 "invalid-application": 422, "rate-limited": 429,
                 "server-error": 500, "busy": 503}
"""The HTTP status of each problem type (their titles are in vocabulary.yaml)."""


class ProblemItem(BaseModel):
    """One thing wrong with a request body: where (a JSON Pointer) and what, in Chinese."""

    pointer: str = Field(description="JSON Pointer into the request body, e.g. /rows/0/amount")
    detail: str


class Problem(BaseModel):
    """An RFC 9457 problem details object."""

    type: str = Field(description=f"{TYPES_PATH}#<code>; the codes are listed at {TYPES_PATH}")
    title: str = Field(description="the problem type's title, in Chinese")
    status: int = Field(ge=400, le=599)
    detail: str = Field(description="what happened and what to do, in Chinese")
    errors: list[ProblemItem] | None = Field(
        default=None, description="for an unreadable body: each place that is wrong")


class ProblemType(BaseModel):
    title: str
    status: int


class ApiProblem(Exception):
    """A request the API refuses; answered as a problem details response."""

    def __init__(self, code: str, detail: str, *, headers: dict[str, str] | None = None,
                 errors: list[ProblemItem] | None = None) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.headers = headers or {}
        self.errors = errors

    @property
    def status(self) -> int:
        return STATUS[self.code]


def problem(code: str, detail: str, errors: list[ProblemItem] | None = None) -> Problem:
    return Problem(type=f"{TYPES_PATH}#{code}", title=VOCABULARY.api_problems[code],
                   status=STATUS[code], detail=detail, errors=errors)


def response(error: ApiProblem) -> JSONResponse:
    body = problem(error.code, error.detail, error.errors).model_dump(exclude_none=True)
    return JSONResponse(body, status_code=error.status, media_type=MEDIA_TYPE,
                        headers={"Cache-Control": "no-store", **error.headers})


def problem_bytes(code: str, detail: str) -> bytes:
    """The body of a problem answered outside the app (the body's deadline and size)."""
    return problem(code, detail).model_dump_json(exclude_none=True).encode()


def types() -> dict[str, ProblemType]:
    return {code: ProblemType(title=VOCABULARY.api_problems[code], status=status)
            for code, status in STATUS.items()}


def openapi_responses(*codes: str) -> dict[int | str, dict[str, Any]]:
    """The responses an operation declares for these problem types."""
    return {STATUS[code]: {
        "description": VOCABULARY.api_problems[code],
        "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    } for code in codes}
