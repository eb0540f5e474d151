"""The organiser's results workbook: winners, full ranking, wards, organisations.

Written with xlsxwriter in constant-memory mode: each row goes to a temporary file as soon as
the next one starts, so a large ranking never sits in memory as a grid of cells. Those files
(mkstemp: owner-only) hold personal data only while the workbook is written; closing removes them.

Every text goes through `write_string` (never `write`, which would turn "{=…}" into an array
formula) after the formula-injection guard of quizapp/spreadsheet.py: risky text is a string
cell with a quote prefix, never a formula.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ..domain.results import Results
from .rows import (
    WINNER_COLUMNS,
    Column,
    Value,
    group_columns,
    group_rows,
    ranking_columns,
    ranking_rows,
    winner_rows,
)
from .sheets import clean_text, is_plain, is_risky

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WINNERS_SHEET = "Đoạt giải"
RANKING_SHEET = "Xếp hạng cá nhân"
WARDS_SHEET = "Xếp hạng phường"
ORGANISATIONS_SHEET = "Xếp hạng cơ quan, đơn vị"

# Text stays text: no formulas, hyperlinks or numbers guessed from strings.
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
HEADER_STYLE = {
    "bold": True,
    "pattern": 1,
    "bg_color": "#DDEBF7",
    "text_wrap": True,
    "valign": "top",
}


def write_text(
    ws: Worksheet, row: int, col: int, value: str, style: Format | None, quoted: Format
) -> None:
    """One text cell through the guard: risky text gets `quoted` (a quote prefix), not `style`."""
    if is_plain(value) and value[:1] != "<":
        ws.write_string(row, col, value, style)  # the common case, checked fast
        return
    text = clean_text(value)
    if text.startswith("<r>") and text.endswith("</r>"):
        # xlsxwriter copies such text into the sheet unescaped, as rich-string XML (a formula
        # could be slipped in); as a rich string of three plain runs it is escaped like any text.
        ws.write_rich_string(row, col, text[0], text[1], text[2:], *([style] if style else []))
    else:
        ws.write_string(row, col, text, quoted if is_risky(text) else style)


@dataclass(frozen=True)
class _Styles:
    header: Format
    header_quoted: Format
    quoted: Format
    mark: Format


def _styles(wb: Workbook) -> _Styles:
    return _Styles(
        wb.add_format(HEADER_STYLE),
        wb.add_format({**HEADER_STYLE, "quote_prefix": True}),
        wb.add_format({"quote_prefix": True}),
        wb.add_format({"bold": True, "font_color": "#C00000", "font_size": 14}),
    )


def _header(ws: Worksheet, columns: Sequence[Column], styles: _Styles, top: int) -> None:
    """Widths, a frozen bold header row (at row `top`) and a filter over it."""
    for col, column in enumerate(columns):
        ws.set_column(col, col, column.width)
        write_text(ws, top, col, column.header, styles.header, styles.header_quoted)
    ws.freeze_panes(top + 1, 0)
    ws.autofilter(top, 0, top, len(columns) - 1)


def _sheet(
    wb: Workbook,
    styles: _Styles,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[list[Value]],
    mark: str = "",
) -> None:
    ws = wb.add_worksheet(title)
    top = 1 if mark else 0
    if mark:  # a draft: the first row of every sheet says so, in red
        ws.write_string(0, 0, mark, styles.mark)
        ws.set_header(f'&C&"Bold"{mark}')
    _header(ws, columns, styles, top)
    write_number, quoted = ws.write_number, styles.quoted
    for row_number, row in enumerate(rows, start=top + 1):
        for col, value in enumerate(row):
            if isinstance(value, str):
                write_text(ws, row_number, col, value, None, quoted)
            elif value is not None:
                write_number(row_number, col, value)


def write_results(results: Results, out: BinaryIO) -> None:
    """The four sheets, in the order the organiser reads them, with full personal data."""
    # Leaving the block closes the workbook even on an error, so no temporary file is left.
    with Workbook(out, WORKBOOK_OPTIONS) as wb:
        styles, mark = _styles(wb), results.stamp.mark
        sheets = (
            (WINNERS_SHEET, WINNER_COLUMNS, winner_rows(results)),
            (RANKING_SHEET, ranking_columns(results), ranking_rows(results)),
            (WARDS_SHEET, group_columns("Phường"), group_rows(results.wards)),
            (
                ORGANISATIONS_SHEET,
                group_columns("Cơ quan, đơn vị"),
                group_rows(results.organisations),
            ),
        )
        for title, columns, rows in sheets:
            _sheet(wb, styles, title, columns, rows, mark)
        if results.stamp.published:
            wb.set_properties(
                {
                    "comments": f"Bản công bố số {results.stamp.sequence}, "
                    f"mã kiểm tra SHA-256 {results.stamp.digest}"
                }
            )


def write_table(
    out: BinaryIO, sheet: str, columns: Sequence[Column], rows: Iterable[list[Value]]
) -> None:
    """One sheet of rows under a bold, frozen, filtered header, through the same guard."""
    with Workbook(out, WORKBOOK_OPTIONS) as wb:
        _sheet(wb, _styles(wb), sheet, columns, rows)
