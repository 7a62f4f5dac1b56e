"""Case statuses, verdicts and dispositions, and their Chinese names.

A warning's `status` is its case's status: 待分派 (`open`) until someone acts on it; sync of a
detection run reads it to decide whether new evidence extends a warning or raises a successor.
"""

from __future__ import annotations

from collections.abc import Mapping

OPEN = "open"  # the same word as sunlight.appdb.tables.OPEN: a warning nobody has acted on
VERIFYING = "verifying"
VERIFIED = "verified"
HANDLING = "handling"
CLOSED = "closed"
RETRACTED = "retracted"  # a warning only: its models stopped firing before anyone acted

STATUS_ZH = {OPEN: "待分派", VERIFYING: "核查中", VERIFIED: "已核实", HANDLING: "处置中",
             CLOSED: "办结", RETRACTED: "已撤回"}
ACTIVE = (VERIFYING, VERIFIED, HANDLING)
"""Statuses in which the deadline runs."""

TRUE = "属实"
PARTLY_TRUE = "部分属实"
NOT_TRUE = "不属实"
VERDICTS = (TRUE, PARTLY_TRUE, NOT_TRUE)

# A person may get one sanction of each kind, and several organisational measures.
# 《中国共产党纪律处分条例》第八条:
PARTY_DISCIPLINES = ("警告", "严重警告", "撤销党内职务", "留党察看", "开除党籍")
# 《中华人民共和国公职人员政务处分法》第七条:
GOVERNMENT_DISCIPLINES = ("警告", "记过", "记大过", "降级", "撤职", "开除")
# The first form of supervision (谈话提醒 … 诫勉) and 《组织处理规定（试行）》第四条:
ORGANISATIONAL_MEASURES = ("谈话提醒", "批评教育", "责令检查", "诫勉", "停职检查", "调整职务",
                           "责令辞职", "免职", "降职")
LIST_SEPARATOR = "、"  # between several measures, as a form sends and a person reads them
SANCTION_LABELS = {"party_discipline": "党纪处分", "government_discipline": "政务处分",
                   "organisational_measures": "组织处理"}
"""A case's sanction fields (and a disposal's logged details) by name, and what they are."""


def sanction_parts(fields: Mapping[str, object]) -> list[str]:
    """The sanctions given, as a person reads them: ["党纪处分 严重警告", "组织处理 诫勉"]."""
    return [f"{label} {fields[name]}" for name, label in SANCTION_LABELS.items()
            if fields.get(name)]
TRANSFERS = ("", "监察机关立案调查", "司法机关", "主管部门处理")

WARNING_CASE = "warning"
REPORT_CASE = "report"
KIND_ZH = {WARNING_CASE: "预警", REPORT_CASE: "举报"}

SELF_CORRECTION_KINDS = ("主动说明", "主动退回")
