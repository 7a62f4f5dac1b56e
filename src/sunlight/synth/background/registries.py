"""What the background's registries hold: poverty, disability certificates, farmland,
officials, village cadres and cars, drawn so that none of it conflicts with the programs."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from sunlight.synth.background.residents import NAT, RECENT, RELATIONS, Residents
from sunlight.synth.background.text import choose, dates, hundredths, repeat
from sunlight.synth.background.welfare import Holdings

_CATEGORIES = np.array(["视力", "听力", "言语", "肢体", "智力", "精神", "多重"])
_LEVELS = ("", "一级", "二级", "三级", "四级")
_CAR_TYPES = ("小型轿车", "小型越野客车", "中型货车", "普通二轮摩托车", "三轮汽车")
_PLATE_CHARS = np.array(list("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"))
_CADRE_POSTS = np.array(["村党支部书记", "村委会主任", "村会计"])


def _days_between(rng: np.random.Generator, first: str, last: str, count: int) -> np.ndarray:
    low, high = np.datetime64(first), np.datetime64(last)
    return low + rng.integers(0, (high - low).astype(np.int64) + 1, count).astype("m8[D]")


def draw_holdings(rng: np.random.Generator, people: Residents) -> Holdings:
    households = people.head.size
    sizes = np.bincount(people.household, minlength=households)
    head_alive = people.alive_on(RECENT[0])[people.head]
    dibao = head_alive & (rng.random(households) < 0.04)
    elder_alone = (sizes == 1) & (people.birth[people.head] < np.datetime64("1964-01-01"))
    tekun = head_alive & elder_alone & ~dibao & (rng.random(households) < 0.2)
    has_cert = rng.random(people.male.size) < 0.015
    level = np.where(has_cert, rng.integers(1, 5, people.male.size), 0)
    issued = np.where(has_cert, _days_between(rng, "2008-01-01", "2021-12-31", level.size), NAT)
    born = people.birth + np.timedelta64(400, "D")
    issued = np.where(has_cert & (issued < born), born, issued)
    level = np.where(has_cert & (issued > np.datetime64("2021-12-31")), 0, level)
    farmland = rng.integers(100, 1200, households)
    return Holdings(dibao | tekun, dibao, tekun, level, issued, farmland)


def certificates(rng: np.random.Generator, people: Residents, holdings: Holdings) -> pa.Table:
    person = np.flatnonzero(holdings.certified > 0)
    category = _CATEGORIES[rng.integers(0, _CATEGORIES.size, person.size)]
    return pa.table({
        "身份证号": people.id_number.take(pa.array(person)),
        "姓名": people.name.take(pa.array(person)),
        "残疾类别": pa.array(category),
        "残疾等级": choose(_LEVELS, holdings.certified[person]),
        "发证日期": dates(holdings.cert_issued[person]),
        "证件状态": repeat("有效", person.size)})


def farmland(people: Residents, holdings: Holdings) -> pa.Table:
    head = pa.array(people.head)
    count = people.head.size
    return pa.table({
        "承包方身份证号": people.id_number.take(head),
        "承包方": people.name.take(head),
        "乡镇": repeat(people.township.name, count),
        "村": choose(people.township.villages, people.village),
        "地类": repeat("耕地", count),
        "面积(亩)": hundredths(holdings.farmland)})


def _eligible(people: Residents, holdings: Holdings, low: int, high: int) -> np.ndarray:
    """Living adults between the ages, of households on no welfare."""
    age = 2024 - (people.birth.astype("M8[Y]").astype(np.int64) + 1970)
    eligible: np.ndarray = (np.isnat(people.death) & (age >= low) & (age <= high)
                            & ~holdings.poor[people.household])
    return eligible


def officials(rng: np.random.Generator, people: Residents, holdings: Holdings) -> pa.Table:
    """Civil servants and teachers of the township (1 % of adults), and three cadres per
    village, all from households on no welfare."""
    staff = np.flatnonzero(_eligible(people, holdings, 23, 58)
                           & (rng.random(people.male.size) < 0.01))
    teacher = rng.random(staff.size) < 0.5
    candidates = np.flatnonzero(_eligible(people, holdings, 30, 60))
    village = people.village[people.household[candidates]]
    order = np.lexsort((rng.random(candidates.size), village))
    rank = np.arange(order.size) - np.searchsorted(village[order], village[order])
    cadre = candidates[order][rank < _CADRE_POSTS.size]
    cadre_rank = rank[rank < _CADRE_POSTS.size]
    villages = np.array(people.township.villages)
    cadre_village = villages[people.village[people.household[cadre]]]
    town = people.township.name
    person = np.r_[staff, cadre]
    return pa.table({
        "身份证号": people.id_number.take(pa.array(person)),
        "姓名": people.name.take(pa.array(person)),
        "人员类别": pa.array(np.r_[np.where(teacher, "事业单位", "公务员"),
                                  np.full(cadre.size, "村干部")]),
        "职务": pa.array(np.r_[np.where(teacher, "教师", "科员"), _CADRE_POSTS[cadre_rank]]),
        "工作单位": pa.array(np.r_[np.where(teacher, town + "中心小学", town + "人民政府"),
                                  np.char.add(cadre_village, "村民委员会")]),
        "乡镇": repeat(town, person.size),
        "村": pa.array(np.r_[np.full(staff.size, ""), cadre_village]),
        "任职开始": dates(np.maximum(_days_between(rng, "2005-01-01", "2022-12-31", person.size),
                                 people.birth[person] + np.timedelta64(22 * 366, "D"))),
        "任职结束": pa.nulls(person.size, pa.date32())})


def vehicles(rng: np.random.Generator, people: Residents, holdings: Holdings,
             first: int) -> pa.Table:
    """Cars of one household in eight among those on no welfare, the head their owner;
    plates numbered from `first` so none repeats across the background."""
    owner = people.head[~holdings.poor & (rng.random(people.head.size) < 0.125)]
    owner = owner[np.isnat(people.death[owner])]
    number = np.arange(first, first + owner.size)
    plate = np.full(owner.size, "陕CF", dtype=object)
    for power in (34**3, 34**2, 34, 1):
        plate = plate + _PLATE_CHARS[number // power % 34].astype(object)
    return pa.table({
        "所有人身份证号": people.id_number.take(pa.array(owner)),
        "所有人": people.name.take(pa.array(owner)),
        "号牌号码": pa.array(plate.astype(str)),
        "车辆类型": choose(_CAR_TYPES, rng.integers(0, len(_CAR_TYPES), owner.size)),
        "初次登记日期": dates(_days_between(rng, "2010-01-01", "2024-06-30", owner.size)),
        "机动车状态": repeat("正常", owner.size)})


def residents_table(people: Residents) -> pa.Table:
    count = people.male.size
    dead = ~np.isnat(people.death)
    return pa.table({
        "身份证号": people.id_number,
        "姓名": people.name,
        "性别": choose(("女", "男"), people.male.astype(np.int8)),
        "出生日期": dates(people.birth),
        "户号": people.household_id.take(pa.array(people.household)),
        "与户主关系": choose(RELATIONS, people.relation),
        "乡镇": repeat(people.township.name, count),
        "村": choose(people.township.villages, people.village[people.household]),
        "人员状态": choose(("正常", "死亡"), dead.astype(np.int8)),
        "注销日期": dates(people.death)})


def deaths_table(rng: np.random.Generator, people: Residents) -> pa.Table:
    """The police deregistration of every death, and a cremation record of two in five."""
    dead = np.flatnonzero(~np.isnat(people.death))
    cremated = dead[rng.random(dead.size) < 0.4]
    person = pa.array(np.r_[dead, cremated])
    return pa.table({
        "身份证号": people.id_number.take(person),
        "姓名": people.name.take(person),
        "死亡日期": dates(people.death[np.r_[dead, cremated]]),
        "信息来源": choose(("公安注销", "火化"), np.r_[np.zeros(dead.size, np.int8),
                                                        np.ones(cremated.size, np.int8)])})

