"""Collective measures, the points formula, the ranking on a chain and the collective prizes,
as tables."""

import pytest

from quizapp.domain import collective as rules
from quizapp.domain.collective import Group, points
from quizapp.domain.collective_prizes import Decision, allocate, tier_at
from quizapp.domain.round_rules import PrizeTier


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
def test_one_criterion_unknown_values_last(metric: str, expected: list[str]) -> None:
    groups = [
        g("a", 10, 12, 8.0, 20),
        g("b", 40, 50, 7.5, 400),
        g("c", 5, 5, 9.5),
        g("empty", 0, 0, None, 50),
    ]
    assert [x.key for x in rules.rank_groups(groups, (metric,))] == expected


def test_points_top_ten_per_metric_summed_and_ties_share() -> None:
    groups = [g(f"u{i}", 20 - i, headcount=100) for i in range(12)] + [g("tie", 20, headcount=100)]
    total = points(groups, ["participants"], top=10)
    assert total["u0"] == total["tie"] == 10
    assert total["u1"] == 8 and total["u9"] == 0 and total["u8"] == 1
    both = points(groups, ["participants", "rate"], top=10)
    assert both["u0"] == 20


def test_points_ignore_groups_with_nothing() -> None:
    assert points([g("a", 0), g("b", 1)], ["participants"]) == {"a": 0, "b": 10}


# --- the reference ranking on a chain, and the collective prizes --------------------------


TIERS = (PrizeTier("Giải Nhất tập thể", 1), PrizeTier("Giải Nhì tập thể", 2))


def _ranks(groups: list[Group], chain: str) -> list[tuple[str, int]]:
    return [(x.key, x.rank) for x in rules.rank_groups(groups, rules.parse_policy(chain))]


@pytest.mark.parametrize(
    ("chain", "expected"),
    [
        # the wards: one participant each; the average breaks the tie
        ("participants,mean_score,rate", [("hanh-thong", 1), ("an-nhon", 2), ("empty", 3)]),
        # on participants alone they are equal: one shared rank, the next is 3
        ("participants", [("an-nhon", 1), ("hanh-thong", 1), ("empty", 3)]),
        # rate unknown (no headcount) for all: the chain falls through to the mean
        ("rate,participants,mean_score", [("hanh-thong", 1), ("an-nhon", 2), ("empty", 3)]),
        ("mean_score,participants,rate", [("hanh-thong", 1), ("an-nhon", 2), ("empty", 3)]),
    ],
)
def test_rank_on_the_whole_chain(chain: str, expected: list[tuple[str, int]]) -> None:
    groups = [g("an-nhon", 1, 1, 0.0), g("hanh-thong", 1, 1, 5.0), g("empty", 0)]
    assert _ranks(groups, chain) == expected


def test_points_are_filled_in_and_rank_like_any_criterion() -> None:
    groups = [g("a", 3, 3, 1.0), g("b", 1, 1, 5.0), g("c", 2, 2, 3.0)]
    ranked = rules.rank_groups(groups, ("points", "mean_score"))
    # participants: a 10, c 9, b 8; mean: b 10, c 9, a 8 → a 18, b 18, c 18: the mean decides
    assert [(x.key, x.points, x.rank) for x in ranked] == [("b", 18, 1), ("c", 18, 2), ("a", 18, 3)]


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("participants", True),
        ("points,rate", True),
        ("", False),
        ("score", False),
        ("rate,rate", False),
    ],
)
def test_parse_policy(text: str, ok: bool) -> None:
    if ok:
        assert rules.parse_policy(text)
    else:
        with pytest.raises(ValueError, match="không hợp lệ"):
            rules.parse_policy(text)


def test_every_preset_and_rule_reads_in_vietnamese() -> None:
    for preset in rules.PRESETS:
        for rule in rules.TIE_RULES:
            lines = rules.rules_lines(preset, rule)
            assert lines[0].startswith("Giải tập thể (phường, cơ quan, đơn vị) xét theo ")
            assert ", rồi " in lines[0] and "bằng nhau ở mọi tiêu chí" in lines[1]


