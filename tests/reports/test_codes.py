"""Tracking codes: digits an older villager can read aloud, random enough that nobody guesses
one, forgiving of how people type them; the letter codes issued before keep working."""

from __future__ import annotations

import math
import re
from collections import Counter

import pytest

from sunlight.reports.codes import (
    LETTER_ALPHABET,
    code_hash,
    new_code,
    normalised,
    problem,
    shown,
)

OLD_CODE = "TQX79RF8SH4R"  # shown to reporters before as TQX7-9RF8-SH4R


def test_a_code_is_sixteen_digits_in_groups_of_four() -> None:
    code = new_code()
    assert re.fullmatch(r"\d{16}", code)
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", shown(code))


def test_codes_carry_at_least_forty_bits() -> None:
    codes = [new_code() for _ in range(2000)]
    assert len(set(codes)) == len(codes)
    # 16 digits give log2(10^16) ≈ 53 bits only if every position takes every digit evenly.
    assert len(codes[0]) * math.log2(10) >= 40
    for position in range(16):
        seen = Counter(code[position] for code in codes)
        assert set(seen) == set("0123456789"), f"position {position} misses digits"
        assert max(seen.values()) < 2000 * 0.2  # ~10 % each; 20 % would be a broken draw
    assert any(code.startswith("0") for code in codes)  # zero-padded, not dropped


@pytest.mark.parametrize("typed", [
    "3849 2210 7765 0193", "3849-2210-7765-0193", "3849221077650193", " 3849  2210\t7765 0193 ",
    "３８４９　２２１０　７７６５　０１９３",  # full-width, typed with a Chinese input method
    "３８４９－２２１０－７７６５－０１９３", "3849—2210—7765—0193",
])
def test_a_digit_code_is_read_however_it_is_typed(typed: str) -> None:
    assert normalised(typed) == "3849221077650193"


@pytest.mark.parametrize("typed", [
    "TQX7-9RF8-SH4R", "tqx7 9rf8 sh4r", "TQX79RF8SH4R", "ＴＱＸ７－９ＲＦ８－ＳＨ４Ｒ",
])
def test_codes_issued_before_keep_working(typed: str) -> None:
    assert normalised(typed) == OLD_CODE
    assert shown(OLD_CODE) == "TQX7-9RF8-SH4R"
    assert code_hash(normalised(typed) or "") == code_hash(OLD_CODE)


@pytest.mark.parametrize(("typed", "says"), [
    ("3849 2210 7765 019", "16 位数字（如 3849 2210 7765 0193），您输入了 15 位"),
    ("3849 2210 7765 01934", "您输入了 17 位"),
    ("", "您输入了 0 位"),
    ("3849 2210 7765 019#", "不含“#”"),
    ("TQX7-9RF8-SH4O", "查询码里没有“O”"),
    ("TQX7-9RF8-SH4", "字母查询码是 12 位"),
])
def test_a_mistyped_code_is_refused_with_what_to_correct(typed: str, says: str) -> None:
    assert normalised(typed) is None
    assert says in problem(typed)


def test_a_code_is_never_confused_with_one_of_another_kind() -> None:
    assert normalised("384922107765") is None  # 12 digits: neither kind (no 0 or 1 in old)
    assert normalised("234923427765") == "234923427765"  # 12 old-alphabet chars, all digits
    assert not set("0O1IL") & set(LETTER_ALPHABET)


def test_only_a_hash_is_kept() -> None:
    code = new_code()
    assert code not in code_hash(code) and len(code_hash(code)) == 64
    assert code_hash(code) != code_hash(new_code())
