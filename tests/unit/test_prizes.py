"""Prize allocation as tables."""

from datetime import UTC, datetime, timedelta

import pytest

from quizapp.domain.prizes import Adjustment, Candidate, adjust, allocate, prize_ties
from quizapp.domain.round_rules import PrizeTier, RoundSettings, rules_text, settings_problems

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)

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


# --- the tie note, the minimum score, notes after adjustments, ties before publishing ---------

ONE_NHAT = [PrizeTier("Giải Nhất", 1)]


@pytest.mark.parametrize(
    ("ranked", "tiers", "tie_notes"),
    [
        # the tied person is the last of the pool: still reported
        ([c(1, 1), c(2, 1)], ONE_NHAT, ["Giải Nhất: người hạng 1"]),
        ([c(1, 1), c(2, 1), c(3, 3)], ONE_NHAT, ["Giải Nhất: người hạng 1"]),
        # the next person ranks lower: no tie
        ([c(1, 1), c(2, 2)], ONE_NHAT, []),
        # alone in the pool: nobody after the last place
        ([c(1, 1)], ONE_NHAT, []),
        # the tied person is staff (not in the pool): nothing to settle
        ([c(1, 1), c(2, 1, eligible=False)], ONE_NHAT, []),
        # a tie inside a tier is no question; across the tier's last place it is
        ([c(1, 1), c(2, 1), c(3, 3)], [PrizeTier("Giải Nhất", 2)], []),
        (
            [c(1, 1), c(2, 2), c(3, 2)],
            [PrizeTier("Giải Nhất", 1), PrizeTier("Giải Nhì", 1)],
            ["Giải Nhì: người hạng 2"],
        ),
        # an empty tier before the tie does not report it twice
        ([c(1, 1), c(2, 1)], [PrizeTier("Giải Nhất", 1), PrizeTier("Giải Nhì", 0)], ["Giải Nhất"]),
    ],
)
def test_the_tie_note_as_a_table(
    ranked: list[Candidate], tiers: list[PrizeTier], tie_notes: list[str]
) -> None:
    notes = [n for n in allocate(ranked, tiers).notes if "bằng điểm" in n]
    assert len(notes) == len(tie_notes)
    assert all(n.startswith(prefix) for n, prefix in zip(notes, tie_notes, strict=True))


def test_no_prize_below_the_minimum_score() -> None:
    """Issue 21: the automatic draft gave Giải Nhì to 0/10."""
    ranked = [Candidate(1, 1, True, True), Candidate(2, 2, True, False), Candidate(3, 3)]
    draft = allocate(ranked, TIERS, min_score=5)
    # 3 ranks below 2 yet qualifies: the minimum is per entry, not a cut of the ranking
    assert [(a.tier, a.participant_id) for a in draft.awards] == [
        ("Giải Nhất", 1),
        ("Giải Nhì", 3),
    ]
    assert "1 người chưa đạt 5 câu đúng, mức tối thiểu để xét giải." in draft.notes
    assert "Giải Nhì: chỉ có 1/2 người đủ điều kiện." in draft.notes
    assert "Giải Ba: chỉ có 0/1 người đủ điều kiện." in draft.notes


def test_a_prize_added_by_hand_leaves_no_stale_shortfall_note() -> None:
    """Issue 21: 'Giải Khuyến khích: chỉ có 0/2' stayed under a Khuyến khích added by hand."""
    tiers = [PrizeTier("Giải Nhất", 1), PrizeTier("Giải Khuyến khích", 2)]
    base = allocate([c(1, 1), Candidate(2, 2, True, False), Candidate(3, 3, True, False)], tiers)
    assert "Giải Khuyến khích: chỉ có 0/2 người đủ điều kiện." in base.notes
    changes = [Adjustment("add", 2, "Giải Khuyến khích", "Bình", "Đúng 4/10, BTC xét thêm")]
    after = adjust(base, changes, tiers, {1: 1, 2: 2, 3: 3})
    assert "Giải Khuyến khích: chỉ có 0/2 người đủ điều kiện." not in after.notes
    assert "Giải Khuyến khích: chỉ có 1/2 người đủ điều kiện." in after.notes
    assert after.remarks == {
        2: ["Thêm Giải Khuyến khích (Ban tổ chức điều chỉnh; lý do: Đúng 4/10, BTC xét thêm)"]
    }
    full = adjust(after, [Adjustment("add", 3, "Giải Khuyến khích")], tiers, {1: 1, 2: 2, 3: 3})
    assert not [n for n in full.notes if "chỉ có" in n]


