"""Hostile spreadsheets written byte by byte: zips that lie about their sizes, sheets too big.

Small on disk, each would take GBs to read whole.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

from tests.conftest import write_xlsx

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
HEADER = ["项目名称", "身份证号", "姓名", "所属期", "金额", "银行账号"]
ROW = ["低保", "610327197106050172", "王芳", "2024-03", "500", "6217493730820689217"]


def _deflated(chunks: Iterable[bytes]) -> tuple[bytes, int, int]:
    """Raw deflate of the chunks, their CRC and their true size."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    packed, crc, size = bytearray(), 0, 0
    for chunk in chunks:
        packed += packer.compress(chunk)
        crc, size = zlib.crc32(chunk, crc), size + len(chunk)
    packed += packer.flush()
    return bytes(packed), crc, size


def write_zip(path: Path, entries: dict[str, Iterable[bytes]], lie: int | None = None) -> Path:
    """A zip of deflated entries; with `lie`, both its local headers and its central directory
    say each entry unpacks to `lie` bytes and packs to what it does."""
    body, directory = bytearray(), bytearray()
    for name, chunks in entries.items():
        packed, crc, size = _deflated(chunks)
        declared = size if lie is None else lie
        encoded, offset = name.encode(), len(body)
        body += struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, zipfile.ZIP_DEFLATED, 0, 0,
                            crc, len(packed), declared, len(encoded), 0) + encoded + packed
        directory += struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, zipfile.ZIP_DEFLATED,
                                 0, 0, crc, len(packed), declared, len(encoded), 0, 0, 0, 0, 0,
                                 offset) + encoded
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(entries), len(entries),
                      len(directory), len(body), 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(body + directory + end))
    return path


def _repeated(start: bytes, middle: bytes, times: int, end: bytes) -> Iterable[bytes]:
    yield start
    block = middle * 10_000
    for _ in range(times // 10_000):
        yield block
    yield middle * (times % 10_000)
    yield end


_SHEET_START = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
_SHEET_END = b"</sheetData></worksheet>"


def _xlsx(path: Path, sheet: Iterable[bytes], lie: int | None = None) -> Path:
    """An xlsx whose first sheet's XML is `sheet`, in pieces."""
    template = write_xlsx(path.with_name("template.xlsx"), [HEADER, ROW])
    with zipfile.ZipFile(template) as archive:
        entries: dict[str, Iterable[bytes]] = {
            entry: [archive.read(entry)] for entry in archive.namelist()}
    template.unlink()
    entries["xl/worksheets/sheet1.xml"] = sheet
    return write_zip(path, entries, lie)


def xlsx_bomb(path: Path, rows: int, lie: int | None = None) -> Path:
    """An xlsx whose sheet repeats a data row `rows` times (~200 bytes of XML each)."""
    cells = b"".join(b'<c t="inlineStr"><is><t>%s</t></is></c>' % cell.encode()
                     for cell in ROW)
    return _xlsx(path, _repeated(_SHEET_START, b"<row>" + cells + b"</row>", rows, _SHEET_END),
                 lie)


def xlsx_cells(path: Path, cells: dict[str, str], reference: str = 'r="{}"') -> Path:
    """An xlsx whose sheet holds just these cells (reference → text), wherever they are; its
    cell references written as `reference` says (XML allows other quotes and spaces)."""
    xml = "".join(f'<row r="{"".join(filter(str.isdigit, ref))}"><c {reference.format(ref)} '
                  f't="inlineStr"><is><t>{text}</t></is></c></row>'
                  for ref, text in cells.items())
    return _xlsx(path, [_SHEET_START + xml.encode() + _SHEET_END])


def ods(path: Path, rows_xml: str) -> Path:
    """An OpenDocument spreadsheet whose one table holds these rows."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="花名册">'
        f"{rows_xml}</table:table></office:spreadsheet></office:body></office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
        'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
        f'manifest:full-path="/" manifest:media-type="{ODS_MIMETYPE.decode()}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>")
    return write_zip(path, {"mimetype": [ODS_MIMETYPE], "content.xml": [content.encode()],
                            "META-INF/manifest.xml": [manifest.encode()]})


def ods_row(cells: list[str], repeat_rows: int = 1, repeat_cells: int = 1) -> str:
    """A row of text cells (an empty text: an empty cell), each and itself repeated."""
    cell = "".join(f'<table:table-cell office:value-type="string" '
                   f'table:number-columns-repeated="{repeat_cells}"><text:p>{text}</text:p>'
                   "</table:table-cell>" if text else
                   f'<table:table-cell table:number-columns-repeated="{repeat_cells}"/>'
                   for text in cells)
    return f'<table:table-row table:number-rows-repeated="{repeat_rows}">{cell}</table:table-row>'


def ods_bomb(path: Path) -> Path:
    """An .ods of a few hundred bytes whose one cell repeats over 90 million cells."""
    return ods(path, ods_row(HEADER) + ods_row(["x"], 90_000, 1_000))
