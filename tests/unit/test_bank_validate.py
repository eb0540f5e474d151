"""The question bank validator: every rule at its exact line, topics, whole banks, stats."""

from __future__ import annotations

import io
import json
import random
import tracemalloc
import unicodedata
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.domain.bank import (
    BankReport,
    Problem,
    QuestionSpec,
    RawQuestion,
    TopicSpec,
    bank_stats,
    load_bank,
    parse_topics,
    read_zip,
    records_from_yaml,
    validate,
)
from quizapp.domain.bank_checks import refers_to_other_choices

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "bank"
VALID_BANK = DATA / "valid"
TOPICS = [TopicSpec("hieu-luc", "Hiệu lực"), TopicSpec("thi-dua", "Thi đua")]
TOPICS_YAML = b"topics:\n  - id: hieu-luc\n    name: H\n  - id: thi-dua\n    name: T\n"

# Line numbers in the tests below refer to this layout.
BASE = """\
topic: hieu-luc
questions:
  - id: Q-1
    text: Luật Thi đua, khen thưởng có hiệu lực từ ngày nào?
    choices:
      - Một
      - Hai
      - Ba
    answer: B
    difficulty: easy
    source: Điều 94
    explanation: Giải thích.
  - id: Q-2
    text: Hội đồng Thi đua – Khen thưởng cấp xã do ai làm Chủ tịch?
    choices: [Chủ tịch Ủy ban nhân dân, Bí thư, Trưởng công an]
    answer: A
    topic: thi-dua
    difficulty: hard
    source: Điều 90
    explanation: Chủ tịch Ủy ban nhân dân làm Chủ tịch Hội đồng.
"""


def _check(text: str, topics: list[TopicSpec] = TOPICS) -> BankReport:
    records, problems = records_from_yaml(text.encode("utf-8"), "q.yaml")
    report = validate(records, topics)
    report.errors = problems + report.errors
    return report


def _errors(old: str, new: str) -> list[str]:
    assert old in BASE, old
    return [str(e) for e in _check(BASE.replace(old, new, 1)).errors]


def test_base_is_valid() -> None:
    report = _check(BASE)
    assert report.errors == [] and report.warnings == []
    first = report.questions[0]
    assert first == QuestionSpec(
        id="Q-1",
        text="Luật Thi đua, khen thưởng có hiệu lực từ ngày nào?",
        choices=("Một", "Hai", "Ba"),
        answer=1,
        topic="hieu-luc",
        difficulty="easy",
        source="Điều 94",
        explanation="Giải thích.",
        shuffle=True,
    )
    assert first.where == "q.yaml:3"
    assert report.questions[1].topic == "thi-dua"


