"""What a participant sees of their attempts and results (never the key while a round is open)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy.orm import joinedload

from ..domain import timing
from ..extensions import db
from ..models import (
    Answer,
    Attempt,
    AttemptQuestion,
    Exclusion,
    QuestionVersion,
    Round,
    RoundEntry,
)


def _answers(attempt: Attempt) -> dict[int, Answer]:
    return {
        a.attempt_question_id: a
        for a in db.session.scalars(db.select(Answer).where(Answer.attempt_id == attempt.id))
    }


def _shown(item: AttemptQuestion, answer: Answer | None) -> int | None:
    """The position (in display order) of the saved choice."""
    if answer is None or answer.chosen_index is None:
        return None
    return item.choice_order.index(answer.chosen_index)


def _version_texts(version_ids: set[int]) -> dict[int, tuple[str, list[str]]]:
    """Text and choices of question versions, by id. A version never changes once written (a
    correction is a new version), so each app keeps what it has read: a few hundred per bank."""
    known: dict[int, tuple[str, list[str]]] = current_app.extensions.setdefault(
        "question_texts", {}
    )
    missing = version_ids - known.keys()
    if missing:
        rows = db.session.execute(
            db.select(QuestionVersion.id, QuestionVersion.text, QuestionVersion.choices).where(
                QuestionVersion.id.in_(missing)
            )
        )
        known.update((vid, (text, choices)) for vid, text, choices in rows)
    return known


def _items(attempt: Attempt) -> list[AttemptQuestion]:
    """The drawn questions in order with their versions: one query, not one per question."""
    return list(
        db.session.scalars(
            db.select(AttemptQuestion)
            .options(joinedload(AttemptQuestion.version))
            .where(AttemptQuestion.attempt_id == attempt.id)
            .order_by(AttemptQuestion.position)
        )
    )


def _question_count(attempt: Attempt) -> int:
    """How many questions the attempt drew (a count, not the rows: the submit's reply)."""
    return db.session.scalar(
        db.select(db.func.count()).where(AttemptQuestion.attempt_id == attempt.id)
    )


def attempt_state(
    attempt: Attempt, now: datetime, answers: dict[int, Answer] | None = None
) -> dict[str, Any]:
    """Questions in display order with the saved choices and the server's remaining time.

    `answers` by attempt question id, when the caller knows them (none, for a new attempt).
    """
    answers = _answers(attempt) if answers is None else answers
    items = attempt.items  # a new attempt's are in memory already
    shown = _version_texts({item.question_version_id for item in items})
    questions = []
    for item in items:
        answer = answers.get(item.id)
        text, choices = shown[item.question_version_id]
        questions.append(
            {
                "position": item.position,
                "text": text,
                "choices": [choices[i] for i in item.choice_order],
                "answer": _shown(item, answer),
                "flagged": bool(answer and answer.flagged),
            }
        )
    rnd = attempt.round
    deadline = timing.effective_deadline(attempt.deadline_at, rnd.closes_at)
    return {
        "id": attempt.id,
        "round": {"id": rnd.id, "title": rnd.title, "prediction_kind": rnd.prediction_kind},
        "number": attempt.number,
        "started_at": attempt.started_at.isoformat(),
        "deadline": deadline.isoformat(),
        "remaining_seconds": timing.remaining_seconds(deadline, now),
        "remaining_ms": timing.remaining_ms(deadline, now),
        "finished": attempt.submitted_at is not None,
        "answered": sum(q["answer"] is not None for q in questions),
        "questions": questions,
    }


def save_summary(deadline_at: datetime, answered: int, now: datetime) -> dict[str, Any]:
    """What a save answers with: the server's remaining time and how many are answered."""
    return {
        "remaining_seconds": timing.remaining_seconds(deadline_at, now),
        "remaining_ms": timing.remaining_ms(deadline_at, now),
        "deadline": deadline_at.isoformat(),
        "answered": answered,
    }


def attempt_result(attempt: Attempt, now: datetime) -> dict[str, Any]:
    """The score once it may be known (right after submit only if the round says so, else when
    the result is final); the key, explanations and citations only when the result is final."""
    rnd = attempt.round
    finished = attempt.submitted_at is not None
    revealed = finished and timing.key_revealed(rnd.status, rnd.closes_at, rnd.grace_seconds, now)
    score_shown = finished and scores_shown(rnd, now)
    result: dict[str, Any] = {
        "id": attempt.id,
        "round": {"id": rnd.id, "title": rnd.title},
        "finished": finished,
        "score_shown": score_shown,
        "score": attempt.score if score_shown else None,
        "total": _question_count(attempt),
        "time_used_ms": attempt.time_used_ms,
        "finish_reason": attempt.finish_reason,
        "prediction": attempt.prediction,
        "key_revealed": revealed,
        "review": [],
    }
    if result["key_revealed"]:
        answers = _answers(attempt)
        for item in _items(attempt):
            version = item.version
            result["review"].append(
                {
                    "position": item.position,
                    "text": version.text,
                    "choices": [version.choices[i] for i in item.choice_order],
                    "answer": _shown(item, answers.get(item.id)),
                    "correct": item.choice_order.index(version.correct_index),
                    "explanation": version.explanation,
                    "source": version.source,
                }
            )
    return result


def scores_shown(rnd: Round, now: datetime) -> bool:
    """Scores of finished attempts may be shown: right away if the round says so, else once
    the result is final (see `timing.key_revealed`)."""
    return rnd.show_score_after_submit or timing.key_revealed(
        rnd.status, rnd.closes_at, rnd.grace_seconds, now
    )


@dataclass(frozen=True)
class AttemptLine:
    id: int
    number: int
    started_at: datetime
    finished: bool
    score: int | None  # None while scores are not shown
    time_used_ms: int | None


@dataclass
class RoundAttempts:
    round: Round
    attempts: list[AttemptLine]
    # The attempt the ranking counts (the round's kept entry); None while scores are hidden,
    # since which attempt counts would tell which one scored better.
    counted_id: int | None


def my_entries(participant_id: int, now: datetime) -> list[RoundAttempts]:
    """The participant's attempts grouped by round (newest first), with the one the ranking
    counts: the round's kept entry, chosen by the round's own policy (never recomputed here)."""
    attempts = db.session.scalars(
        db.select(Attempt)
        .where(Attempt.participant_id == participant_id)
        .order_by(Attempt.round_id.desc(), Attempt.number)
    ).all()
    counted = dict(
        db.session.execute(
            db.select(RoundEntry.round_id, RoundEntry.attempt_id).where(
                RoundEntry.participant_id == participant_id, RoundEntry.frozen.is_(False)
            )
        )
        .tuples()
        .all()
    )
    excluded = set(
        db.session.scalars(
            db.select(Exclusion.round_id).where(Exclusion.participant_id == participant_id)
        )
    )
    entries: dict[int, RoundAttempts] = {}
    for a in attempts:
        shown = scores_shown(a.round, now)
        kept = counted.get(a.round_id) if shown and a.round_id not in excluded else None
        line = AttemptLine(
            a.id,
            a.number,
            a.started_at,
            a.submitted_at is not None,
            a.score if shown else None,
            a.time_used_ms,
        )
        entries.setdefault(a.round_id, RoundAttempts(a.round, [], kept)).attempts.append(line)
    return list(entries.values())
