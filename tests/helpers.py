"""Plain helpers the test layers share (fixtures live in conftest.py): races."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

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
