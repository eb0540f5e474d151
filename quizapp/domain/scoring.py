"""Scoring an attempt (which attempt counts is the ranking policy's: domain/ranking.py)."""

from __future__ import annotations

from collections.abc import Sequence


def grade(correct: Sequence[int], chosen: Sequence[int | None]) -> list[bool]:
    """Per drawn question: True when the saved choice is the correct one (unanswered is wrong)."""
    if len(correct) != len(chosen):
        raise ValueError("one saved choice (or None) per drawn question")
    return [c is not None and c == k for k, c in zip(correct, chosen, strict=True)]


def score(marks: Sequence[bool]) -> int:
    """One point per correct answer."""
    return sum(marks)
