"""Quota and prize lines: any keyboard's spelling of a difficulty, every problem by its line."""

import pytest

from quizapp.domain.drawing import Quota
from quizapp.domain.quota_lines import difficulty_code, parse_prizes, parse_quotas
from quizapp.domain.round_rules import PrizeTier


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("dễ", "easy"),
        ("De", "easy"),
        ("easy", "easy"),
        ("trung bình", "medium"),
        ("Trung  Binh", "medium"),
        ("tb", "medium"),
        ("medium", "medium"),
        ("khó", "hard"),
        ("KHO", "hard"),
        ("hard", "hard"),
        ("*", None),
    ],
)
def test_every_spelling_of_a_difficulty(written: str, code: str | None) -> None:
    assert difficulty_code(written) == (True, code)


@pytest.mark.parametrize("written", ["rất khó", "d", "", "khoo", "1"])
def test_unknown_difficulties(written: str) -> None:
    assert difficulty_code(written)[0] is False


def test_quota_lines_parse_and_name_each_problem_by_line() -> None:
    text = "chung:de:2\n\n*:khó:1\nchu-de-sai:*:1\nchung-2\nrieng:rất khó:0\n"
    parsed = parse_quotas(text, {"chung", "rieng"})
    assert parsed.items == [Quota(2, "chung", "easy"), Quota(1, None, "hard")]
    assert parsed.problems == [
        "Dòng 4: Không có chủ đề mã «chu-de-sai» (xem mã ở trang Ngân hàng câu hỏi).",
        "Dòng 5: «chung-2» phải có dạng CHỦ_ĐỀ:MỨC_ĐỘ:SỐ_CÂU (hai dấu hai chấm).",
        "Dòng 6: Mức độ «rất khó» phải là dễ, trung bình, khó hoặc *; "
        "số câu «0» phải là số nguyên từ 1 trở lên.",
    ]


def test_prize_lines() -> None:
    parsed = parse_prizes("Giải Nhất: 1\nGiải: x\n: 3\nGiải Ba: 3")
    assert parsed.items == [PrizeTier("Giải Nhất", 1), PrizeTier("Giải Ba", 3)]
    assert [p.split(":")[0] for p in parsed.problems] == ["Dòng 2", "Dòng 3"]
