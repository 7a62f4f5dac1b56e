"""Which sheets of a workbook, besides the first (the one read, contract §1), hold any cell.

Rows on a later sheet are never read: screening refuses such a workbook (its rows would go
to the bank unchecked) and ingestion says so. Telling costs no more than finding one cell: an
.xlsx sheet's XML is streamed until its first value, never built as cells, so a huge second
sheet costs time bounded by the unpacked-size check and no memory. Other formats have no
per-sheet stream (calamine holds an .xls's or .ods's every sheet once it opens them): their
sheets are looked at row by row through calamine, in the capped reader process.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from pathlib import Path
from xml.etree import ElementTree

from python_calamine import CalamineWorkbook

_XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
_WORKBOOK = "xl/workbook.xml"
_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
# workbook.xml and its relationships list sheets only; larger than this is no workbook Excel
# wrote, and is looked at through calamine instead.
_PART_MAX_BYTES = 8 << 20
_CHUNK = 64 << 10
# A cell's value (<v>) or inline string (<is>), with or without a namespace prefix; an empty
# styled cell (<c r="A1" s="1"/>) has neither.
_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:v|is)[\s/>]")
_OVERLAP = 64  # bytes kept from one chunk to the next: a tag cut in two is still found


def other_sheets_with_cells(path: Path, workbook: CalamineWorkbook) -> tuple[str, ...]:
    """The names of the sheets after the first that hold at least one non-empty cell."""
    if path.suffix.lower() in _XLSX_SUFFIXES:
        found = _xlsx_other_sheets(path)
        if found is not None:
            return found
    return tuple(name for index, name in enumerate(workbook.sheet_names)
                 if index > 0 and _has_cell(workbook, index))


def _has_cell(workbook: CalamineWorkbook, index: int) -> bool:
    rows = workbook.get_sheet_by_index(index).iter_rows()
    return any(cell not in ("", None) for row in rows for cell in row)


def _xlsx_other_sheets(path: Path) -> tuple[str, ...] | None:
    """Streamed from the zip; None when the workbook is not laid out as Excel lays it out."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = _sheet_parts(archive)
            if parts is None:
                return None
            return tuple(name for name, part in parts[1:] if _part_has_value(archive, part))
    except (zipfile.BadZipFile, zlib.error, KeyError, OSError, NotImplementedError,
            ElementTree.ParseError):
        return None


def _sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]] | None:
    """Each sheet's name and the zip member holding it, in the workbook's order."""
    workbook, rels = _small_part(archive, _WORKBOOK), _small_part(archive, _WORKBOOK_RELS)
    if workbook is None or rels is None:
        return None
    targets = {rel.get("Id"): rel.get("Target") or "" for rel in ElementTree.fromstring(rels)}
    parts = []
    for sheet in ElementTree.fromstring(workbook).iter():
        if not sheet.tag.endswith("}sheet"):
            continue
        rel_id = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
        target = targets.get(rel_id)
        if not target:
            return None
        member = target.lstrip("/") if target.startswith("/") else \
            posixpath.normpath(posixpath.join("xl", target))
        parts.append((sheet.get("name") or "", member))
    return parts


def _small_part(archive: zipfile.ZipFile, member: str) -> bytes | None:
    try:
        if archive.getinfo(member).file_size > _PART_MAX_BYTES:
            return None
    except KeyError:
        return None
    with archive.open(member) as stream:
        data = stream.read(_PART_MAX_BYTES + 1)
    return data if len(data) <= _PART_MAX_BYTES else None


def _part_has_value(archive: zipfile.ZipFile, member: str) -> bool:
    """Whether a sheet's XML holds a value, read a chunk at a time up to the first."""
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            if _VALUE.search(tail + chunk):
                return True
            tail = chunk[-_OVERLAP:]
    return False
