"""Prize allocation as tables."""

import pytest

from quizapp.domain.prizes import Adjustment, Candidate, adjust, allocate
from quizapp.domain.round_rules import PrizeTier

TIERS = [PrizeTier("Giải Nhất", 1), PrizeTier("Giải Nhì", 2), PrizeTier("Giải Ba", 1)]


def c(pid: int, rank: int, eligible: bool = True) -> Candidate:
    return Candidate(pid, rank, eligible)


def test_tiers_filled_in_order() -> None:
    draft = allocate([c(1, 1), c(2, 2), c(3, 3), c(4, 4), c(5, 5)], TIERS)
    assert [(a.tier, a.participant_id) for a in draft.awards] == [
        ("Giải Nhất", 1),
        ("Giải Nhì", 2),
        ("Giải Nhì", 3),
        ("Giải Ba", 4),
    ]
    assert draft.notes == []


def test_staff_and_previous_winners_are_skipped() -> None:
    draft = allocate(
        [c(1, 1, eligible=False), c(2, 2), c(3, 3), c(4, 4), c(5, 5)], TIERS, already_awarded={3}
    )
    assert [a.participant_id for a in draft.awards] == [2, 4, 5]
    assert any("không được xét giải" in n for n in draft.notes)
    assert any("Giải Ba: chỉ có 0/1" in n for n in draft.notes)


def test_a_tie_across_the_last_place_of_a_tier_is_reported_not_extended() -> None:
    draft = allocate([c(1, 1), c(2, 1), c(3, 3)], [PrizeTier("Giải Nhất", 1)])
    assert [a.participant_id for a in draft.awards] == [1]
    assert any("bằng điểm" in n for n in draft.notes)


def test_fewer_people_than_prizes() -> None:
    draft = allocate([c(1, 1)], TIERS)
    assert [a.participant_id for a in draft.awards] == [1]
    assert len(draft.notes) == 2


# --- adjustments by hand -------------------------------------------------------------------

RANKS = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6}


def _base():
    return allocate([c(pid, rank) for pid, rank in RANKS.items()], TIERS)


@pytest.mark.parametrize(
    ("changes", "expected", "skipped"),
    [
        ([], [("Giải Nhất", 1), ("Giải Nhì", 2), ("Giải Nhì", 3), ("Giải Ba", 4)], 0),
        (  # withdraw: nothing passes down by itself
            [Adjustment("withdraw", 2, None)],
            [("Giải Nhất", 1), ("Giải Nhì", 3), ("Giải Ba", 4)],
            0,
        ),
        (  # withdraw, then give it to the next by hand
            [Adjustment("withdraw", 2, None), Adjustment("add", 5, "Giải Nhì")],
            [("Giải Nhất", 1), ("Giải Nhì", 3), ("Giải Nhì", 5), ("Giải Ba", 4)],
            0,
        ),
        (
            [Adjustment("move", 4, "Giải Nhì")],
            [("Giải Nhất", 1), ("Giải Nhì", 2), ("Giải Nhì", 3), ("Giải Nhì", 4)],
            0,
        ),
        (  # one prize per person
            [Adjustment("add", 1, "Giải Ba")],
            [("Giải Nhất", 1), ("Giải Nhì", 2), ("Giải Nhì", 3), ("Giải Ba", 4)],
            1,
        ),
        (  # not ranked (excluded since): skipped, with a note
            [Adjustment("add", 9, "Giải Ba")],
            [("Giải Nhất", 1), ("Giải Nhì", 2), ("Giải Nhì", 3), ("Giải Ba", 4)],
            1,
        ),
        (  # unknown tier, nothing to withdraw, same tier
            [
                Adjustment("add", 6, "Giải Đặc biệt"),
                Adjustment("withdraw", 6, None),
                Adjustment("move", 1, "Giải Nhất"),
            ],
            [("Giải Nhất", 1), ("Giải Nhì", 2), ("Giải Nhì", 3), ("Giải Ba", 4)],
            3,
        ),
    ],
)
def test_adjustments_apply_in_order(
    changes: list[Adjustment], expected: list[tuple[str, int]], skipped: int
) -> None:
    draft = adjust(_base(), changes, TIERS, RANKS)
    assert [(a.tier, a.participant_id) for a in draft.awards] == expected
    assert sum(n.startswith("Bỏ qua điều chỉnh") for n in draft.notes) == skipped
