"""Practice mode: the organiser's practice set, and untimed practice kept in the visitor's cookie.

Practice questions are public (their answers are shown at once), so rounds never draw them;
marking a question as practice takes it out of every round's pool. A visitor's practice run
lives in the signed session cookie only: practice writes nothing to the database.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain import bank_topics
from ..domain.drawing import quota_problems
from ..extensions import db
from ..models import Question, QuestionVersion, Round, StaffUser, Topic
from . import audit, bank_marks, rounds
from .errors import Conflict, NotFound, ServiceError

RANDOM_KEY = "ngau-nhien"
RANDOM_SIZE = 10
MAX_QUESTIONS = 20  # the run lives in a cookie: keep it small
MAX_IDS = 500
GUARDED_STATUSES = {"draft": "nháp", "open": "đang mở"}


@dataclass(frozen=True)
class TopicCount:
    """A topic with its questions in use and how many of them are practice questions."""

    id: str
    name: str
    chapter: str | None
    in_use: int
    practice: int


def topic_counts() -> list[TopicCount]:
    """Every topic with its questions in use and practice questions (counted in SQL)."""
    in_use = (Question.current_version_id == QuestionVersion.id) & Question.retired_at.is_(None)
    rows = db.session.execute(
        db.select(
            Topic.id,
            Topic.name,
            Topic.chapter,
            db.func.count(Question.id),
            db.func.count(db.case((Question.practice, Question.id))),
        )
        .outerjoin(QuestionVersion, QuestionVersion.topic_id == Topic.id)
        .outerjoin(Question, in_use)
        .group_by(Topic.id, Topic.name, Topic.chapter)
    ).all()
    counts = [TopicCount(*row) for row in rows]
    return bank_topics.ordered(counts)


def practice_topics() -> list[TopicCount]:
    """Topics a visitor can practise: those with at least one practice question."""
    return [t for t in topic_counts() if t.practice]


def practice_questions(limit: int = 300) -> list[tuple[Question, QuestionVersion]]:
    """Practice questions in use, by topic then id (for the console)."""
    rows = db.session.execute(
        _in_use()
        .where(Question.practice.is_(True))
        .order_by(QuestionVersion.topic_id, Question.external_id)
        .limit(limit)
    ).all()
    return [(q, v) for q, v in rows]


def parse_ids(text: str | None) -> list[str]:
    """Question ids as typed: separated by commas, semicolons, spaces or lines; duplicates once."""
    return list(dict.fromkeys(p for p in re.split(r"[\s,;]+", text or "") if p))


def _in_use() -> Any:
    return (
        db.select(Question, QuestionVersion)
        .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
        .where(Question.retired_at.is_(None))
    )


def set_topic_practice(
    actor: StaffUser | None, topic_id: str, practice: bool, now: datetime, reason: str = ""
) -> list[str]:
    """Mark (or unmark) every question in use of a topic; returns the ids that changed."""
    topic = db.session.get(Topic, topic_id)
    if topic is None:
        raise NotFound("topic_not_found", "Không tìm thấy chủ đề.")
    rows = db.session.execute(_in_use().where(QuestionVersion.topic_id == topic_id)).all()
    return _set_practice(actor, [q for q, _ in rows], practice, now, reason, topic)


def set_questions_practice(
    actor: StaffUser | None,
    external_ids: list[str],
    practice: bool,
    now: datetime,
    reason: str = "",
) -> list[str]:
    """Mark (or unmark) questions in use by id; all or nothing. Returns the ids that changed."""
    if not external_ids:
        raise ServiceError("no_ids", "Vui lòng nhập ít nhất một mã câu hỏi.", field="ids")
    if len(external_ids) > MAX_IDS:
        raise ServiceError("too_many_ids", f"Mỗi lần tối đa {MAX_IDS} mã câu hỏi.", field="ids")
    rows = db.session.execute(_in_use().where(Question.external_id.in_(external_ids))).all()
    found = {q.external_id: q for q, _ in rows}
    missing = [i for i in external_ids if i not in found]
    if missing:
        raise NotFound(
            "unknown_ids",
            "Không có câu hỏi đang dùng với mã: " + ", ".join(missing) + ". Chưa thay đổi gì.",
            field="ids",
        )
    return _set_practice(actor, list(found.values()), practice, now, reason, None)


def _set_practice(
    actor: StaffUser | None,
    questions: list[Question],
    practice: bool,
    now: datetime,
    reason: str,
    topic: Topic | None,
) -> list[str]:
    changing = [q for q in questions if q.practice != practice]
    if practice and changing:
        drawing = bank_marks.open_rounds_drawing([q.id for q in changing])
        if drawing:
            raise Conflict(
                "practice_key_in_open_round",
                "Không thể đánh dấu luyện tập (đáp án sẽ công khai ngay) vì đợt thi đang mở đã "
                "rút các câu: "
                + "; ".join(f"{qid} — đợt {', '.join(r)}" for qid, r in drawing.items())
                + ". Chưa thay đổi gì.",
                field="ids",
            )
        broken = rounds_broken_by({q.current_version_id for q in changing if q.current_version_id})
        if broken:
            raise Conflict(
                "practice_breaks_round",
                "Không thể đánh dấu luyện tập vì đợt thi sẽ không đủ câu hỏi theo cơ cấu: "
                + " ".join(broken)
                + " Chưa thay đổi gì.",
                field="ids",
            )
    for question in changing:
        question.practice = practice
    if practice:
        bank_marks.mark_public(changing, now, "luyện tập")
    changed = sorted(q.external_id for q in changing)
    if changed:
        entry = audit.record(
            actor,
            "practice.mark" if practice else "practice.unmark",
            topic,
            reason=reason.strip(),
            scope="topic" if topic is not None else "ids",
            questions=changed,
        )
        entry.at = now
    db.session.flush()
    return changed


DEMO_PER_TOPIC = 3


def mark_demo_practice(now: datetime, per_topic: int = DEMO_PER_TOPIC) -> list[str]:
    """A starter practice set for a new installation: the first `per_topic` questions in use
    of every topic, unless the organiser already chose practice questions (then nothing)."""
    if db.session.scalar(db.select(Question.id).where(Question.practice.is_(True)).limit(1)):
        return []
    rows = db.session.execute(_in_use().order_by(QuestionVersion.topic_id, Question.external_id))
    picked: dict[str, list[str]] = {}
    for question, version in rows:
        ids = picked.setdefault(version.topic_id, [])
        if len(ids) < per_topic:
            ids.append(question.external_id)
    chosen = [i for ids in picked.values() for i in ids]
    if not chosen:
        return []
    return set_questions_practice(None, chosen, True, now, reason="Bộ luyện tập mẫu")


def rounds_broken_by(removed: set[int]) -> list[str]:
    """Rounds in draft or open that would gain quota problems without these question versions.

    The problems are those of domain.drawing.quota_problems on rounds.candidates() with the
    versions taken out. A problem a round already had does not count; the messages carry the
    counts, so a shortfall that grows shows as a new problem.
    """
    before = rounds.candidates()
    after = [c for c in before if c.version_id not in removed]
    messages = []
    guarded = db.select(Round).where(Round.status.in_(tuple(GUARDED_STATUSES))).order_by(Round.id)
    for rnd in db.session.scalars(guarded):
        s = rounds.settings_of(rnd)
        old = set(quota_problems(before, s.quotas, s.question_count))
        new = [p for p in quota_problems(after, s.quotas, s.question_count) if p not in old]
        if new:
            label = GUARDED_STATUSES[rnd.status]
            messages.append(f"Đợt «{rnd.title}» ({rnd.contest.title}, {label}): " + " ".join(new))
    return messages


@dataclass
class PracticeRun:
    """A visitor's practice run, as kept in the signed session cookie."""

    key: str  # a topic id, or RANDOM_KEY
    ids: list[int]  # question version ids, in the order asked
    orders: list[str]  # per question, the original choice indexes in display order ("2013")
    pos: int = 0  # the current question (0-based)
    results: str = ""  # "1" right, "0" wrong, one per answered question
    last: int | None = None  # the displayed choice given to the current question

    @property
    def total(self) -> int:
        return len(self.ids)

    @property
    def score(self) -> int:
        return self.results.count("1")

    @property
    def finished(self) -> bool:
        return self.pos >= self.total

    @property
    def answered(self) -> bool:
        return len(self.results) > self.pos

    def to_cookie(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "ids": self.ids,
            "orders": self.orders,
            "pos": self.pos,
            "results": self.results,
            "last": self.last,
        }

    @classmethod
    def from_cookie(cls, data: Any) -> PracticeRun | None:
        """The run in a cookie, or None when it is missing or not well formed."""
        try:
            run = cls(
                key=str(data["key"]),
                ids=[int(i) for i in data["ids"]],
                orders=[str(o) for o in data["orders"]],
                pos=int(data["pos"]),
                results=str(data["results"]),
                last=None if data["last"] is None else int(data["last"]),
            )
        except (KeyError, TypeError, ValueError):
            return None
        return run if run._well_formed() else None

    def _well_formed(self) -> bool:
        return (
            0 < self.total <= MAX_QUESTIONS
            and len(self.orders) == self.total
            and 0 <= self.pos <= self.total
            and set(self.results) <= {"0", "1"}
            and len(self.results) in (self.pos, self.pos + 1)
            and (self.last is None) == (len(self.results) == self.pos)
        )


