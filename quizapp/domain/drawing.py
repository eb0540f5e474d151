"""Drawing an attempt's questions: quotas by topic and difficulty, then shuffles."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from .formatting import DIFFICULTY_LABELS


@dataclass(frozen=True)
class Candidate:
    """A question version that may be drawn."""

    version_id: int
    topic: str
    difficulty: str
    choice_count: int
    shuffle: bool = True


@dataclass(frozen=True)
class Quota:
    """Draw `count` questions matching the topic and/or difficulty (None matches any)."""

    count: int
    topic: str | None = None
    difficulty: str | None = None

    def matches(self, candidate: Candidate) -> bool:
        return (self.topic is None or self.topic == candidate.topic) and (
            self.difficulty is None or self.difficulty == candidate.difficulty
        )

    def describe(self) -> str:
        level = DIFFICULTY_LABELS.get(self.difficulty or "", "").lower()  # never "hard"
        parts = [f"chủ đề {self.topic}" if self.topic else "", level]
        return ", ".join(p for p in parts if p) or "bất kỳ"


@dataclass(frozen=True)
class Drawn:
    """A drawn question: which version, and the order its original choices are shown in."""

    version_id: int
    choice_order: tuple[int, ...]


class DrawError(ValueError):
    """The bank cannot satisfy the round's quotas."""


def quota_problems(
    candidates: Sequence[Candidate], quotas: Sequence[Quota], total: int
) -> list[str]:
    """Why these quotas cannot be drawn from these candidates (empty when they can)."""
    problems = []
    if sum(q.count for q in quotas) > total:
        problems.append(f"Tổng số câu theo cơ cấu vượt quá số câu của đợt ({total}).")
    taken: set[int] = set()
    for quota in quotas:
        pool = [c for c in candidates if quota.matches(c) and c.version_id not in taken]
        if len(pool) < quota.count:
            problems.append(
                f"Cơ cấu “{quota.describe()}” cần {quota.count} câu nhưng ngân hàng chỉ còn "
                f"{len(pool)} câu phù hợp."
            )
        taken.update(c.version_id for c in pool[: quota.count])
    if len(candidates) < total:
        problems.append(f"Ngân hàng chỉ có {len(candidates)} câu, ít hơn {total} câu của đợt.")
    return problems


def draw(
    candidates: Sequence[Candidate],
    quotas: Sequence[Quota],
    total: int,
    rng: random.Random,
    shuffle_questions: bool = True,
    shuffle_choices: bool = True,
) -> list[Drawn]:
    """Fill each quota at random, then the rest from any remaining question; shuffle as asked.

    Choices keep their order when the round or the question says not to shuffle them.
    """
    problems = quota_problems(candidates, quotas, total)
    if problems:
        raise DrawError(" ".join(problems))
    chosen: list[Candidate] = []
    taken: set[int] = set()
    for quota in [*quotas, Quota(count=total - sum(q.count for q in quotas))]:
        pool = [c for c in candidates if quota.matches(c) and c.version_id not in taken]
        picked = rng.sample(pool, quota.count)
        chosen += picked
        taken.update(c.version_id for c in picked)
    if shuffle_questions:
        rng.shuffle(chosen)
    return [Drawn(c.version_id, _choice_order(c, rng, shuffle_choices)) for c in chosen]


def _choice_order(candidate: Candidate, rng: random.Random, shuffle: bool) -> tuple[int, ...]:
    order = list(range(candidate.choice_count))
    if shuffle and candidate.shuffle:
        rng.shuffle(order)
    return tuple(order)
