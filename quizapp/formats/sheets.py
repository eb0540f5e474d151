"""The formula-injection guard shared by every spreadsheet and CSV the app writes.

Text that starts with =, +, -, @, TAB or CR is run as a formula (or DDE command) by Excel and
LibreOffice. In a workbook such text is stored as a string cell with a quote prefix; in a CSV it
is prefixed with a single quote, as OWASP recommends ("CSV Injection").
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

from ..domain.safezip import declared_entries

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell, MergedCell
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

# openpyxl's own constants (openpyxl.cell.cell; a test keeps them equal), copied so that the
# exports and the web workers do not load openpyxl (≈ 20 MB a process) until a workbook is
# read or built with it.
ERROR_CODES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

T = TypeVar("T")

# Formula, DDE and control prefixes: such text is stored as a string, never as a formula.
RISKY_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_risky(text: str) -> bool:
    """True when a spreadsheet would not keep this text as plain text."""
    return text.startswith(RISKY_PREFIXES) or text in ERROR_CODES


# Every risky prefix and error code starts with one of these or with a control character.
GUARDED_FIRST = "=+-@#"


def is_plain(text: str) -> bool:
    """True for text the guard leaves as it is: a fast check for the bulk of a large export.

    Printable text holds no control character; empty text is not plain (`"" in …` is True).
    """
    return text.isprintable() and text[:1] not in GUARDED_FIRST


def clean_text(text: str) -> str:
    """Text without the control characters a workbook cannot hold (TAB, LF and CR stay)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def first_sheet(wb: Workbook) -> Worksheet:
    """A new workbook's first sheet, as the worksheet it always is."""
    from openpyxl.worksheet.worksheet import Worksheet

    sheet = wb.active
    if not isinstance(sheet, Worksheet):
        raise TypeError("the workbook's first sheet is not a worksheet")
    return sheet


def safe_cell(cell: Cell | MergedCell, value: object) -> None:
    """Set a value; text that Excel would run as a formula is kept as plain text."""
    if isinstance(value, str):
        value = clean_text(value)
    cell.value = cast(Any, value)  # a row's value of any kind: openpyxl checks it when set
    if isinstance(value, str) and (is_risky(value) or cell.data_type != "s"):
        cell.data_type = "s"
        cell.quotePrefix = True


def csv_text(value: object) -> object:
    """A value for a CSV writer: risky text gets a leading single quote; None becomes empty."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(RISKY_PREFIXES):
        return "'" + value
    return value


MAX_XLSX_BYTES = 10_000_000
MAX_UNPACKED_BYTES = 30_000_000
MAX_PARTS = 1000


def check_package(data: bytes) -> str | None:
    """Why an uploaded workbook cannot be opened safely, or None; sizes are bounded up front."""
    if len(data) > MAX_XLSX_BYTES:
        return f"tệp Excel quá lớn ({len(data):,} byte, tối đa {MAX_XLSX_BYTES:,} byte)"
    count = declared_entries(data)
    if count is not None and count > MAX_PARTS:
        return f"tệp Excel có quá nhiều thành phần ({count})"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            # zipfile never inflates an entry past its declared size, so the sum is a bound.
            unpacked = sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "không phải tệp Excel .xlsx hợp lệ"
    if unpacked > MAX_UNPACKED_BYTES:
        return "tệp Excel khi giải nén quá lớn"
    return None


@dataclass(frozen=True)
class Refusal:
    """Why an uploaded workbook was not read: the row to point at and a Vietnamese message."""

    row: int
    message: str


def read_uploaded_sheet(
    data: bytes, sheet: str, read: Callable[[Any], T], data_only: bool = True
) -> T | Refusal:
    """Open an uploaded workbook read-only and pass the named sheet to `read`, or say why not
    (`data_only=False`: formulas as written, not their computed values)."""
    import openpyxl

    refused = check_package(data)
    if refused is not None:
        return Refusal(1, refused)
    wb = None
    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel features it drops (extensions, styles); harmless here.
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
            if sheet not in wb.sheetnames:
                return Refusal(1, f"không có trang «{sheet}» trong tệp Excel")
            return read(wb[sheet])
    # A damaged or hostile workbook can fail anywhere inside openpyxl with many exception
    # types; the upload is refused with a clean message either way.
    except Exception as exc:
        return Refusal(1, f"không đọc được tệp Excel ({type(exc).__name__})")
    finally:
        if wb is not None:
            wb.close()
