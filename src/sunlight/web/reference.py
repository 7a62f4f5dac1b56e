"""Names staff read instead of codes: models (中文名), programs (the catalog's), datasets.

Loaded once per process: the model library and the catalog are files shipped or configured
at start-up, and a page must not parse YAML.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from sunlight.contract.catalog import load_catalog
from sunlight.contract.datasets import DATASETS
from sunlight.models.registry import Model, load_library

ROLE_ZH = {"paid": "问题发放", "basis": "依据"}
"""What an evidence row is to its warning."""
FACT_ZH = {
    "ongoing": "是否仍在发放", "other_models": "同一人其他模型预警数",
    "village_warnings": "同村其他预警人数", "strength": "证据强度",
    "program_name": "项目", "death_date": "死亡日期", "death_source": "死亡信息来源",
    "death_sources": "死亡信息来源", "death_month": "死亡年月", "start": "开始",
    "shortfall": "差额（元）", "category": "人员类别", "post": "职务", "employer": "工作单位",
    "registry_name": "户籍姓名", "payee_name": "领取人姓名",
}
"""Chinese labels of the facts staff meet most; others are shown by their key."""


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