def _pool(topic_id: str | None) -> list[tuple[int, int, bool]]:
    query = db.select(QuestionVersion.id, QuestionVersion.choices, QuestionVersion.shuffle)
    query = query.join(Question, Question.current_version_id == QuestionVersion.id).where(
        Question.retired_at.is_(None), Question.practice.is_(True)
    )
    if topic_id is not None:
        query = query.where(QuestionVersion.topic_id == topic_id)
    rows = db.session.execute(query.order_by(QuestionVersion.id)).all()
    return [(vid, len(choices), shuffle) for vid, choices, shuffle in rows]


def start_practice(key: str, rng: random.Random) -> PracticeRun:
    """A new run: up to 20 practice questions of a topic, or 10 at random from all topics.

    Questions come in random order; choices keep their stored order unless the question
    allows shuffling, in which case the order is drawn once for the run.
    """
    pool = _pool(None if key == RANDOM_KEY else key)
    if not pool:
        raise NotFound("no_practice", "Chủ đề này hiện chưa có câu hỏi luyện tập.")
    picked = rng.sample(pool, min(RANDOM_SIZE if key == RANDOM_KEY else MAX_QUESTIONS, len(pool)))
    orders = []
    for _, count, shuffle in picked:
        order = list(range(count))
        if shuffle:
            rng.shuffle(order)
        orders.append("".join(str(i) for i in order))
    return PracticeRun(key=key, ids=[vid for vid, _, _ in picked], orders=orders)


