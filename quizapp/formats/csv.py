"""CSV for a Vietnamese spreadsheet: UTF-8 with a BOM, `;` between fields, decimal comma,
phone and CCCD numbers kept as text, risky text guarded.

A spreadsheet set to vi-VN (Excel or LibreOffice) splits a CSV on its list separator, `;`
(the comma is its decimal mark), reads "100.5" as text or as 1005, and turns "0913579246"
into the number 913579246. So decimals are written "100,5", and digit-only text (phones,
CCCD) is written in spaced groups — "0913 579 246", "079 131 864 205" — which no spreadsheet
takes for a number. tests/integration/test_csv_libreoffice.py opens such a file in
LibreOffice with the vi-VN locale and checks the cells. The XLSX download needs none of
this, which is why the console offers it first.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import BinaryIO

from ..domain.results import Results
from .rows import (
    COLLECTIVE_PRIZE_COLUMNS,
    PROGRESS_EVERY,
    Column,
    Progress,
    Value,
    collective_prize_rows,
    counted,
    headers,
    ranking_columns,
    ranking_rows,
)
from .sheets import csv_text

MIMETYPE = "text/csv"
# Excel reads a CSV as the local code page unless it starts with the UTF-8 byte order mark.
ENCODING = "utf-8-sig"
DELIMITER = ";"
PHONE_LENGTH = 10


def group_digits(digits: str) -> str:
    """0913 579 246 for a 10-digit phone, else groups of three: 079 131 864 205."""
    if len(digits) == PHONE_LENGTH:
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
    return " ".join(digits[i : i + 3] for i in range(0, len(digits), 3))


def vi_cell(value: Value) -> str:
    """One field as a vi-VN spreadsheet should read it back."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = f"{value:.6f}".rstrip("0").rstrip(".")
        return text.replace(".", ",")
    if value.isascii() and value.isdigit() and len(value) > 1:
        return group_digits(value)
    return str(csv_text(value))


COLLECTIVE_TITLE = "GIẢI TẬP THỂ"


def write_table(
    out: BinaryIO,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Value]],
    mark: str = "",
    progress: Progress | None = None,
    every: int = PROGRESS_EVERY,
    after: tuple[str, Sequence[Column], Sequence[Sequence[Value]]] | None = None,
) -> None:
    """Header, then one line per row, written as it is produced; `progress` hears the count
    of rows written every `every` rows (nothing wraps the rows without it). `after` (title,
    columns, rows) is a second, small table below an empty line."""
    if progress is not None:
        rows = counted(rows, progress, every)
    text = io.TextIOWrapper(out, encoding=ENCODING, newline="")
    try:
        writer = csv.writer(text, delimiter=DELIMITER, lineterminator="\r\n")
        if mark:
            writer.writerow([mark])  # a draft says so before its header
        writer.writerow([vi_cell(h) for h in headers(columns)])
        for row in rows:
            writer.writerow([vi_cell(value) for value in row])
        if after is not None:
            title, more_columns, more_rows = after
            writer.writerows([[], [vi_cell(title)], [vi_cell(h) for h in headers(more_columns)]])
            writer.writerows([vi_cell(value) for value in row] for row in more_rows)
        text.flush()
    finally:
        # Leave `out` open for the caller (a response buffer or a file it owns).
        text.detach()


def write_ranking(
    results: Results, out: BinaryIO, progress: Progress | None = None, every: int = PROGRESS_EVERY
) -> None:
    """The full personal ranking (personal data in full; scores, ranks and times as
    `results.disclosure` allows); `progress` counts its rows. The collective prizes follow
    below it, when the round has any."""
    columns, rows = ranking_columns(results), ranking_rows(results)
    prizes = list(collective_prize_rows(results))
    after = (COLLECTIVE_TITLE, COLLECTIVE_PRIZE_COLUMNS, prizes) if prizes else None
    write_table(out, columns, rows, results.mark, progress, every, after)
