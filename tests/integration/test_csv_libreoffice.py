"""The CSV export opened in a real spreadsheet set to Vietnamese: LibreOffice Calc, headless.

A vi-VN spreadsheet splits on `;` and reads `,` as the decimal mark. The file is converted
to XLSX by LibreOffice with the vi-VN locale (language 1066) and read back cell by cell:
phone and CCCD must keep their leading zero as text, a decimal must stay a number, the
diacritics must survive and a formula must stay text.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from quizapp.formats import csv as csv_export
from quizapp.formats.rows import Column

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
REQUIRED = os.environ.get("QUIZAPP_TEST_REQUIRE_LIBREOFFICE") == "1"
# Field separator 59 (;), text delimiter 34 ("), charset 76 (UTF-8), from line 1, standard
# column types, language 1066 (vi-VN): what a Vietnamese Excel or Calc applies on opening.
VI_VN_CSV = "CSV:59,34,76,1,,1066"

pytestmark = pytest.mark.skipif(
    SOFFICE is None and not REQUIRED, reason="LibreOffice (libreoffice-calc) is not installed"
)

COLUMNS = (
    Column("Họ và tên", 20),
    Column("Số điện thoại", 14),
    Column("Số CCCD", 15),
    Column("Năm sinh", 8),
    Column("Thời gian làm bài (giây)", 10),
    Column("Điểm trung bình", 8),
    Column("Ghi chú", 10),
)
ROWS = [
    ["Nguyễn Thị Ánh Tuyết", "0913579246", "079131864205", 1951, 100.5, 12.345, None],
    ["Lê Văn Đức", "0356284917", None, 1988, 61.234, 7.0, "=1+2"],
]


def open_in_calc(csv_bytes: bytes, folder: Path) -> openpyxl.Workbook:
    """Let LibreOffice read the CSV as a vi-VN spreadsheet would, then save it as XLSX."""
    assert SOFFICE is not None, "install libreoffice-calc (CI requires it)"
    source = folder / "xep-hang.csv"
    source.write_bytes(csv_bytes)
    profile = (folder / "lo-profile").as_uri()
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            f"--infilter={VI_VN_CSV}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(folder / "out"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    )
    return openpyxl.load_workbook(folder / "out" / "xep-hang.xlsx")


def test_calc_in_vietnamese_keeps_phones_as_text_and_decimals_as_numbers(tmp_path: Path) -> None:
    out = io.BytesIO()
    csv_export.write_table(out, COLUMNS, ROWS)
    sheet = open_in_calc(out.getvalue(), tmp_path).active
    header, first, second = ([c.value for c in row] for row in sheet.iter_rows(max_row=3))
    assert header == [c.header for c in COLUMNS]
    assert first[0] == "Nguyễn Thị Ánh Tuyết"
    # Text, leading zero kept (spaces are the only change; the app's phone rule strips them).
    assert first[1] == "0913 579 246" and first[2] == "079 131 864 205"
    assert second[1].replace(" ", "") == "0356284917" and second[2] is None
    assert first[3] == 1951 and isinstance(first[3], int | float)
    assert first[4] == pytest.approx(100.5) and second[4] == pytest.approx(61.234)
    assert first[5] == pytest.approx(12.345) and second[5] == 7
    assert second[6] == "'=1+2"  # the guard's quote: shown as text, never run


def test_the_comma_separated_file_it_replaces_did_break(tmp_path: Path) -> None:
    """The old export (`,` and "100.5"), read the same way: the failure this fixes."""
    old = "Họ và tên,Số điện thoại,Thời gian\r\nLê Văn Đức,0356284917,100.5\r\n"
    sheet = open_in_calc(b"\xef\xbb\xbf" + old.encode(), tmp_path).active
    row = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert row[0] == "Lê Văn Đức,0356284917,100.5"  # one cell: `;` is the separator
