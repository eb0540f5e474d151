"""Question bank value types: topics, raw and validated questions, problems and the report."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quizapp.domain.bank_documents import DocumentRegister

DIFFICULTIES = ("easy", "medium", "hard")
LETTERS = "ABCDEF"
MIN_CHOICES, MAX_CHOICES = 2, len(LETTERS)
ID_RE = re.compile(r"[A-Za-z0-9_-]+")
MAX_ID_LENGTH = 64
MAX_TEXT_LENGTH = 4000
TOPICS_FILE = "topics.yaml"
QUESTION_KEYS = (
    "id",
    "text",
    "choices",
    "answer",
    "topic",
    "difficulty",
    "source",
    "explanation",
    "shuffle",
    "basis",
    "historical",
    "checked",
)
REQUIRED_KEYS = QUESTION_KEYS[: QUESTION_KEYS.index("shuffle")]
CHECKED_KEYS = ("on", "url")
FILE_KEYS = ("topic", "questions")
TOPIC_KEYS = ("id", "name", "chapter")


@dataclass(frozen=True)
class TopicSpec:
    """A topic declared in topics.yaml."""

    id: str
    name: str
    chapter: str | None = None


@dataclass(frozen=True)
class QuestionSpec:
    """A valid question; `answer` is the 0-based index of the correct choice."""

    id: str
    text: str
    choices: tuple[str, ...]
    answer: int
    topic: str
    difficulty: str
    source: str
    explanation: str
    shuffle: bool
    # What the question rests on (ids of documents.yaml), whether it asks about history, and
    # when and where its key was last checked against the text in force.
    basis: tuple[str, ...] = ()
    historical: bool = False
    checked_on: date | None = None
    checked_url: str = ""
    # Where the question was read; not part of its identity or content.
    where: str = field(default="", compare=False)

    @property
    def answer_letter(self) -> str:
        return LETTERS[self.answer]

    def content_hash(self) -> str:
        """SHA-256 of the content fields: equal hashes mean re-importing changes nothing."""
        content = [
            self.text,
            list(self.choices),
            self.answer,
            self.topic,
            self.difficulty,
            self.source,
            self.explanation,
            self.shuffle,
        ]
        if self.basis or self.historical or self.checked_on or self.checked_url:
            # Added only when set, so a question without them keeps its earlier hash.
            checked = self.checked_on.isoformat() if self.checked_on else ""
            content.append([list(self.basis), self.historical, checked, self.checked_url])
        canonical = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Problem:
    """One problem, printed as "where: ID: message"."""

    where: str
    qid: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.qid}: {self.message}"


@dataclass(frozen=True)
class RawQuestion:
    """A question as read from YAML or XLSX, before validation, with a location per field.

    Field values are str, bool (shuffle), list (choices) or whatever shape the source held;
    `where` maps a field (or "choices[i]") to "file.yaml:12" or "Câu hỏi!7".
    """

    fields: dict[str, object]
    where: dict[str, str]
    item_where: str

    def at(self, key: str) -> str:
        return self.where.get(key, self.item_where)

    @property
    def qid(self) -> str:
        value = self.fields.get("id")
        return value.strip()[:MAX_ID_LENGTH] if isinstance(value, str) and value.strip() else "-"


@dataclass
class BankReport:
    """Valid questions, errors (the bank is refused) and warnings (the bank is accepted)."""

    questions: list[QuestionSpec] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    topics: list[TopicSpec] = field(default_factory=list)
    # The documents register (documents.yaml) when the bank has one.
    documents: DocumentRegister | None = None

    @property
    def ok(self) -> bool:
        return not self.errors