@pytest.mark.parametrize(
    ("change", "remark"),
    [
        (
            Adjustment("withdraw", 2, None, reason="gian lận"),
            "Rút Giải Nhì (Ban tổ chức điều chỉnh; lý do: gian lận)",
        ),
        (
            Adjustment("move", 4, "Giải Nhì", reason="khiếu nại"),
            "Chuyển từ Giải Ba sang Giải Nhì (Ban tổ chức điều chỉnh; lý do: khiếu nại)",
        ),
        (Adjustment("add", 5, "Giải Ba"), "Thêm Giải Ba"),
    ],
)
def test_each_change_by_hand_is_remarked_with_its_reason(change: Adjustment, remark: str) -> None:
    draft = adjust(_base(), [change], TIERS, RANKS)
    assert draft.remarks == {change.participant_id: [remark]}


def test_ties_that_touch_a_prize() -> None:
    ranked = [c(1, 1), c(2, 1), c(3, 3), c(4, 3), c(5, 5), c(6, 5), c(7, 7, eligible=False)]
    draft = allocate(ranked, [PrizeTier("Giải Nhất", 1), PrizeTier("Giải Nhì", 2)])
    ties = prize_ties(ranked, draft.awards)
    assert [(t.rank, t.participant_ids, t.tiers) for t in ties] == [
        (1, (1, 2), ("Giải Nhất", "Giải Nhì")),
        (3, (3, 4), ("Giải Nhì", "")),
    ]  # rank 5 holds no prize: not listed


@pytest.mark.parametrize(
    ("questions", "minimum", "threshold", "line"),
    [
        (10, None, 5, "Chỉ xét giải cá nhân cho bài thi đạt từ 5/10 câu đúng trở lên."),
        (7, None, 4, "Chỉ xét giải cá nhân cho bài thi đạt từ 4/7 câu đúng trở lên."),
        (20, 12, 12, "Chỉ xét giải cá nhân cho bài thi đạt từ 12/20 câu đúng trở lên."),
        (20, 0, 0, None),  # no minimum: nothing to say
    ],
)
def test_the_minimum_score_in_the_rules(
    questions: int, minimum: int | None, threshold: int, line: str | None
) -> None:
    s = RoundSettings(
        "Đợt", NOW, NOW + timedelta(days=1), question_count=questions, prize_min_score=minimum
    )
    assert s.min_prize_score == threshold
    text = rules_text(s)
    assert (line in text) if line else not [x for x in text if "Chỉ xét giải" in x]
    assert any(
        x.startswith("Giải tập thể (phường, cơ quan, đơn vị) xét theo số người") for x in text
    )


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"prize_min_score": 21}, "Điểm tối thiểu để xét giải phải từ 0 đến số câu hỏi"),
        ({"prize_min_score": -1}, "Điểm tối thiểu để xét giải phải từ 0 đến số câu hỏi"),
        ({"collective_policy": "score"}, "Thứ tự xếp hạng tập thể phải là một trong"),
        ({"collective_tie_rule": "coin"}, "Cách xử lý tập thể bằng nhau không hợp lệ."),
        ({"prize_min_score": 20, "collective_tie_rule": "organiser"}, None),
    ],
)
def test_prize_settings_are_checked(changes: dict, problem: str | None) -> None:
    s = RoundSettings("Đợt", NOW, NOW + timedelta(days=1), **changes)
    problems = settings_problems(s)
    assert any(p.startswith(problem) for p in problems) if problem else problems == []
