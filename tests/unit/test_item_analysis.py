"""Item analysis formulas on small data sets worked out by hand."""

import math
import random
import statistics

import pytest

from quizapp.domain import item_analysis as ia
from quizapp.domain.item_analysis import ItemSums, Observation


def sums_of(xs: list[int], ys: list[int]) -> ItemSums:
    """x = item correct, y = score on the rest of the test (everyone answered)."""
    return ia.accumulate(Observation(bool(x), True, x + y) for x, y in zip(xs, ys, strict=True))


@pytest.mark.parametrize(
    ("xs", "ys", "expected"),
    [
        # mean x 1/2, mean y 3/2: cov 2, Σ(x-x̄)² 1, Σ(y-ȳ)² 5 → 2/√5
        ([1, 1, 0, 0], [3, 2, 1, 0], 2 / math.sqrt(5)),
        ([0, 0, 1, 1], [3, 2, 1, 0], -2 / math.sqrt(5)),
        # perfectly aligned: r = 1
        ([1, 0], [4, 2], 1.0),
        # x̄ 1/3, ȳ 2: cov Σ(x-x̄)(y-ȳ) = (2/3)(0) + (-1/3)(1) + (-1/3)(-1) = 0
        ([1, 0, 0], [2, 3, 1], 0.0),
        # nobody right, everybody right, or no spread in the rest: undefined
        ([0, 0, 0], [1, 2, 3], None),
        ([1, 1, 1], [1, 2, 3], None),
        ([1, 0, 1], [2, 2, 2], None),
        ([1], [3], None),
        ([], [], None),
    ],
)
def test_point_biserial(xs: list[int], ys: list[int], expected: float | None) -> None:
    r = ia.point_biserial(sums_of(xs, ys))
    if expected is None:
        assert r is None
    else:
        assert r == pytest.approx(expected)


def test_sums_hold_what_the_formula_needs() -> None:
    s = sums_of([1, 1, 0, 0], [3, 2, 1, 0])
    assert (s.n, s.correct, s.sum_y, s.sum_xy, s.sum_yy) == (4, 2, 6, 5, 14)


def test_point_biserial_agrees_with_pearson_on_random_data() -> None:
    rng = random.Random(5)
    for _ in range(30):
        xs = [rng.randint(0, 1) for _ in range(40)]
        ys = [rng.randint(0, 19) + 3 * x for x in xs]
        assert ia.point_biserial(sums_of(xs, ys)) == pytest.approx(statistics.correlation(xs, ys))


@pytest.mark.parametrize(
    ("total", "size"),
    [(0, 0), (1, 0), (2, 1), (3, 1), (4, 1), (5, 1), (6, 2), (10, 3), (100, 27), (1000, 270)],
)
def test_tail_size_is_27_percent_rounded_half_up(total: int, size: int) -> None:
    assert ia.tail_size(total) == size
    assert 2 * ia.tail_size(total) <= total


@pytest.mark.parametrize(
    ("total", "groups"),
    [
        (1, [0]),
        (2, [1, -1]),
        (5, [1, 0, 0, 0, -1]),
        (10, [1, 1, 1, 0, 0, 0, 0, -1, -1, -1]),
    ],
)
def test_tail_groups_by_position(total: int, groups: list[int]) -> None:
    assert [ia.tail_group(p, total) for p in range(1, total + 1)] == groups


@pytest.mark.parametrize(
    ("sums", "expected"),
    [
        (ItemSums(upper_n=3, upper_correct=3, lower_n=3, lower_correct=0), 1.0),
        (ItemSums(upper_n=4, upper_correct=1, lower_n=2, lower_correct=1), -0.25),
        (ItemSums(upper_n=2, upper_correct=1, lower_n=2, lower_correct=1), 0.0),
        (ItemSums(upper_n=0, upper_correct=0, lower_n=2, lower_correct=1), None),
    ],
)
def test_upper_lower_index(sums: ItemSums, expected: float | None) -> None:
    assert ia.upper_lower_index(sums) == expected