RULES = [
    # (old, new, the one expected error)
    (
        "    explanation: Giải thích.\n",
        "    explanation: Giải thích.\n    hint: x\n",
        "q.yaml:13: Q-1: khóa không hợp lệ «hint» (cho phép: id, text, choices, answer, topic, "
        "difficulty, source, explanation, shuffle, basis, historical, checked)",
    ),
    ("    source: Điều 94\n", "", "q.yaml:3: Q-1: thiếu khóa «source»"),
    ("    answer: B\n", "", "q.yaml:3: Q-1: thiếu khóa «answer»"),
    ("  - id: Q-1\n    text:", "  - text:", "q.yaml:3: -: thiếu khóa «id»"),
    (
        "id: Q-1",
        "id: Q 1",
        "q.yaml:3: Q 1: mã câu hỏi «Q 1» không hợp lệ: chỉ dùng chữ, số, «-» và «_»",
    ),
    (
        "id: Q-1",
        "id: Câu-1",
        "q.yaml:3: Câu-1: mã câu hỏi «Câu-1» không hợp lệ: chỉ dùng chữ, số, «-» và «_»",
    ),
    (
        "id: Q-1",
        "id: [Q]",
        "q.yaml:3: -: mã câu hỏi («id») phải là văn bản, không phải một danh sách",
    ),
    ("id: Q-2", "id: Q-1", "q.yaml:13: Q-1: mã câu hỏi bị trùng với câu ở q.yaml:3"),
    (
        "      - Một\n      - Hai\n      - Ba\n",
        "      - Một\n",
        "q.yaml:5: Q-1: cần từ 2 đến 6 phương án, đang có 1",
    ),
    (
        "      - Ba\n",
        "      - Ba\n      - Bốn\n      - Năm\n      - Sáu\n      - Bảy\n",
        "q.yaml:5: Q-1: cần từ 2 đến 6 phương án, đang có 7",
    ),
    (
        "    choices:\n      - Một\n      - Hai\n      - Ba\n",
        "    choices: Một\n",
        "q.yaml:5: Q-1: «choices» phải là danh sách các phương án, không phải «Một»",
    ),
    (
        "    choices:\n      - Một\n      - Hai\n      - Ba\n",
        "    choices:\n",
        "q.yaml:5: Q-1: «choices» phải là danh sách các phương án, không phải trống",
    ),
    ("      - Hai", "      - ''", "q.yaml:7: Q-1: phương án B không được để trống"),
    ("      - Hai", "      -", "q.yaml:7: Q-1: phương án B không được để trống"),
    (
        "      - Hai",
        "      - [x]",
        "q.yaml:7: Q-1: phương án B phải là văn bản, không phải một danh sách",
    ),
    ("      - Ba", "      - ' hai '", "q.yaml:8: Q-1: phương án C trùng với phương án B"),
    ("      - Ba", "      - HAI", "q.yaml:8: Q-1: phương án C trùng với phương án B"),
    ("      - Ba", "      - Một", "q.yaml:8: Q-1: phương án C trùng với phương án A"),
    (
        "answer: B",
        "answer: 2",
        "q.yaml:9: Q-1: «answer» phải là một chữ cái từ A đến F, không phải «2»",
    ),
    (
        "answer: B",
        "answer: G",
        "q.yaml:9: Q-1: «answer» phải là một chữ cái từ A đến F, không phải «G»",
    ),
    (
        "answer: B",
        "answer: AB",
        "q.yaml:9: Q-1: «answer» phải là một chữ cái từ A đến F, không phải «AB»",
    ),
    ("answer: B", "answer: D", "q.yaml:9: Q-1: đáp án D không có: câu hỏi chỉ có 3 phương án"),
    (
        "answer: B",
        "answer: B\n    answer: C",
        "q.yaml:10: Q-1: khóa «answer» bị lặp lại (đã có ở dòng 9)",
    ),
    (
        "topic: thi-dua",
        "topic: thi_dua",
        "q.yaml:17: Q-2: chủ đề «thi_dua» không có (cho phép: hieu-luc, thi-dua)",
    ),
    (
        "topic: hieu-luc\n",
        "topic: khong-co\n",
        "q.yaml:1: Q-1: chủ đề «khong-co» không có (cho phép: hieu-luc, thi-dua)",
    ),
    ("topic: hieu-luc\n", "", "q.yaml:2: Q-1: thiếu khóa «topic»"),
    (
        "difficulty: easy",
        "difficulty: very",
        "q.yaml:10: Q-1: mức độ «very» không có (cho phép: easy, medium, hard)",
    ),
    (
        "text: Luật Thi đua, khen thưởng có hiệu lực từ ngày nào?",
        "text:",
        "q.yaml:4: Q-1: nội dung câu hỏi («text») không được để trống",
    ),
    (
        "source: Điều 94",
        "source: ''",
        "q.yaml:11: Q-1: căn cứ pháp lý («source») không được để trống",
    ),
    (
        "explanation: Giải thích.",
        "explanation: '   '",
        "q.yaml:12: Q-1: giải thích («explanation») không được để trống",
    ),
    (
        "explanation: Giải thích.",
        'explanation: "Giải\\athích"',
        "q.yaml:12: Q-1: giải thích («explanation») chứa ký tự điều khiển không hợp lệ",
    ),
    (
        "explanation: Giải thích.",
        "explanation: " + "x" * 4001,
        "q.yaml:12: Q-1: giải thích («explanation») dài quá 4000 ký tự",
    ),
    (
        "      - Ba",
        "      - Cả A và B đều đúng",
        "q.yaml:8: Q-1: phương án C nhắc tới phương án khác: cần đặt «shuffle: false»",
    ),
    (
        "      - Ba",
        "      - Tất cả các đáp án trên\n    shuffle: true",
        "q.yaml:8: Q-1: phương án C nhắc tới phương án khác: cần đặt «shuffle: false»",
    ),
    (
        "answer: B",
        "answer: B\n    shuffle: 'no'",
        "q.yaml:10: Q-1: «shuffle» phải là true hoặc false, không phải «no»",
    ),
    (
        "answer: B",
        "answer: B\n    shuffle: 0",
        "q.yaml:10: Q-1: «shuffle» phải là true hoặc false, không phải «0»",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), RULES)
