"""Reads of the question bank: counts, search, and the bank as specs (for export)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select

from ..domain import bank_topics
from ..domain.bank_types import LETTERS, QuestionSpec, TopicSpec
from ..extensions import db
from ..models import DIFFICULTIES, Question, QuestionVersion, Topic
from .question_versions import spec_of


def _in_use() -> Select[tuple[Question, QuestionVersion]]:
    return (
        db.select(Question, QuestionVersion)
        .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
        .where(Question.retired_at.is_(None))
    )


def stats() -> dict[str, Any]:
    """Questions in use by topic, difficulty and correct letter (counted in SQL)."""
    base = _in_use().subquery()
    version = db.aliased(QuestionVersion, base)

    def grouped(column: Any) -> dict[str, int]:
        rows = db.session.execute(
            db.select(column, db.func.count()).group_by(column).order_by(column)
        ).all()
        return {str(key): count for key, count in rows}

    by_index = grouped(version.correct_index)
    by_difficulty = grouped(version.difficulty)
    return {
        "total": sum(by_difficulty.values()),
        "by_topic": grouped(version.topic_id),
        "by_difficulty": {d: by_difficulty.get(d, 0) for d in DIFFICULTIES},
        "by_answer": {LETTERS[int(i)]: n for i, n in by_index.items()},
    }


def topics() -> list[Topic]:
    """Every topic, in the order of the Law (domain.bank_topics)."""
    return bank_topics.ordered(db.session.scalars(db.select(Topic)))


def topic_specs() -> list[TopicSpec]:
    return [TopicSpec(t.id, t.name, t.chapter) for t in topics()]


def current_specs() -> tuple[list[QuestionSpec], list[TopicSpec]]:
    """The bank in use, as the validator's specs, ordered by question id."""
    rows = db.session.execute(_in_use().order_by(Question.external_id)).all()
    return [spec_of(v) for _, v in rows], topic_specs()


def search(
    topic: str | None = None,
    difficulty: str | None = None,
    text: str | None = None,
    source: str | None = None,
    page: int = 1,
    per_page: int = 25,
) -> tuple[list[tuple[Question, QuestionVersion]], int]:
    """Questions in use filtered by topic, difficulty, words of the text or of the citation."""
    query = _in_use()
    if topic:
        query = query.where(QuestionVersion.topic_id == topic)
    if difficulty:
        query = query.where(QuestionVersion.difficulty == difficulty)
    if text:
        like = f"%{text.strip()}%"
        query = query.where(QuestionVersion.text.ilike(like) | Question.external_id.ilike(like))
    if source:
        query = query.where(QuestionVersion.source.ilike(f"%{source.strip()}%"))
    total = db.session.scalar(db.select(db.func.count()).select_from(query.subquery()))
    rows = db.session.execute(
        query.order_by(Question.external_id).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return [(q, v) for q, v in rows], total or 0


def get_question(external_id: str) -> tuple[Question, QuestionVersion] | None:
    row = db.session.execute(
        db.select(Question, QuestionVersion)
        .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
        .where(Question.external_id == external_id)
    ).first()
    return (row[0], row[1]) if row else None
