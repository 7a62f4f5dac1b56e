"""The county: its townships, and the villages of each township."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

COUNTY_NAME = "陇县"
AREA_CODE = "610327"
PLATE_PREFIX = "陕C"

_TOWNSHIP_STEMS = (
    "城关", "东风", "八渡", "温水", "天成", "曹家湾", "固关", "东南", "河北", "新集川", "杜阳",
    "关山", "峰台", "李家河", "娘娘庙", "牙科", "火烧寨", "张家河", "堎底下", "咀头", "石家坡",
    "梁甫", "草碧", "香泉", "段家峡", "马鹿", "高楼", "西坡", "北塬", "南沟",
)
_TOWNSHIP_PREFIX = ["东", "西", "南", "北", "上", "下", "新", "老", "大", "小", "前", "后"]
_TOWNSHIP_CORE = ["河", "川", "坪", "塬", "堡", "集", "庄", "峪", "湾", "寨", "岭", "坡"]
_VILLAGE_SUFFIX = ["峪", "湾", "沟", "庄", "坪", "塬", "河", "堡", "寨", "岭", "坡", "岔"]
_VILLAGE_ALONE = (
    "下河", "上河", "北岭", "南岭", "东坡", "西坡", "新庄", "柳河", "杏峪", "槐树", "桃园",
    "安堡", "孙寨", "罗沟", "苏湾",
)
_VILLAGE_SURNAMES = (
    "王", "李", "张", "刘", "赵", "杜", "孙", "何", "罗", "苏", "柳", "槐", "杨", "陈", "马",
    "高", "胡", "曹", "郭", "韩", "冯", "宋",
)


@dataclass(eq=False)
class Village:
    name: str
    code: int
    township: Township


@dataclass(eq=False)
class Township:
    name: str
    code: int
    pastoral: bool
    """Whether the township has registered grassland (and so 草原禁牧补助)."""
    villages: list[Village] = field(default_factory=list)


@dataclass(eq=False)
class County:
    name: str
    area_code: str
    townships: list[Township]


MAX_TOWNSHIPS = 60
"""Beyond a real county's size (benchmarks at millions of persons) townships and villages grow
larger instead of more numerous: the name lists would run out, and no county has hundreds."""


def township_count(persons: int) -> int:
    """Two townships at least, then one per ~5,500 residents, at most MAX_TOWNSHIPS."""
    return min(MAX_TOWNSHIPS, max(2, round(persons / 5500)))


def build_county(rng: random.Random, persons: int) -> County:
    count = township_count(persons)
    names = _township_names(rng, count)
    townships = [
        Township(name=name, code=index + 1, pastoral=False) for index, name in enumerate(names)
    ]
    # About a third of townships lie in the hills with grassland; at least one always does.
    pastoral = rng.sample(townships, max(1, round(count * 0.35)))
    for township in pastoral:
        township.pastoral = True
    per_township = persons / count
    used: set[str] = set()
    for township in townships:
        village_count = min(30, max(4, round(per_township / 380)))
        township.villages = [
            Village(name=_village_name(rng, used), code=index + 1, township=township)
            for index in range(village_count)
        ]
    return County(name=COUNTY_NAME, area_code=AREA_CODE, townships=townships)


def _township_names(rng: random.Random, count: int) -> list[str]:
    stems = list(_TOWNSHIP_STEMS)
    rng.shuffle(stems)
    names = [stem + ("镇" if rng.random() < 0.75 else "乡") for stem in stems[:count]]
    seen = {name[:-1] for name in names}
    while len(names) < count:
        stem = rng.choice(_TOWNSHIP_PREFIX) + rng.choice(_TOWNSHIP_CORE)
        if stem not in seen:
            seen.add(stem)
            names.append(stem + ("镇" if rng.random() < 0.75 else "乡"))
    return names


def _village_name(rng: random.Random, used: set[str]) -> str:
    """Village names are unique across the county, so a village names one place."""
    while True:
        draw = rng.random()
        if draw < 0.2:
            stem = rng.choice(_VILLAGE_ALONE)
        elif draw < 0.8:
            middle = "家" if rng.random() < 0.6 else ""
            stem = rng.choice(_VILLAGE_SURNAMES) + middle + rng.choice(_VILLAGE_SUFFIX)
        else:
            stem = (rng.choice(_TOWNSHIP_PREFIX) + rng.choice(_VILLAGE_SURNAMES)
                    + rng.choice(_VILLAGE_SUFFIX))
        name = stem + "村"
        if name not in used:
            used.add(name)
            return name


def township_stems() -> list[str]:
    """Every township stem the generator can name: the list's, then prefix + core."""
    return list(dict.fromkeys([*_TOWNSHIP_STEMS,
                               *(p + c for p in _TOWNSHIP_PREFIX for c in _TOWNSHIP_CORE)]))


def village_names() -> list[str]:
    """Every village name the generator can make, in a fixed order."""
    stems = [*_VILLAGE_ALONE,
             *(s + m + x for s in _VILLAGE_SURNAMES for m in ("家", "") for x in _VILLAGE_SUFFIX),
             *(p + s + x for p in _TOWNSHIP_PREFIX for s in _VILLAGE_SURNAMES
               for x in _VILLAGE_SUFFIX)]
    return [stem + "村" for stem in dict.fromkeys(stems)]
