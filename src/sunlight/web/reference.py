"""Names staff read instead of codes: models (中文名), programs (the catalog's), datasets.

Loaded once per process: the model library and the catalog are files shipped or configured
at start-up, and a page must not parse YAML.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from sunlight.appdb.tables import Warning
from sunlight.contract.catalog import load_catalog
from sunlight.contract.datasets import DATASETS
from sunlight.masking import masked_number, masked_text
from sunlight.models.registry import Model, load_library

ROLE_ZH = {"paid": "问题发放", "basis": "依据"}
"""What an evidence row is to its warning."""
FACT_ZH = {
    "ongoing": "是否仍在发放", "other_models": "同一人其他模型预警数",
    "village_warnings": "同村其他预警人数", "strength": "证据强度",
    "program_name": "项目", "program_a_name": "项目一", "program_b_name": "项目二",
    "programs_zh": "涉及项目", "counted_name": "计算项目",
    "death_date": "死亡日期", "death_source": "死亡信息来源", "death_sources": "各来源",
    "death_month": "死亡年月", "start": "任职（或起始）年月",
    "shortfall": "差额（元）", "allocated_yuan": "拨付金额（元）", "paid_yuan": "发放金额（元）",
    "short_share": "差额占比", "threshold_pct": "容差",
    "category": "人员类别", "post": "职务", "employer": "工作单位", "cadre_name": "村干部",
    "relation_zh": "关系", "asset_zh": "资产情况", "certificate_zh": "残疾证情况",
    "levels_zh": "符合的残疾等级", "reason_zh": "原因", "problem_zh": "审批问题",
    "registry_name": "户籍姓名", "payee_name": "领取人姓名", "id_number": "身份证号",
    "birth_month": "出生年月", "eligible_month": "符合年龄的年月", "min_age": "最低年龄",
    "declared_area": "申报面积（亩）", "registered_area": "确权面积（亩）",
    "over_area": "超出面积（亩）", "land_type": "土地类型", "standard_text": "补贴标准",
    "households": "涉及户数", "persons": "涉及人数", "village": "村", "year": "年度",
    "first_file": "首次出现的文件", "first_row": "首次出现的行号",
}
"""Chinese labels of the facts a warning carries; others are shown by their key."""
_YES_NO = {"1": "是", "0": "否", "true": "是", "false": "否"}


def fact_rows(facts: dict[str, str]) -> list[tuple[str, str]]:
    """A warning's facts as staff read them: Chinese labels, 是/否, evidence strength in words,
    ID and account numbers masked."""
    rows = []
    for key, value in sorted(facts.items()):
        text = str(value)
        if key == "ongoing":
            text = _YES_NO.get(text.lower(), text)
        elif key == "strength":
            text = _strength(text)
        rows.append((FACT_ZH.get(key, key), masked_text(text)))
    return rows


def _strength(text: str) -> str:
    try:
        strength = float(text)
    except ValueError:
        return text
    word = "强" if strength >= 0.8 else "中" if strength >= 0.5 else "弱"
    return f"{word}（{strength:.2f}）"


@cache
def library() -> dict[str, Model]:
    return load_library()


@cache
def model_names() -> dict[str, str]:
    """Model code → its Chinese name, from the model library (read once per process)."""
    return {code: model.spec.name_zh for code, model in library().items()}


@cache
def program_names(catalog: Path | None) -> dict[str, str]:
    return {program.code: program.name for program in load_catalog(catalog).programs}


def dataset_label(code: str) -> str:
    return DATASETS[code].label if code in DATASETS else code


def warning_case_title(warning: Warning) -> str:
    """A warning's case as case lists name it: 张三 · 死亡后仍领取 (an account masked)."""
    who = warning.name or masked_number(warning.subject)
    return f"{who} · {model_names().get(warning.model, warning.model)}"
