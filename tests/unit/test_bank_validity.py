"""A question's validity in time from its basis documents (table), and the draw window."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from quizapp.domain.bank_documents import DocumentSpec
from quizapp.domain.bank_validity import Span, ending_soon, span_of, window_days
from quizapp.domain.drawing import Candidate, DrawWindow, Quota, window_problems

CHECKED = date(2026, 12, 7)
DOCS = {
    d.id: d
    for d in (
        DocumentSpec(
            "luat",
            "06/2022/QH15",
            "Luật",
            "QH",
            "in_force",
            CHECKED,
            in_force_from=date(2024, 1, 1),
        ),
        DocumentSpec(
            "nd",
            "152/2025/NĐ-CP",
            "Nghị định",
            "CP",
            "in_force",
            CHECKED,
            in_force_from=date(2025, 7, 1),
            in_force_until=date(2027, 2, 28),
        ),
        DocumentSpec(
            "cu",
            "98/2023/NĐ-CP",
            "Nghị định cũ",
            "CP",
            "expired",
            CHECKED,
            in_force_until=date(2025, 6, 30),
        ),
        DocumentSpec(
            "moi",
            "06/2026/QH16",
            "Luật sửa",
            "QH",
            "reported",
            CHECKED,
            in_force_from=date(2026, 10, 1),
        ),
    )
}
WINTER = (date(2027, 2, 1), date(2027, 2, 28))  # the decree's last day included
SPRING = (date(2027, 2, 20), date(2027, 3, 1))  # one day past it
AUTUMN = (date(2026, 9, 25), date(2026, 10, 5))  # the amendment not yet in force at the start


@pytest.mark.parametrize(
    ("basis", "historical", "window", "valid"),
    [
        ((), False, SPRING, True),  # no basis: no known limit
        (("luat",), False, SPRING, True),
        (("nd",), False, WINTER, True),
        (("nd",), False, SPRING, False),
        (("luat", "nd"), False, SPRING, False),  # every basis document must cover the window
        (("cu",), False, WINTER, False),  # expired: invalid ...
        (("cu",), True, SPRING, True),  # ... unless the question is about history
        (("nd",), True, SPRING, True),
        (("moi",), False, AUTUMN, False),  # reported, not yet in force on the first day
        (("moi",), False, SPRING, True),
        (("inconnu",), True, WINTER, False),  # an id the register does not hold
    ],
)
def test_validity_table(basis, historical, window, valid) -> None:
    span = span_of(basis, historical, DOCS)
    assert span.covers(*window) is valid
    assert (span.problem(*window) is None) is valid


def test_the_reason_names_the_document_and_its_last_day() -> None:
    assert span_of(("luat", "nd"), False, DOCS).problem(*SPRING) == (
        "Nghị định 152/2025/NĐ-CP hết hiệu lực sau ngày 28/02/2027"
    )
    assert "đã hết hiệu lực" in span_of(("cu",), False, DOCS).problem(*WINTER)


def test_the_window_is_counted_in_vietnam_days() -> None:
    # 17:30 UTC on 28/2 is already 1/3 in Hồ Chí Minh City.
    opens = datetime(2027, 2, 20, 1, tzinfo=UTC)
    assert window_days(opens, datetime(2027, 2, 28, 17, 30, tzinfo=UTC)) == SPRING


def test_documents_ending_within_90_days() -> None:
    today = date(2026, 12, 7)
    assert [d.id for d in ending_soon(DOCS.values(), today)] == ["nd"]
    assert ending_soon(DOCS.values(), date(2026, 11, 29)) == []  # 91 days before


ALWAYS = Span()


def _candidate(i: int, topic: str, span: Span = ALWAYS, **marks) -> Candidate:
    return Candidate(i, topic, "easy", 4, external_id=f"Q-{i}", span=span, **marks)


def test_open_refusal_lists_the_questions_left_out_and_why() -> None:
    ended = span_of(("nd",), False, DOCS)
    pool = [
        _candidate(1, "a"),
        _candidate(2, "a", ended),
        _candidate(3, "a", ended),
        _candidate(4, "b"),
        _candidate(5, "b"),
    ]
    window = DrawWindow(*SPRING, marks_before=datetime(2027, 2, 20, tzinfo=UTC))
    problems = window_problems(pool, [Quota(2, "a")], 3, window)
    assert problems[0].startswith("Cơ cấu “chủ đề a” cần 2 câu nhưng ngân hàng chỉ còn 1 câu")
    assert problems[-1] == (
        "Câu không dùng được cho cơ cấu “chủ đề a” trong thời gian đợt thi: "
        "Q-2 (Nghị định 152/2025/NĐ-CP hết hiệu lực sau ngày 28/02/2027); "
        "Q-3 (Nghị định 152/2025/NĐ-CP hết hiệu lực sau ngày 28/02/2027)."
    )
    assert window_problems(pool, [Quota(2, "a")], 3, DrawWindow(*WINTER, window.marks_before)) == []


def test_marks_apply_to_rounds_opened_after_them() -> None:
    marked = datetime(2026, 12, 7, tzinfo=UTC)
    under_review = _candidate(1, "a", review_since=marked)
    public = _candidate(2, "a", key_public_at=marked)
    later = DrawWindow(*WINTER, marks_before=datetime(2026, 12, 8, tzinfo=UTC))
    earlier = DrawWindow(*WINTER, marks_before=datetime(2026, 12, 6, tzinfo=UTC))
    allowed = DrawWindow(*WINTER, marks_before=later.marks_before, allow_public_keys=True)
    assert later.exclusion(under_review) == "cần rà soát (luật có thay đổi)"
    assert later.exclusion(public) == "đáp án đã công khai"
    assert earlier.exclusion(under_review) is None and earlier.exclusion(public) is None
    assert allowed.exclusion(public) is None and allowed.exclusion(under_review) is not None
