"""Integrity flags as tables."""

from quizapp.domain.integrity import AttemptFacts, PersonFacts, flags


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
    assert "đúng hết 10 câu trong 20.0 giây" in found[1][0]


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
    assert set(found) == {1, 2} and "#2" in found[1][0]


def test_nothing_to_flag() -> None:
    assert (
        flags([a(1), a(2)], [PersonFacts(1, "A B", 1990, 1), PersonFacts(2, "C D", 1990, 1)]) == {}
    )
