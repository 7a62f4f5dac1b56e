"""The model library: every contract code present; a broken model file named with its problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sunlight.cli.app import app
from sunlight.contract.catalog import load_catalog
from sunlight.models.registry import ModelFileError, load_library, load_model
from sunlight.models.runner import detect, select
from sunlight.settings import Settings
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.store import Warehouse
from tests.conftest import write_csv
from tests.ingest.test_batch import GOOD, HEADER

CONTRACT_CODES = {
    "DECEASED_PAID", "DUPLICATE_PAYMENT", "EXCLUSIVE_PROGRAMS", "OVER_STANDARD",
    "INELIGIBLE_AGE", "INELIGIBLE_DISABILITY", "OFFICIAL_ON_WELFARE", "RELATIVE_OF_CADRE",
    "ASSET_OWNER_ON_WELFARE", "AREA_OVER_DECLARED", "SHARED_ACCOUNT", "UNREGISTERED_PAYEE",
    "NAME_MISMATCH", "APPROVAL_SKIPPED", "FUNDS_WITHHELD", "PAID_BEFORE_BIRTH",
    # contract v1.1, section 5
    "COMPANY_INACTIVE_PAID", "COMPANY_UNREGISTERED", "HEADCOUNT_OVERCLAIMED", "REP_IS_OFFICIAL",
    "DUTY_ALLOWANCE_UNEARNED",
    # contract v1.1, section 6
    "DUTY_ABSENT", "LEADER_ABSENT", "POST_UNCOVERED",
    "CASE_OVERDUE", "CASE_STEP_ORDER", "RECTIFICATION_OVERDUE",
}

GOOD_YAML = """\
code: TEST_MODEL
name_zh: 测试模型
finds: Payments above a limit.
severity: low
inputs: [payments]
parameters:
  limit: {default: 100, about: 元}
policy_basis: 测试依据
explanation: "{name}{periods_zh}共计{amount}元（{note}）。"
screening_note: 请核对发放金额。
facts: {note: 备注}
"""

GOOD_SQL = """\
SELECT id_number AS subject, program, period, amount,
       source_dataset, source_file, source_sheet, source_row, '超限' AS fact_note
