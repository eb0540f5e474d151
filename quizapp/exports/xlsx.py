"""The organiser's results workbook: winners, full ranking, wards, organisations.

Written with openpyxl's write-only mode, row by row, so a large ranking never sits in memory
as a grid of cell objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from ..services.results import Results
from ..spreadsheet import safe_cell, safe_value
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

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WINNERS_SHEET = "Đoạt giải"
RANKING_SHEET = "Xếp hạng cá nhân"
WARDS_SHEET = "Xếp hạng phường"
ORGANISATIONS_SHEET = "Xếp hạng cơ quan, đơn vị"

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")


def _header(ws: WriteOnlyWorksheet, columns: Sequence[Column]) -> None:
    """Widths, a frozen bold header row and a filter; must come before any data row."""
    cells = []
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
        cell = WriteOnlyCell(ws)
        safe_cell(cell, column.header)
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _HEADER_ALIGNMENT
        cells.append(cell)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}1"
    ws.append(cells)


def _sheet(
    wb: Workbook, title: str, columns: Sequence[Column], rows: Iterable[list[Value]]
) -> None:
    ws = wb.create_sheet(title)
    _header(ws, columns)
    for row in rows:
        ws.append([safe_value(ws, value) for value in row])


def write_results(results: Results, out: BinaryIO) -> None:
    """The four sheets, in the order the organiser reads them, with full personal data."""
    wb = Workbook(write_only=True)
    _sheet(wb, WINNERS_SHEET, WINNER_COLUMNS, winner_rows(results))
    _sheet(wb, RANKING_SHEET, ranking_columns(results), ranking_rows(results))
    _sheet(wb, WARDS_SHEET, group_columns("Phường"), group_rows(results.wards))
    _sheet(
        wb,
        ORGANISATIONS_SHEET,
        group_columns("Cơ quan, đơn vị"),
        group_rows(results.organisations),
    )
    wb.save(out)
