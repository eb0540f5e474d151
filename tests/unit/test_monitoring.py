"""The live monitor's rules as tables: the next step of each state, counts per minute."""

from datetime import UTC, datetime, timedelta

import pytest

from quizapp.domain.lifecycle import Status
from quizapp.domain.monitoring import next_step, per_minute

NOW = datetime(2026, 11, 20, 3, 7, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "key"),
    [
        (Status.DRAFT, "open"),
        (Status.OPEN, "close"),
        (Status.CLOSED, "review"),
        (Status.REVIEW, "publish"),
        (Status.PUBLISHED, "results"),
        (Status.ARCHIVED, "results"),
    ],
)
def test_every_state_has_a_next_step(status: Status, key: str) -> None:
    assert next_step(status).key == key


def at(minutes: float) -> datetime:
    return NOW - timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("starts", "submits", "expected_starts", "expected_submits"),
    [
        ([], [], [0, 0, 0], [0, 0, 0]),
        ([at(0), at(0.4)], [at(0.2)], [0, 0, 2], [0, 0, 1]),  # 03:07:30 and 03:07:06
        ([at(1)], [at(2), at(1.4)], [0, 1, 0], [1, 1, 0]),  # 03:06:30; 03:05:30 and 03:06:06
        ([at(3), at(-1)], [], [0, 0, 0], [0, 0, 0]),  # before the window; in the future
    ],
)
def test_per_minute_buckets_the_last_minutes(
    starts: list[datetime],
    submits: list[datetime],
    expected_starts: list[int],
    expected_submits: list[int],
) -> None:
    minutes = per_minute(starts, submits, NOW, minutes=3)
    assert [m.start.strftime("%H:%M") for m in minutes] == ["03:05", "03:06", "03:07"]
    assert [m.starts for m in minutes] == expected_starts
    assert [m.submits for m in minutes] == expected_submits
