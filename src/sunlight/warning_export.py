"""Writing stored warnings out: CSV exactly as the contract says, xlsx for verifiers in Excel."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import xlsxwriter

from sunlight.appdb.case_tables import Case
from sunlight.appdb.tables import Warning
from sunlight.contract.cases import CLOSED, HANDLING, PAYMENT_MEASURES, STATUS_ZH
from sunlight.contract.catalog import Catalog
from sunlight.contract.datasets import DATASETS
from sunlight.contract.vocabulary import (
    SEVERITY_ZH,
    SUBJECT_KIND_ZH,
    evidence_role_zh,
    field_label,
)
from sunlight.csv_cells import safe_row
from sunlight.masking import masked_number, masked_text
from sunlight.models.registry import Model

CSV_COLUMNS = ("warning_id", "model", "id_number", "name", "account", "program", "township",
               "village", "period_from", "period_to", "amount", "severity", "status",
               "explanation", "subject_kind", "subject_id", "subject_name")

XLSX_COLUMNS = (
    ("预警编号", 16), ("风险分", 8), ("模型", 18), ("对象类型", 8), ("对象", 24),
    ("身份证号", 21), ("姓名", 10), ("账号", 22), ("项目", 18), ("乡镇", 10), ("村", 10),
    ("起始期", 11), ("截止期", 11), ("涉及金额（元）", 14), ("风险等级", 8), ("状态", 8),
    ("预警说明", 90),
)
XLSX_AT = {title: column for column, (title, _) in enumerate(XLSX_COLUMNS)}
LEAD_NOT_VERDICT = "预警是线索，不是结论：请核实后再作处理。风险分越高越应优先核查。"


def csv_row(warning: Warning) -> list[str]:
    """The warning's values in the contract's columns, as stored (not yet made CSV-safe)."""
    return [warning.warning_id, warning.model, warning.id_number, warning.name, warning.account,
            warning.program, warning.township, warning.village, warning.period_from,
            warning.period_to, f"{warning.amount:.2f}" if warning.money else "",
            warning.severity, warning.status,
            warning.explanation, warning.subject_kind, warning.subject, warning.subject_name]


def write_csv(warnings: Sequence[Warning], path: Path) -> None:
    """The contract's columns in its order, UTF-8, one header row; a text cell that a
    spreadsheet would run as a formula (a delivered name `=HYPERLINK(…)`) begins with `'`."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(safe_row(csv_row(w)) for w in warnings)


def write_xlsx(warnings: Sequence[Warning], target: Path | BinaryIO, library: dict[str, Model],
               catalog: Catalog, *, masked: bool = False, ordered: bool = False,
               cases: Mapping[int, Case] | None = None) -> None:
    """Chinese headers, highest risk first, with each warning's evidence rows on a second sheet
    and, given `cases` (by warning primary key), what their cases came to on a third.

    `masked` hides ID and account numbers, in their columns and in the explanation (the
    workbench's export); `ordered` keeps the order given (the board's sort) instead of highest
    risk first.
    """
    if not ordered:
        warnings = sorted(warnings, key=lambda w: (-w.score, -w.amount, w.warning_id))
    # IDs and accounts stay text (18 digits would lose their last three as numbers), and
    # delivered text never becomes a live formula.
    book = xlsxwriter.Workbook(str(target) if isinstance(target, Path) else target,
                               {"strings_to_formulas": False, "strings_to_urls": False,
                                "strings_to_numbers": False, "in_memory": True})
    try:
        formats = {"head": book.add_format({"bold": True, "bg_color": "#FFF2CC", "border": 1}),
                   "money": book.add_format({"num_format": "#,##0.00"}),
                   "wrap": book.add_format({"text_wrap": True, "valign": "top"})}
        _warnings_sheet(book, formats, warnings, library, catalog, masked)
        _evidence_sheet(book, formats["head"], warnings)
        if cases is not None:
            _outcomes_sheet(book, formats, warnings, cases, masked)
        _guide_sheet(book, formats["head"], library)
    finally:
        book.close()


