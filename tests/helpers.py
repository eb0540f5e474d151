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


def finalise(app, round_id: int, now) -> None:
    """Run the scheduled close of a round past its close time and start its review: from then
    on its result is final and the key may be shown."""
    from quizapp.extensions import db
    from quizapp.models import Round
    from quizapp.services import lifecycle

    with app.app_context():
        rnd = db.session.get(Round, round_id)
        if rnd.status == "open":
            lifecycle.close_round(None, rnd, now, "kết thúc để xét duyệt", confirmed=True)
        lifecycle.start_review(None, rnd, now)
        db.session.commit()


def statements_during(app, call: Callable[[], T]) -> tuple[T, list[str]]:
    """What `call` sent to the app's database, whitespace collapsed; transaction control left
    out (SQLite's BEGIN IMMEDIATE, savepoints), so the counts are the same on both dialects."""
    from sqlalchemy import event

    from quizapp.extensions import db

    seen: list[str] = []

    def listener(conn, cursor, statement, *rest) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            seen.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        result = call()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return result, seen
