"""What a delivered file really is, from its first bytes, and the refusals that follow.

Files reach the county under any name: a web page a system exported as ".xls", an old
workbook renamed ".xlsx", a password-protected workbook, a file cut short on the way. A
library's own error says none of that in words an officer reads, so the file is looked at
first, and each refusal says in Chinese what happened and what to do.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from sunlight.ingest.errors import UnusableFile

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted xlsx is an OLE container holding these streams (MS-OFFCRYPTO).
_ENCRYPTED_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
_SCAN_BYTES = 8 << 20  # an OLE directory lies near the start of a small encrypted workbook
_RESAVE = "请用 Excel 打开后“另存为” .xlsx 格式，再重新上传"


class Kind(Enum):
    """A file's format as its bytes say, whatever its name."""

    EMPTY = "empty"
    ZIP = "zip"  # xlsx, xlsm, xlsb, ods
    OLE = "ole"  # xls (Excel 97–2003)
    ENCRYPTED = "encrypted"  # a password-protected Office workbook
    MARKUP = "markup"  # a web page or Excel 2003's XML spreadsheet
    PDF = "pdf"
    UTF16 = "utf16"
    OTHER = "other"


def kind_of(path: Path) -> Kind:
    """The file's format as told by its first bytes (and, for OLE, its stream names)."""
    with path.open("rb") as handle:
        head = handle.read(512)
    if not head:
        return Kind.EMPTY
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return Kind.ZIP
    if head.startswith(_OLE_SIGNATURE):
        return Kind.ENCRYPTED if _names_encryption(path) else Kind.OLE
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Kind.UTF16
    if head.startswith(b"%PDF"):
        return Kind.PDF
    if head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<"):
        return Kind.MARKUP
    return Kind.OTHER


def _names_encryption(path: Path) -> bool:
    with path.open("rb") as handle:
        start = handle.read(_SCAN_BYTES)
    return any(name in start for name in _ENCRYPTED_STREAMS)


def wrong_content(kind: Kind, suffix: str) -> UnusableFile | None:
    """The refusal of a spreadsheet whose bytes are not of the format its name says, or
    None when they are (or might be)."""
    expected = Kind.OLE if suffix == ".xls" else Kind.ZIP
    if kind is expected:
        return None
    if kind is Kind.ENCRYPTED:
        return encrypted()
    if kind is Kind.OLE:
        return UnusableFile(
            f"the file is an old Excel 97-2003 workbook (.xls) named {suffix}",
            f"文件实际是旧版 Excel 97–2003 格式（.xls），扩展名却是 {suffix}。"
            f"请把扩展名改为 .xls，或{_RESAVE}")
    if kind is Kind.ZIP:
        return UnusableFile(
            f"the file is a new-style workbook (.xlsx) named {suffix}",
            f"文件实际是 .xlsx 格式，扩展名却是 {suffix}。请把扩展名改为 .xlsx 后重新上传")
    return UnusableFile(f"not a spreadsheet: the file's content is {kind.value}, "
                        f"not what {suffix} holds", not_a_spreadsheet(kind, suffix))


def not_a_spreadsheet(kind: Kind, suffix: str) -> str:
    """Why a file named as a spreadsheet (or CSV) is none, in Chinese."""
    if kind is Kind.EMPTY:
        return "文件是空的，没有任何内容"
    if kind is Kind.MARKUP:
        return ("文件内容是网页格式（业务系统导出的“Excel”文件常是这样），"
                f"不是真正的 Excel 工作簿。{_RESAVE}")
    if kind is Kind.PDF:
        return "文件是 PDF 文档，不是数据表格。请上传原始的 Excel 或 CSV 文件"
    if kind is Kind.UTF16:
        return ("文件是 Excel 另存的“Unicode 文本”，系统不读取这种编码。"
                "请在 Excel 中另存为“CSV UTF-8（逗号分隔）”或 .xlsx 格式，再重新上传")
    return (f"文件内容不是 Excel 表格（扩展名是 {suffix}，但文件可能已损坏，"
            f"或是别的文件改了名字）。{_RESAVE}")


def encrypted() -> UnusableFile:
    """A workbook that needs a password to open."""
    return UnusableFile(
        "the workbook is password-protected (encrypted)",
        "文件设置了打开密码（已加密），系统无法读取。请在 Excel 中取消密码"
        "（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后保存，再重新上传")


def csv_holding_a_workbook(kind: Kind) -> UnusableFile | None:
    """The refusal of a file named .csv whose bytes are a workbook or a document."""
    if kind is Kind.ENCRYPTED:
        return encrypted()
    if kind in (Kind.ZIP, Kind.OLE):
        right = ".xlsx" if kind is Kind.ZIP else ".xls"
        return UnusableFile(
            f"the file is an Excel workbook ({right}) named .csv",
            f"文件实际是 Excel 工作簿（{right}），扩展名却是 .csv。"
            f"请把扩展名改为 {right} 后重新上传")
    if kind is Kind.UTF16:
        return UnusableFile("the text is UTF-16 (Excel's 'Unicode text'): save the file as "
                            "CSV in UTF-8 or GB18030", not_a_spreadsheet(kind, ".csv"))
    if kind in (Kind.EMPTY, Kind.PDF):
        return UnusableFile(f"not a CSV file: its content is {kind.value}",
                            not_a_spreadsheet(kind, ".csv"))
    return None


def unreadable_workbook(detail: str) -> UnusableFile:
    """What a spreadsheet library's error means for a person, by the words it uses."""
    lowered = detail.lower()
    if "password" in lowered or "encrypt" in lowered:
        return encrypted()
    if "_rels" in lowered or "workbook.xml" in lowered or "content_types" in lowered:
        return no_worksheet(detail)
    return damaged(detail)


def damaged(detail: str) -> UnusableFile:
    """A spreadsheet of the right format that cannot be read: cut short or corrupted."""
    return UnusableFile(
        f"not a readable spreadsheet ({detail})",
        "文件已损坏或不完整（可能在复制、下载或上传时被截断），无法读取。"
        f"请确认文件能在 Excel 中正常打开，{_RESAVE}")


def no_worksheet(detail: str) -> UnusableFile:
    """A zip that opens but holds no workbook (a Word document renamed, say)."""
    return UnusableFile(
        f"not a readable spreadsheet ({detail})",
        f"文件中没有可读取的工作表：它可能不是 Excel 工作簿（例如别的文档改了扩展名）。{_RESAVE}")
