"""The question bank: validate raw questions from YAML or XLSX into question specs."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, replace

from quizapp.domain import safezip
from quizapp.domain.bank_checks import fold, near_duplicates, refers_to_other_choices
from quizapp.domain.bank_documents import DOCUMENTS_FILE, DocumentRegister, parse_documents
from quizapp.domain.bank_meta import check_meta
from quizapp.domain.bank_types import (
    DIFFICULTIES,
    ID_RE,
    LETTERS,
    MAX_CHOICES,
    MAX_ID_LENGTH,
    MAX_TEXT_LENGTH,
    MIN_CHOICES,
    QUESTION_KEYS,
    REQUIRED_KEYS,
    TOPICS_FILE,
    BankReport,
    Problem,
    QuestionSpec,
    RawQuestion,
    TopicSpec,
)
from quizapp.domain.bank_yaml import parse_topics, records_from_yaml

__all__ = [
    "DIFFICULTIES",
    "LETTERS",
    "TOPICS_FILE",
    "BankReport",
    "Problem",
    "QuestionSpec",
    "RawQuestion",
    "TopicSpec",
    "bank_stats",
    "load_bank",
    "parse_topics",
    "read_zip",
    "records_from_yaml",
    "validate",
]

# Control characters other than tab and newline (YAML escapes can produce them).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SHAPES = {list: "một danh sách", dict: "một nhóm khóa: giá trị", bool: "giá trị đúng/sai"}


class _Checker:
    """Collects the problems of one raw question, each at the location of its field."""

    def __init__(self, record: RawQuestion) -> None:
        self.record = record
        self.problems: list[Problem] = []

    def add(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.record.at(key), self.record.qid, message))

    def text(self, key: str, label: str | None = None) -> str | None:
        """A non-empty text field, NFC-normalised and stripped."""
        return self.text_value(key, self.record.fields.get(key), label or f"«{key}»")

    def text_value(self, key: str, value: object, label: str) -> str | None:
        if value is None or value == "":
            self.add(key, f"{label} không được để trống")
            return None
        if not isinstance(value, str):
            self.add(key, f"{label} phải là văn bản, không phải {_SHAPES.get(type(value), 'số')}")
            return None
        text = unicodedata.normalize("NFC", value).strip()
        if not text:
            self.add(key, f"{label} không được để trống")
            return None
        if _CONTROL.search(text):
            self.add(key, f"{label} chứa ký tự điều khiển không hợp lệ")
            return None
        if len(text) > MAX_TEXT_LENGTH:
            self.add(key, f"{label} dài quá {MAX_TEXT_LENGTH} ký tự")
            return None
        return text


def _check_keys(c: _Checker) -> None:
    for key in c.record.fields:
        if key not in QUESTION_KEYS:
            c.add(key, f"khóa không hợp lệ «{key}» (cho phép: {', '.join(QUESTION_KEYS)})")
    for key in REQUIRED_KEYS:
        if key not in c.record.fields:
            c.problems.append(Problem(c.record.item_where, c.record.qid, f"thiếu khóa «{key}»"))


def _check_id(c: _Checker) -> str | None:
    qid = c.text("id", "mã câu hỏi («id»)") if "id" in c.record.fields else None
    if qid is not None and (not ID_RE.fullmatch(qid) or len(qid) > MAX_ID_LENGTH):
        c.add("id", f"mã câu hỏi «{qid}» không hợp lệ: chỉ dùng chữ, số, «-» và «_»")
        return None
    return qid


def _check_choice_list(c: _Checker) -> list[object] | None:
    value = c.record.fields.get("choices")
    if not isinstance(value, list):
        shape = "trống" if value in (None, "") else _SHAPES.get(type(value), f"«{value}»")
        c.add("choices", f"«choices» phải là danh sách các phương án, không phải {shape}")
        return None
    if not MIN_CHOICES <= len(value) <= MAX_CHOICES:
        message = f"cần từ {MIN_CHOICES} đến {MAX_CHOICES} phương án, đang có {len(value)}"
        c.add("choices", message)
        return None
    return value


def _check_choices(c: _Checker, shuffle: bool | None) -> tuple[str, ...] | None:
    """2 to 6 distinct, non-empty choices; none may name other choices when shuffled."""
    items = _check_choice_list(c)
    if items is None:
        return None
    choices: list[str] = []
    seen: dict[str, str] = {}
    for i, item in enumerate(items):
        key, letter = f"choices[{i}]", LETTERS[i]
        text = c.text_value(key, item, f"phương án {letter}")
        if text is None:
            continue
        if fold(text) in seen:
            c.add(key, f"phương án {letter} trùng với phương án {seen[fold(text)]}")
        elif shuffle is not False and refers_to_other_choices(text):
            message = f"phương án {letter} nhắc tới phương án khác: cần đặt «shuffle: false»"
            c.add(key, message)
        seen.setdefault(fold(text), letter)
        choices.append(text)
    return tuple(choices) if len(choices) == len(items) else None


def _check_answer(c: _Checker, count: int | None) -> int | None:
    value = c.record.fields.get("answer")
    if "answer" not in c.record.fields:
        return None
    text = value.strip().upper() if isinstance(value, str) else ""
    if len(text) != 1 or text not in LETTERS:
        c.add(
            "answer", f"«answer» phải là một chữ cái từ A đến {LETTERS[-1]}, không phải «{value}»"
        )
        return None
    if count is not None and LETTERS.index(text) >= count:
        c.add("answer", f"đáp án {text} không có: câu hỏi chỉ có {count} phương án")
        return None
    return LETTERS.index(text)


def _check_choice(c: _Checker, key: str, allowed: Iterable[str], label: str) -> str | None:
    if key not in c.record.fields:
        return None
    text = c.text(key)
    if text is None:
        return None
    if key == "difficulty":
        text = text.casefold()
    options = list(allowed)
    if text not in options:
        c.add(key, f"{label} «{text}» không có (cho phép: {', '.join(options)})")
        return None
    return text


def _check_shuffle(c: _Checker) -> bool | None:
    value = c.record.fields.get("shuffle", True)
    if not isinstance(value, bool):
        c.add("shuffle", f"«shuffle» phải là true hoặc false, không phải «{value}»")
        return None
    return value


def _present_text(c: _Checker, key: str, label: str) -> str | None:
    """A text field's value; a missing key was already reported by _check_keys."""
    return c.text(key, label) if key in c.record.fields else None


