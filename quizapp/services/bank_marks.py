"""Keys that have been public stay out of contests (issue 21 item 5).

A question's key is public once it is marked for practice (answers shown at once) or once a
round that drew it enters review (answers and explanations published). The mark stays when
practice is unmarked; new contest rounds leave such questions out unless the round allows them
(`Round.allow_public_keys`). Marking for practice is refused while an open round has drawn the
question: a participant could read the key and save it into a running attempt.
"""

from __future__ import annotations

from datetime import datetime

from ..extensions import db
from ..models import Attempt, AttemptQuestion, Question, QuestionVersion, Round


def open_rounds_drawing(question_ids: list[int]) -> dict[str, list[str]]:
    """External id → «title» (contest) of every open round whose attempts drew the question."""
    if not question_ids:
        return {}
    rows = db.session.execute(
        db.select(Question.external_id, Round.id, Round.title)
        .join(QuestionVersion, QuestionVersion.question_id == Question.id)
        .join(AttemptQuestion, AttemptQuestion.question_version_id == QuestionVersion.id)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .join(Round, Round.id == Attempt.round_id)
        .where(Question.id.in_(question_ids), Round.status == "open")
        .distinct()
        .order_by(Question.external_id, Round.id)
    ).all()
    found: dict[str, list[str]] = {}
    for external_id, _round_id, title in rows:
        found.setdefault(external_id, []).append(f"«{title}»")
    return found


def mark_public(questions: list[Question], now: datetime, note: str) -> None:
    """Record when each question's key first became public (an earlier mark is kept)."""
    for question in questions:
        if question.key_public_at is None:
            question.key_public_at, question.key_public_note = now, note[:300]


def mark_drawn_by_round(rnd: Round, now: datetime) -> int:
    """The round enters review and publishes its keys: every question it drew is marked."""
    drawn = (
        db.select(QuestionVersion.question_id)
        .join(AttemptQuestion, AttemptQuestion.question_version_id == QuestionVersion.id)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .where(Attempt.round_id == rnd.id)
        .distinct()
    )
    questions = list(
        db.session.scalars(
            db.select(Question).where(Question.id.in_(drawn), Question.key_public_at.is_(None))
        )
    )
    mark_public(questions, now, f"đáp án công bố khi xét duyệt đợt «{rnd.title}»")
    return len(questions)
