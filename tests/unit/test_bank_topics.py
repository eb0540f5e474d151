"""Topics in the order of the Law (one function), and the shipped topics' labels distinct."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.domain.bank import parse_topics
from quizapp.domain.bank_topics import chapter_number, ordered
from quizapp.domain.bank_types import TopicSpec

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("chapter", "number"),
    [("I", 1), ("IV", 4), ("VIII", 8), ("ix", 9), (None, 1000), ("", 1000), ("3", 1000)],
)
def test_chapter_number(chapter, number) -> None:
    assert chapter_number(chapter) == number


def test_chapters_then_sections_then_the_rest_alphabetically() -> None:
    topics = [
        TopicSpec("lich-su", "Lịch sử phong trào"),
        TopicSpec("c8", "Chương VIII – Điều khoản thi hành", "VIII"),
        TopicSpec("c3b", "Chương III, từ Mục 3 – Danh hiệu", "III"),
        TopicSpec("diem-moi", "Những điểm mới"),
        TopicSpec("c3a", "Chương III, Mục 1–2 – Huân chương", "III"),
        TopicSpec("c1", "Chương I – Quy định chung", "I"),
        TopicSpec("kh", "Kế hoạch tuyên truyền"),
    ]
    assert [t.id for t in ordered(topics)] == [
        "c1",
        "c3a",
        "c3b",
        "c8",
        "kh",
        "lich-su",
        "diem-moi",
    ]


def test_the_shipped_topics_have_distinct_chapter_labels_in_order() -> None:
    topics, problems = parse_topics((ROOT / "question_bank" / "topics.yaml").read_bytes(), "t")
    assert problems == []
    labels = [t.name.split(" – ")[0] for t in topics if t.chapter]
    assert len(labels) == len(set(labels)), labels
    assert [t.id for t in ordered(topics)][:3] == [
        "quy-dinh-chung",
        "thi-dua",
        "huan-chuong-huy-chuong",
    ]
