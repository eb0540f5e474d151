"""Citations: what a question's `source` cites, and whether it touches an asked article."""

import pytest

from quizapp.domain.citations import (
    CitationQuery,
    Cited,
    document_key,
    has_article,
    parse_citation,
    parse_query,
    touches,
)

LAW = "6/2022/QH15"
DECREE = "152/2025/ND-CP"


@pytest.mark.parametrize(
    ("source", "cited"),
    [
        ("Điều 24", [Cited(LAW, 24)]),
        ("khoản 2 Điều 24", [Cited(LAW, 24, frozenset({2}))]),
        ("Điều 15 khoản 1, 3, 6", [Cited(LAW, 15, frozenset({1, 3, 6}))]),
        ("Điều 3 khoản 2, khoản 3", [Cited(LAW, 3, frozenset({2, 3}))]),
        ("điểm b khoản 3 Điều 46 Nghị định 152/2025/NĐ-CP", [Cited(DECREE, 46, frozenset({3}))]),
        ("Nghị định 152/2025/NĐ-CP, Điều 50 khoản 2", [Cited(DECREE, 50, frozenset({2}))]),
        (
            "Điều 50 Nghị định 98/2023/NĐ-CP; Điều 11",
            [Cited("98/2023/ND-CP", 50), Cited(LAW, 11)],
        ),
        (
            "khoản 2 Điều 20 Luật Thi đua, khen thưởng, Điều 50 Nghị định 152/2025/NĐ-CP",
            [Cited(LAW, 20, frozenset({2})), Cited(DECREE, 50)],
        ),
        (
            "khoản 1 Điều 20, khoản 2 Điều 27",
            [Cited(LAW, 20, frozenset({1})), Cited(LAW, 27, frozenset({2}))],
        ),
        ("Chương VIII (Điều 94 – Điều 96)", [Cited(LAW, 94), Cited(LAW, 95), Cited(LAW, 96)]),
        (
            "Điều 94 khoản 2; Luật số 47/2005/QH11",
            [Cited(LAW, 94, frozenset({2})), Cited("47/2005/QH11")],
        ),
        ("Chỉ thị số 34-CT/TW ngày 07/4/2014, mục 1", [Cited("34-CT/TW")]),
        ("Lời kêu gọi thi đua ái quốc (11/6/1948)", []),
        ("Quyết định 500/QĐ-TTg ngày 12/6/2024", [Cited("500/QD-TTG")]),
    ],
)
def test_parse_citation(source: str, cited: list[Cited]) -> None:
    assert parse_citation(source) == cited


@pytest.mark.parametrize(
    ("number", "key"),
    [
        ("06/2022/QH15", "6/2022/QH15"),
        ("152/2025/NĐ-CP", "152/2025/ND-CP"),
        ("152 / 2025 / nđ-cp", "152/2025/ND-CP"),
        ("34-CT/TW", "34-CT/TW"),
    ],
)
def test_document_key(number: str, key: str) -> None:
    assert document_key(number) == key


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Điều 24", CitationQuery(article=24)),
        ("điều 24", CitationQuery(article=24)),
        ("khoản 2 Điều 24", CitationQuery(article=24, clause=2)),
        ("Điều 24 khoản 2", CitationQuery(article=24, clause=2)),
        ("152/2025/NĐ-CP", CitationQuery(document=DECREE)),
        ("Nghị định 152/2025", CitationQuery(document="152/2025")),
        ("Điều 50 152/2025/NĐ-CP", CitationQuery(article=50, document=DECREE)),
        ("Luật Thi đua, khen thưởng", CitationQuery(document=LAW)),
        ("Điều 24 Luật số 06/2022/QH15", CitationQuery(article=24, document=LAW)),
        ("", None),
        ("huân chương", None),
    ],
)
def test_parse_query(text: str, query: CitationQuery | None) -> None:
    assert parse_query(text) == query


@pytest.mark.parametrize(
    ("source", "asked", "touched"),
    [
        ("Điều 24", "Điều 24", True),
        ("Điều 241", "Điều 24", False),
        ("Điều 24", "Điều 2", False),
        ("khoản 2 Điều 24", "Điều 24", True),
        ("Điều 24 khoản 1", "Điều 24", True),
        ("Điều 24", "khoản 2 Điều 24", True),  # the whole article holds its clause 2
        ("Điều 24 khoản 1", "khoản 2 Điều 24", False),
        ("Điều 24 khoản 1, 2", "khoản 2 Điều 24", True),
        ("Điều 20, Điều 24", "Điều 24", True),
        ("Điều 59 khoản 2; Điều 24", "Điều 24", True),
        ("Chương II (Điều 16 – Điều 32)", "Điều 24", True),
        ("Điều 24 Nghị định 152/2025/NĐ-CP", "Điều 24", True),
        ("Điều 24 Nghị định 152/2025/NĐ-CP", "Điều 24 06/2022/QH15", False),
        ("Điều 24", "Điều 24 06/2022/QH15", True),
        ("Điều 46 khoản 3 Nghị định 152/2025/NĐ-CP", "152/2025/NĐ-CP", True),
        ("Điều 46 khoản 3 Nghị định 152/2025/NĐ-CP", "Nghị định 152/2025", True),
        ("Điều 46 Nghị định 152/2025/NĐ-CP", "Điều 46 Nghị định 98/2023/NĐ-CP", False),
        ("Nghị định 152/2025/NĐ-CP", "152/2025/NĐ-CP", True),
        ("Nghị định 152/2025/NĐ-CP", "Điều 50 152/2025/NĐ-CP", False),
        ("Nghị định 1520/2025/NĐ-CP", "152/2025/NĐ-CP", False),
        ("Quyết định 500/QĐ-TTg ngày 12/6/2024", "Điều 12", False),
    ],
)
def test_touches(source: str, asked: str, touched: bool) -> None:
    query = parse_query(asked)
    assert query is not None
    assert touches(source, query) is touched


@pytest.mark.parametrize(
    ("source", "located"),
    [
        ("Điều 24", True),
        ("khoản 2 Điều 20", True),
        ("Nghị định 152/2025/NĐ-CP", False),
        ("Luật số 06/2022/QH15", False),
        ("Chương IV", False),
        ("Chương III, Mục 1 – Huân chương Lao động", False),
        ("Kế hoạch tuyên truyền điển hình tiên tiến quận Gò Vấp 2023–2025, Mục II, điểm 2", True),
        ("Lời kêu gọi thi đua ái quốc (11/6/1948)", False),
        ("Kế hoạch tuyên truyền điển hình tiên tiến, phần căn cứ", True),
        ("Chỉ thị số 34-CT/TW ngày 07/4/2014, phần mở đầu", True),
        ("Kế hoạch, phần nơi nhận", True),
        ("Luật số 06/2022/QH15 (ngày 15/6/2022)", False),
    ],
)
def test_has_article(source: str, located: bool) -> None:
    assert has_article(source) is located


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("Điều 24", "Điều 24 của mọi văn bản"),
        ("khoản 2 Điều 24", "khoản 2 Điều 24 của mọi văn bản"),
        ("Điều 50 Nghị định 152/2025", "Điều 50 của văn bản số 152/2025"),
        ("152/2025/NĐ-CP", "văn bản số 152/2025/ND-CP"),
    ],
)
def test_describe_says_how_the_query_was_read(text: str, reading: str) -> None:
    query = parse_query(text)
    assert query is not None and query.describe() == reading
