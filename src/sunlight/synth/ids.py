"""Citizen ID numbers (GB 11643) and unified social credit codes (GB 32100)."""

from __future__ import annotations

import random
from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
FULL_WIDTH_DIGITS = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def check_char(body: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


def to_old_form(id_number: str) -> str:
    """The 15-digit form that IDs issued before 1999 had: no century, no check character."""
    return id_number[:6] + id_number[8:17]


def with_wrong_check(id_number: str) -> str:
    """The same ID with a check character that does not verify (a typing slip)."""
    right = id_number[17]
    wrong = next(c for c in "0123456789X"[::-1] if c != right)
    return id_number[:17] + wrong


class IdFactory:
    """Hands out unique, valid ID numbers of one county."""

    def __init__(self, rng: random.Random, area_code: str) -> None:
        self._rng = rng
        self._area = area_code
        self._used: set[str] = set()

    def new(self, birth: date, sex: str) -> str:
        prefix = f"{self._area}{birth:%Y%m%d}"
        parity = 1 if sex == "男" else 0
        while True:
            sequence = self._rng.randrange(0, 500) * 2 + parity
            body = f"{prefix}{sequence:03d}"
            id_number = body + check_char(body)
            if id_number not in self._used:
                self._used.add(id_number)
                return id_number

    def issued(self) -> frozenset[str]:
        """Every ID handed out or reserved so far."""
        return frozenset(self._used)

    def reserve(self, id_number: str) -> bool:
        """Mark an ID as taken; False if it already was."""
        if id_number in self._used:
            return False
        self._used.add(id_number)
        return True


_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def code_check_char(body: str) -> str:
    """The GB 32100 check character of a credit code's first 17 characters."""
    total = sum(_CODE_CHARS.index(c) * w for c, w in zip(body, _CODE_WEIGHTS, strict=True))
    return _CODE_CHARS[(31 - total % 31) % 31]


def credit_code(rng: random.Random, area_code: str) -> str:
    """A unified social credit code of a company registered in the county (GB 32100)."""
    body = "91" + area_code + "".join(rng.choice(_CODE_CHARS) for _ in range(9))
    return body + code_check_char(body)


def with_wrong_code_check(code: str) -> str:
    """The same credit code with a check character that does not verify (a typing slip)."""
    return code[:17] + next(c for c in "0123456789" if c != code[17])


BACKGROUND_BANK_PREFIX = "621483"
"""The bank of the large county's clean background (`synth/background/`): no core card has it."""
_BANK_PREFIXES = ("621700", "622848", "623059", "621799", "622845", "623010", "621226")


class AccountFactory:
    """Hands out unique 19-digit bank card numbers (the 一卡通 cards subsidies are paid to)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def new(self) -> str:
        while True:
            number = self._rng.choice(_BANK_PREFIXES) + f"{self._rng.randrange(10**13):013d}"
            if number not in self._used:
                self._used.add(number)
                return number