def _check(
    record: RawQuestion, topic_ids: set[str], documents: DocumentRegister | None
) -> tuple[QuestionSpec | None, list[Problem]]:
    """Every rule for one question; a spec only when no rule is broken."""
    c = _Checker(record)
    _check_keys(c)
    present = record.fields.keys()
    qid = _check_id(c)
    text = _present_text(c, "text", "nội dung câu hỏi («text»)")
    shuffle = _check_shuffle(c)
    choices = _check_choices(c, shuffle) if "choices" in present else None
    answer = _check_answer(c, len(choices) if choices is not None else None)
    topic = _check_choice(c, "topic", sorted(topic_ids), "chủ đề")
    difficulty = _check_choice(c, "difficulty", DIFFICULTIES, "mức độ")
    source = _present_text(c, "source", "căn cứ pháp lý («source»)")
    explanation = _present_text(c, "explanation", "giải thích («explanation»)")
    meta, meta_problems = check_meta(record, documents)
    c.problems += meta_problems
    values = (qid, text, choices, answer, topic, difficulty, source, explanation, shuffle)
    if c.problems or any(v is None for v in values):
        return None, c.problems
    # Every value was checked above and none is None.
    spec = QuestionSpec(*values, where=record.item_where)  # type: ignore[arg-type]
    return replace(spec, **asdict(meta)), []


