"""The ranking policy as tables: every tie case, best attempts, the separating key."""

import pytest

from quizapp.domain.ranking import (
    DEFAULT_POLICY,
    Entry,
    PolicyError,
    best_attempts,
    parse_policy,
    rank,
    separating_key,
)


def e(
    pid: int,
    score: int,
    time: int,
    pred: int | None = None,
    attempts: int = 1,
    submitted: int = 0,
    attempt_id: int | None = None,
) -> Entry:
    return Entry(pid, attempt_id or pid, score, time, pred, attempts, submitted)


@pytest.mark.parametrize(
    ("entries", "policy", "expected"),
    [
        # equal score, different time: faster first
        ([e(1, 9, 500), e(2, 9, 400)], DEFAULT_POLICY, [(2, 1), (1, 2)]),
        # higher score beats faster time
        ([e(1, 10, 900), e(2, 9, 100)], DEFAULT_POLICY, [(1, 1), (2, 2)]),
        # equal score and time: prediction decides
        ([e(1, 9, 400, pred=30), e(2, 9, 400, pred=3)], DEFAULT_POLICY, [(2, 1), (1, 2)]),
        # no prediction ranks after any prediction
        ([e(1, 9, 400, pred=None), e(2, 9, 400, pred=500)], DEFAULT_POLICY, [(2, 1), (1, 2)]),
        # everything equal but submission: earlier first
        (
            [e(1, 9, 400, 3, submitted=20), e(2, 9, 400, 3, submitted=10)],
            DEFAULT_POLICY,
            [(2, 1), (1, 2)],
        ),
        # fully equal: same rank, next rank skips
        (
            [e(1, 9, 400, 3, submitted=5), e(2, 9, 400, 3, submitted=5), e(3, 8, 1)],
            DEFAULT_POLICY,
            [(1, 1), (2, 1), (3, 3)],
        ),
        # score -> time -> fewer attempts
        (
            [e(1, 9, 400, attempts=2, submitted=1), e(2, 9, 400, attempts=1, submitted=9)],
            ("score", "time", "attempts", "submitted"),
            [(2, 1), (1, 2)],
        ),
        # prediction first
        (
            [e(1, 10, 100, pred=50), e(2, 5, 900, pred=1)],
            ("prediction", "time", "submitted"),
            [(2, 1), (1, 2)],
        ),
        ([], DEFAULT_POLICY, []),
    ],
)
def test_rank_tie_cases(entries, policy, expected) -> None:
    assert [(r.entry.participant_id, r.rank) for r in rank(entries, policy)] == expected


def test_best_attempt_uses_the_same_policy() -> None:
    attempts = [
        e(1, 8, 100, attempt_id=10),
        e(1, 9, 900, attempt_id=11),
        e(1, 9, 800, attempt_id=12),
        e(2, 5, 5, attempt_id=13),
    ]
    best = {b.participant_id: b.attempt_id for b in best_attempts(attempts, DEFAULT_POLICY)}
    assert best == {1: 12, 2: 13}


def test_equal_attempts_keep_the_earliest_attempt() -> None:
    attempts = [e(1, 9, 900, submitted=5, attempt_id=21), e(1, 9, 900, submitted=5, attempt_id=20)]
    assert best_attempts(attempts, DEFAULT_POLICY)[0].attempt_id == 20


@pytest.mark.parametrize(
    ("above", "below", "key"),
    [
        (e(1, 10, 5), e(2, 9, 1), "score"),
        (e(1, 9, 5), e(2, 9, 6), "time"),
        (e(1, 9, 5, 1), e(2, 9, 5, 2), "prediction"),
        (e(1, 9, 5, 1, submitted=1), e(2, 9, 5, 1, submitted=2), "submitted"),
        (e(1, 9, 5, 1, submitted=1), e(2, 9, 5, 1, submitted=1), None),
    ],
)
def test_separating_key(above: Entry, below: Entry, key: str | None) -> None:
    assert separating_key(above, below, DEFAULT_POLICY) == key


@pytest.mark.parametrize("text", ["", "score,score", "score,luck", "speed"])
def test_bad_policies_are_refused(text: str) -> None:
    with pytest.raises(PolicyError):
        parse_policy(text)
