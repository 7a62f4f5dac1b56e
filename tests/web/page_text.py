"""The text a person reads on a page, and the codes in it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

FILE_SUFFIXES = frozenset({"csv", "xlsx", "xls", "ods", "pdf", "png", "jpg", "jpeg"})
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")


class _VisibleText(HTMLParser):
    """The text nodes a person sees: no tags, attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return " ".join(parser.parts)


def read_words(html: str) -> str:
    """The text a person reads, each run of white space one space."""
    return " ".join(visible_text(html).split())


def codes_in(text: str, known: frozenset[str]) -> set[str]:
    """The codes a text shows, as words of their own (`case.assign`, `open`, `DIBAO`); a file
    name as delivered (`residents.csv`) is the department's, not a code."""
    found = set()
    for word in _WORD.findall(text):
        parts = word.split(".")
        if len(parts) > 1 and parts[-1].lower() in FILE_SUFFIXES:
            continue
        # A dotted code (`case.assign`) is one code, not also its parts (`case`, a subject kind).
        found |= {word} if word in known else {part for part in parts if part in known}
    return found