def _line_of(where: str) -> int:
    tail = where.rsplit(":", 1)[-1].rsplit("!", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _near_duplicate_warnings(questions: list[QuestionSpec]) -> list[Problem]:
    pairs = near_duplicates([q.text for q in questions], [q.choices for q in questions])
    warnings = []
    for i, j, ratio in pairs:
        first, second = questions[i], questions[j]
        message = f"nội dung gần trùng với câu {first.id} ở {first.where} (giống {ratio:.0%})"
        warnings.append(Problem(second.where, second.id, message))
    return warnings


def _duplicate_id(record: RawQuestion, first_seen: dict[str, str]) -> Problem | None:
    """The second use of an id is the error, naming where the first one is."""
    qid = record.qid
    if not ID_RE.fullmatch(qid):
        return None
    if qid in first_seen:
        return Problem(record.at("id"), qid, f"mã câu hỏi bị trùng với câu ở {first_seen[qid]}")
    first_seen[qid] = record.at("id")
    return None


def validate(
    records: Iterable[RawQuestion],
    topics: Iterable[TopicSpec],
    documents: DocumentRegister | None = None,
) -> BankReport:
    """Check every record; ids are unique across the whole bank (the second use is the error).

    `documents` is the register the questions' `basis` ids are looked up in."""
    topic_list = list(topics)
    topic_ids = {t.id for t in topic_list}
    report = BankReport(topics=topic_list, documents=documents)
    first_seen: dict[str, str] = {}
    for record in records:
        spec, problems = _check(record, topic_ids, documents)
        duplicate = _duplicate_id(record, first_seen)
        if duplicate is not None:
            problems.append(duplicate)
            spec = None
        report.errors += sorted(problems, key=lambda p: _line_of(p.where))
        if spec is not None:
            report.questions.append(spec)
    report.warnings = _near_duplicate_warnings(report.questions)
    return report


def _is_question_file(name: str) -> bool:
    return name not in (TOPICS_FILE, DOCUMENTS_FILE) and name.lower().endswith((".yaml", ".yml"))


def load_bank(files: dict[str, bytes]) -> BankReport:
    """Validate a whole bank: topics.yaml, documents.yaml (the register, when present) and every
    other .yaml/.yml file, in name order."""
    if TOPICS_FILE not in files:
        message = f"thiếu tệp {TOPICS_FILE} (khai báo các chủ đề) ở thư mục gốc của ngân hàng"
        return BankReport(errors=[Problem(TOPICS_FILE, "-", message)])
    topics, errors = parse_topics(files[TOPICS_FILE], TOPICS_FILE)
    documents = None
    if DOCUMENTS_FILE in files:
        documents, document_errors = parse_documents(files[DOCUMENTS_FILE], DOCUMENTS_FILE)
        errors += document_errors
    names = sorted(name for name in files if _is_question_file(name))
    if not names:
        errors.append(Problem(TOPICS_FILE, "-", "ngân hàng không có tệp câu hỏi .yaml nào"))
    records: list[RawQuestion] = []
    for name in names:
        found, problems = records_from_yaml(files[name], name)
        records += found
        errors += problems
    report = validate(records, topics, documents)
    report.errors = errors + report.errors
    return report


def read_zip(data: bytes) -> tuple[dict[str, bytes], list[Problem]]:
    """The files of an uploaded bank zip; a bomb or an unsafe path refuses the whole archive."""
    files, messages = safezip.read_zip(data)
    return files, [Problem("tệp zip", "-", message) for message in messages]


def bank_stats(questions: Iterable[QuestionSpec]) -> dict[str, object]:
    """Question counts: total, by topic, by difficulty and by correct-answer letter."""
    items = list(questions)
    by_answer = Counter(q.answer_letter for q in items)
    return {
        "total": len(items),
        "by_topic": dict(sorted(Counter(q.topic for q in items).items())),
        "by_difficulty": {d: sum(q.difficulty == d for q in items) for d in DIFFICULTIES},
        "by_answer": {letter: by_answer[letter] for letter in LETTERS if by_answer[letter]},
    }
