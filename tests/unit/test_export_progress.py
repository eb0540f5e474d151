"""The writers report rows written (a background export's progress bar), and nothing else
changes: the same bytes with or without a listener; the threshold that sends a round's
export to the background."""

from __future__ import annotations

import io

import openpyxl
import pytest

from quizapp.formats import csv as csv_export
from quizapp.formats import rows, xlsx
from quizapp.services.export_jobs import runs_in_background
from tests.unit.test_exports import fake_results

NAMES = [f"Người thứ {n}" for n in range(1, 8)] + ["=HYPERLINK(1)"]


@pytest.mark.parametrize(
    ("every", "expected"), [(1, [1, 2, 3, 4, 5]), (2, [2, 4, 5]), (5, [5]), (9, [5])]
)
def test_counted_reports_every_n_rows_and_the_last(every: int, expected: list[int]) -> None:
    heard: list[int] = []
    assert list(rows.counted("abcde", heard.append, every)) == list("abcde")
    assert heard == expected


def test_counted_reports_nothing_for_no_rows() -> None:
    heard: list[int] = []
    assert list(rows.counted([], heard.append, 3)) == []
    assert heard == []


def test_csv_reports_rising_counts_and_writes_the_same_bytes() -> None:
    results = fake_results(NAMES)
    plain, heard, listened = io.BytesIO(), [], io.BytesIO()
    csv_export.write_ranking(results, plain)
    csv_export.write_ranking(results, listened, heard.append, every=3)
    assert heard == [3, 6, 8]
    assert listened.getvalue() == plain.getvalue()
    assert b"'=HYPERLINK(1)" in listened.getvalue()  # the guard still applies


def test_xlsx_reports_the_ranking_rows_as_they_are_written() -> None:
    results = fake_results(NAMES)
    heard: list[int] = []
    out = io.BytesIO()
    xlsx.write_results(results, out, heard.append, every=2)
    assert heard == [2, 4, 6, 8]  # the ranking sheet's rows, not the other sheets'
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue()))[xlsx.RANKING_SHEET]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "=HYPERLINK(1)")
    assert cell.data_type == "s" and cell.quotePrefix  # text, never a formula


@pytest.mark.parametrize(
    ("size", "background"), [(9_999, False), (10_000, False), (10_001, True), (0, False)]
)
def test_more_rows_than_the_limit_go_to_the_background(size: int, background: bool) -> None:
    assert runs_in_background(size, 10_000) is background


@pytest.mark.parametrize(
    ("status", "rows_done", "label"),
    [
        ("queued", 0, "Đang chờ tới lượt"),
        ("running", 0, "Đang đọc kết quả từ cơ sở dữ liệu"),  # the gather: no row written yet
        ("running", 5000, "Đang tạo tệp"),
        ("done", 10_001, "Đã xong, sẵn sàng tải về"),
        ("failed", 0, "Không tạo được tệp"),
    ],
)
def test_the_job_page_says_what_the_worker_is_doing(
    status: str, rows_done: int, label: str
) -> None:
    from datetime import timedelta

    from quizapp.models import ExportJob
    from quizapp.services.export_jobs import status_of
    from tests.conftest import FIXED_NOW

    job = ExportJob(
        id=1,
        fmt="xlsx",
        status=status,
        rows_done=rows_done,
        rows_total=10_001,
        expires_at=FIXED_NOW + timedelta(hours=1),
        error="",
    )
    assert status_of(job, FIXED_NOW)["status_label"].startswith(label)
