"""Texts with the ID and account numbers in them masked and linked to their entity pages
(a warning's explanation and facts): `linked_numbers(request, text)` in templates."""

from __future__ import annotations

from fastapi import Request
from markupsafe import Markup, escape

from sunlight.identity import id_number_valid
from sunlight.masking import masked_number, number_pieces
from sunlight.web.entity_href import entity_url
from sunlight.web.entity_scope import entity_links


def number_kind(number: str) -> tuple[str, str]:
    """The entity a number in a text names: a person by a well-formed 18-character ID (its
    key upper-cased), else an account."""
    upper = number.upper()
    return ("person", upper) if id_number_valid(upper) else ("account", number)


def linked_numbers(request: Request, text: str | None) -> Markup:
    """The text escaped, each ID or account number in it masked, inside a link to its page
    unless the reader opens no entity page (police staff)."""
    parts = []
    links = entity_links(request)
    for piece, is_number in number_pieces(text or ""):
        if not is_number:
            parts.append(escape(piece))
            continue
        if not links:
            parts.append(escape(masked_number(piece)))
            continue
        kind, key = number_kind(piece)
        parts.append(Markup('<a href="{}">{}</a>').format(entity_url(request, kind, key),
                                                         masked_number(piece)))
    return Markup("").join(parts)
