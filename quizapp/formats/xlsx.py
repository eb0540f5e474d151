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


def _styles(wb: Workbook) -> _Styles:
    return _Styles(
        wb.add_format(HEADER_STYLE),
        wb.add_format({**HEADER_STYLE, "quote_prefix": True}),
        wb.add_format({"quote_prefix": True}),
    )


def _header(ws: Worksheet, columns: Sequence[Column], styles: _Styles) -> None:
    """Widths, a frozen bold header row and a filter over it."""
    for col, column in enumerate(columns):
        ws.set_column(col, col, column.width)
        write_text(ws, 0, col, column.header, styles.header, styles.header_quoted)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, 0, len(columns) - 1)


def _sheet(
    wb: Workbook,
    styles: _Styles,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[list[Value]],
) -> None:
    ws = wb.add_worksheet(title)
    _header(ws, columns, styles)
    write_number, quoted = ws.write_number, styles.quoted
    for row_number, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if isinstance(value, str):
                write_text(ws, row_number, col, value, None, quoted)
            elif value is not None:
                write_number(row_number, col, value)


def write_results(results: Results, out: BinaryIO) -> None:
    """The four sheets, in the order the organiser reads them, with full personal data."""
    # Leaving the block closes the workbook even on an error, so no temporary file is left.
    with Workbook(out, WORKBOOK_OPTIONS) as wb:
        styles = _styles(wb)
        _sheet(wb, styles, WINNERS_SHEET, WINNER_COLUMNS, winner_rows(results))
        _sheet(wb, styles, RANKING_SHEET, ranking_columns(results), ranking_rows(results))
        _sheet(wb, styles, WARDS_SHEET, group_columns("Phường"), group_rows(results.wards))
        _sheet(
            wb,
            styles,
            ORGANISATIONS_SHEET,
            group_columns("Cơ quan, đơn vị"),
            group_rows(results.organisations),
        )
