"""The organiser's results workbook (winners, full ranking, wards, organisations) and one-sheet
tables, written by rustpy-xlsxwriter (rust_xlsxwriter under a thin Python layer).

Chosen by measurement (docs/performance.md): the 100,000-row ranking in about a third of
XlsxWriter's CPU time, rows streamed to the file as they come, every text an inline string
cell, never a formula.

The formula-injection guard (quizapp/formats/sheets.py): text goes through `clean_text`, and a
row holding risky text (=, +, -, @, TAB, CR, an error code) gets the quote-prefix style, so
Excel keeps it as text even when the cell is edited. The writer styles rows, not single cells:
the other cells of such a row carry the prefix too, which changes nothing for plain text or
numbers. A draft's sheets start with the draft mark (and print it in the page header); a
published workbook carries its publication's number and SHA-256 in its description.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from rustpy_xlsxwriter import FastExcel, Format

from ..domain.results import Results
from .rows import (
    COLLECTIVE_PRIZE_COLUMNS,
    PROGRESS_EVERY,
    WINNER_COLUMNS,
    Column,
    Progress,
    Value,
    awards_by_key,
    collective_prize_rows,
    counted,
    group_columns,
    group_rows,
    headers,
    ranking_columns,
    ranking_rows,
    winner_rows,
)
from .sheets import clean_text, is_plain, is_risky

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WINNERS_SHEET = "Đoạt giải"
COLLECTIVE_WINNERS_SHEET = "Giải tập thể"
RANKING_SHEET = "Xếp hạng cá nhân"
WARDS_SHEET = "Xếp hạng phường"
ORGANISATIONS_SHEET = "Xếp hạng cơ quan, đơn vị"
HEADER_FILL = "#DDEBF7"

Rows = Callable[[], Iterable[list[Value]]]


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
    rows: Rows,
    mark: str = "",
    progress: tuple[Progress, int] | None = None,
) -> None:
    """One sheet; `rows` is called twice (risky rows first, then the cells), never held whole.

    A draft's `mark` takes the first row (in red, across the table) and the printed header.
    `progress` (callback, every) hears the rows of the second pass as they are written.
    """
    keys, top = headers(columns), 1 if mark else 0
    quoted = Format().set_quote_prefix()
    risky = {top + n: quoted for n, row in enumerate(rows(), start=1) if _is_risky_row(row)}
    cells = rows() if progress is None else counted(rows(), *progress)
    records: Iterable[dict[str, Value]] = _records(keys, cells)
    if not risky and not any(True for _ in rows()):
        records = [dict.fromkeys(keys)]  # the header of an empty table (the writer needs a row)
    merge_ranges: list[tuple[Any, ...]] | None = None
    page_setup: dict[str, Any] | None = None
    if mark:  # the draft line above the header, and on every printed page
        red = Format().set_bold().set_font_color("#C00000").set_font_size(14)
        merge_ranges = [(0, 0, 0, len(keys) - 1, mark, red)]
        page_setup = {"header": f'&C&"Bold"{mark}'}
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
        header_row=top,
        autofilter=True,
        row_formats=risky,
        merge_ranges=merge_ranges,
        page_setup=page_setup,
    )


def write_results(
    results: Results, out: BinaryIO, progress: Progress | None = None, every: int = PROGRESS_EVERY
) -> None:
    """The five sheets, in the order the organiser reads them, with full personal data and
    what `results.disclosure` allows of scores, ranks and times; `progress` hears the count of
    ranking rows written, every `every` rows."""
    mark, shows = results.mark, results.disclosure
    book = FastExcel(out if not results.stamp.published else (buffer := io.BytesIO()))
    book.freeze(row=2 if mark else 1)
    sheets: tuple[tuple[str, Sequence[Column], Rows], ...] = (
        (WINNERS_SHEET, WINNER_COLUMNS, lambda: winner_rows(results)),
        (
            COLLECTIVE_WINNERS_SHEET,
            COLLECTIVE_PRIZE_COLUMNS,
            lambda: collective_prize_rows(results),
        ),
        (RANKING_SHEET, ranking_columns(results), lambda: ranking_rows(results)),
        (
            WARDS_SHEET,
            group_columns("Phường"),
            lambda: group_rows(results.wards, shows, awards_by_key(results.collective.get("ward"))),
        ),
        (
            ORGANISATIONS_SHEET,
            group_columns("Cơ quan, đơn vị"),
            lambda: group_rows(
                results.organisations,
                shows,
                awards_by_key(results.collective.get("organisation")),
            ),
        ),
    )
    for title, columns, rows in sheets:
        counts = (progress, every) if progress is not None and title == RANKING_SHEET else None
        _add_sheet(book, title, columns, rows, mark, counts)
    book.save()
    if results.stamp.published:
        stamp = results.stamp
        description = f"Bản công bố số {stamp.sequence}, mã kiểm tra SHA-256 {stamp.digest}"
        _with_description(buffer.getvalue(), description, out)


def _with_description(package: bytes, description: str, out: BinaryIO) -> None:
    """The workbook again, its document properties carrying `description` (the Rust writer
    sets no properties); the other parts are copied as they are."""
    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:description>{escape(description)}</dc:description></cp:coreProperties>"
    )
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = core.encode() if item.filename == "docProps/core.xml" else source.read(item)
            target.writestr(item.filename, data)


def write_table(
    out: BinaryIO,
    sheet: str,
    columns: Sequence[Column],
    rows: Iterable[list[Value]],
    mark: str = "",
) -> None:
    """One sheet of rows under a bold, frozen, filtered header, through the same guard;
    `mark` (a provisional file's) above the header and on every printed page."""
    table = list(rows)  # a table for one unit: small, and read twice
    book = FastExcel(out).freeze(row=2 if mark else 1)
    _add_sheet(book, sheet, columns, lambda: table, mark)
    book.save()
