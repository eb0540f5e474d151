"""Prize allocation as tables."""

from quizapp.domain.prizes import Candidate, allocate
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
