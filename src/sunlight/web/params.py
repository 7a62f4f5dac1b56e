"""Field types of the query and form models that routes declare (FastAPI validates them
before the route runs; what fails becomes the area's Chinese 参数有误 page, see web.app)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated, TypeVar

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, BeforeValidator, StringConstraints, ValidationError
from starlette.datastructures import FormData

from sunlight.appdb.numbers import page_number
from sunlight.contract.datasets import KEY_LIMITS


def _page(value: object) -> int:
    return page_number(str(value))


FILTER_TEXT_MAX = 60
"""A filter's value or a search: longer than any township, village, program, model or name."""
FilterText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=FILTER_TEXT_MAX)]
"""A filter's value or a search from an address."""
UnitText = Annotated[str, StringConstraints(strip_whitespace=True,
                                            max_length=max(KEY_LIMITS.values()))]
"""A police unit from an address: as long as the longest key ingestion keeps (a unit or post,
200 characters), so every unit the data holds can be chosen."""
PageNumber = Annotated[int, BeforeValidator(_page)]
"""The page of a list an address asks for: 1 for a mangled one (a hand-edited link)."""


def one_of(choices: Collection[str], otherwise: str = "") -> BeforeValidator:
    """A choice from a list: anything else (a hand-edited link) is `otherwise`."""

    def pick(value: object) -> str:
        text = str(value).strip()
        return text if text in choices else otherwise

    return BeforeValidator(pick)


FORM_TEXT_MAX = 1_000
"""A line of a form, far beyond what any of ours takes: the route's own checks say, in
Chinese and with the input kept, what is too long below it; beyond it is no person typing."""
FORM_LONG_TEXT_MAX = 20_000
"""A form's text area (a report's description, a comment), by the same reasoning."""
FormText = Annotated[str, StringConstraints(max_length=FORM_TEXT_MAX)]
FormLongText = Annotated[str, StringConstraints(max_length=FORM_LONG_TEXT_MAX)]


FieldsModel = TypeVar("FieldsModel", bound=BaseModel)


def text_fields(model: type[FieldsModel], form: FormData) -> FieldsModel:
    """The text fields of a form that also carries files, validated by a model as a form model
    would be (a failure is the area's 参数有误 page).

    Such a form is read by a dependency of its own rather than declared as a form model: a
    form model's body is read before any dependency, so an oversize upload could no longer be
    refused by its Content-Length unread, nor its files counted while parsing.
    """
    sent = {name: value for name, value in form.items() if isinstance(value, str)}
    try:
        return model.model_validate(sent)
    except ValidationError as error:
        raise RequestValidationError(error.errors()) from error