@dataclass(frozen=True)
class PracticeQuestion:
    """The current question as shown: choices in display order, the key as a display index."""

    position: int
    total: int
    text: str
    choices: list[str]
    correct: int
    source: str
    explanation: str
    topic_name: str


def current_question(run: PracticeRun) -> PracticeQuestion:
    """The run's current question, only if it is still a practice question in use."""
    if run.finished:
        raise ServiceError("finished", "Bạn đã làm hết các câu của lượt luyện tập này.")
    version = db.session.get(QuestionVersion, run.ids[run.pos])
    question = version.question if version is not None else None
    order = [int(c) for c in run.orders[run.pos]]
    if (
        question is None
        or not question.practice
        or question.retired_at is not None
        or question.current_version_id != version.id
        or sorted(order) != list(range(len(version.choices)))
    ):
        raise NotFound(
            "not_practice",
            "Câu hỏi này không còn trong bộ câu luyện tập. Mời bạn bắt đầu lượt luyện tập mới.",
        )
    return PracticeQuestion(
        position=run.pos + 1,
        total=run.total,
        text=version.text,
        choices=[version.choices[i] for i in order],
        correct=order.index(version.correct_index),
        source=version.source,
        explanation=version.explanation,
        topic_name=version.topic.name,
    )


def answer(run: PracticeRun, choice: int | None) -> PracticeRun:
    """Record the visitor's choice (a display index) for the current question, once."""
    question = current_question(run)
    if run.answered:
        raise ServiceError("answered", "Bạn đã trả lời câu này.")
    if choice is None or not 0 <= choice < len(question.choices):
        raise ServiceError("no_choice", "Vui lòng chọn một phương án.", field="choice")
    run.results += "1" if choice == question.correct else "0"
    run.last = choice
    return run


def next_question(run: PracticeRun) -> PracticeRun:
    """Move on once the current question has been answered."""
    if not run.answered:
        raise ServiceError("not_answered", "Vui lòng trả lời câu này trước khi sang câu tiếp.")
    run.pos += 1
    run.last = None
    return run


def topic_title(key: str) -> str:
    """What the run practises, for headings."""
    if key == RANDOM_KEY:
        return "Ngẫu nhiên, mọi chủ đề"
    topic = db.session.get(Topic, key)
    return topic.name if topic is not None else key
