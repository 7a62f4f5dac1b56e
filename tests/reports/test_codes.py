"""Tracking codes: long, random, unambiguous, forgiving of how people type them."""

from __future__ import annotations

from sunlight.reports.codes import ALPHABET, LENGTH, code_hash, new_code, normalised, shown


def test_codes_are_long_random_and_unambiguous() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert LENGTH >= 10 and all(len(c) == LENGTH for c in codes)
    assert not set("".join(codes)) - set(ALPHABET)
    assert not set("0O1IL") & set(ALPHABET)


def test_codes_are_read_back_as_people_type_them() -> None:
    code = new_code()
    assert normalised(shown(code)) == code
    assert normalised(shown(code).lower().replace("-", " ")) == code
    assert normalised(code[:-1]) is None
    assert normalised("O" + code[1:]) is None  # a look-alike no code contains


def test_only_a_hash_is_kept() -> None:
    code = new_code()
    assert code not in code_hash(code) and len(code_hash(code)) == 64
    assert code_hash(code) != code_hash(new_code())
