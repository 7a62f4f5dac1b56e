"""The template of each dataset: downloaded from the upload page, filled in with one row, it
is accepted by ingestion."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote
from xml.sax.saxutils import escape

import pytest
from python_calamine import CalamineWorkbook

from sunlight.contract.catalog import load_catalog
from sunlight.contract.datasets import DATASETS
from sunlight.ingest.batch import prepare_file
from tests.web.conftest import StaffApp
from tests.web.test_uploads import finished, send

SHEET = "xl/worksheets/sheet1.xml"


def sheets(data: bytes) -> dict[str, list[list[object]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def column_letters(index: int) -> str:
    return chr(ord("A") + index)  # templates are narrower than 26 columns


def filled(data: bytes, values: list[str]) -> bytes:
    """The template with one row typed under its header, as text (what Excel keeps in a
    column formatted as text), every other part of the workbook untouched."""
    cells = "".join(f'<c r="{column_letters(i)}2" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
                    for i, v in enumerate(values) if v)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == SHEET:
                xml = content.decode()
                xml = re.sub(r'<dimension ref="A1:([A-Z]+)1"/>', r'<dimension ref="A1:\g<1>2"/>',
                             xml)
                content = xml.replace("</row></sheetData>",
                                      f'</row><row r="2">{cells}</row></sheetData>').encode()
            target.writestr(entry, content)
    return out.getvalue()


def examples(guide: list[list[object]]) -> dict[str, str]:
    """The 填写说明 sheet's example of each column, by column name."""
    top = next(i for i, row in enumerate(guide) if row[0] == "列名")
    return {str(row[0]): str(row[4]) for row in guide[top + 1:] if row[0]}


@pytest.fixture
def analyst(staff_app: StaffApp):
    return staff_app.client("analyst")


def test_the_upload_page_links_a_template_for_each_dataset_the_person_uploads(
        staff_app: StaffApp):
    page = staff_app.client("officer").get("/staff/uploads").text
    links = re.findall(r'href="/staff/uploads/templates/(\w+)" download>([^<]+)</a>', page)
    # The officer of 公安局 uploads its datasets (since contract v1.1 also its 督察's: the duty
    # roster, posts, roll calls, cases, inspection findings); the link reads their Chinese names.
    assert sorted(links) == [("deaths", "死亡信息导入模板"),
                             ("duty_checks", "网上点名及在岗核查导入模板"),
                             ("duty_roster", "勤务排班及值班表导入模板"),
                             ("inspection_findings", "督察发现问题导入模板"),
                             ("police_cases", "案件办理导入模板"),
                             ("posts", "执勤站点及卡口导入模板"),
                             ("residents", "户籍人口导入模板")]


@pytest.mark.parametrize("code", list(DATASETS))
def test_a_template_filled_with_its_examples_is_accepted(analyst, tmp_path: Path, code: str):
    response = analyst.get(f"/staff/uploads/templates/{code}")
    assert response.status_code == 200
    disposition = response.headers["content-disposition"]
    assert unquote(disposition.split("filename*=utf-8''")[1]) == \
        f"{DATASETS[code].label}-导入模板.xlsx"
    book = sheets(response.content)
    assert list(book) == ["数据", "填写说明"]  # ingestion reads the first sheet only
    spec = DATASETS[code]
    assert book["数据"] == [[column.synonyms[0] for column in spec.columns]]
    guide = book["填写说明"]
    listed = {str(row[0]): row[1] for row in guide if row and row[1] in ("必填", "选填")}
    assert listed == {c.synonyms[0]: "必填" if c.required else "选填" for c in spec.columns}
    sample = examples(guide)
    path = tmp_path / "填好的模板.xlsx"
    path.write_bytes(filled(response.content, [sample[c.synonyms[0]] for c in spec.columns]))
    staging = tmp_path / "staging"
    staging.mkdir()
    batch = prepare_file(path, spec, load_catalog(), staging)
    assert (batch.counts.accepted, batch.counts.rejected) == (1, 0)


def test_a_filled_template_uploaded_is_imported(staff_app: StaffApp):
    client = staff_app.client("officer")
    template = client.get("/staff/uploads/templates/deaths").content
    data = filled(template, ["610327197106050172", "王芳", "2023-05-01", "火化"])
    report = finished(staff_app, client,
                      send(client, "deaths", "死亡名单.xlsx", data).headers["location"])
    assert "已导入" in report
    numbers = [int(n) for n in re.findall(r'<div class="stat">([\d,]+)</div>', report)]
    assert numbers == [1, 1, 0, 0]  # read, accepted, rejected, doubtful


def test_a_template_of_another_departments_dataset_is_not_found(staff_app: StaffApp):
    client = staff_app.client("officer")
    assert client.get("/staff/uploads/templates/payments").status_code == 404
    assert client.get("/staff/uploads/templates/nothing").status_code == 404
    assert staff_app.client("verifier").get(
        "/staff/uploads/templates/deaths").status_code in (403, 404)
