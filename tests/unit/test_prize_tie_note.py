"""The tie note of the prize draft at the edges of the pool (issue 21 item 9): a tie across a
tier's last place is reported even when the tied person is the last one in the pool, and no
tie is reported when nobody is left after the tier."""

import pytest

from quizapp.domain.prizes import Candidate, allocate
from quizapp.domain.round_rules import PrizeTier

ONE = [PrizeTier("Giải Nhất", 1)]
TWO = [PrizeTier("Giải Nhất", 1), PrizeTier("Giải Nhì", 1)]


def _tied(draft) -> list[str]:
    return [n for n in draft.notes if "bằng điểm" in n]


@pytest.mark.parametrize(
    ("pool", "tiers", "tied_tiers"),
    [
        ([(1, 1), (2, 1)], ONE, ["Giải Nhất"]),  # the tied person is last in the pool
        ([(1, 1), (2, 2), (3, 2)], TWO, ["Giải Nhì"]),  # the same, one tier further down
        ([(1, 1), (2, 1), (3, 1)], TWO, ["Giải Nhất", "Giải Nhì"]),
        ([(1, 1)], ONE, []),  # nobody after the tier
        ([(1, 1), (2, 1)], TWO, ["Giải Nhất"]),  # tied for first, the second gets Giải Nhì
        ([(1, 1), (2, 2)], ONE, []),
    ],
)
def test_a_tie_is_noted_whoever_is_last_in_the_pool(pool, tiers, tied_tiers) -> None:
    draft = allocate([Candidate(pid, rank) for pid, rank in pool], tiers)
    assert [n.split(":")[0] for n in _tied(draft)] == tied_tiers


def test_a_tie_with_the_last_eligible_person_after_staff_are_skipped() -> None:
    ranked = [Candidate(1, 1), Candidate(2, 1), Candidate(3, 3, eligible=False)]
    draft = allocate(ranked, ONE)
    assert [a.participant_id for a in draft.awards] == [1]
    assert [n.split(":")[0] for n in _tied(draft)] == ["Giải Nhất"]