def test_each_rule_is_reported_at_the_offending_line(old: str, new: str, expected: str) -> None:
    assert _errors(old, new) == [expected]


@pytest.mark.parametrize(
    ("old", "new", "field", "value"),
    [
        ("answer: B", "answer: b", "answer", 1),
        ("difficulty: easy", "difficulty: Easy", "difficulty", "easy"),
        ("answer: B", "answer: B\n    shuffle: no", "shuffle", False),
        ("answer: B", "answer: B\n    shuffle: yes", "shuffle", True),
        ("      - Ba", "      - 8", "choices", ("Một", "Hai", "8")),
        ("      - Ba", "      - '  Ba  '", "choices", ("Một", "Hai", "Ba")),
        (
            "      - Ba",
            "      - Cả A và B\n    shuffle: false",
            "choices",
            ("Một", "Hai", "Cả A và B"),
        ),
    ],
)
def test_accepted_variants(old: str, new: str, field: str, value: object) -> None:
    report = _check(BASE.replace(old, new, 1))
    assert report.errors == []
    assert getattr(report.questions[0], field) == value


def test_several_problems_of_one_question_are_all_reported_in_line_order() -> None:
    text = BASE.replace("      - Ba", "      - hai").replace("answer: B", "answer: Z")
    text = text.replace("difficulty: easy", "difficulty: x")
    assert [str(e) for e in _check(text).errors] == [
        "q.yaml:8: Q-1: phương án C trùng với phương án B",
        "q.yaml:9: Q-1: «answer» phải là một chữ cái từ A đến F, không phải «Z»",
        "q.yaml:10: Q-1: mức độ «x» không có (cho phép: easy, medium, hard)",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "q.yaml:1: -: tệp rỗng: cần có khóa «questions»"),
        ("- a\n", "q.yaml:1: -: tệp phải là một nhóm khóa: giá trị có khóa «questions»"),
        ("topic: hieu-luc\n", "q.yaml:1: -: thiếu khóa «questions»"),
        ("questions: x\n", "q.yaml:1: -: «questions» phải là một danh sách, không phải «x»"),
        ("title: x\nquestions: []\n", "q.yaml:1: -: khóa không hợp lệ «title» ở đầu tệp"),
        ("questions:\n  - just text\n", "q.yaml:2: -: mỗi câu hỏi phải là một nhóm khóa"),
        ("topic: [a]\nquestions: []\n", "q.yaml:1: -: «topic» phải là một mã chủ đề"),
        ("questions:\n  - id: Q\n   text: x\n", "q.yaml:3: -: lỗi cú pháp YAML"),
        (
            "questions:\n  - id: Q\n    text: Điều 2: phạm vi\n",
            "q.yaml:3: -: lỗi cú pháp YAML: dấu «:»",
        ),
        ("questions: [\n", "q.yaml:2: -: lỗi cú pháp YAML"),
    ],
)
def test_file_level_problems(text: str, expected: str) -> None:
    errors = [str(e) for e in _check(text).errors]
    assert errors and errors[0].startswith(expected), errors


def test_empty_question_list_is_accepted() -> None:
    assert _check("questions: []\n").errors == []


def test_text_is_nfc_normalised_not_refused() -> None:
    decomposed = unicodedata.normalize("NFD", BASE)
    assert decomposed != BASE
    report = _check(decomposed)
    assert report.errors == []
    assert report.questions == _check(BASE).questions
    assert report.questions[0].content_hash() == _check(BASE).questions[0].content_hash()
    assert report.questions[0].choices[1] == "Hai"
    assert unicodedata.is_normalized("NFC", report.questions[1].text)


def test_duplicate_choices_compare_after_nfc() -> None:
    text = BASE.replace("      - Ba", "      - " + unicodedata.normalize("NFD", "hai"))
    text = text.replace("      - Hai", "      - Hải").replace("      - Một", "      - hải")
    errors = [str(e) for e in _check(text).errors]
    assert errors == ["q.yaml:7: Q-1: phương án B trùng với phương án A"]


