"""The full ranking as CSV: UTF-8 with a BOM so Excel shows the diacritics, text guarded."""

from __future__ import annotations

import csv
import io
from typing import BinaryIO

from ..domain.results import Results
from .rows import headers, ranking_columns, ranking_rows
from .sheets import csv_text

MIMETYPE = "text/csv"
# Excel reads a CSV as the local code page unless it starts with the UTF-8 byte order mark.
ENCODING = "utf-8-sig"


def write_ranking(results: Results, out: BinaryIO) -> None:
    """Header, then one line per ranked participant, written as it is produced."""
    text = io.TextIOWrapper(out, encoding=ENCODING, newline="")
    try:
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(headers(ranking_columns(results)))
        for row in ranking_rows(results):
            writer.writerow([csv_text(value) for value in row])
        text.flush()
    finally:
        # Leave `out` open for the caller (a response buffer or a file it owns).
        text.detach()