@pytest.mark.parametrize(("position", "tier"), [(0, 0), (1, 1), (2, 1), (3, None), (99, None)])
def test_tier_at(position: int, tier: int | None) -> None:
    assert tier_at(TIERS, position) == tier


def _ranked(*rows: tuple[str, int, int]) -> list[Group]:
    """(key, rank, participants): the ranking as the SQL returns it."""
    return [Group(k, k.upper(), n, n, 1.0, None, 0, rank) for k, rank, n in rows]


@pytest.mark.parametrize(
    ("rule", "ranked", "decisions", "awards", "open_ties"),
    [
        (  # no tie: one prize per place
            "shared",
            _ranked(("a", 1, 3), ("b", 2, 2), ("c", 3, 1), ("d", 4, 1)),
            {},
            [
                ("a", "Giải Nhất tập thể", False),
                ("b", "Giải Nhì tập thể", False),
                ("c", "Giải Nhì tập thể", False),
            ],
            0,
        ),
        (  # a tie for the first place: both take Nhất, the next place is the third
            "shared",
            _ranked(("a", 1, 3), ("b", 1, 3), ("c", 3, 1), ("d", 4, 1)),
            {},
            [
                ("a", "Giải Nhất tập thể", True),
                ("b", "Giải Nhất tập thể", True),
                ("c", "Giải Nhì tập thể", False),
            ],
            0,
        ),
        (  # a tie across the last prize: shared, so all three tied take Nhì
            "shared",
            _ranked(("a", 1, 3), ("b", 2, 2), ("c", 3, 1), ("d", 3, 1)),
            {},
            [
                ("a", "Giải Nhất tập thể", False),
                ("b", "Giải Nhì tập thể", False),
                ("c", "Giải Nhì tập thể", True),
                ("d", "Giải Nhì tập thể", True),
            ],
            0,
        ),
        (  # nobody with nothing on the lead criterion wins
            "shared",
            _ranked(("a", 1, 1), ("b", 2, 0), ("c", 2, 0)),
            {},
            [("a", "Giải Nhất tập thể", False)],
            0,
        ),
        (  # organiser's rule: a tie inside one tier needs no decision
            "organiser",
            _ranked(("a", 1, 3), ("b", 2, 2), ("c", 2, 2)),
            {},
            [
                ("a", "Giải Nhất tập thể", False),
                ("b", "Giải Nhì tập thể", True),
                ("c", "Giải Nhì tập thể", True),
            ],
            0,
        ),
        (  # organiser's rule: a tie across Nhất and Nhì waits, the places after it do not
            "organiser",
            _ranked(("a", 1, 3), ("b", 1, 3), ("c", 3, 1)),
            {},
            [("c", "Giải Nhì tập thể", False)],
            1,
        ),
        (  # ... until it is decided, with a reason, for each of them
            "organiser",
            _ranked(("a", 1, 3), ("b", 1, 3), ("c", 3, 1)),
            {
                "a": Decision("Giải Nhì tập thể", "bốc thăm"),
                "b": Decision("Giải Nhất tập thể", "bốc thăm"),
            },
            [
                ("b", "Giải Nhất tập thể", False),
                ("a", "Giải Nhì tập thể", False),
                ("c", "Giải Nhì tập thể", False),
            ],
            0,
        ),
    ],
)
def test_collective_prizes_as_a_table(
    rule: str,
    ranked: list[Group],
    decisions: dict[str, Decision],
    awards: list[tuple[str, str, bool]],
    open_ties: int,
) -> None:
    draft = allocate(ranked, "participants", TIERS, rule, decisions)
    assert [(a.group.key, a.tier, a.shared) for a in draft.awards] == awards
    assert sum(t.open for t in draft.ties) == open_ties
    decided = [a for a in draft.awards if a.reason]
    assert all(a.reason == "bốc thăm" for a in decided) and len(decided) == len(decisions)
