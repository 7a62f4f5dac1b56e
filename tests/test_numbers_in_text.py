"""Checking a typed ID number, and cutting a text at the numbers a page masks and links."""

from __future__ import annotations

import pytest

from sunlight.identity import id_number_valid
from sunlight.masking import masked_text, number_pieces
from sunlight.web.entity_text import number_kind


@pytest.mark.parametrize(("typed", "valid"), [
    ("110101198001010010", True),
    ("11010119800101001X", False),  # a slip in the check character
    ("110101198002300016", False),  # 30 February
    ("110101198001010", False),  # the old 15-digit form is not a person key
    ("11010119800101001x", False),  # the form upper-cases first
    ("１１０１０１１９８００１０１００１０", False),  # full width: the form normalises first
])
def test_an_id_number_needs_a_real_birth_date_and_its_check_character(typed: str, valid: bool):
    assert id_number_valid(typed) is valid


def test_a_text_is_cut_at_each_number_and_put_back_whole():
    text = "账户6228480010000000017由110101198001010010和李四共用，共3笔"
    pieces = number_pieces(text)
    assert [p for p, is_number in pieces if is_number] == [
        "6228480010000000017", "110101198001010010"]
    assert "".join(p for p, _ in pieces) == text
    # The same numbers masked_text hides.
    assert masked_text(text).count("*") == sum(len(p) - 10 for p, n in pieces if n)


def test_a_number_is_a_person_only_by_a_valid_id():
    assert number_kind("110101198001010010") == ("person", "110101198001010010")
    assert number_kind("6228480010000000017") == ("account", "6228480010000000017")
