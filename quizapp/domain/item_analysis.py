"""Item analysis of a round's questions: difficulty, choice spread, discrimination and flags.

Everything here works on sums the database can compute with one GROUP BY per question version
(x = 1 when the attempt answered this item correctly, y = the attempt's score minus x, the
"rest of the test"), so a round with a million attempts never reaches Python row by row.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Kelley's upper and lower groups: the best and the worst 27 % of the finished attempts.
TAIL_PERCENT = 27
# Flags are only raised once this many finished attempts have seen the question.
MIN_FLAG_N = 20
LOW_P = 0.2
# A distractor almost nobody picks does no work: flagged once enough takers have seen it.
WEAK_DISTRACTOR_SHARE = 0.05
MIN_DISTRACTOR_N = 100

TOO_HARD = "too_hard"
NEGATIVE_DISCRIMINATION = "negative_discrimination"
DISTRACTOR_BEATS_KEY = "distractor_beats_key"
WEAK_DISTRACTOR = "weak_distractor"
FLAG_LABELS = {
    TOO_HARD: "Rất ít người trả lời đúng (dưới 20 %): đáp án có thể sai",
    NEGATIVE_DISCRIMINATION: "Độ phân biệt âm: người có điểm cao lại hay trả lời sai",
    DISTRACTOR_BEATS_KEY: "Một phương án sai được chọn nhiều hơn đáp án",
    WEAK_DISTRACTOR: "Có phương án nhiễu được dưới 5 % người dự thi chọn (trên ít nhất 100 lượt): "
    "nên thay bằng phương án hợp lý hơn",
}


@dataclass(frozen=True)
class ItemSums:
    """Per question version, over the finished attempts that drew it.

    `upper_*`/`lower_*` count the attempts of the round's upper and lower groups that drew it.
    """

    n: int = 0
    correct: int = 0  # Σx
    unanswered: int = 0
    sum_y: int = 0  # Σy
    sum_xy: int = 0  # Σxy
    sum_yy: int = 0  # Σy²
    upper_n: int = 0
    upper_correct: int = 0
    lower_n: int = 0
    lower_correct: int = 0


@dataclass(frozen=True)
class Observation:
    """One finished attempt's encounter with one item (for the plain-Python reference)."""

    correct: bool
    answered: bool
    score: int
    group: int = 0  # 1 upper group, -1 lower group, 0 neither


@dataclass(frozen=True)
class ItemAnalysis:
    """What the console shows for one question version in one round."""

    sums: ItemSums
    key: int
    choice_counts: tuple[int, ...]
    p: float | None
    unanswered_share: float | None
    choice_shares: tuple[float | None, ...]
    point_biserial: float | None
    upper_lower: float | None
    flags: tuple[str, ...]
    # Original indexes of the distractors chosen by under 5 % of at least 100 takers.
    weak_distractors: tuple[int, ...] = ()

    @property
    def n(self) -> int:
        return self.sums.n

    @property
    def flag_labels(self) -> list[str]:
        return [FLAG_LABELS[f] for f in self.flags]


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when nothing was counted."""
    return part / whole if whole else None


def tail_size(total: int) -> int:
    """Attempts in each of the upper and lower groups: 27 % of `total`, rounded half up.

    Never more than half, so the groups never overlap (0 for a single attempt).
    """
    return (total * TAIL_PERCENT + 50) // 100


def tail_group(position: int, total: int) -> int:
    """1 for the upper group, -1 for the lower, 0 otherwise; `position` is 1-based, best first."""
    k = tail_size(total)
    if position <= k:
        return 1
    if position > total - k:
        return -1
    return 0


def point_biserial(s: ItemSums) -> float | None:
    """Pearson correlation between x (0/1) and y from sums; None when either does not vary.

    With x binary Σx² = Σx, so r = (nΣxy − ΣxΣy) / √((nΣx − (Σx)²)(nΣy² − (Σy)²)).
    """
    var_x = s.n * s.correct - s.correct * s.correct
    var_y = s.n * s.sum_yy - s.sum_y * s.sum_y
    if s.n < 2 or var_x <= 0 or var_y <= 0:
        return None
    return (s.n * s.sum_xy - s.correct * s.sum_y) / math.sqrt(var_x * var_y)


def upper_lower_index(s: ItemSums) -> float | None:
    """Share correct in the upper group minus share correct in the lower group (−1 … 1)."""
    upper, lower = share(s.upper_correct, s.upper_n), share(s.lower_correct, s.lower_n)
    if upper is None or lower is None:
        return None
    return upper - lower


def flags_for(
    s: ItemSums, key: int, choice_counts: Sequence[int], r_pb: float | None
) -> tuple[str, ...]:
    """Signs of a broken question, raised only once MIN_FLAG_N attempts have seen it."""
    if s.n < MIN_FLAG_N:
        return ()
    found = []
    if s.correct / s.n < LOW_P:
        found.append(TOO_HARD)
    if r_pb is not None and r_pb < 0:
        found.append(NEGATIVE_DISCRIMINATION)
    key_count = choice_counts[key] if key < len(choice_counts) else 0
    if any(c > key_count for i, c in enumerate(choice_counts) if i != key):
        found.append(DISTRACTOR_BEATS_KEY)
    if weak_distractors(s, key, choice_counts):
        found.append(WEAK_DISTRACTOR)
    return tuple(found)


def weak_distractors(s: ItemSums, key: int, choice_counts: Sequence[int]) -> tuple[int, ...]:
    """Distractors chosen by under 5 % of the takers, once at least 100 have seen the item."""
    if s.n < MIN_DISTRACTOR_N:
        return ()
    return tuple(
        i for i, c in enumerate(choice_counts) if i != key and c < WEAK_DISTRACTOR_SHARE * s.n
    )


def analyse(s: ItemSums, key: int, choice_counts: Sequence[int]) -> ItemAnalysis:
    """The statistics of one item from its sums and its choice counts (by original index)."""
    counts = tuple(choice_counts)
    r_pb = point_biserial(s)
    return ItemAnalysis(
        sums=s,
        key=key,
        choice_counts=counts,
        p=share(s.correct, s.n),
        unanswered_share=share(s.unanswered, s.n),
        choice_shares=tuple(share(c, s.n) for c in counts),
        point_biserial=r_pb,
        upper_lower=upper_lower_index(s),
        flags=flags_for(s, key, counts, r_pb),
        weak_distractors=weak_distractors(s, key, counts),
    )


def accumulate(observations: Iterable[Observation]) -> ItemSums:
    """The sums of one item, from per-attempt observations (what the SQL GROUP BY computes)."""
    n = correct = unanswered = sy = sxy = syy = 0
    un = uc = ln = lc = 0
    for o in observations:
        x = int(o.correct)
        y = o.score - x
        n, correct, unanswered = n + 1, correct + x, unanswered + (not o.answered)
        sy, sxy, syy = sy + y, sxy + x * y, syy + y * y
        if o.group == 1:
            un, uc = un + 1, uc + x
        elif o.group == -1:
            ln, lc = ln + 1, lc + x
    return ItemSums(n, correct, unanswered, sy, sxy, syy, un, uc, ln, lc)
