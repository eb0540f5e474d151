"""The question bank as an Excel workbook: blank template, reading rows, writing the bank."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from ..domain.bank import (
    DIFFICULTIES,
    LETTERS,
    Problem,
    QuestionSpec,
    RawQuestion,
    TopicSpec,
)
from ..domain.bank_checks import fold
from ..domain.formatting import DIFFICULTY_LABELS
from ..domain.quota_lines import difficulty_code
from .sheets import Refusal, first_sheet, read_uploaded_sheet, safe_cell

if TYPE_CHECKING:  # openpyxl is loaded when a workbook is built (≈ 20 MB a process)
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

SHEET = "Câu hỏi"
TOPIC_SHEET = "Chủ đề"
YES, NO = "Có", "Không"
# (header, field, column width); the six choice columns map to choices[0..5].
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("Mã câu hỏi", "id", 14),
    ("Nội dung câu hỏi", "text", 60),
    *((f"Phương án {letter}", f"choices[{i}]", 28) for i, letter in enumerate(LETTERS)),
    ("Đáp án", "answer", 8),
    ("Chủ đề", "topic", 24),
    ("Mức độ", "difficulty", 10),
    ("Căn cứ pháp lý", "source", 24),
    ("Giải thích", "explanation", 50),
    (f"Đảo phương án ({YES}/{NO})", "shuffle", 12),
)
HEADERS = tuple(header for header, _, _ in COLUMNS)
MAX_ROWS = 10_000
# Columns read per row: the header may have extra columns, but not thousands of them.
MAX_COLUMNS = 50
TEMPLATE_ROWS = 1000

_TRUE_WORDS = frozenset(("có", "co", "x", "yes", "true", "1"))
_FALSE_WORDS = frozenset(("không", "khong", "no", "false", "0"))
_HEADER_FIELDS = {fold(header): field for header, field, _ in COLUMNS}
_HEADER_FIELDS[fold("Đảo phương án")] = "shuffle"
_REQUIRED_FIELDS = (
    "id",
    "text",
    "choices[0]",
    "choices[1]",
    "answer",
    "topic",
    "difficulty",
    "source",
    "explanation",
)


# --- writing --------------------------------------------------------------------------------


def _question_row(q: QuestionSpec) -> list[object]:
    choices = list(q.choices) + [None] * (len(LETTERS) - len(q.choices))
    return [
        q.id,
        q.text,
        *choices,
        q.answer_letter,
        q.topic,
        DIFFICULTY_LABELS.get(q.difficulty, q.difficulty),  # "Dễ", read back as "easy"
        q.source,
        q.explanation,
        YES if q.shuffle else NO,
    ]


def _header(ws: Worksheet, headers: Sequence[str], widths: Sequence[int]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    fill = PatternFill("solid", fgColor="DDEBF7")
    for col, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = ws.cell(row=1, column=col)
        safe_cell(cell, header)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"


def _column(field: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(next(i for i, (_, f, _) in enumerate(COLUMNS, 1) if f == field))


def _validations(ws: Worksheet, topic_count: int, last_row: int) -> None:
    """Drop-down lists for the answer, topic, difficulty and shuffle columns."""
    from openpyxl.worksheet.datavalidation import DataValidation

    lists = {
        "answer": f'"{",".join(LETTERS)}"',
        "difficulty": f'"{",".join(DIFFICULTY_LABELS[d] for d in DIFFICULTIES)}"',
        "shuffle": f'"{YES},{NO}"',
        "topic": f"'{TOPIC_SHEET}'!$A$2:$A${max(topic_count + 1, 2)}",
    }
    for field, formula in lists.items():
        validation = DataValidation(type="list", formula1=formula, allow_blank=True)
        column = _column(field)
        validation.add(f"{column}2:{column}{last_row}")
        ws.add_data_validation(validation)


def _topic_sheet(wb: Workbook, topics: Sequence[TopicSpec]) -> None:
    ws = wb.create_sheet(TOPIC_SHEET)
    _header(ws, ("Mã chủ đề", "Tên chủ đề", "Chương"), (26, 80, 10))
    for row, topic in enumerate(topics, start=2):
        for col, value in enumerate((topic.id, topic.name, topic.chapter), start=1):
            safe_cell(ws.cell(row=row, column=col), value)


def _workbook(questions: Sequence[QuestionSpec], topics: Sequence[TopicSpec]) -> bytes:
    from openpyxl.styles import Alignment
    from openpyxl.workbook.workbook import Workbook

    wb = Workbook()
    ws = first_sheet(wb)
    ws.title = SHEET
    _header(ws, HEADERS, [width for _, _, width in COLUMNS])
    wrap = Alignment(wrap_text=True, vertical="top")
    for row, question in enumerate(questions, start=2):
        for col, value in enumerate(_question_row(question), start=1):
            cell = ws.cell(row=row, column=col)
            safe_cell(cell, value)
            cell.alignment = wrap
    _validations(ws, len(topics), max(TEMPLATE_ROWS, len(questions) + 1))
    _topic_sheet(wb, topics)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template_xlsx(topics: Iterable[TopicSpec]) -> bytes:
    """An empty question sheet with its header and drop-down lists, plus the topic list."""
    return _workbook([], list(topics))


def bank_to_xlsx(questions: Iterable[QuestionSpec], topics: Iterable[TopicSpec]) -> bytes:
    """The bank as a workbook that reads back, through records_from_xlsx, to the same questions."""
    return _workbook(list(questions), list(topics))


# --- reading --------------------------------------------------------------------------------


def _problem(row: int | str, message: str, qid: str = "-") -> Problem:
    return Problem(f"{SHEET}!{row}", qid, message)


def _text(value: object) -> object:
    """A cell value as the text the user sees; None stays None."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        time = f" {value:%H:%M}" if value.time() != dt.time() else ""
        return f"{value.day:02d}/{value.month:02d}/{value.year}{time}"
    if isinstance(value, dt.date):
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    return str(value)


