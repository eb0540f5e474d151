"""Law-change impact: the questions whose citation touches an article or a document, and the
rounds that drew them.

Replacing such a question is a new version (edit it keeping its id, re-import); retiring it
is importing the whole bank without it. Both leave drawn versions untouched: an attempt keeps
the version it showed, so a round already open keeps what it drew.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..domain.citations import CitationQuery, parse_query, touches
from ..extensions import db
from ..models import Attempt, AttemptQuestion, Contest, Question, QuestionVersion, Round
from .errors import ServiceError

ROUND_STATUS_LABELS = {
    "draft": "nháp",
    "open": "đang mở",
    "closed": "đã đóng",
    "review": "đang xét",
    "published": "đã công bố",
    "archived": "lưu trữ",
}
OPEN_STATUSES = ("draft", "open")


@dataclass
class RoundUse:
    """One round that drew a question: how many attempts, which versions."""

    round_id: int
    title: str
    contest: str
    status: str
    attempts: int = 0
    versions: list[int] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return ROUND_STATUS_LABELS.get(self.status, self.status)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass
class ImpactedQuestion:
    """A question whose current citation touches the query, with the rounds that drew it."""

    external_id: str
    version: int
    topic: str
    source: str
    text: str
    retired: bool
    rounds: list[RoundUse] = field(default_factory=list)

    @property
    def open_rounds(self) -> list[RoundUse]:
        return [r for r in self.rounds if r.is_open]

    @property
    def past_rounds(self) -> list[RoundUse]:
        return [r for r in self.rounds if not r.is_open]


@dataclass
class Impact:
    text: str  # as the organiser typed it
    query: CitationQuery
    questions: list[ImpactedQuestion]

    @property
    def in_open_rounds(self) -> int:
        return sum(bool(q.open_rounds) for q in self.questions)


def read_query(text: str) -> CitationQuery:
    """The organiser's query, or a ServiceError saying what to type."""
    query = parse_query(text or "")
    if query is None:
        raise ServiceError(
            "bad_citation",
            "Hãy nhập một điều (ví dụ «Điều 24», «khoản 2 Điều 24»), một số văn bản (ví dụ "
            "«152/2025/NĐ-CP») hoặc cả hai.",
            field="q",
        )
    return query


def impact(text: str, include_retired: bool = False) -> Impact:
    """Every question (in use, or also retired) whose current version's citation touches the
    article or document asked, ordered by id, each with the rounds that drew any version."""
    query = read_query(text)
    rows = db.session.execute(
        db.select(Question, QuestionVersion)
        .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
        .order_by(Question.external_id)
    ).all()
    found = [
        ImpactedQuestion(
            q.external_id, v.number, v.topic_id, v.source, v.text, q.retired_at is not None
        )
        for q, v in rows
        if (include_retired or q.retired_at is None) and touches(v.source, query)
    ]
    ids = {q.external_id: q for q in found}
    for external_id, use in _round_uses(list(ids)):
        ids[external_id].rounds.append(use)
    return Impact(" ".join(text.split()), query, found)


def _round_uses(external_ids: list[str]) -> list[tuple[str, RoundUse]]:
    """Per question and round: attempts that drew the question, and the versions they drew."""
    if not external_ids:
        return []
    keys = (
        Question.external_id,
        Round.id,
        Round.title,
        Contest.title,
        Round.status,
        QuestionVersion.number,
    )
    rows = db.session.execute(
        db.select(*keys, db.func.count(db.distinct(Attempt.id)))
        .join(QuestionVersion, QuestionVersion.question_id == Question.id)
        .join(AttemptQuestion, AttemptQuestion.question_version_id == QuestionVersion.id)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .join(Round, Round.id == Attempt.round_id)
        .join(Contest, Contest.id == Round.contest_id)
        .where(Question.external_id.in_(external_ids))
        .group_by(*keys)
        .order_by(Question.external_id, Round.id, QuestionVersion.number)
    ).all()
    uses: dict[tuple[str, int], RoundUse] = {}
    order: defaultdict[str, list[RoundUse]] = defaultdict(list)
    for external_id, round_id, title, contest, status, number, attempts in rows:
        use = uses.get((external_id, round_id))
        if use is None:
            use = uses[(external_id, round_id)] = RoundUse(round_id, title, contest, status)
            order[external_id].append(use)
        use.attempts += attempts
        use.versions.append(number)
    return [(external_id, use) for external_id, items in order.items() for use in items]
