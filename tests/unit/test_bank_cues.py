"""Cue rules of the bank (domain/bank_cues.py): each rule on a table, then the bank figures."""

import pytest

from quizapp.domain.bank_cues import (
    cue_report,
    giveaway_first_word,
    is_all_of_the_above,
    key_is_single_longest,
    key_length_ratio,
    lengths_differ,
    similar_stems,
)
from quizapp.domain.bank_types import QuestionSpec

STEMS = {
    "Q1": "Luật có hiệu lực từ ngày nào?",
    "Q2": "Ai ký chứng thực Luật?",
    "Q3": "Quỹ thi đua được lập ở đâu?",
    "Q4": "Huân chương cao quý nhất là gì?",
    "Q5": "Danh hiệu thi đua ghi nhận thành tích trong lĩnh vực nào?",
}


def _q(qid: str, choices: tuple[str, ...], answer: int = 0, **values: object) -> QuestionSpec:
    fields = {
        "text": STEMS.get(qid, qid),
        "topic": "chung",
        "difficulty": "easy",
        "source": "Điều 1",
        "explanation": "Vì vậy.",
        "shuffle": True,
    } | values
    return QuestionSpec(qid, choices=choices, answer=answer, where=f"t.yaml:{qid}", **fields)


@pytest.mark.parametrize(
    ("choices", "differ"),
    [
        (("aaaaa", "aaaaa", "aaaaaa"), False),  # 6 = 1.2 × 5: not more than
        (("aaaaa", "aaaaa", "aaaaaaa"), True),
        (("10", "12"), False),
        (("10 năm", "5 năm"), False),
        (("Chủ tịch nước", "Thủ tướng Chính phủ và Chủ tịch nước"), True),
    ],
)
def test_lengths_differ(choices, differ) -> None:
    assert lengths_differ(choices) is differ


@pytest.mark.parametrize(
    ("choices", "answer", "single"),
    [
        (("ngắn", "dài hơn hẳn"), 1, True),
        (("ngắn", "dài hơn hẳn"), 0, False),
        (("bằng nhau", "bằng nhau!"), 0, False),
        (("aaaa", "bbbb", "cc"), 0, False),  # a tie for longest is no cue
        (("Tất cả", "Một", "Hai"), 0, True),
        # NFD input counts as its NFC characters: "Điều" is 4 letters either way.
        (("Die\u0302\u0300u kho\u1ea3n", "Điều khoản"), 0, False),
    ],
)
def test_key_is_single_longest(choices, answer, single) -> None:
    assert key_is_single_longest(choices, answer) is single


@pytest.mark.parametrize(
    ("choices", "answer", "ratio"),
    [
        (("aaaa", "bbbb", "cccc", "dddd"), 2, 1.0),
        (("aaaaaa", "bbb", "ccc", "ddd"), 0, 2.0),
        (("aa", "bbbb", "bbbb"), 0, 0.5),
    ],
)
def test_key_length_ratio(choices, answer, ratio) -> None:
    assert key_length_ratio(choices, answer) == pytest.approx(ratio)


@pytest.mark.parametrize(
    ("choice", "inclusive"),
    [
        ("Tất cả các đáp án trên", True),
        ("Tất cả các hành vi trên", True),
        ("Cả A và B đều đúng", True),
        ("Cả ba phương án", True),
        ("Cả hai đều đúng", True),
        ("All of the above", True),
        ("Tất cả đều sai", False),
        ("Không có đáp án nào đúng", False),
        ("Cả năm", False),  # the whole year, not an option
        ("Chủ tịch Ủy ban nhân dân cấp trên", False),
        ("Tất cả cá nhân, tập thể", False),
    ],
)
def test_is_all_of_the_above(choice, inclusive) -> None:
    assert is_all_of_the_above(choice) is inclusive


