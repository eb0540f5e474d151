"""What a participant sees of their attempts and results, as `domain.disclosure` allows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from flask import current_app
from sqlalchemy.orm import joinedload

from ..domain import disclosure, timing
from ..domain.disclosure import Viewer
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
from . import announcements
from .announcements import Prize
from .attempts import Started
from .start_write import NewAttempt, StartRound


def _answers(attempt: Attempt) -> dict[int, Answer]:
    return {
        a.attempt_question_id: a
        for a in db.session.scalars(db.select(Answer).where(Answer.attempt_id == attempt.id))
    }


class ItemLike(Protocol):
    """A drawn question as the attempt's page shows it (an `AttemptQuestion`, or the row a
    start has just written)."""

    @property
    def position(self) -> int: ...
    @property
    def question_version_id(self) -> int: ...
    @property
    def choice_order(self) -> Sequence[int]: ...


def _shown(item: ItemLike, answer: Answer | None) -> int | None:
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
    attempt: Attempt, now: datetime, rnd: Round | StartRound | None = None
) -> dict[str, Any]:
    """Questions in display order with the saved choices and the server's remaining time (the
    round, when the caller has read it already)."""
    answers = _answers(attempt)
    drawn = [(item, answers.get(item.id)) for item in attempt.items]
    return _state(attempt, rnd or attempt.round, drawn, now)


def started_state(started: Started, now: datetime) -> dict[str, Any]:
    """What a start answers: a new attempt from what its start wrote (its questions and round;
    nothing is read, and nothing is answered yet), a resumed one as `attempt_state`."""
    if started.items is not None:
        drawn = [(item, None) for item in started.items]
        return _state(started.attempt, started.round, drawn, now)
    assert isinstance(started.attempt, Attempt)  # resumed: the ORM's attempt
    return attempt_state(started.attempt, now, started.round)


def _state(
    attempt: Attempt | NewAttempt,
    rnd: Round | StartRound,
    drawn: Sequence[tuple[ItemLike, Answer | None]],
    now: datetime,
) -> dict[str, Any]:
    """The state of an attempt's drawn questions in order, each with its saved answer."""
    shown = _version_texts({item.question_version_id for item, _ in drawn})
    questions = []
    for item, answer in drawn:
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
    """What the participant may see of a finished attempt now (`disclosure`): the score right
    after submit only if the round says so, else when the result is final; the key,
    explanations and citations only when the result is final."""
    rnd = attempt.round
    finished = attempt.submitted_at is not None
    shown = disclosure.of_round(rnd, Viewer.PARTICIPANT, now)
    score_shown = finished and shown.scores
    result: dict[str, Any] = {
        "id": attempt.id,
        "round": {"id": rnd.id, "title": rnd.title},
        "finished": finished,
        "score_shown": score_shown,
        "score": attempt.score if score_shown else None,
        "total": _question_count(attempt),
        "time_used_ms": attempt.time_used_ms if shown.times else None,
        "finish_reason": attempt.finish_reason,
        "prediction": attempt.prediction,
        "key_revealed": finished and shown.keys,
        "review": [],
    }
    if result["key_revealed"]:
        result["review"] = _review(attempt, shown.explanations)
    return result


def _review(attempt: Attempt, explanations: bool) -> list[dict[str, Any]]:
    answers = _answers(attempt)
    review = []
    for item in _items(attempt):
        version = item.version
        review.append(
            {
                "position": item.position,
                "text": version.text,
                "choices": [version.choices[i] for i in item.choice_order],
                "answer": _shown(item, answers.get(item.id)),
                "correct": item.choice_order.index(version.correct_index),
                "explanation": version.explanation if explanations else "",
                "source": version.source if explanations else "",
            }
        )
    return review


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
    next_number: int | None = None  # the attempt the participant may still start, if any
    prize: Prize | None = None  # what the round's newest publication awarded them
    publication_id: int | None = None  # the round's newest publication, once published


def next_attempt(rnd: Round, used: int, all_finished: bool, now: datetime) -> int | None:
    """The number of the attempt the participant may start now ("Thi lượt 2"), if any."""
    taking = timing.round_state(rnd.status, rnd.opens_at, rnd.closes_at, now)
    if taking is not timing.RoundState.OPEN or not all_finished:
        return None
    if rnd.max_attempts is not None and used >= rnd.max_attempts:
        return None
    return used + 1


def my_entries(participant_id: int, now: datetime) -> list[RoundAttempts]:
    """The participant's attempts grouped by round (newest first), with the one the ranking
    counts: the round's kept entry, chosen by the round's own policy (never recomputed here);
    the attempt still open to them; the prize and the publication once published."""
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
        shown = disclosure.of_round(a.round, Viewer.PARTICIPANT, now)
        kept = counted.get(a.round_id) if shown.scores and a.round_id not in excluded else None
        line = AttemptLine(
            a.id,
            a.number,
            a.started_at,
            a.submitted_at is not None,
            a.score if shown.scores else None,
            a.time_used_ms if shown.times else None,
        )
        entries.setdefault(a.round_id, RoundAttempts(a.round, [], kept)).attempts.append(line)
    _announce(participant_id, entries, now)
    return list(entries.values())


def _announce(participant_id: int, entries: dict[int, RoundAttempts], now: datetime) -> None:
    publications = announcements.latest_publications(entries)
    prizes = announcements.prizes_of(participant_id, publications)
    for round_id, entry in entries.items():
        done = all(a.finished for a in entry.attempts)
        entry.next_number = next_attempt(entry.round, len(entry.attempts), done, now)
        entry.publication_id = publications.get(round_id)
        entry.prize = prizes.get(round_id)


def round_entry(participant_id: int, round_id: int, now: datetime) -> RoundAttempts | None:
    """The participant's line of `my_entries` for one round (None if they never started)."""
    found = [e for e in my_entries(participant_id, now) if e.round.id == round_id]
    return found[0] if found else None