def test_accumulate_counts_groups_and_blanks() -> None:
    s = ia.accumulate(
        [
            Observation(True, True, 5, group=1),
            Observation(False, True, 4, group=1),
            Observation(False, False, 1, group=-1),
            Observation(True, True, 3),
        ]
    )
    assert s == ItemSums(
        n=4,
        correct=2,
        unanswered=1,
        sum_y=4 + 4 + 1 + 2,
        sum_xy=4 + 0 + 0 + 2,
        sum_yy=16 + 16 + 1 + 4,
        upper_n=2,
        upper_correct=1,
        lower_n=1,
        lower_correct=0,
    )


def rising(n: int, correct: int) -> ItemSums:
    """n attempts; the `correct` best of them got this item right (positive discrimination)."""
    xs = [1] * correct + [0] * (n - correct)
    return sums_of(xs, [n - i for i in range(n)])


@pytest.mark.parametrize(
    ("sums", "key", "counts", "flags"),
    [
        # healthy: most right, the key is the most chosen, the best do better
        (rising(20, 15), 0, [15, 3, 1, 1], ()),
        # almost nobody right, with enough attempts
        (rising(20, 3), 0, [3, 2, 2, 2], (ia.TOO_HARD,)),
        # p = 0.2 exactly is not "below 0.2"
        (rising(20, 4), 0, [4, 4, 4, 4], ()),
        # too few attempts to judge: no flag at all
        (rising(19, 1), 0, [1, 18, 0, 0], ()),
        # a distractor beats the key
        (rising(20, 8), 2, [9, 1, 8, 2], (ia.DISTRACTOR_BEATS_KEY,)),
        # the weakest get it right: negative discrimination
        (
            sums_of([0] * 10 + [1] * 10, list(range(20, 0, -1))),
            0,
            [10, 10, 0, 0],
            (ia.NEGATIVE_DISCRIMINATION,),
        ),
        # all three at once
        (
            sums_of([0] * 17 + [1] * 3, list(range(20, 0, -1))),
            1,
            [17, 3, 0, 0],
            (ia.TOO_HARD, ia.NEGATIVE_DISCRIMINATION, ia.DISTRACTOR_BEATS_KEY),
        ),
    ],
)
def test_flags(sums: ItemSums, key: int, counts: list[int], flags: tuple[str, ...]) -> None:
    assert ia.analyse(sums, key, counts).flags == flags


@pytest.mark.parametrize(
    ("n", "counts", "weak"),
    [
        (100, [60, 20, 16, 4], (3,)),  # 4 of 100 is under 5 %
        (100, [60, 20, 15, 5], ()),  # 5 % exactly is not under
        (99, [60, 20, 18, 1], ()),  # fewer than 100 takers: not judged
        (200, [150, 40, 9, 1], (2, 3)),
    ],
)
def test_weak_distractors(n: int, counts: list[int], weak: tuple[int, ...]) -> None:
    analysis = ia.analyse(rising(n, counts[0]), 0, counts)
    assert analysis.weak_distractors == weak
    assert (ia.WEAK_DISTRACTOR in analysis.flags) is bool(weak)


def test_analyse_shares_add_up_with_blanks() -> None:
    s = ItemSums(n=8, correct=4, unanswered=2)
    a = ia.analyse(s, 1, [1, 4, 1, 0])
    assert a.p == 0.5 and a.unanswered_share == 0.25
    assert a.choice_shares == (0.125, 0.5, 0.125, 0.0)
    assert sum(a.choice_shares) + a.unanswered_share == 1
    assert a.flag_labels == []


def test_analyse_of_an_unseen_question() -> None:
    a = ia.analyse(ItemSums(), 0, [0, 0, 0])
    assert (a.n, a.p, a.unanswered_share, a.point_biserial, a.upper_lower, a.flags) == (
        0,
        None,
        None,
        None,
        None,
        (),
    )
    assert a.choice_shares == (None, None, None)
