"""Case statuses, verdicts and dispositions, and their Chinese names.

A warning's `status` is its case's status: 待分派 (`open`) until someone acts on it; sync of a
detection run reads it to decide whether new evidence extends a warning or raises a successor.
"""

from __future__ import annotations

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

DISCIPLINES = ("无", "批评教育", "诫勉谈话", "警告", "严重警告", "记过", "记大过", "降级",
               "撤职", "撤销党内职务", "留党察看", "开除党籍", "开除公职")
TRANSFERS = ("", "监察机关立案调查", "司法机关", "主管部门处理")

WARNING_CASE = "warning"
REPORT_CASE = "report"
KIND_ZH = {WARNING_CASE: "预警", REPORT_CASE: "举报"}

SELF_CORRECTION_KINDS = ("主动说明", "主动退回")
