"""Drawing, timing and scoring rules as tables; `now` is always passed in."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from quizapp.domain.drawing import Candidate, DrawError, Quota, draw, quota_problems
from quizapp.domain.scoring import grade, score
from quizapp.domain.timing import (
    RoundState,
    accepts_answers,
    attempt_deadline,
    is_overdue,
    remaining_seconds,
    round_state,
    time_used_ms,
)

T0 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def bank(n_per: int = 5) -> list[Candidate]:
    out, vid = [], 0
    for topic in ("a", "b"):
        for difficulty in ("easy", "medium", "hard"):
            for _ in range(n_per):
                vid += 1
                out.append(Candidate(vid, topic, difficulty, 4, shuffle=vid % 7 != 0))
    return out


def test_quotas_are_met_and_no_question_repeats() -> None:
    candidates = bank()
    quotas = [Quota(3, topic="a"), Quota(2, difficulty="hard"), Quota(1, "b", "easy")]
    for seed in range(50):
        drawn = draw(candidates, quotas, 10, random.Random(seed))
        by_id = {c.version_id: c for c in candidates}
        picked = [by_id[d.version_id] for d in drawn]
        assert len(picked) == 10 and len({c.version_id for c in picked}) == 10
        assert sum(c.topic == "a" for c in picked) >= 3
        assert sum(c.difficulty == "hard" for c in picked) >= 2


def test_same_seed_same_draw_and_different_seeds_differ() -> None:
    candidates = bank()
    first = draw(candidates, [], 10, random.Random("s1"))
    assert first == draw(candidates, [], 10, random.Random("s1"))
    assert any(draw(candidates, [], 10, random.Random(f"s{i}")) != first for i in range(2, 6))


def test_choice_order_respects_round_and_question_shuffle_flags() -> None:
    candidates = bank()
    fixed = {c.version_id for c in candidates if not c.shuffle}
    for seed in range(20):
        for d in draw(candidates, [], 30, random.Random(seed)):
            assert sorted(d.choice_order) == [0, 1, 2, 3]
            if d.version_id in fixed:
                assert d.choice_order == (0, 1, 2, 3)
    for d in draw(candidates, [], 30, random.Random(1), shuffle_choices=False):
        assert d.choice_order == (0, 1, 2, 3)


def test_unshuffled_questions_follow_quota_order() -> None:
    drawn = draw(bank(), [Quota(2, topic="b")], 2, random.Random(3), shuffle_questions=False)
    assert all(d.version_id > 15 for d in drawn)


@pytest.mark.parametrize(
    ("quotas", "total", "fragment"),
    [
        ([Quota(6, topic="a", difficulty="easy")], 10, "chỉ còn 5"),
        ([Quota(8, topic="a"), Quota(8, topic="b")], 10, "vượt quá"),
        ([], 31, "ít hơn 31"),
    ],
)
def test_impossible_quotas_are_explained(quotas: list[Quota], total: int, fragment: str) -> None:
    assert any(fragment in p for p in quota_problems(bank(), quotas, total))
    with pytest.raises(DrawError):
        draw(bank(), quotas, total, random.Random(0))


@pytest.mark.parametrize(
    ("status", "now", "expected"),
    [
        ("draft", T0, RoundState.NOT_OPEN),
        ("open", T0 - timedelta(seconds=1), RoundState.NOT_OPEN),
        ("open", T0, RoundState.OPEN),
        ("open", T0 + timedelta(days=1) - timedelta(seconds=1), RoundState.OPEN),
        ("open", T0 + timedelta(days=1), RoundState.CLOSED),
        ("closed", T0 + timedelta(hours=1), RoundState.CLOSED),
        ("published", T0 + timedelta(hours=1), RoundState.CLOSED),
    ],
)
def test_round_state(status: str, now: datetime, expected: RoundState) -> None:
    assert round_state(status, T0, T0 + timedelta(days=1), now) is expected


@pytest.mark.parametrize(
    ("started", "limit", "closes", "expected"),
    [
        (T0, 600, T0 + timedelta(hours=1), T0 + timedelta(seconds=600)),
        (T0, 600, T0 + timedelta(seconds=120), T0 + timedelta(seconds=120)),
    ],
)
def test_deadline_is_capped_by_the_round_close(started, limit, closes, expected) -> None:
    assert attempt_deadline(started, limit, closes) == expected


@pytest.mark.parametrize(
    ("offset", "accepts"), [(-1, True), (0, True), (30, True), (31, False), (600, False)]
)
def test_grace_window(offset: int, accepts: bool) -> None:
    now = T0 + timedelta(seconds=offset)
    assert accepts_answers(T0, 30, now) is accepts
    assert is_overdue(T0, 30, now) is not accepts


@pytest.mark.parametrize(
    ("now", "expected"), [(T0 - timedelta(seconds=90.9), 90), (T0, 0), (T0 + timedelta(1), 0)]
)
def test_remaining_seconds_never_negative(now: datetime, expected: int) -> None:
    assert remaining_seconds(T0, now) == expected


def test_time_used_never_exceeds_the_deadline() -> None:
    start = T0 - timedelta(minutes=10)
    assert time_used_ms(start, T0 - timedelta(minutes=5), T0) == 300_000
    assert time_used_ms(start, T0 + timedelta(seconds=20), T0) == 600_000


@pytest.mark.parametrize(
    ("correct", "chosen", "marks"),
    [
        ([0, 1, 2], [0, 1, 2], [True, True, True]),
        ([0, 1, 2], [None, 1, 0], [False, True, False]),
        ([3], [None], [False]),
    ],
)
def test_grade(correct: list[int], chosen: list[int | None], marks: list[bool]) -> None:
    assert grade(correct, chosen) == marks
    assert score(marks) == sum(marks)
