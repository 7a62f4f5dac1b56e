"""How a post is keyed as a warning's subject (contract §6): `unit/post`.

A `/` inside a unit's or a post's own name is written full-width (`／`) in the key, so that
unit `交警大队/东` post `西` and unit `交警大队` post `东/西` stay two subjects. The
POST_UNCOVERED query writes the same key in SQL (models/library/post_uncovered.sql).
"""

from __future__ import annotations

from typing import Final

POST_SEPARATOR: Final = "/"
IN_NAME: Final = "／"


def post_subject(unit: str, post: str) -> str:
    """The subject key of a post of a unit."""
    return (unit.replace(POST_SEPARATOR, IN_NAME) + POST_SEPARATOR
            + post.replace(POST_SEPARATOR, IN_NAME))


def post_names(subject: str) -> tuple[str, str]:
    """The unit and the post a post's subject key names, as they were written."""
    unit, _, post = subject.partition(POST_SEPARATOR)
    return unit.replace(IN_NAME, POST_SEPARATOR), post.replace(IN_NAME, POST_SEPARATOR)
