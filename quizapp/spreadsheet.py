"""The formula-injection guard shared by every spreadsheet and CSV the app writes.

Text that starts with =, +, -, @, TAB or CR is run as a formula (or DDE command) by Excel and
LibreOffice. In a workbook such text is stored as a string cell with a quote prefix; in a CSV it
is prefixed with a single quote, as OWASP recommends ("CSV Injection").
"""

from __future__ import annotations

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# Formula, DDE and control prefixes: such text is stored as a string, never as a formula.
RISKY_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_risky(text: str) -> bool:
    """True when a spreadsheet would not keep this text as plain text."""
    return text.startswith(RISKY_PREFIXES) or text in ERROR_CODES


def safe_cell(cell: Cell, value: object) -> None:
    """Set a value; text that Excel would run as a formula is kept as plain text."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    if isinstance(value, str) and (value.startswith(RISKY_PREFIXES) or cell.data_type != "s"):
        cell.data_type = "s"
        cell.quotePrefix = True


def safe_value(ws: WriteOnlyWorksheet, value: object) -> object:
    """A value for `ws.append` in a write-only sheet: risky text becomes a quoted text cell.

    Ordinary values go through as they are, so a large sheet makes no cell object per value.
    """
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not is_risky(text):
        return text
    cell = WriteOnlyCell(ws)
    safe_cell(cell, text)
    return cell


def csv_text(value: object) -> object:
    """A value for a CSV writer: risky text gets a leading single quote; None becomes empty."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(RISKY_PREFIXES):
        return "'" + value
    return value
