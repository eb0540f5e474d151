"""A question version row and the bank's QuestionSpec, mapped one to the other in one place."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.bank_types import QuestionSpec
from ..extensions import db
from ..models import Question, QuestionVersion


def spec_of(version: QuestionVersion) -> QuestionSpec:
    """The version's content as the validator's spec (read back from the database)."""
    external_id = version.question.external_id
    return QuestionSpec(
        id=external_id,
        text=version.text,
        choices=tuple(version.choices),
        answer=version.correct_index,
        topic=version.topic_id,
        difficulty=version.difficulty,
        source=version.source,
        explanation=version.explanation,
        shuffle=version.shuffle,
        basis=tuple(version.basis or ()),
        historical=version.historical,
        checked_on=version.checked_on,
        checked_url=version.checked_url or "",
        where=f"csdl:{external_id}",
    )


def version_fields(spec: QuestionSpec) -> dict[str, Any]:
    """The version columns that hold a spec's content, its content hash included."""
    return {
        "text": spec.text,
        "choices": list(spec.choices),
        "correct_index": spec.answer,
        "topic_id": spec.topic,
        "difficulty": spec.difficulty,
        "source": spec.source,
        "explanation": spec.explanation,
        "shuffle": spec.shuffle,
        "basis": list(spec.basis),
        "historical": spec.historical,
        "checked_on": spec.checked_on,
        "checked_url": spec.checked_url or None,
        "content_hash": spec.content_hash(),
    }


def next_number(question: Question) -> int:
    """The number the question's next version takes (1 for a question not yet flushed)."""
    if question.id is None:
        return 1
    latest = db.session.scalar(
        db.select(db.func.max(QuestionVersion.number)).where(
            QuestionVersion.question_id == question.id
        )
    )
    return (latest or 0) + 1


def add_version(question: Question, spec: QuestionSpec, now: datetime) -> QuestionVersion:
    """A new version of `question` holding `spec`, added to the session (not made current)."""
    version = QuestionVersion(
        question=question, number=next_number(question), created_at=now, **version_fields(spec)
    )
    db.session.add(version)
    return version
