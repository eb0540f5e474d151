"""Cue rules of the bank (domain/bank_cues.py): each rule on a table, then the bank figures."""

from dataclasses import replace

import pytest

from quizapp.domain.bank_checks import (
    absolutes_only_in_distractors,
    answers_another,
    hedge_only_in_key,
    key_repeats_stem,
)
from quizapp.domain.bank_cues import (
    cue_report,
    giveaway_first_word,
    is_all_of_the_above,
    key_is_single_longest,
    key_length_rank,
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
    assert messages == [
        ("Q2", "phương"),  # its B is Q1's key, and both are of the same topic
        ("Q3", "căn"),
        ("Q4", "đáp"),
        ("Q5", "từ"),  # «chỉ» only in the distractors
        ("Q5", "mọi"),
        ("Q5", "nội"),
    ]
    assert "câu Q1" in report.warnings[-1].message
    # Ranks over the 4-choice questions of unequal length (Q3's are equal, Q4 has 3 choices).
    assert report.ranks == {1: ["Q1"], 2: [], 3: ["Q2"], 4: ["Q5"]}
    assert report.wording == ["Q2", "Q5"] and not report.wording_ok
    summary = report.summary()
    assert summary[0].startswith("Hạng độ dài của đáp án, trên 3/5 câu có đúng 4 phương án")
    assert "VƯỢT NGƯỠNG" in summary[0] and "Dấu hiệu trong lời văn: 2/5 câu (40,0 %" in summary[2]
    assert summary[4] == (
        "Câu có ghi lần kiểm tra đáp án (checked): 0/5 (0,0 %); chưa có: 5 — Q1, Q2, Q3, Q4, Q5"
    )


def test_a_bank_without_cues_is_within_the_targets() -> None:
    bank = [_q(qid, ("một", "hai", "bốn", "năm"), i % 4) for i, qid in enumerate(STEMS)]
    report = cue_report(bank)
    assert report.spread == 0 and report.key_longest_share == 0.0
    assert report.mean_ratio == pytest.approx(1.0)
    assert report.key_longest_ok and report.ratio_ok and report.warnings == []
    assert report.ranked == 0 and report.ranks_ok
    assert report.summary()[0] == (
        "Hạng độ dài của đáp án: không đo được — không câu nào có đúng 4 phương án dài khác "
        "nhau (trong 5 câu)."
    )
    assert "VƯỢT" not in " ".join(report.summary())


@pytest.mark.parametrize(
    ("lengths", "answer", "rank"),
    [
        ((9, 5, 5, 5), 0, 1),
        ((9, 9, 5, 5), 0, 1),  # a tie for longest is rank 1 for both
        ((9, 9, 5, 5), 2, 3),
        ((9, 7, 6, 5), 1, 2),
        ((9, 7, 6, 5), 3, 4),
        ((5, 5, 5, 5), 0, None),  # all equal: no rank
        ((9, 7, 5), 0, None),  # three choices: not measured
    ],
)
def test_key_length_rank(lengths, answer, rank) -> None:
    assert key_length_rank(tuple("x" * n for n in lengths), answer) == rank


def test_rank_shares_within_15_to_35_percent() -> None:
    def bank(ranks: list[int]) -> list[QuestionSpec]:
        shapes = {
            1: ("aaaa", "a", "aa", "aaa"),
            2: ("aaa", "aaaa", "a", "aa"),
            3: ("aa", "aaa", "aaaa", "a"),
            4: ("a", "aa", "aaa", "aaaa"),
        }
        return [_q(f"R{i}", shapes[r], 0) for i, r in enumerate(ranks)]

    even = cue_report(bank([1, 2, 3, 4] * 5))
    assert even.ranks_ok and [even.rank_share(r) for r in (1, 2, 3, 4)] == [0.25] * 4
    flipped = cue_report(bank([2, 3, 4] * 6 + [1]))  # "never pick the longest"
    assert not flipped.ranks_ok
    assert "dài nhất 1 (5,3 %) VƯỢT NGƯỠNG" in flipped.summary()[0]


@pytest.mark.parametrize(
    ("stem", "choices", "answer", "repeated"),
    [
        (
            "Danh hiệu Thầy thuốc nhân dân tặng cho ai?",
            ("Thầy thuốc giỏi", "Nhà giáo", "Nghệ sĩ"),
            0,
            "thầy thuốc",
        ),
        (
            "Hình thức giao lưu nào?",
            ("Tọa đàm, giao lưu", "Giao lưu trực tuyến", "Hội thảo"),
            0,
            None,
        ),
        (
            "Ai là Chủ tịch Hội đồng?",
            ("Chủ tịch Ủy ban", "Phó Chủ tịch", "Trưởng ban"),
            0,
            None,
        ),  # a distractor repeats «chủ tịch» too
        (
            "Điều 23 của Luật quy định gì?",
            ("Điều 23 quy định", "Khác", "Không"),
            0,
            None,
        ),  # no content word
    ],
)
def test_key_repeats_stem(stem, choices, answer, repeated) -> None:
    assert key_repeats_stem(stem, choices, answer) == repeated


def test_a_stem_word_pair_never_spans_punctuation() -> None:
    # «tổ chức, đơn vị» holds «tổ chức» and «đơn vị», not «chức đơn».
    stem, key = "Ai lãnh đạo cơ quan, tổ chức?", "Người đứng đầu tổ chức, đơn vị"
    assert key_repeats_stem(stem, (key, "Chủ tịch", "Bí thư"), 0) == "tổ chức"
    assert key_repeats_stem(stem, (key, "Chủ tịch tổ chức", "Bí thư"), 0) is None


@pytest.mark.parametrize(
    ("choices", "answer", "cue"),
    [
        (("Chỉ cá nhân", "Mọi tập thể", "Cá nhân và tập thể"), 2, True),
        (("Chỉ cá nhân", "Tập thể", "Cá nhân và tập thể"), 2, False),  # one absolute: no pattern
        (("Chỉ cá nhân", "Mọi tập thể", "Chỉ cá nhân và tập thể"), 2, False),  # the key has one too
        (("Chỉ đạo của Bộ", "Chỉ thị của Đảng", "Nghị quyết"), 2, False),  # «chỉ đạo» is not «only»
        (("Bắt buộc", "Hoàn toàn tự nguyện", "Tự nguyện, có khuyến khích"), 2, True),
        (("Không bao giờ", "Chủ yếu là tập thể"), 0, False),
    ],
)
def test_absolutes_only_in_distractors(choices, answer, cue) -> None:
    assert absolutes_only_in_distractors(choices, answer) is cue


@pytest.mark.parametrize(
    ("choices", "answer", "hedge"),
    [
        (
            ("Làm trái quy định của pháp luật", "Đúng hạn", "Đủ hồ sơ"),
            0,
            "trái quy định của pháp luật",
        ),
        (
            ("Theo quy định của pháp luật", "Theo ý kiến của tập thể", "Tùy ý"),
            0,
            "theo quy định của pháp luật",
        ),
        (("Theo quy định của pháp luật", "Trái quy định của pháp luật", "Tùy ý"), 0, None),
        (("Tùy ý", "Theo quy định của pháp luật"), 0, None),  # only a distractor carries it
    ],
)
def test_hedge_only_in_key(choices, answer, hedge) -> None:
    assert hedge_only_in_key(choices, answer) == hedge


@pytest.mark.parametrize(
    ("choice", "key", "answers"),
    [
        ("Danh hiệu vinh dự nhà nước", "Danh hiệu vinh dự Nhà nước", True),
        ("Huân chương Lao động hạng Nhất", "Huân chương Lao động hạng Nhất.", True),
        ("Luật số 15/2005/QH11", "Luật số 47/2005/QH11", False),  # different numbers
        ("3,0 lần", "3,0 lần", False),  # a bare value gives nothing away
        ("Bằng khen của Thủ tướng", "Giấy khen của Giám đốc sở", False),
    ],
)
def test_answers_another(choice, key, answers) -> None:
    assert answers_another(choice, key) is answers


def test_a_distractor_answering_a_question_of_another_topic_is_no_cue() -> None:
    first = _q("A1", ("Danh hiệu vinh dự nhà nước", "Khác", "Không", "Có"), 0)
    second = _q("A2", ("Bằng", "Danh hiệu vinh dự nhà nước", "Cờ", "Giấy"), 0, topic="khac")
    assert cue_report([first, second]).wording == []
    third = replace(second, topic="chung")
    assert cue_report([first, third]).wording == ["A2"]
