"""Collective measures and the points formula as tables."""

import pytest

from quizapp.domain.collective import Group, order_by, points


def g(
    key: str,
    participants: int,
    entries: int = 0,
    mean: float | None = None,
    headcount: int | None = None,
) -> Group:
    return Group(key, key, participants, entries, mean, headcount)


def test_rate_needs_a_headcount() -> None:
    assert g("a", 30, headcount=60).rate == 0.5
    assert g("b", 30).rate is None


@pytest.mark.parametrize(
    ("metric", "expected"),
    [
        ("participants", ["b", "a", "c", "empty"]),
        ("rate", ["a", "b", "empty", "c"]),
        ("mean_score", ["c", "a", "b", "empty"]),
    ],
)
def test_order_by_metric_unknown_values_last(metric: str, expected: list[str]) -> None:
    groups = [
        g("a", 10, 12, 8.0, 20),
        g("b", 40, 50, 7.5, 400),
        g("c", 5, 5, 9.5),
        g("empty", 0, 0, None, 50),
    ]
    assert [x.key for x in order_by(groups, metric)] == expected


def test_points_top_ten_per_metric_summed_and_ties_share() -> None:
    groups = [g(f"u{i}", 20 - i, headcount=100) for i in range(12)] + [g("tie", 20, headcount=100)]
    total = points(groups, ["participants"], top=10)
    assert total["u0"] == total["tie"] == 10
    assert total["u1"] == 8 and total["u9"] == 0 and total["u8"] == 1
    both = points(groups, ["participants", "rate"], top=10)
    assert both["u0"] == 20


def test_points_ignore_groups_with_nothing() -> None:
    assert points([g("a", 0), g("b", 1)], ["participants"]) == {"a": 0, "b": 10}