def test_duplicate_ids_across_files_name_the_first_file() -> None:
    other = BASE.replace("Q-2", "Q-9").replace("      - Một", "      - Bốn")
    report = load_bank(
        {
            "topics.yaml": TOPICS_YAML,
            "b.yaml": other.encode(),
            "a.yaml": BASE.encode(),
        }
    )
    assert [str(e) for e in report.errors] == [
        "b.yaml:3: Q-1: mã câu hỏi bị trùng với câu ở a.yaml:3"
    ]
    assert [q.id for q in report.questions] == ["Q-1", "Q-2", "Q-9"]
    assert report.questions[0].where == "a.yaml:3"


def test_problem_prints_as_file_line_id_message() -> None:
    assert str(Problem("a.yaml:7", "Q-1", "lỗi")) == "a.yaml:7: Q-1: lỗi"


# --- choices that refer to other choices ------------------------------------------------------

_CHOICE_CASES = yaml.safe_load((DATA / "choice-references.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("choice", _CHOICE_CASES["referring"])
def test_choices_referring_to_other_choices_are_recognised(choice: str) -> None:
    assert refers_to_other_choices(choice)
    assert refers_to_other_choices(unicodedata.normalize("NFD", choice))


@pytest.mark.parametrize("choice", _CHOICE_CASES["ordinary"])
def test_ordinary_choices_are_not_mistaken_for_references(choice: str) -> None:
    assert not refers_to_other_choices(choice)


# --- near-duplicates ----------------------------------------------------------------------------


def test_near_duplicate_texts_are_a_warning_at_the_second() -> None:
    text = BASE.replace(
        "Hội đồng Thi đua – Khen thưởng cấp xã do ai làm Chủ tịch?",
        "Luật Thi đua, khen thưởng có hiệu lực từ ngày nào ?",
    )
    text = text.replace("[Chủ tịch Ủy ban nhân dân, Bí thư, Trưởng công an]", "[Một, Hai]")
    report = _check(text)
    assert report.errors == []
    assert [str(w) for w in report.warnings] == [
        "q.yaml:13: Q-2: nội dung gần trùng với câu Q-1 ở q.yaml:3 (giống 100%)"
    ]


def test_a_common_stem_with_other_choices_is_not_a_near_duplicate() -> None:
    text = BASE.replace(
        "Hội đồng Thi đua – Khen thưởng cấp xã do ai làm Chủ tịch?",
        "Luật Thi đua, khen thưởng có hiệu lực từ ngày nào?",
    )
    assert _check(text).warnings == []


def _raw(i: int, text: str, choices: list[str]) -> RawQuestion:
    fields: dict[str, object] = {
        "id": f"Q-{i}",
        "text": text,
        "choices": choices,
        "answer": "A",
        "topic": "hieu-luc",
        "difficulty": "easy",
        "source": "Điều 1",
        "explanation": "Giải thích.",
    }
    return RawQuestion(fields, {}, f"gen.yaml:{i}")


def test_each_copy_is_reported_once() -> None:
    stem = "Danh hiệu Chiến sĩ thi đua cơ sở được xét tặng hằng năm cho cá nhân nào"
    records = [_raw(i, stem + "?" * (i + 1), ["x", "y"]) for i in range(3)]
    warnings = validate(records, TOPICS).warnings
    assert [(w.qid, w.where) for w in warnings] == [("Q-1", "gen.yaml:1"), ("Q-2", "gen.yaml:2")]


def test_a_thousand_questions_with_planted_near_duplicates() -> None:
    rng = random.Random(7)
    vocabulary = (
        "luật thi đua khen thưởng năm quy định cá nhân tập thể danh hiệu huân chương bằng khen "
        "giấy chủ tịch ủy ban nhân dân cấp xã phường tỉnh thành phố trung ương điều khoản hiệu "
        "lực thi hành ngày tháng tiêu chuẩn hội đồng chiến sĩ lao động tiên tiến xuất sắc quỹ "
        "hồ sơ thủ tục thẩm quyền quyết định trao tặng hình thức đối tượng nguyên tắc"
    )
    words = vocabulary.split()
    records = []
    for i in range(990):
        body = " ".join(rng.choice(words) for _ in range(rng.randint(10, 30)))
        records.append(_raw(i, f"Theo Luật năm 2022, {body}?", [f"a{i}", f"b{i}", "Cá nhân"]))
    for k in range(10):  # planted near-duplicates of the first ten questions
        copy = str(records[k].fields["text"]).replace("?", " nào?")
        records.append(_raw(990 + k, copy, [f"a{k}", "khác"]))
    report = validate(records, TOPICS)  # speed is a benchmark matter, not a test's
    assert report.errors == []
    assert {w.qid for w in report.warnings} >= {f"Q-{990 + k}" for k in range(10)}


# --- topics, whole banks, stats -----------------------------------------------------------------


def test_shipped_topics_file_parses() -> None:
    topics, problems = parse_topics((ROOT / "question_bank/topics.yaml").read_bytes(), "t.yaml")
    assert problems == []
    assert len(topics) >= 10
    assert topics[0].id == "quy-dinh-chung" and topics[0].chapter == "I"
    assert len({t.id for t in topics}) == len(topics)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "topics:\n  - id: a\n    name: A\n  - id: a\n    name: B\n",
            "t.yaml:4: a: mã chủ đề bị trùng (đã có ở t.yaml:2)",
        ),
        ("topics:\n  - id: a\n", "t.yaml:2: a: chủ đề thiếu tên («name»)"),
        (
            "topics:\n  - id: a b\n    name: A\n",
            "t.yaml:2: a b: mã chủ đề thiếu hoặc không hợp lệ (chỉ dùng chữ, số, - _)",
        ),
        (
            "topics:\n  - id: a\n    name: A\n    colour: x\n",
            "t.yaml:4: a: khóa không hợp lệ «colour»",
        ),
        ("topics:\n  - a\n", "t.yaml:2: -: mỗi chủ đề phải là một nhóm khóa: giá trị (id, name)"),
        ("topics: []\n", "t.yaml:1: -: chưa khai báo chủ đề nào"),
        ("themes: []\n", "t.yaml:1: -: thiếu khóa «topics»"),
    ],
)
def test_topic_problems(text: str, expected: str) -> None:
    _, problems = parse_topics(text.encode(), "t.yaml")
    assert expected in [str(p) for p in problems]