@pytest.mark.parametrize(
    ("choices", "answer", "word"),
    [
        (
            ("Chỉ trong sản xuất", "Chỉ trong đối ngoại", "Chỉ trong khoa học", "Trong thi đua"),
            3,
            "chỉ",
        ),
        (("Chỉ A", "Chỉ B", "Chỉ C", "Chỉ D"), 0, None),  # the key shares it: no cue
        (("Chỉ A", "Chỉ B", "Luôn C", "Mọi D"), 3, None),
        (("Có, nếu A", "Không; B", "Có, nếu C"), 1, "có"),
        (("Chỉ A", "B"), 1, None),  # one distractor alone proves nothing
        (("1,0 lần", "1,5 lần", "0,8 lần", "1,2 lần"), 2, None),  # numbers are values
        (("“Anh hùng”", "Danh hiệu A", "Danh hiệu B", "Danh hiệu C"), 0, "danh"),
    ],
)
def test_giveaway_first_word(choices, answer, word) -> None:
    assert giveaway_first_word(choices, answer) == word


def test_similar_stems_pairs_and_threshold() -> None:
    texts = [
        "Luật có bao nhiêu loại huân chương?",
        "Luật có bao nhiêu loại huy chương?",
        "Ai quyết định tặng Giấy khen?",
        "luật CÓ bao nhiêu loại huân chương",  # case and punctuation do not count
    ]
    pairs = similar_stems(texts)
    assert [(i, j) for i, j, _ in pairs] == [(0, 1), (0, 3), (1, 3)]
    assert pairs[1][2] == 1.0
    assert [(i, j) for i, j, _ in similar_stems(texts, threshold=0.99)] == [(0, 3)]


def test_cue_report_figures_and_warnings() -> None:
    bank = [
        _q("Q1", ("dài hơn hẳn mọi phương án", "ngắn", "ngắn nữa", "cụt"), 0),
        _q("Q2", ("ngắn", "dài hơn hẳn mọi phương án", "vừa vừa", "cụt"), 0),
        _q("Q3", ("aaaa", "bbbb", "cccc", "dddd"), 1, source="Nghị định 152/2025/NĐ-CP"),
        _q("Q4", ("Một", "Hai", "Tất cả các đáp án trên"), 2, shuffle=False),
        _q(
            "Q5",
            ("Chỉ trong sản xuất", "Chỉ trong đối ngoại", "Chỉ trong khoa học", "Trong thi đua"),
            3,
            text="Luật có hiệu lực từ ngày nào nhỉ?",
        ),
    ]
    report = cue_report(bank)
    assert report.questions == 5
    assert report.spread == 4  # Q3's choices are all four characters long
    assert report.key_longest == ["Q1", "Q4"]
    assert report.key_longest_share == pytest.approx(0.5)
    assert not report.key_longest_ok and not report.ratio_ok
    assert report.all_of_the_above == 1 and report.all_of_the_above_keys == ["Q4"]
    messages = [(p.qid, p.message.split(" ")[0]) for p in report.warnings]
    assert messages == [("Q3", "căn"), ("Q4", "đáp"), ("Q5", "mọi"), ("Q5", "nội")]
    assert "câu Q1" in report.warnings[-1].message
    summary = report.summary()
    assert summary[0].startswith("Đáp án dài nhất: 2/4 câu") and "50,0 %" in summary[0]
    assert "VƯỢT NGƯỠNG" in summary[0] and "VƯỢT NGƯỠNG" in summary[1]


def test_a_bank_without_cues_is_within_the_targets() -> None:
    bank = [_q(qid, ("một", "hai", "bốn", "năm"), i % 4) for i, qid in enumerate(STEMS)]
    report = cue_report(bank)
    assert report.spread == 0 and report.key_longest_share == 0.0
    assert report.mean_ratio == pytest.approx(1.0)
    assert report.key_longest_ok and report.ratio_ok and report.warnings == []
    assert "VƯỢT" not in " ".join(report.summary())
