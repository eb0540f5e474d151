"""Plain helpers the test layers share (fixtures live in conftest.py): races and workbooks."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import openpyxl

T = TypeVar("T")
RACE_TIMEOUT = 30


def race(work: Callable[[int], T], threads: int) -> list[T | str]:
    """Run work(0..threads-1) in threads released together; an exception becomes its repr."""
    barrier = threading.Barrier(threads)

    def one(i: int) -> T | str:
        barrier.wait(RACE_TIMEOUT)
        try:
            return work(i)
        except Exception as exc:  # any failure is a finding, reported by the test
            return f"error: {exc!r}"

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(one, range(threads)))


def workbook(sheet: str, header: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    """An .xlsx as an organiser would upload it: one sheet named `sheet`, `header`, then `rows`."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