def _bank_files() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in VALID_BANK.iterdir()}


def test_fixture_bank_loads_with_yml_files_and_ignores_other_files() -> None:
    report = load_bank(_bank_files())
    assert report.errors == [] and report.warnings == []
    assert [q.id for q in report.questions] == ["TDKT-0001", "TDKT-0002", "TDKT-0101", "TDKT_0102"]
    assert [t.id for t in report.topics] == ["hieu-luc", "thi-dua", "lich-su"]
    assert report.questions[1].choices == ("6", "7", "8", "9")
    assert report.questions[1].explanation == "Luật gồm 8 chương và 96 điều."
    assert report.questions[2].shuffle is False


def test_bank_without_topics_or_questions_is_refused() -> None:
    files = _bank_files()
    del files["topics.yaml"]
    assert [str(e) for e in load_bank(files).errors] == [
        "topics.yaml: -: thiếu tệp topics.yaml (khai báo các chủ đề) ở thư mục gốc của ngân hàng"
    ]
    only_topics = {"topics.yaml": _bank_files()["topics.yaml"], "README.md": b"x"}
    assert [str(e) for e in load_bank(only_topics).errors] == [
        "topics.yaml: -: ngân hàng không có tệp câu hỏi .yaml nào"
    ]


def test_bank_stats() -> None:
    assert bank_stats(load_bank(_bank_files()).questions) == {
        "total": 4,
        "by_topic": {"hieu-luc": 2, "lich-su": 1, "thi-dua": 1},
        "by_difficulty": {"easy": 2, "medium": 1, "hard": 1},
        "by_answer": {"A": 1, "B": 1, "C": 2},
    }


def test_content_hash_covers_content_only() -> None:
    spec = load_bank(_bank_files()).questions[0]
    same_elsewhere = QuestionSpec(**{**spec.__dict__, "where": "Câu hỏi!2"})
    assert same_elsewhere == spec
    assert same_elsewhere.content_hash() == spec.content_hash()
    assert len(spec.content_hash()) == 64
    for change in ({"explanation": "Khác."}, {"answer": 0}, {"shuffle": False}, {"topic": "x"}):
        assert QuestionSpec(**{**spec.__dict__, **change}).content_hash() != spec.content_hash()


# --- hostile and random input never raises ------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_end_in_problems_not_exceptions(data: bytes) -> None:
    records, problems = records_from_yaml(data, "x.yaml")
    report = validate(records, TOPICS)
    assert all(str(p).startswith("x.yaml:") for p in problems + report.errors)


_YAMLISH = st.text(alphabet=st.sampled_from(list("qideA-:[]{}&*!#'\" \n01ờ,?|>")), max_size=200)


