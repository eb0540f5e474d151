"""The documents register (question_bank/documents.yaml): legal documents with their time in
force, and the law watch (`changes:`), read and checked with a location per problem.

Dates are written dd/mm/yyyy (one-digit day or month allowed). `in_force_until` is the LAST
day a document is in force; empty means no end is known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from yaml.nodes import Node

from quizapp.domain import safeyaml as sy
from quizapp.domain.bank_types import Problem

DOCUMENTS_FILE = "documents.yaml"
DOCUMENT_STATUSES = ("in_force", "expired", "reported")
STATUS_LABELS = {
    "in_force": "còn hiệu lực",
    "expired": "hết hiệu lực",
    "reported": "được đưa tin, chưa đọc được văn bản",
}
CONFIDENCES = ("reported", "verified")
KINDS = (
    "Luật",
    "Nghị định",
    "Sắc lệnh",
    "Quyết định",
    "Pháp lệnh",
    "Chỉ thị",
    "Kế hoạch",
    "Hiến pháp",
    "Lời kêu gọi",
)
DOCUMENT_KEYS = (
    "id",
    "number",
    "title",
    "issuer",
    "signed",
    "in_force_from",
    "in_force_until",
    "replaces",
    "amended_by",
    "status",
    "text_read",
    "checked",
    "note",
)
DOCUMENT_REQUIRED = ("id", "number", "title", "issuer", "status", "checked")
CHANGE_KEYS = (
    "document",
    "amends",
    "articles",
    "in_force_from",
    "confidence",
    "source",
    "note",
)
CHANGE_REQUIRED = ("document", "amends", "articles", "in_force_from", "confidence", "source")
DOCUMENT_ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_DATE_RE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_date(text: str) -> date | None:
    """dd/mm/yyyy (d/m/yyyy too) as a date; None when the text is not a real date."""
    match = _DATE_RE.fullmatch(text.strip())
    if match is None:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def date_problem(text: str) -> str | None:
    """Why `text` is not a dd/mm/yyyy date, or None when it is one."""
    if not _DATE_RE.fullmatch(text.strip()):
        return f"«{text}» không phải ngày dạng dd/mm/yyyy"
    if parse_date(text) is None:
        return f"ngày «{text}» không có thật"
    return None


@dataclass(frozen=True)
class DocumentSpec:
    """One legal document of the register."""

    id: str
    number: str
    title: str
    issuer: str
    status: str
    checked: date
    signed: date | None = None
    in_force_from: date | None = None
    in_force_until: date | None = None
    replaces: tuple[str, ...] = ()
    amended_by: tuple[str, ...] = ()
    text_read: str = ""
    note: str = ""
    where: str = field(default="", compare=False)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    def label(self) -> str:
        """ "Nghị định 152/2025/NĐ-CP", "Luật 06/2022/QH15": the kind and the number."""
        kind = next((k for k in KINDS if self.title.startswith(k)), None)
        if kind is None or self.number.startswith(kind):
            return self.number if kind else f"{self.title} ({self.number})"
        return f"{kind} {self.number}"


@dataclass(frozen=True)
class ChangeSpec:
    """A reported or verified change: `document` amends `articles` of `amends`."""

    document: str
    amends: str
    articles: tuple[int, ...]
    in_force_from: date
    confidence: str
    source: str
    note: str = ""
    where: str = field(default="", compare=False)


@dataclass
class DocumentRegister:
    documents: dict[str, DocumentSpec] = field(default_factory=dict)
    changes: list[ChangeSpec] = field(default_factory=list)

    def latest_check(self) -> date | None:
        dates = [d.checked for d in self.documents.values()]
        return max(dates) if dates else None


class _Entry:
    """The fields of one mapping entry, each with its line; problems collected per entry."""

    def __init__(self, node: Node, filename: str, keys: tuple[str, ...], label: str) -> None:
        self.filename = filename
        self.at = f"{filename}:{sy.line(node)}"
        self.nodes: dict[str, Node] = {}
        self.key_lines: dict[str, str] = {}
        self.problems: list[Problem] = []
        named = {k: v for k, _, v in sy.mapping_items(node) if k in ("id", "document")}
        first = next(iter(named.values()), None)
        self.qid = sy.scalar(first) if sy.is_scalar(first) and sy.scalar(first) else "-"
        for key, key_node, value in sy.mapping_items(node):
            self.key_lines.setdefault(key, f"{filename}:{sy.line(key_node)}")
            if key not in keys:
                self.add(key, f"khóa không hợp lệ «{key}» ({label}: {', '.join(keys)})")
            self.nodes.setdefault(key, value)
        for problem in sy.mapping_problems(node):
            self.problems.append(Problem(f"{filename}:{problem.line}", "-", problem.message))

    def where(self, key: str) -> str:
        node = self.nodes.get(key)
        return f"{self.filename}:{sy.line(node)}" if node is not None else self.at

    def add(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.key_lines.get(key, self.at), self.qid, message))

    def text(self, key: str) -> str:
        node = self.nodes.get(key)
        if node is None or sy.is_null(node):
            return ""
        if not sy.is_scalar(node):
            self.add(key, f"«{key}» phải là một giá trị đơn, không phải {sy.describe(node)}")
            return ""
        return sy.scalar(node)

    def date(self, key: str) -> date | None:
        text = self.text(key)
        if not text:
            return None
        problem = date_problem(text)
        if problem:
            self.add(key, f"«{key}»: {problem}")
            return None
        return parse_date(text)

    def ids(self, key: str) -> tuple[str, ...]:
        node = self.nodes.get(key)
        if node is None or sy.is_null(node):
            return ()
        if not sy.is_sequence(node):
            self.add(key, f"«{key}» phải là danh sách mã văn bản, ví dụ [luat-15-2003]")
            return ()
        values = []
        for item in sy.sequence_items(node):
            value = sy.scalar(item) if sy.is_scalar(item) else ""
            if not DOCUMENT_ID_RE.fullmatch(value):
                self.add(key, f"«{key}»: mã văn bản «{value}» không hợp lệ")
                continue
            values.append(value)
        return tuple(values)

    def required(self, keys: tuple[str, ...]) -> None:
        for key in keys:
            if key not in self.nodes or not self.text_or_list(key):
                self.problems.append(Problem(self.at, self.qid, f"thiếu khóa «{key}»"))

    def text_or_list(self, key: str) -> bool:
        node = self.nodes[key]
        return not sy.is_null(node) and (not sy.is_scalar(node) or bool(sy.scalar(node)))


def _document(entry: _Entry) -> DocumentSpec | None:
    doc_id = entry.text("id")
    entry.required(DOCUMENT_REQUIRED)
    if doc_id and not DOCUMENT_ID_RE.fullmatch(doc_id):
        entry.add("id", f"mã văn bản «{doc_id}» không hợp lệ: chỉ dùng chữ thường, số và «-»")
    status = entry.text("status")
    if status and status not in DOCUMENT_STATUSES:
        entry.add(
            "status", f"«status» «{status}» không có (cho phép: {', '.join(DOCUMENT_STATUSES)})"
        )
    url = entry.text("text_read")
    if url and not url.startswith(("https://", "http://")):
        entry.add("text_read", f"«text_read» phải là địa chỉ http(s), không phải «{url}»")
    spec = DocumentSpec(
        id=doc_id,
        number=entry.text("number"),
        title=entry.text("title"),
        issuer=entry.text("issuer"),
        status=status,
        checked=entry.date("checked") or date.min,
        signed=entry.date("signed"),
        in_force_from=entry.date("in_force_from"),
        in_force_until=entry.date("in_force_until"),
        replaces=entry.ids("replaces"),
        amended_by=entry.ids("amended_by"),
        text_read=url,
        note=entry.text("note"),
        where=entry.at,
    )
    if spec.in_force_from and spec.in_force_until and spec.in_force_until < spec.in_force_from:
        entry.add("in_force_until", "«in_force_until» (ngày cuối) trước «in_force_from»")
    return None if entry.problems else spec


def _articles(entry: _Entry) -> tuple[int, ...]:
    node = entry.nodes.get("articles")
    if node is None or not sy.is_sequence(node) or not sy.sequence_items(node):
        if node is not None:
            entry.add("articles", "«articles» phải là danh sách số điều, ví dụ [16, 23]")
        return ()
    numbers = []
    for item in sy.sequence_items(node):
        number = sy.as_int(item)
        if number is None or number <= 0:
            shown = sy.scalar(item) if sy.is_scalar(item) else sy.describe(item)
            entry.add("articles", f"«articles»: «{shown}» không phải số điều")
            continue
        numbers.append(number)
    return tuple(numbers)


def _change(entry: _Entry) -> ChangeSpec | None:
    entry.required(CHANGE_REQUIRED)
    confidence = entry.text("confidence")
    if confidence and confidence not in CONFIDENCES:
        entry.add(
            "confidence",
            f"«confidence» «{confidence}» không có (cho phép: {', '.join(CONFIDENCES)})",
        )
    spec = ChangeSpec(
        document=entry.text("document"),
        amends=entry.text("amends"),
        articles=_articles(entry),
        in_force_from=entry.date("in_force_from") or date.min,
        confidence=confidence,
        source=entry.text("source"),
        note=entry.text("note"),
        where=entry.at,
    )
    return None if entry.problems else spec


def _items(root: Node, key: str, filename: str, problems: list[Problem]) -> list[Node]:
    value = next((v for k, _, v in sy.mapping_items(root) if k == key), None)
    if value is None or sy.is_null(value):
        return []
    if not sy.is_sequence(value):
        message = f"«{key}» phải là một danh sách, không phải {sy.describe(value)}"
        problems.append(Problem(f"{filename}:{sy.line(value)}", "-", message))
        return []
    found = []
    for item in sy.sequence_items(value):
        if sy.is_mapping(item):
            found.append(item)
        else:
            message = f"mỗi mục của «{key}» phải là một nhóm khóa: giá trị"
            problems.append(Problem(f"{filename}:{sy.line(item)}", "-", message))
    return found


def _references(register: DocumentRegister, listed: set[str]) -> list[Problem]:
    """Every id a document or a change names must be listed in the register (`listed` holds
    the ids of entries with problems too: those are reported once, where they are)."""
    known = listed | set(register.documents)
    problems = []
    for doc in register.documents.values():
        for key, ids in (("replaces", doc.replaces), ("amended_by", doc.amended_by)):
            problems += [
                Problem(doc.where, doc.id, f"«{key}»: mã văn bản «{i}» không có trong danh mục")
                for i in ids
                if i not in known
            ]
    for change in register.changes:
        for key in ("document", "amends"):
            value = getattr(change, key)
            if value not in known:
                message = f"«{key}»: mã văn bản «{value}» không có trong danh mục"
                problems.append(Problem(change.where, change.document, message))
    return problems


def parse_documents(data: bytes, filename: str) -> tuple[DocumentRegister, list[Problem]]:
    """The register of documents.yaml and its problems (ids unique, references known)."""
    register = DocumentRegister()
    root, yaml_problems = sy.load(data)
    problems = [Problem(f"{filename}:{p.line}", "-", p.message) for p in yaml_problems]
    if yaml_problems or root is None or not sy.is_mapping(root):
        if not problems:
            problems.append(Problem(f"{filename}:1", "-", "tệp phải có khóa «documents»"))
        return register, problems
    for key, key_node, _ in sy.mapping_items(root):
        if key not in ("documents", "changes"):
            at = f"{filename}:{sy.line(key_node)}"
            problems.append(Problem(at, "-", f"khóa không hợp lệ «{key}» ở đầu tệp"))
    listed: set[str] = set()
    for item in _items(root, "documents", filename, problems):
        entry = _Entry(item, filename, DOCUMENT_KEYS, "cho phép")
        listed.add(entry.qid)
        doc = _document(entry)
        problems += entry.problems
        if doc is None:
            continue
        if doc.id in register.documents:
            first = register.documents[doc.id].where
            problems.append(Problem(doc.where, doc.id, f"mã văn bản bị trùng (đã có ở {first})"))
            continue
        register.documents[doc.id] = doc
    for item in _items(root, "changes", filename, problems):
        entry = _Entry(item, filename, CHANGE_KEYS, "cho phép")
        change = _change(entry)
        problems += entry.problems
        if change is not None:
            register.changes.append(change)
    problems += _references(register, listed)
    return register, problems
