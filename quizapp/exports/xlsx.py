"""The organiser's results workbook: winners, full ranking, wards, organisations.

Written by rustpy-xlsxwriter (rust_xlsxwriter under a thin Python layer), chosen by measurement
(docs/performance.md): the 100,000-row ranking in about a fifth of XlsxWriter's CPU time, rows
streamed to the file as they come (constant memory), every text an inline string cell, never a
formula.

The formula-injection guard (quizapp/spreadsheet.py): text goes through `clean_text`, and a row
holding risky text (=, +, -, @, TAB, CR, an error code) gets the quote-prefix style, so Excel
keeps it as text even when the cell is edited. The writer styles rows, not single cells: the
other cells of such a row carry the prefix too, which changes nothing for plain text or numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import BinaryIO

from rustpy_xlsxwriter import FastExcel, Format

from ..services.results import Results
from ..spreadsheet import clean_text, is_plain, is_risky
from .rows import (
    WINNER_COLUMNS,
    Column,
    Value,
    group_columns,
    group_rows,
    headers,
    ranking_columns,
    ranking_rows,
    winner_rows,
)

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WINNERS_SHEET = "Đoạt giải"
RANKING_SHEET = "Xếp hạng cá nhân"
WARDS_SHEET = "Xếp hạng phường"
ORGANISATIONS_SHEET = "Xếp hạng cơ quan, đơn vị"
HEADER_FILL = "#DDEBF7"


def _text(value: Value) -> Value:
    """Text a workbook can hold (control characters dropped); other values as they are."""
    if isinstance(value, str) and not is_plain(value):
        return clean_text(value)
    return value


def _is_risky_row(row: Sequence[Value]) -> bool:
    return any(isinstance(v, str) and not is_plain(v) and is_risky(clean_text(v)) for v in row)


def _records(keys: list[str], rows: Iterable[list[Value]]) -> Iterator[dict[str, Value]]:
    for row in rows:
        yield {key: _text(value) for key, value in zip(keys, row, strict=True)}


def _add_sheet(
    book: FastExcel,
    title: str,
    columns: Sequence[Column],
    rows: Callable[[], Iterable[list[Value]]],
) -> None:
    """One sheet; `rows` is called twice (risky rows first, then the cells), never held whole."""
    keys = headers(columns)
    quoted = Format().set_quote_prefix()
    risky = {n: quoted for n, row in enumerate(rows(), start=1) if _is_risky_row(row)}
    records: Iterable[dict[str, Value]] = _records(keys, rows())
    if not risky and not any(True for _ in rows()):
        records = [dict.fromkeys(keys)]  # the header of an empty table (the writer needs a row)
    book.sheet(
        title,
        records,
        column_widths=[c.width for c in columns],
        header_format=Format()
        .set_bold()
        .set_text_wrap()
        .set_align("top")
        .set_pattern("solid")
        .set_background_color(HEADER_FILL),
        autofilter=True,
        row_formats=risky,
    )


def write_results(results: Results, out: BinaryIO) -> None:
    """The four sheets, in the order the organiser reads them, with full personal data."""
    book = FastExcel(out).freeze(row=1)
    _add_sheet(book, WINNERS_SHEET, WINNER_COLUMNS, lambda: winner_rows(results))
    _add_sheet(book, RANKING_SHEET, ranking_columns(results), lambda: ranking_rows(results))
    _add_sheet(book, WARDS_SHEET, group_columns("Phường"), lambda: group_rows(results.wards))
    _add_sheet(
        book,
        ORGANISATIONS_SHEET,
        group_columns("Cơ quan, đơn vị"),
        lambda: group_rows(results.organisations),
    )
    book.save()
