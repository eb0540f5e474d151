"""Scoring an attempt and choosing a participant's best attempt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


def grade(correct: Sequence[int], chosen: Sequence[int | None]) -> list[bool]:
    """Per drawn question: True when the saved choice is the correct one (unanswered is wrong)."""
    if len(correct) != len(chosen):
        raise ValueError("one saved choice (or None) per drawn question")
    return [c is not None and c == k for k, c in zip(correct, chosen, strict=True)]


def score(marks: Sequence[bool]) -> int:
    """One point per correct answer."""
    return sum(marks)


@dataclass(frozen=True)
class AttemptResult:
    attempt_id: int
    score: int
    time_used_ms: int
    submitted_at_ms: int
    prediction_error: int | None = None


def best_attempt(results: Sequence[AttemptResult]) -> AttemptResult | None:
    """The attempt that counts: highest score, then least time, closest prediction, earliest."""
    if not results:
        return None
    return min(
        results,
        key=lambda r: (
            -r.score,
            r.time_used_ms,
            r.prediction_error if r.prediction_error is not None else 0,
            r.submitted_at_ms,
        ),
    )