def _warnings_sheet(book: xlsxwriter.Workbook, formats: dict[str, xlsxwriter.format.Format],
                    ordered: Sequence[Warning], library: dict[str, Model],
                    catalog: Catalog, masked: bool) -> None:
    mask = masked_number if masked else _shown
    sheet = book.add_worksheet("预警清单")
    for column, (title, width) in enumerate(XLSX_COLUMNS):
        sheet.write_string(0, column, title, formats["head"])
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 1)
    programs = {p.code: p.name for p in catalog.programs}
    for number, w in enumerate(ordered, start=1):
        model = library.get(w.model)
        texts = [w.warning_id, "", model.spec.name_zh if model else w.model,
                 SUBJECT_KIND_ZH.get(w.subject_kind, w.subject_kind),
                 masked_text(w.subject_name) if masked else w.subject_name,
                 mask(w.id_number), w.name, mask(w.account), programs.get(w.program, w.program),
                 w.township, w.village, w.period_from, w.period_to]
        for column, text in enumerate(texts):
            sheet.write_string(number, column, text)
        sheet.write_number(number, XLSX_AT["风险分"], w.score)
        if w.money:  # a warning that concerns no money leaves the cell blank (§4)
            sheet.write_number(number, XLSX_AT["涉及金额（元）"], float(w.amount),
                               formats["money"])
        sheet.write_string(number, XLSX_AT["风险等级"], SEVERITY_ZH.get(w.severity, w.severity))
        sheet.write_string(number, XLSX_AT["状态"], STATUS_ZH.get(w.status, w.status))
        explanation = masked_text(w.explanation) if masked else w.explanation
        sheet.write_string(number, XLSX_AT["预警说明"], explanation, formats["wrap"])
    sheet.autofilter(0, 0, len(ordered), len(XLSX_COLUMNS) - 1)


def _shown(text: str) -> str:
    return text


OUTCOME_COLUMNS = ("预警编号", "案件编号", "状态", "核实结论", field_label("recovered_amount"),
                   "处分或组织处理", field_label("disciplined_name"),
                   field_label("disciplined_id_number"), *map(field_label, PAYMENT_MEASURES),
                   field_label("transferred_to"))


def _outcomes_sheet(book: xlsxwriter.Workbook, formats: dict[str, xlsxwriter.format.Format],
                    ordered: Sequence[Warning], cases: Mapping[int, Case],
                    masked: bool) -> None:
    """One row per exported warning that has a case: its verdict, money, sanctions, 处分对象
    and the payment measures with their dates."""
    sheet = book.add_worksheet("处置情况")
    for column, title in enumerate(OUTCOME_COLUMNS):
        sheet.write_string(0, column, title, formats["head"])
    sheet.set_column(0, 1, 16)
    sheet.set_column(5, 7, 22)
    number = 0
    for w in ordered:
        case = cases.get(w.id)
        if case is None:
            continue
        number += 1
        given = case.sanctions() if case.status in (HANDLING, CLOSED) else ""
        texts = [w.warning_id, case.case_no, STATUS_ZH.get(case.status, case.status),
                 case.verdict or "", given, case.disciplined_name,
                 masked_number(case.disciplined_id_number) if masked
                 else case.disciplined_id_number,
                 *(str(getattr(case, name) or "") for name in PAYMENT_MEASURES),
                 case.transferred_to]
        for column, text in enumerate(texts[:4]):
            sheet.write_string(number, column, text)
        if case.recovered_amount is not None:
            sheet.write_number(number, 4, float(case.recovered_amount), formats["money"])
        for column, text in enumerate(texts[4:], start=5):
            sheet.write_string(number, column, text)


def _evidence_sheet(book: xlsxwriter.Workbook, head: xlsxwriter.format.Format,
                    ordered: Sequence[Warning]) -> None:
    sheet = book.add_worksheet("证据行")
    titles = ("预警编号", "数据集", "文件", "工作表", "行号", "作用", "所属期",
              "其中问题金额（元）")
    for column, title in enumerate(titles):
        sheet.write_string(0, column, title, head)
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 14)
    sheet.set_column(2, 2, 36)
    number = 0
    for w in ordered:
        for row in w.evidence:
            number += 1
            dataset = DATASETS[row.dataset].label if row.dataset in DATASETS else row.dataset
            for column, text in enumerate((w.warning_id, dataset, row.file, row.sheet)):
                sheet.write_string(number, column, text)
            sheet.write_number(number, 4, row.row)
            sheet.write_string(number, 5, evidence_role_zh(row.role, w.money))
            sheet.write_string(number, 6, row.period)
            # The part of the row's money at risk; a basis row shows why, not money at risk.
            if row.role == "paid" and w.money:
                sheet.write_number(number, 7, float(row.amount))


def _guide_sheet(book: xlsxwriter.Workbook, head: xlsxwriter.format.Format,
                 library: dict[str, Model]) -> None:
    sheet = book.add_worksheet("说明")
    sheet.write_string(0, 0, LEAD_NOT_VERDICT, head)
    for column, title in enumerate(("模型代码", "模型名称", "风险等级", "政策依据")):
        sheet.write_string(2, column, title, head)
    for number, model in enumerate(library.values(), start=3):
        spec = model.spec
        for column, text in enumerate((spec.code, spec.name_zh,
                                       SEVERITY_ZH[spec.severity], spec.policy_basis)):
            sheet.write_string(number, column, text)
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 18)
    sheet.set_column(3, 3, 100)
