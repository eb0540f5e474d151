"""Excel in and out: template, reading rows, round trip, and the formula-injection guard."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from quizapp.domain.bank import QuestionSpec, TopicSpec, load_bank, validate
from quizapp.formats.bank_xlsx import (
    HEADERS,
    SHEET,
    TOPIC_SHEET,
    bank_to_xlsx,
    records_from_xlsx,
    safe_cell,
    sheet_words,
    template_xlsx,
)
from quizapp.formats.sheets import MAX_XLSX_BYTES
from tests.helpers import workbook

ROOT = Path(__file__).resolve().parents[2]
VALID_BANK = ROOT / "tests" / "data" / "bank" / "valid"
ROW = [
    "Q-1",
    "Câu hỏi?",
    "Một",
    "Hai",
    "Ba",
    None,
    None,
    None,
    "B",
    "hieu-luc",
    "easy",
    "Điều 1",
    "Giải thích.",
    "Có",
]


def _bank() -> tuple[list[QuestionSpec], list[TopicSpec]]:
    report = load_bank({p.name: p.read_bytes() for p in VALID_BANK.iterdir()})
    assert report.errors == []
    return report.questions, report.topics


def _workbook(rows: list[list[object]], header: tuple[str, ...] = HEADERS) -> bytes:
    return workbook(SHEET, header, rows)


def test_yaml_bank_round_trips_through_xlsx_to_identical_specs() -> None:
    questions, topics = _bank()
    records, problems = records_from_xlsx(bank_to_xlsx(questions, topics))
    assert problems == []
    report = validate(records, topics)
    assert report.errors == []
    assert report.questions == questions
    assert [q.content_hash() for q in report.questions] == [q.content_hash() for q in questions]
    assert [q.where for q in report.questions] == [f"{SHEET}!{row}" for row in range(2, 6)]


RISKY = ['=HYPERLINK("http://x","y")', "+84 912", "-5", "@SUM(A1:A2)", "=1+1", "#N/A"]


def test_risky_texts_are_written_as_text_and_read_back_identical() -> None:
    questions, topics = _bank()
    first = questions[0]
    risky = QuestionSpec(
        **{
            **first.__dict__,
            "text": "=cmd|' /C calc'!A0",
            "choices": tuple(RISKY[:4]),
            "explanation": "-- giải thích",
        }
    )
    data = bank_to_xlsx([risky], topics)
    ws = openpyxl.load_workbook(io.BytesIO(data))[SHEET]
    cells = [c for c in ws[2] if c.value is not None]
    assert all(c.data_type == "s" for c in cells)
    assert ws["B2"].value == "=cmd|' /C calc'!A0" and ws["B2"].quotePrefix
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        sheet_xml = package.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml
    records, problems = records_from_xlsx(data)
    assert problems == []
    assert validate(records, topics).questions == [risky]


@pytest.mark.parametrize("value", [*RISKY, "\t=1+1", "\r=1+1", "=", "-"])
def test_safe_cell_never_writes_a_formula(value: str) -> None:
    wb = openpyxl.Workbook()
    safe_cell(wb.active["A1"], value)
    out = io.BytesIO()
    wb.save(out)
    cell = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active["A1"]
    assert cell.data_type == "s"
    # XML turns a bare CR into LF; question texts never hold one (control characters are refused).
    assert cell.value in (value, value.replace("\r", "\n"))  # LF without lxml


@pytest.mark.parametrize("value", ["Giấy khen", 12, None])
def test_safe_cell_leaves_ordinary_values_alone(value: object) -> None:
    wb = openpyxl.Workbook()
    cell = wb.active["A1"]
    safe_cell(cell, value)
    assert cell.value == value
    assert not cell.quotePrefix


def test_template_has_header_topics_and_drop_downs_and_reads_as_empty() -> None:
    _, topics = _bank()
    data = template_xlsx(topics)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == [SHEET, TOPIC_SHEET]
    assert tuple(c.value for c in wb[SHEET][1]) == HEADERS
    assert len(HEADERS) == 14 and HEADERS[-1] == "Đảo phương án (Có/Không)"
    listed = [(r[0].value, r[1].value) for r in wb[TOPIC_SHEET].iter_rows(min_row=2)]
    assert listed == [(t.id, t.name) for t in topics]
    formulas = {dv.formula1 for dv in wb[SHEET].data_validations.dataValidation}
    assert '"A,B,C,D,E,F"' in formulas and '"Dễ,Trung bình,Khó"' in formulas
    assert f"'{TOPIC_SHEET}'!$A$2:$A$4" in formulas
    assert wb[SHEET].freeze_panes == "A2"
    assert records_from_xlsx(data) == ([], [])


def test_rows_become_records_located_by_row() -> None:
    data = _workbook([ROW, [None] * 14, ["", "  "], [*ROW[:1], "Câu khác?", *ROW[2:]]])
    records, problems = records_from_xlsx(data)
    assert problems == []
    assert [r.item_where for r in records] == [f"{SHEET}!2", f"{SHEET}!5"]
    assert records[0].fields == {
        "id": "Q-1",
        "text": "Câu hỏi?",
        "choices": ["Một", "Hai", "Ba"],
        "answer": "B",
        "topic": "hieu-luc",
        "difficulty": "easy",
        "source": "Điều 1",
        "explanation": "Giải thích.",
        "shuffle": True,
    }


@pytest.mark.parametrize(
    ("column", "value", "field", "expected"),
    [
        (2, 8, "choices", ["8", "Hai", "Ba"]),
        (2, 1.5, "choices", ["1.5", "Hai", "Ba"]),
        (2, 2024.0, "choices", ["2024", "Hai", "Ba"]),
        (2, dt.datetime(2024, 1, 1), "choices", ["01/01/2024", "Hai", "Ba"]),
        (2, True, "choices", ["TRUE", "Hai", "Ba"]),
        (3, None, "choices", ["Một", "", "Ba"]),
        (10, "Khó", "difficulty", "hard"),
        (10, "trung bình", "difficulty", "medium"),
        (10, "de", "difficulty", "easy"),  # typed without a Vietnamese input method
        (10, "TB", "difficulty", "medium"),
        (10, "hard", "difficulty", "hard"),
        (13, "Không", "shuffle", False),
        (13, "có", "shuffle", True),
        (13, False, "shuffle", False),
        (13, "Thỉnh thoảng", "shuffle", "Thỉnh thoảng"),
    ],
)
def test_cell_values_are_read_as_the_user_sees_them(
    column: int, value: object, field: str, expected: object
) -> None:
    row = list(ROW)
    row[column] = value
    records, problems = records_from_xlsx(_workbook([row]))
    assert problems == []
    assert records[0].fields[field] == expected


def test_empty_shuffle_cell_means_the_default() -> None:
    row = list(ROW)
    row[13] = None
    records, _ = records_from_xlsx(_workbook([row]))
    assert "shuffle" not in records[0].fields


@pytest.mark.parametrize(
    ("index", "value", "expected"),
    [
        (1, None, f"{SHEET}!2: Q-1: nội dung câu hỏi («text») không được để trống"),
        (3, None, f"{SHEET}!2: Q-1: phương án B không được để trống"),
        (8, "E", f"{SHEET}!2: Q-1: đáp án E không có: câu hỏi chỉ có 3 phương án"),
        (9, "khong-co", f"{SHEET}!2: Q-1: chủ đề «khong-co» không có (cho phép: hieu-luc)"),
        (
            13,
            "Thỉnh thoảng",
            f"{SHEET}!2: Q-1: «shuffle» phải là true hoặc false, không phải «Thỉnh thoảng»",
        ),
        (
            4,
            "Tất cả các đáp án trên",
            f"{SHEET}!2: Q-1: phương án C nhắc tới phương án khác: cần đặt «shuffle: false»",
        ),
    ],
)
def test_validation_errors_read_sheet_row_id_message(
    index: int, value: object, expected: str
) -> None:
    row = list(ROW)
    row[index] = value
    records, _ = records_from_xlsx(_workbook([row]))
    report = validate(records, [TopicSpec("hieu-luc", "Hiệu lực")])
    assert [str(e) for e in report.errors] == [expected]


def test_missing_columns_are_named() -> None:
    header = tuple(h for h in HEADERS if h not in ("Đáp án", "Giải thích"))
    records, problems = records_from_xlsx(_workbook([], header))
    assert records == []
    assert [str(p) for p in problems] == [
        f"{SHEET}!1: -: thiếu cột «Đáp án» ở dòng tiêu đề",
        f"{SHEET}!1: -: thiếu cột «Giải thích» ở dòng tiêu đề",
    ]


def test_headers_are_matched_loosely_and_optional_columns_may_be_absent() -> None:
    header = tuple(h.upper() for h in HEADERS[:5]) + HEADERS[8:13] + ("Ghi chú",)
    row = ROW[:5] + ROW[8:13] + ["bỏ qua"]
    records, problems = records_from_xlsx(_workbook([row], header))
    assert problems == []
    assert records[0].fields["choices"] == ["Một", "Hai", "Ba"]
    assert "shuffle" not in records[0].fields


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"not an xlsx", "không phải tệp Excel .xlsx hợp lệ"),
        (b"x" * (MAX_XLSX_BYTES + 1), "tệp Excel quá lớn"),
        (None, "không đọc được tệp Excel"),
    ],
)
def test_bad_workbooks_are_clean_problems(data: bytes | None, expected: str) -> None:
    if data is None:  # a zip that is not a workbook
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as package:
            package.writestr("hello.txt", "xin chào")
        data = out.getvalue()
    records, problems = records_from_xlsx(data)
    assert records == []
    assert len(problems) == 1
    assert problems[0].where == f"{SHEET}!1"
    assert problems[0].message.startswith(expected)


def test_workbook_with_thousands_of_parts_is_refused_before_opening() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for i in range(1001):
            package.writestr(f"xl/{i}.xml", "")
    records, problems = records_from_xlsx(out.getvalue())
    assert records == []
    assert [p.message for p in problems] == ["tệp Excel có quá nhiều thành phần (1001)"]


def test_workbook_without_the_question_sheet() -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet"
    out = io.BytesIO()
    wb.save(out)
    _, problems = records_from_xlsx(out.getvalue())
    assert [p.message for p in problems] == [f"không có trang «{SHEET}» trong tệp Excel"]


def test_workbook_with_an_empty_question_sheet() -> None:
    wb = openpyxl.Workbook()
    wb.active.title = SHEET
    out = io.BytesIO()
    wb.save(out)
    _, problems = records_from_xlsx(out.getvalue())
    assert [p.message for p in problems] == [f"trang «{SHEET}» không có dòng tiêu đề"]


def test_a_formula_without_a_value_is_named_as_a_formula_not_an_empty_cell() -> None:
    row = list(ROW)
    row[1] = '=CONCATENATE("Câu ", "hỏi?")'  # written by openpyxl: no computed value stored
    records, problems = records_from_xlsx(_workbook([row, ROW]))
    assert [str(p) for p in problems] == [
        f"{SHEET}!2: Q-1: ô cột «Nội dung câu hỏi» là công thức "
        '(=CONCATENATE("Câu ", "hỏi?")) chưa có giá trị: hãy dán giá trị '
        "(Dán đặc biệt → Chỉ giá trị) thay cho công thức"
    ]
    assert [r.item_where for r in records] == [f"{SHEET}!3"]  # no "trống" for row 2 as well


def test_validator_messages_use_the_sheet_s_column_names() -> None:
    message = "Câu hỏi!2: Q-1: nội dung câu hỏi («text») không được để trống"
    assert sheet_words(message) == (
        "Câu hỏi!2: Q-1: nội dung câu hỏi (cột «Nội dung câu hỏi») không được để trống"
    )
    assert "cột «Mã câu hỏi»" in sheet_words("thiếu khóa «id»")
    assert "cột «Giải thích»" in sheet_words("giải thích («explanation»)")


def test_the_template_writes_difficulty_in_vietnamese_and_reads_it_back() -> None:
    questions, topics = _bank()
    wb = openpyxl.load_workbook(io.BytesIO(bank_to_xlsx(questions, topics)))
    column = HEADERS.index("Mức độ") + 1
    written = {wb[SHEET].cell(row=r, column=column).value for r in range(2, len(questions) + 2)}
    assert written <= {"Dễ", "Trung bình", "Khó"}