FROM paid WHERE amount > :limit
"""


def write_model(folder: Path, yaml_text: str = GOOD_YAML, sql_text: str | None = GOOD_SQL) -> Path:
    (folder / "test_model.yaml").write_text(yaml_text, encoding="utf-8")
    if sql_text is not None:
        (folder / "test_model.sql").write_text(sql_text, encoding="utf-8")
    return folder


def test_the_library_holds_every_model_code_of_the_contract() -> None:
    assert set(load_library()) == CONTRACT_CODES


def test_every_model_says_what_it_finds_in_chinese_with_its_policy_basis() -> None:
    for model in load_library().values():
        assert model.spec.name_zh and model.spec.policy_basis and model.spec.screening_note
        assert any("\u4e00" <= ch <= "\u9fff" for ch in model.spec.explanation), model.code


def test_a_good_model_file_loads_and_fills_its_parameters(tmp_path: Path) -> None:
    model = load_model(write_model(tmp_path), "test_model", "mine")
    assert model.fact_label("note") == "备注" and model.fact_label("strength") == "证据强度"
    assert "amount > 100" in model.render()
    assert "amount > 250" in model.render({"limit": 250})


@pytest.mark.parametrize(("yaml_text", "sql_text", "problem"), [
    ("code: [unclosed\n", GOOD_SQL, "line 2: not valid YAML"),
    (GOOD_YAML.replace("severity: low", "severity: dire"), GOOD_SQL, "severity"),
    (GOOD_YAML + "colour: red\n", GOOD_SQL, "colour"),
    (GOOD_YAML + "subject_kind: planet\n", GOOD_SQL, "subject_kind"),
    (GOOD_YAML + "subject_role: bystander\n", GOOD_SQL, "subject_role"),
    (GOOD_YAML, None, "no SQL file"),
    (GOOD_YAML, GOOD_SQL.replace(":limit", ":ceiling"), "ceiling"),
    (GOOD_YAML, GOOD_SQL.replace("period, amount,", "period,"), "amount"),
    (GOOD_YAML, "SELEC nothing FROM", "does not parse"),
    (GOOD_YAML.replace("[payments]", "[payslips]"), GOOD_SQL, "payslips"),
    (GOOD_YAML.replace("{note}", "{mood}"), GOOD_SQL, "mood"),
    (GOOD_YAML.replace("facts: {note: 备注}", ""), GOOD_SQL, "no Chinese name for what the "
                                                            "query returns as fact_note"),
    (GOOD_YAML.replace("note: 备注", "note: 备注, mood: 心情"), GOOD_SQL,
     "named but not returned by the query: mood"),
    (GOOD_YAML, "SELECT paid_row('p'), '超限' AS fact_note FROM paid AS p", "paid_row()"),
    (GOOD_YAML.replace("screening_note: 请核对发放金额。\n", ""), GOOD_SQL, "screening_note"),
    # Rows computed again each month: only of a model kept batch by batch, of another dataset.
    (GOOD_YAML + "recomputed: [enterprise_payments]\n", GOOD_SQL, "recomputed: only with rows_of"),
    (GOOD_YAML + "rows_of: payments\nrecomputed: [payments]\n", GOOD_SQL,
     "recomputed: not another dataset: payments"),
    (GOOD_YAML + "rows_of: payments\nrecomputed: [payslips]\n", GOOD_SQL, "payslips"),
    (GOOD_YAML.replace("请核对发放金额。", "请核对{name}的金额。"), GOOD_SQL, "placeholders"),
    # A model of no money may not speak of any: neither {amount} nor 元.
    (GOOD_YAML + "money: false\n", GOOD_SQL, "speaks of money (amount, 元)"),
    (GOOD_YAML.replace("共计{amount}元", "共{count}次") + "money: false\n", GOOD_SQL.replace(
        "'超限'", "'超过100元'"), None),
])
def test_a_broken_model_file_is_refused_naming_the_file_and_the_problem(
        tmp_path: Path, yaml_text: str, sql_text: str | None, problem: str | None) -> None:
    if problem is None:  # a fact may say 元 (a standard): only the template may not
        assert not load_model(write_model(tmp_path, yaml_text, sql_text), "test_model").spec.money
        return
    with pytest.raises(ModelFileError) as refused:
        load_model(write_model(tmp_path, yaml_text, sql_text), "test_model", "mine")
    assert refused.value.path.startswith("mine/test_model.")
    assert problem in str(refused.value)


def test_models_are_chosen_by_code_and_an_unknown_code_is_refused() -> None:
    library = load_library()
    assert [m.code for m in select(library, ["deceased_paid", " SHARED_ACCOUNT"])] == [
        "DECEASED_PAID", "SHARED_ACCOUNT"]
    with pytest.raises(KeyError, match="NO_SUCH"):
        select(library, ["NO_SUCH"])


def test_a_model_writes_the_usual_output_columns_once_through_the_macros(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    written_out = load_model(write_model(tmp_path / "out", sql_text="""\
SELECT p.id_number AS subject, p.id_number, p.name, p.program, p.township, p.village,
       p.period, p.amount, p.source_dataset, p.source_file, p.source_sheet, p.source_row,
       d.source_dataset AS basis_dataset, d.source_file AS basis_file,
       d.source_sheet AS basis_sheet, d.source_row AS basis_row, '超限' AS fact_note
FROM paid AS p JOIN death AS d USING (id_number) WHERE p.amount > :limit
"""), "test_model", "mine")
    (tmp_path / "macro").mkdir()
    with_macros = load_model(write_model(tmp_path / "macro", sql_text="""\
SELECT paid_row(p), basis_row(d), '超限' AS fact_note
FROM paid AS p JOIN death AS d USING (id_number) WHERE p.amount > :limit
"""), "test_model", "mine")
    assert with_macros.render() == written_out.render()
    assert with_macros.render(dialect="spark") == written_out.render(dialect="spark")


def test_a_query_that_fails_when_run_is_refused_naming_its_sql_file(tmp_path: Path,
                                                                    home: Path) -> None:
    delivered = write_csv(tmp_path / "payments.csv", [HEADER, GOOD])
    assert CliRunner().invoke(app, ["ingest", "--dataset", "payments", str(delivered)]
                              ).exit_code == 0
    broken = load_model(write_model(tmp_path, sql_text=GOOD_SQL.replace(
        "amount > :limit", "amount > :limit AND no_such_column > 0")), "test_model", "mine")
    engine = DuckDBEngine()
    try:
        with pytest.raises(ModelFileError) as refused:
            detect(engine, Warehouse(Settings().warehouse_dir), load_catalog(), [broken])
    finally:
        engine.close()
    assert refused.value.path == "mine/test_model.sql"
    assert "no_such_column" in str(refused.value)
