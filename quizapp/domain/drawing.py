"""Drawing an attempt's questions: quotas by topic and difficulty, then shuffles."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from .bank_validity import Span
from .formatting import DIFFICULTY_LABELS


@dataclass(frozen=True)
class Candidate:
    """A question version that may be drawn."""

    version_id: int
    topic: str
    difficulty: str
    choice_count: int
    shuffle: bool = True
    external_id: str = ""
    # The days its basis documents hold it up; when the law watch put it under review; when
    # its key became public (practice, a published review).
    span: Span = field(default_factory=Span)
    review_since: datetime | None = None
    key_public_at: datetime | None = None


@dataclass(frozen=True)
class DrawWindow:
    """What a round may draw: questions valid on every day from first_day to last_day, and
    free of the marks (under review, key public) set before `marks_before` (a round that was
    already open when a mark was set keeps drawing the question: its quotas were met)."""

    first_day: date
    last_day: date
    marks_before: datetime
    allow_public_keys: bool = False

    def exclusion(self, candidate: Candidate) -> str | None:
        """Why this round may not draw the candidate (None: it may)."""
        problem = candidate.span.problem(self.first_day, self.last_day)
        if problem:
            return problem
        review = candidate.review_since
        if review is not None and review <= self.marks_before:
            return "cần rà soát (luật có thay đổi)"
        public = candidate.key_public_at
        if not self.allow_public_keys and public is not None and public <= self.marks_before:
            return "đáp án đã công khai"
        return None


def eligible(candidates: Sequence[Candidate], window: DrawWindow) -> list[Candidate]:
    return [c for c in candidates if window.exclusion(c) is None]


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


MAX_LISTED = 30


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


def window_problems(
    candidates: Sequence[Candidate], quotas: Sequence[Quota], total: int, window: DrawWindow
) -> list[str]:
    """`quota_problems` of the questions the window allows; a quota that falls short also
    lists the questions left out and why."""
    usable = eligible(candidates, window)
    problems = quota_problems(usable, quotas, total)
    if not problems:
        return []
    left_out = [(c, why) for c in candidates if (why := window.exclusion(c))]
    short = [q for q in quotas if sum(q.matches(c) for c in usable) < q.count]
    for quota in short or [Quota(total)]:
        items = [
            f"{c.external_id or c.version_id} ({why})" for c, why in left_out if quota.matches(c)
        ]
        if items:
            more = f" và {len(items) - MAX_LISTED} câu khác" if len(items) > MAX_LISTED else ""
            problems.append(
                f"Câu không dùng được cho cơ cấu “{quota.describe()}” trong thời gian đợt thi: "
                + "; ".join(items[:MAX_LISTED])
                + f"{more}."
            )
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
    return draw_from(pools(candidates, quotas, total), rng, shuffle_questions, shuffle_choices)


Pools = tuple[tuple[int, tuple[Candidate, ...]], ...]  # (how many, from which) per quota, rest last


def pools(candidates: Sequence[Candidate], quotas: Sequence[Quota], total: int) -> Pools:
    """The quotas checked against the bank once, each with the candidates it matches: what every
    start of a round draws from (services.round_queries keeps them per round)."""
    problems = quota_problems(candidates, quotas, total)
    if problems:
        raise DrawError(" ".join(problems))
    steps = [*quotas, Quota(count=total - sum(q.count for q in quotas))]
    return tuple((q.count, tuple(c for c in candidates if q.matches(c))) for q in steps)


def draw_from(
    prepared: Pools, rng: random.Random, shuffle_questions: bool, shuffle_choices: bool
) -> list[Drawn]:
    """`draw` from prepared pools: the same draw for the same seed."""
    chosen: list[Candidate] = []
    taken: set[int] = set()
    for count, matching in prepared:
        pool = [c for c in matching if c.version_id not in taken]
        picked = rng.sample(pool, count)
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
