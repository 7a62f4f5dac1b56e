"""Chinese personal names: common surnames by weight, given names by generation and sex."""

from __future__ import annotations

import random
from itertools import accumulate

# Roughly the national frequencies of the commonest surnames (per mille), with a local bias
# towards 王, 李 and 张 as in the north-west.
_SURNAMES = (
    ("王", 120), ("李", 110), ("张", 80), ("刘", 60), ("陈", 40), ("杨", 40), ("赵", 30),
    ("黄", 20), ("周", 20), ("吴", 18), ("徐", 15), ("孙", 15), ("马", 18), ("胡", 12),
    ("朱", 12), ("郭", 12), ("何", 10), ("罗", 10), ("高", 12), ("林", 8), ("郑", 8),
    ("梁", 8), ("谢", 6), ("宋", 8), ("唐", 6), ("许", 6), ("韩", 8), ("冯", 6), ("邓", 5),
    ("曹", 6), ("彭", 5), ("曾", 4), ("肖", 5), ("田", 6), ("董", 6), ("袁", 5), ("潘", 4),
    ("蒋", 4), ("蔡", 4), ("余", 4), ("杜", 5), ("叶", 4), ("程", 5), ("苏", 4), ("魏", 5),
    ("吕", 4), ("丁", 4), ("任", 5), ("姚", 4), ("卢", 3), ("姜", 4), ("崔", 4), ("钟", 3),
    ("谭", 3), ("陆", 3), ("汪", 3), ("范", 4), ("金", 3), ("石", 4), ("廖", 3), ("贾", 4),
    ("雷", 4), ("侯", 4), ("白", 4), ("段", 3), ("秦", 4), ("党", 3), ("寇", 2), ("康", 3),
)
_SURNAME_CHOICES = tuple(s for s, _ in _SURNAMES)
_SURNAME_WEIGHTS = tuple(accumulate(w for _, w in _SURNAMES))

# Given-name syllables by the decade people were born in and by sex: names follow fashions.
_GIVEN = {
    ("old", "男"): (
        "建国", "建军", "国强", "德", "富贵", "满仓", "进财", "保国", "长生", "福", "振华",
        "文", "全", "志强", "解放", "跃进", "抗美", "援朝", "双喜", "有才", "金山", "银山",
        "新民", "忠", "福林", "贵", "成", "明", "发祥", "春生",
    ),
    ("old", "女"): (
        "秀英", "桂兰", "玉兰", "秀兰", "兰英", "翠", "改莲", "玉珍", "凤英", "淑珍", "秀珍",
        "彩霞", "桂英", "金花", "粉叶", "月娥", "银凤", "桂芳", "秀云", "巧云", "菊花", "冬梅",
        "凤兰", "玉梅",
    ),
    ("mid", "男"): (
        "伟", "勇", "军", "强", "磊", "涛", "斌", "鹏", "飞", "刚", "华", "平", "辉", "杰",
        "亮", "波", "宏", "东", "峰", "林", "红军", "卫东", "建华", "永", "龙", "海", "兵",
        "文博", "小军", "志刚",
    ),
    ("mid", "女"): (
        "丽", "娟", "霞", "艳", "敏", "静", "燕", "芳", "红", "玲", "英", "萍", "莉", "婷",
        "慧", "娜", "琳", "云", "雪", "丽娟", "春燕", "晓红", "小燕", "海燕", "红梅", "丽萍",
    ),
    ("young", "男"): (
        "浩", "宇", "轩", "子豪", "浩宇", "博文", "一鸣", "梓", "俊杰", "浩然", "子轩", "宇航",
        "皓轩", "明轩", "嘉豪", "鑫", "晨", "泽宇", "天佑", "瑞",
    ),
    ("young", "女"): (
        "欣怡", "梓涵", "思雨", "雨桐", "诗涵", "佳怡", "婷", "子涵", "欣", "雨欣", "可馨",
        "梦瑶", "紫涵", "语嫣", "佳琪", "若曦", "一诺", "梓萱",
    ),
}

# Uyghur and Kazakh given names; a person's full name is `given·father's given`.
_MINORITY_GIVEN = {
    "男": (
        "买买提", "艾力", "吐尔逊", "努尔兰", "热合曼", "阿不都", "卡德尔", "艾买提", "托合提",
        "哈力克", "阿西木", "吐尔洪",
    ),
    "女": (
        "阿依古丽", "帕提古丽", "古丽娜尔", "热依汗古丽", "迪丽努尔", "巴哈尔古丽", "阿依努尔",
        "米热古丽",
    ),
}

# Simplified → traditional for characters with exactly one traditional form. A payee list
# written in traditional characters names the same person.
TRADITIONAL = str.maketrans(

    "国华军兰丽刚飞凤龙伟杰东贵宝兴庆刘陈张黄赵吴郑杨孙马许邓冯韩罗叶苏卢红进财仓满长荣梦宁静涛鹏辉强胜莲义顺",
    "國華軍蘭麗剛飛鳳龍偉傑東貴寶興慶劉陳張黃趙吳鄭楊孫馬許鄧馮韓羅葉蘇盧紅進財倉滿長榮夢寧靜濤鵬輝強勝蓮義順",
)


def surname_table() -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The surnames and their weights (per mille)."""
    return _SURNAME_CHOICES, tuple(w for _, w in _SURNAMES)


ERAS = ("old", "mid", "young")


def era_of(birth_year: int) -> str:
    """The fashion of given names a birth year falls in."""
    return "old" if birth_year < 1962 else "mid" if birth_year < 1995 else "young"


def given_names(era: str, sex: str) -> tuple[str, ...]:
    return _GIVEN[(era, sex)]


def traditional(name: str) -> str | None:
    """The traditional-character form of a name, or None when it would look the same."""
    converted = name.translate(TRADITIONAL)
    return converted if converted != name else None


class NameFactory:
    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def surname(self) -> str:
        return self._rng.choices(_SURNAME_CHOICES, cum_weights=_SURNAME_WEIGHTS)[0]

    def given(self, sex: str, birth_year: int) -> str:
        era = era_of(birth_year)
        first = self._rng.choice(_GIVEN[(era, sex)])
        # Two-syllable names are built from two single ones now and then (e.g. 建国 + 华).
        if len(first) == 1 and self._rng.random() < 0.45:
            second = self._rng.choice(_GIVEN[(era, sex)])
            if len(second) == 1 and second != first:
                return first + second
        return first

    def full(self, surname: str, sex: str, birth_year: int) -> str:
        return surname + self.given(sex, birth_year)

    def minority_given(self, sex: str) -> str:
        return self._rng.choice(_MINORITY_GIVEN[sex])

    def other_than(self, name: str, sex: str, birth_year: int) -> str:
        """A plainly different name (another person's), never a spelling of `name`."""
        while True:
            candidate = self.full(self.surname(), sex, birth_year)
            if candidate[0] != name[0] and candidate != name:
                return candidate
