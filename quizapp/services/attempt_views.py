"""What a participant may see of an attempt: never the key while the round can be answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy.orm import joinedload

from ..domain import scoring, timing
from ..extensions import db
from ..models import Answer, Attempt, AttemptQuestion, QuestionVersion, Round


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
    return {
        "id": attempt.id,
        "round": {"id": rnd.id, "title": rnd.title, "prediction_kind": rnd.prediction_kind},
        "number": attempt.number,
        "started_at": attempt.started_at.isoformat(),
        "deadline": attempt.deadline_at.isoformat(),
        "remaining_seconds": timing.remaining_seconds(attempt.deadline_at, now),
        "remaining_ms": timing.remaining_ms(attempt.deadline_at, now),
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
    """Score and time at once; the key, explanations and citations only after the round."""
    rnd = attempt.round
    revealed = timing.key_revealed(rnd.closes_at, rnd.grace_seconds, now)
    result: dict[str, Any] = {
        "id": attempt.id,
        "round": {"id": rnd.id, "title": rnd.title},
        "finished": attempt.submitted_at is not None,
        "score": attempt.score,
        "total": len(attempt.items),
        "time_used_ms": attempt.time_used_ms,
        "finish_reason": attempt.finish_reason,
        "prediction": attempt.prediction,
        "key_revealed": revealed and attempt.submitted_at is not None,
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


@dataclass
class RoundEntry:
    round: Round
    attempts: list[Attempt]
    best_id: int | None


def my_entries(participant_id: int) -> list[RoundEntry]:
    """The participant's attempts grouped by round (newest first), with the one that counts."""
    attempts = db.session.scalars(
        db.select(Attempt)
        .where(Attempt.participant_id == participant_id)
        .order_by(Attempt.round_id.desc(), Attempt.number)
    ).all()
    entries: dict[int, RoundEntry] = {}
    for attempt in attempts:
        entries.setdefault(attempt.round_id, RoundEntry(attempt.round, [], None)).attempts.append(
            attempt
        )
    for entry in entries.values():
        best = scoring.best_attempt(
            [
                scoring.AttemptResult(
                    a.id, a.score or 0, a.time_used_ms or 0, int(a.submitted_at.timestamp() * 1000)
                )
                for a in entry.attempts
                if a.submitted_at is not None and a.excluded_at is None
            ]
        )
        entry.best_id = best.attempt_id if best else None
    return list(entries.values())
