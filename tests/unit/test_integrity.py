"""Integrity flags as tables."""

import pytest

from quizapp.domain.integrity import (
    AttemptFacts,
    PersonFacts,
    default_too_fast_seconds,
    flags,
    too_fast,
)


def a(
    pid: int,
    score: int = 10,
    time_ms: int = 300_000,
    device: str | None = None,
    ip: str | None = None,
) -> AttemptFacts:
    return AttemptFacts(pid, score, 10, time_ms, device, ip)


def test_fast_perfect_attempts_are_flagged_only_when_perfect_and_fast() -> None:
    found = flags([a(1, time_ms=20_000), a(2, score=9, time_ms=5_000), a(3, time_ms=30_000)], [])
    assert set(found) == {1}
    assert "đúng hết 10 câu trong 20,0 giây" in found[1][0]  # the Vietnamese decimal comma


def test_many_accounts_from_one_device_or_address() -> None:
    attempts = [
        a(1, device="x"),
        a(2, device="x"),
        a(3, device="x"),
        a(4, device="y"),
        a(5, ip="1.2.3.4"),
        a(6, ip="1.2.3.4"),
    ]
    found = flags(attempts, [])
    assert set(found) == {1, 2, 3}
    assert found[1] == ["3 tài khoản cùng thiết bị"]


def test_same_person_on_two_accounts() -> None:
    people = [
        PersonFacts(1, "Nguyễn Văn An", 1990, 7),
        PersonFacts(2, "nguyễn  văn an", 1990, 7),
        PersonFacts(3, "Nguyễn Văn An", 1991, 7),
    ]
    found = flags([], people)
    assert set(found) == {1, 2}
    assert found[1] == ["trùng họ tên, năm sinh và phường với 1 tài khoản khác"]


def test_nothing_to_flag() -> None:
    assert (
        flags([a(1), a(2)], [PersonFacts(1, "A B", 1990, 1), PersonFacts(2, "C D", 1990, 1)]) == {}
    )


@pytest.mark.parametrize(
    ("questions", "limit", "expected"),
    [
        (20, 900, 90),  # a tenth of 15 minutes beats 4 s × 20
        (30, 900, 120),  # 4 s per question beats a tenth
        (10, 60, 30),  # capped at half of a short limit
        (5, 600, 60),
        (1, 1, 1),  # never below one second
        (50, 3600, 360),
    ],
)
def test_default_too_fast_threshold(questions: int, limit: int, expected: int) -> None:
    assert default_too_fast_seconds(questions, limit) == expected


@pytest.mark.parametrize(
    ("used_ms", "threshold", "expected"),
    [(59_999, 60, True), (60_000, 60, False), (60_001, 60, False), (0, 1, True)],
)
def test_too_fast_is_strictly_below_the_threshold(
    used_ms: int, threshold: int, expected: bool
) -> None:
    assert too_fast(used_ms, threshold) is expected


@pytest.mark.parametrize(
    ("time_ms", "score", "threshold", "expected"),
    [
        (45_000, 3, 60, ["làm quá nhanh: nộp bài sau 45,0 giây (ngưỡng 60 giây)"]),
        (61_500, 10, 60, []),
        (45_000, 3, None, []),  # no threshold given: the rule is off
        (
            12_500,
            10,
            60,
            [
                "làm quá nhanh: nộp bài sau 12,5 giây (ngưỡng 60 giây)",
                "đúng hết 10 câu trong 12,5 giây (dưới 3 giây mỗi câu)",
            ],
        ),
    ],
)
def test_too_fast_flags_sit_beside_the_others(
    time_ms: int, score: int, threshold: int | None, expected: list[str]
) -> None:
    found = flags([a(1, score=score, time_ms=time_ms)], [], too_fast_seconds=threshold)
    assert found.get(1, []) == expected
