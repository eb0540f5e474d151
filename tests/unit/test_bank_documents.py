"""The documents register (documents.yaml) and the question keys basis / historical / checked:
each problem at its exact line, the shipped register complete, hashes stable for old content."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path

import pytest

from quizapp.domain.bank import load_bank
from quizapp.domain.bank_documents import parse_date, parse_documents

ROOT = Path(__file__).resolve().parents[2]
TOPICS = b"topics:\n  - id: t\n    name: T\n"
DOCS = """\
documents:
  - id: luat-a
    number: "1/2022/QH15"
    title: Luật A
    issuer: Quốc hội
    signed: 15/06/2022
    in_force_from: 01/01/2024
    in_force_until:
    amended_by: [luat-b]
    status: in_force
    checked: 07/12/2026
  - id: luat-b
    number: "2/2026/QH16"
    title: Luật B
    issuer: Quốc hội
    status: reported
    checked: 07/12/2026
changes:
  - document: luat-b
    amends: luat-a
    articles: [16, 23]
    in_force_from: 01/10/2026
    confidence: reported
    source: báo
"""
QUESTION = """\
topic: t
questions:
  - id: Q-1
    text: Câu hỏi?
    choices: [Một, Hai]
    answer: A
    difficulty: easy
    source: Điều 1
    explanation: Vì thế.
{extra}"""


def _bank(extra: str, docs: str | None = DOCS) -> list[str]:
    files = {"topics.yaml": TOPICS, "q.yaml": QUESTION.format(extra=extra).encode()}
    if docs is not None:
        files["documents.yaml"] = docs.encode()
    return [str(p) for p in load_bank(files).errors]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07/12/2026", date(2026, 12, 7)),
        ("1/7/2025", date(2025, 7, 1)),
        ("31/02/2027", None),
        ("2026-12-07", None),
        ("07/12/26", None),
    ],
)
def test_dates_are_day_month_year(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_a_valid_register_is_read_whole() -> None:
    register, problems = parse_documents(DOCS.encode(), "documents.yaml")
    assert problems == []
    assert register.documents["luat-a"].in_force_from == date(2024, 1, 1)
    assert register.documents["luat-a"].in_force_until is None
    assert register.changes[0].articles == (16, 23)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "signed: 15/06/2022",
            "signed: 31/06/2022",
            "documents.yaml:6: luat-a: «signed»: ngày «31/06/2022» không có thật",
        ),
        (
            "status: in_force",
            "status: valid",
            "documents.yaml:10: luat-a: «status» «valid» không có",
        ),
        (
            "amended_by: [luat-b]",
            "amended_by: [luat-x]",
            "documents.yaml:2: luat-a: «amended_by»: mã văn bản «luat-x» không có trong danh mục",
        ),
        (
            "    amends: luat-a",
            "    amends: luat-z",
            "documents.yaml:19: luat-b: «amends»: mã văn bản «luat-z» không có",
        ),
        (
            "articles: [16, 23]",
            "articles: [16, hai]",
            "documents.yaml:21: luat-b: «articles»: «hai» không phải số điều",
        ),
        (
            "    confidence: reported",
            "    confidence: sure",
            "documents.yaml:23: luat-b: «confidence» «sure» không có",
        ),
        (
            "  - id: luat-b",
            "  - id: luat-a",
            "documents.yaml:12: luat-a: mã văn bản bị trùng (đã có ở documents.yaml:2)",
        ),
        (
            "    in_force_until:\n",
            "    in_force_until: 01/01/2020\n",
            "documents.yaml:8: luat-a: «in_force_until» (ngày cuối) trước «in_force_from»",
        ),
        (
            "    title: Luật A\n",
            "    title: Luật A\n    colour: red\n",
            "documents.yaml:5: luat-a: khóa không hợp lệ «colour»",
        ),
    ],
)
def test_register_problems_at_their_line(old: str, new: str, expected: str) -> None:
    assert old in DOCS
    _, problems = parse_documents(DOCS.replace(old, new, 1).encode(), "documents.yaml")
    assert any(str(p).startswith(expected) for p in problems), [str(p) for p in problems]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "    basis: [luat-x]\n",
            "q.yaml:10: Q-1: «basis»: mã văn bản «luat-x» không có trong documents.yaml",
        ),
        ("    basis: luat-a\n", "q.yaml:10: Q-1: «basis» phải là danh sách mã văn bản"),
        ("    historical: yes please\n", "q.yaml:10: Q-1: «historical» phải là true hoặc false"),
        (
            "    checked:\n      on: 32/12/2026\n      url: https://x.vn\n",
            "q.yaml:11: Q-1: «checked.on»: ngày «32/12/2026» không có thật",
        ),
        (
            "    checked:\n      on: 2026-12-07\n      url: https://x.vn\n",
            "q.yaml:11: -: thẻ YAML không được phép: !!timestamp",
        ),
        (
            '    checked:\n      on: "2026-12-07"\n      url: https://x.vn\n',
            "q.yaml:11: Q-1: «checked.on»: «2026-12-07» không phải ngày dạng dd/mm/yyyy",
        ),
        (
            "    checked:\n      on: 07/12/2026\n      url: x.vn\n",
            "q.yaml:12: Q-1: «checked.url» phải là địa chỉ http(s)",
        ),
        (
            "    checked:\n      on: 07/12/2026\n",
            "q.yaml:10: Q-1: «checked.url» phải là địa chỉ http(s)",
        ),
        ("    checked: 07/12/2026\n", "q.yaml:10: Q-1: «checked» phải có hai khóa"),
        (
            "    checked:\n      on: 07/12/2026\n      url: ../sources/x.md\n",
            "q.yaml:12: Q-1: «checked.url» phải là địa chỉ http(s)",
        ),
        (
            "    checked:\n      on: 07/12/2026\n      url: sources/sub/x.md\n",
            "q.yaml:12: Q-1: «checked.url» phải là địa chỉ http(s)",
        ),
    ],
)
def test_question_keys_problems_at_their_line(extra: str, expected: str) -> None:
    errors = _bank(extra)
    assert any(e.startswith(expected) for e in errors), errors


def test_basis_without_a_register_is_an_error() -> None:
    errors = _bank("    basis: [luat-a]\n", docs=None)
    assert errors == [
        "q.yaml:10: Q-1: «basis»: chưa có danh mục văn bản (documents.yaml) để tra mã «luat-a»"
    ]


def test_the_new_keys_are_read_and_change_the_hash_only_when_set() -> None:
    extra = (
        "    basis: [luat-a]\n    historical: true\n"
        "    checked:\n      on: 7/12/2026\n      url: https://x.vn/a\n"
    )
    with_keys = load_bank(
        {
            "topics.yaml": TOPICS,
            "documents.yaml": DOCS.encode(),
            "q.yaml": QUESTION.format(extra=extra).encode(),
        }
    )
    plain = load_bank({"topics.yaml": TOPICS, "q.yaml": QUESTION.format(extra="").encode()})
    (spec,) = with_keys.questions
    (old,) = plain.questions
    assert (spec.basis, spec.historical, spec.checked_on, spec.checked_url) == (
        ("luat-a",),
        True,
        date(2026, 12, 7),
        "https://x.vn/a",
    )
    assert spec.content_hash() != old.content_hash()
    # A question without the keys hashes as before they existed (no spurious new versions).
    before = [
        old.text,
        list(old.choices),
        old.answer,
        old.topic,
        old.difficulty,
        old.source,
        old.explanation,
        old.shuffle,
    ]
    canonical = json.dumps(before, ensure_ascii=False, separators=(",", ":"))
    assert old.content_hash() == hashlib.sha256(canonical.encode()).hexdigest()


def test_the_shipped_register_lists_every_document_the_schema_names() -> None:
    register, problems = parse_documents(
        (ROOT / "question_bank" / "documents.yaml").read_bytes(), "documents.yaml"
    )
    assert problems == []
    expected = {
        "luat-06-2022",
        "luat-15-2003",
        "luat-06-2026",
        "nd-152-2025",
        "nd-98-2023",
        "nd-28-2024",
        "nd-129-2025",
        "sl-58-1947",
        "sl-195-1948",
        "sl-216-1948",
        "sl-43-1950",
        "sl-65b-1950",
        "qd-258-2008",
        "qd-329-2008",
        "pl-bmvnah-1994",
        "pl-05-2012",
        "ct-39-2004",
        "ct-34-2014",
        "ct-22-2018",
        "loi-keu-goi-1948",
        "kh-go-vap-2023",
        "kh-hcm-3954-2023",
        "hien-phap-2013",
    }
    assert expected <= set(register.documents)
    nd152 = register.documents["nd-152-2025"]
    assert (nd152.signed, nd152.in_force_from, nd152.in_force_until) == (
        date(2025, 6, 14),
        date(2025, 7, 1),
        date(2027, 2, 28),
    )
    assert register.documents["luat-15-2003"].in_force_until == date(2023, 12, 31)
    assert register.documents["luat-06-2026"].status == "reported"
    (change,) = register.changes
    assert (change.document, change.amends, change.articles) == (
        "luat-06-2026",
        "luat-06-2022",
        (16, 23, 24, 29, 83),
    )


def test_every_problem_at_once_without_spurious_references() -> None:
    # luat-b has a bad date (reported once, at its line); luat-a still names it without a
    # spurious "unknown id", and a reference to a truly unknown id is reported meanwhile.
    broken = DOCS.replace("    status: reported", "    status: reported\n    signed: 30/02/2026")
    broken = broken.replace("amended_by: [luat-b]", "amended_by: [luat-b]\n    replaces: [luat-z]")
    _, problems = parse_documents(broken.encode(), "documents.yaml")
    messages = [str(p) for p in problems]
    assert any("«signed»: ngày «30/02/2026» không có thật" in m for m in messages), messages
    assert any("«replaces»: mã văn bản «luat-z» không có trong danh mục" in m for m in messages)
    assert not any("«luat-b» không có" in m for m in messages), messages


def test_a_check_against_a_shipped_copy_is_accepted() -> None:
    errors = _bank("    checked:\n      on: 07/12/2026\n      url: sources/ke-hoach.md\n")
    assert not any("checked" in e for e in errors), errors


def test_every_shipped_copy_a_check_names_is_in_the_bank() -> None:
    """A check record that names a copy shipped under question_bank/sources/ points at a file
    that is there (the copy is what was read, so it must travel with the bank)."""
    named = set()
    for path in sorted((ROOT / "question_bank").glob("[0-9]*.yaml")):
        named.update(re.findall(r"url:\s*\"?(sources/[^\s\"]+)", path.read_text("utf-8")))
    assert named, "the campaign topic is checked against the shipped plan"
    missing = sorted(n for n in named if not (ROOT / "question_bank" / n).is_file())
    assert missing == []
