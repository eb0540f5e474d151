"""Dates in Vietnam's time as dd/mm/yyyy; numbers grouped the Vietnamese way."""

from datetime import UTC, datetime

import pytest

from quizapp.domain.formatting import (
    format_date,
    format_datetime,
    format_number,
    format_time_left,
)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 1, 1, 0, 0, tzinfo=UTC), "01/01/2026 07:00"),
        (datetime(2025, 12, 31, 17, 30, tzinfo=UTC), "01/01/2026 00:30"),
        (None, ""),
    ],
)
def test_format_datetime(moment: datetime | None, expected: str) -> None:
    assert format_datetime(moment) == expected


def test_format_date_crosses_midnight_in_vietnam() -> None:
    assert format_date(datetime(2025, 12, 31, 18, 0, tzinfo=UTC)) == "01/01/2026"


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError):
        format_datetime(datetime(2026, 1, 1))


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0, 0, "0"),
        (1234, 0, "1.234"),
        (1234567, 0, "1.234.567"),
        (1234.5, 1, "1.234,5"),
        (0.25, 2, "0,25"),
        (None, 0, ""),
    ],
)
def test_format_number(value: float | None, decimals: int, expected: str) -> None:
    assert format_number(value, decimals) == expected


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0, "dưới 1 phút"),
        (59.9, "dưới 1 phút"),
        (60, "1 phút"),
        (3_599, "59 phút"),
        (3_600, "1 giờ"),
        (3_660, "1 giờ 1 phút"),
        (86_399, "23 giờ 59 phút"),
        (86_400, "1 ngày"),
        (86_400 + 59 * 60, "1 ngày"),
        (13 * 86_400 + 23 * 3_600 + 59 * 60, "13 ngày 23 giờ"),
        (2 * 86_400 + 5 * 60, "2 ngày"),
    ],
)
def test_format_time_left_shows_two_units_rounded_down(seconds: float, expected: str) -> None:
    assert format_time_left(seconds) == expected
