"""Character-level text cleaning shared by header matching and the program catalog."""

from __future__ import annotations

import re

# Full-width ASCII (U+FF01..U+FF5E) and the ideographic space map to their half-width forms.
FULL_WIDTH = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000"
HALF_WIDTH = "".join(chr(c) for c in range(0x21, 0x7F)) + " "
_WIDTH_TABLE = str.maketrans(FULL_WIDTH, HALF_WIDTH)
_SPACES = re.compile(r"\s+")


def to_half_width(text: str) -> str:
    """Full-width letters, digits, punctuation and spaces as their half-width forms."""
    return text.translate(_WIDTH_TABLE)


def squeeze(text: str) -> str:
    """Half-width, with every space (ASCII, full-width, non-breaking) removed."""
    return _SPACES.sub("", to_half_width(text))