def _shuffle(value: object) -> object:
    if isinstance(value, bool):
        return value
    word = fold(str(_text(value)))
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    return _text(value)


def _columns(header: Sequence[object]) -> tuple[dict[str, int], list[Problem]]:
    """Field → column index, from the header row; required columns must all be there."""
    columns: dict[str, int] = {}
    for index, value in enumerate(header):
        field = _HEADER_FIELDS.get(fold(str(value))) if value is not None else None
        if field is not None:
            columns.setdefault(field, index)
    labels = {field: header for header, field, _ in COLUMNS}
    missing = [labels[f] for f in _REQUIRED_FIELDS if f not in columns]
    problems = [_problem(1, f"thiếu cột «{label}» ở dòng tiêu đề") for label in missing]
    return columns, problems


def _record(values: Sequence[object], columns: dict[str, int], row: int) -> RawQuestion:
    def cell(field: str) -> object:
        index = columns.get(field)
        return values[index] if index is not None and index < len(values) else None

    fields: dict[str, object] = {}
    for _, field, _ in COLUMNS:
        if field.startswith("choices[") or field == "shuffle":
            continue
        text = _text(cell(field))
        fields[field] = "" if text is None else text
    if isinstance(fields["difficulty"], str):  # «Dễ», "de", "tb", "easy"…
        known, code = difficulty_code(fields["difficulty"])
        fields["difficulty"] = code if known and code else fields["difficulty"]
    choices = [_text(cell(f"choices[{i}]")) for i in range(len(LETTERS))]
    while choices and choices[-1] in (None, ""):
        choices.pop()
    fields["choices"] = ["" if c is None else c for c in choices]
    if cell("shuffle") not in (None, ""):
        fields["shuffle"] = _shuffle(cell("shuffle"))
    return RawQuestion(fields, {}, f"{SHEET}!{row}")


def _is_blank(values: Sequence[object]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _formula_cells(ws: Worksheet) -> dict[tuple[int, str], str]:
    """(row, field) → formula, for the question cells holding one (read without values)."""
    rows = enumerate(ws.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1)
    first = next(rows, None)
    columns = _columns(first[1])[0] if first is not None else {}
    fields = {index: field for field, index in columns.items()}
    found = {}
    for row, values in rows:
        if row > MAX_ROWS + 1:
            break
        for index, value in enumerate(values):
            if index in fields and isinstance(value, str) and value.startswith("="):
                found[(row, fields[index])] = value
    return found


def _value(record: RawQuestion, field: str) -> object:
    if field.startswith("choices["):
        choices = record.fields.get("choices") or []
        index = int(field[len("choices[") : -1])
        return choices[index] if isinstance(choices, list) and index < len(choices) else ""
    return record.fields.get(field)


def _formula_problems(
    records: list[RawQuestion], formulas: dict[tuple[int, str], str]
) -> tuple[list[RawQuestion], list[Problem]]:
    """A formula whose value the file does not hold (saved by a program that does not compute
    it) reads as empty: it is named as a formula, not as an empty cell, and its row is left
    to that message alone."""
    labels = {field: header for header, field, _ in COLUMNS}
    kept, problems = [], []
    for record in records:
        row = int(record.item_where.rsplit("!", 1)[1])
        found = [
            _problem(
                row,
                f"ô cột «{labels[field]}» là công thức ({formula[:40]}) chưa có giá trị: hãy "
                "dán giá trị (Dán đặc biệt → Chỉ giá trị) thay cho công thức",
                str(record.fields.get("id") or "-"),
            )
            for (at, field), formula in formulas.items()
            if at == row and _value(record, field) in ("", None)
        ]
        problems += found
        if not found:
            kept.append(record)
    return kept, problems


def _read_sheet(ws: Worksheet) -> tuple[list[RawQuestion], list[Problem]]:
    rows: Iterator[tuple[int, Sequence[object]]] = enumerate(
        ws.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1
    )
    first = next(rows, None)
    if first is None or _is_blank(first[1]):
        return [], [_problem(1, f"trang «{SHEET}» không có dòng tiêu đề")]
    columns, problems = _columns(first[1])
    if problems:
        return [], problems
    records: list[RawQuestion] = []
    for row, values in rows:
        if row > MAX_ROWS + 1:
            return records, [_problem(row, f"quá nhiều dòng (tối đa {MAX_ROWS:,} câu hỏi)")]
        if not _is_blank(values):
            records.append(_record(values, columns, row))
    return records, []


def records_from_xlsx(data: bytes) -> tuple[list[RawQuestion], list[Problem]]:
    """Raw questions from the "Câu hỏi" sheet, one per non-empty row, located "Câu hỏi!<row>"."""
    outcome = read_uploaded_sheet(data, SHEET, _read_sheet)
    if isinstance(outcome, Refusal):
        return [], [_problem(outcome.row, outcome.message)]
    records, problems = outcome
    formulas = read_uploaded_sheet(data, SHEET, _formula_cells, data_only=False)
    if isinstance(formulas, Refusal) or not formulas:
        return records, problems
    kept, formula_problems = _formula_problems(records, formulas)
    return kept, problems + formula_problems


def sheet_words(message: str) -> str:
    """A validator's message in the sheet's words: «text» → cột «Nội dung câu hỏi»."""
    for header, field, _ in COLUMNS:
        if not field.startswith("choices["):
            message = message.replace(f"«{field}»", f"cột «{header}»")
    return message.replace("«choices»", "các cột «Phương án A…F»")