@settings(max_examples=300, deadline=None)
@given(_YAMLISH)
def test_random_yaml_ends_in_problems_not_exceptions(text: str) -> None:
    records, _ = records_from_yaml(text.encode(), "x.yaml")
    validate(records, TOPICS)


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=7) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "id",
                "text",
                "choices",
                "answer",
                "topic",
                "difficulty",
                "source",
                "explanation",
                "shuffle",
                "x",
            ]
        ),
        _VALUES,
    )
)
def test_random_questions_end_in_problems_not_exceptions(fields: dict[str, object]) -> None:
    text = json.dumps({"questions": [fields]})
    records, problems = records_from_yaml(text.encode(), "x.yaml")
    report = validate(records, TOPICS)
    assert bool(report.questions) != bool(report.errors + problems) or not records


# --- uploaded zips --------------------------------------------------------------------------


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_zip_of_the_bank_folder_loads_with_the_folder_stripped() -> None:
    entries = {f"question_bank/{name}": data for name, data in _bank_files().items()}
    entries["__MACOSX/question_bank/._topics.yaml"] = b"\x00\x05\x16\x07"
    entries["question_bank/.DS_Store"] = b"\x00\x00"
    files, problems = read_zip(_zip(entries))
    assert problems == []
    assert files == _bank_files()
    assert load_bank(files).errors == []


def test_zip_without_a_folder_is_read_as_it_is() -> None:
    files, problems = read_zip(_zip(_bank_files()))
    assert problems == [] and files == _bank_files()


@pytest.mark.parametrize(
    "name",
    ["../evil.yaml", "bank/../../evil.yaml", "/etc/passwd", "C:/x.yaml", "..\\evil.yaml", "a/../b"],
)
def test_zip_with_an_unsafe_path_is_refused_whole(name: str) -> None:
    files, problems = read_zip(_zip({"topics.yaml": b"topics: []", name: b"x"}))
    assert files == {}
    assert [p.message for p in problems] == [f"đường dẫn không an toàn trong tệp zip: «{name}»"]
    assert str(problems[0]).startswith("tệp zip: -: ")


def test_zip_with_too_many_entries_is_refused() -> None:
    files, problems = read_zip(_zip({f"{i}.yaml": b"" for i in range(201)}))
    assert files == {}
    assert [p.message for p in problems] == ["tệp zip có quá nhiều mục (201, tối đa 200)"]


def test_oversized_zip_upload_is_refused_before_opening() -> None:
    files, problems = read_zip(b"PK" + bytes(20_000_000))
    assert files == {}
    assert [p.message for p in problems] == ["tệp zip quá lớn (tối đa 20 MB)"]


@pytest.mark.parametrize("data", [b"", b"not a zip", b"PK\x03\x04" + b"\x00" * 40])
def test_damaged_zip_is_a_problem(data: bytes) -> None:
    files, problems = read_zip(data)
    assert files == {}
    assert problems[0].message.startswith("tệp zip bị hỏng")


def _zeros_zip(sizes: list[int]) -> bytes:
    """Highly compressible entries written in chunks, so the test itself stays small."""
    out = io.BytesIO()
    chunk = bytes(1_000_000)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, size in enumerate(sizes):
            with archive.open(f"bank/{i}.yaml", "w", force_zip64=True) as entry:
                for _ in range(size // len(chunk)):
                    entry.write(chunk)
    return out.getvalue()


@pytest.mark.parametrize("sizes", [[100_000_000], [15_000_000, 15_000_000]])
def test_zip_bomb_is_refused_without_exhausting_memory(sizes: list[int]) -> None:
    bomb = _zeros_zip(sizes)
    assert len(bomb) < 200_000
    tracemalloc.start()
    try:
        files, problems = read_zip(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert files == {}
    assert [p.message for p in problems] == ["tệp zip khi giải nén quá lớn"]
    assert peak < 2 * 20_000_000 + 5_000_000


def test_zip_whose_header_understates_the_size_is_refused() -> None:
    data = bytearray(_zip({"topics.yaml": bytes(1_000_000)}))
    # Patch the uncompressed size in the local header (offset 22) and central directory (24).
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    data[local + 22 : local + 26] = (10).to_bytes(4, "little")
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")
    files, problems = read_zip(bytes(data))
    assert files == {}
    assert problems[0].message.startswith("tệp zip bị hỏng")
