"""Grading at the finish: each saved answer marked, the score, in a fixed number of statements."""

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import event

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, AttemptQuestion, Participant, Round, RoundEntry
from quizapp.services import attempts
from tests.conftest import FIXED_NOW

T = FIXED_NOW


def _started(app: Flask, make_round, make_participant, count: int) -> tuple[int, int]:
    rnd = make_round(question_count=count, time_limit_seconds=600)
    person = make_participant()
    with app.app_context():
        r, p = db.session.get(Round, rnd.id), db.session.get(Participant, person.id)
        attempt = attempts.start_attempt(p, r, T).attempt
        db.session.commit()
        return attempt.id, person.id


def _items(attempt_id: int) -> list[AttemptQuestion]:
    return list(
        db.session.scalars(
            db.select(AttemptQuestion)
            .where(AttemptQuestion.attempt_id == attempt_id)
            .order_by(AttemptQuestion.position)
        )
    )


def _shown(item: AttemptQuestion, right: bool) -> int:
    """The display position of the right choice, or of a wrong one."""
    key = item.version.correct_index
    wanted = key if right else next(i for i in item.choice_order if i != key)
    return item.choice_order.index(wanted)


# What each of five drawn questions gets: the right choice, a wrong one, a choice cleared
# again, nothing saved. Expected mark per question: True / False / False / no row.
PLAN = ["right", "wrong", "right", "cleared", "unsaved"]
MARKS = {"right": True, "wrong": False, "cleared": False}


def test_each_saved_answer_is_marked_and_the_score_counts_the_right_ones(
    app, make_round, make_participant
) -> None:
    attempt_id, person_id = _started(app, make_round, make_participant, len(PLAN))
    with app.app_context():
        person = db.session.get(Participant, person_id)
        for item, what in zip(_items(attempt_id), PLAN, strict=True):
            if what in ("right", "wrong"):
                attempts.save_answer(
                    person, attempt_id, item.position, _shown(item, what == "right"), T
                )
            elif what == "cleared":
                attempts.save_answer(person, attempt_id, item.position, _shown(item, True), T)
                attempts.save_answer(person, attempt_id, item.position, None, T)
        db.session.commit()
        attempts.submit_attempt(person, attempt_id, T + timedelta(minutes=3))
        db.session.commit()

        marks = {
            position: mark
            for position, mark in db.session.execute(
                db.select(AttemptQuestion.position, Answer.is_correct)
                .join(Answer, Answer.attempt_question_id == AttemptQuestion.id)
                .where(AttemptQuestion.attempt_id == attempt_id)
            )
        }
        expected = {i: MARKS[w] for i, w in enumerate(PLAN, start=1) if w in MARKS}
        assert marks == expected
        attempt = db.session.get(Attempt, attempt_id)
        assert (attempt.score, attempt.finish_reason) == (2, "submitted")
        entry = db.session.scalar(db.select(RoundEntry).where(RoundEntry.attempt_id == attempt_id))
        assert entry.score == 2


@pytest.mark.parametrize("count", [3, 12])
def test_grading_costs_the_same_statements_however_many_questions(
    app, make_round, make_participant, count
) -> None:
    """One read of keys beside choices and one write of the marks, not one query per question
    (a round start's submits arrive together: 31 statements each before, 8 now with the reply)."""
    attempt_id, person_id = _started(app, make_round, make_participant, count)
    with app.app_context():
        person = db.session.get(Participant, person_id)
        for item in _items(attempt_id):
            attempts.save_answer(person, attempt_id, item.position, _shown(item, True), T)
        db.session.commit()
        assert person.id == person_id  # loaded again after the commit, before counting
        seen: list[str] = []
        listener = lambda *args: seen.append(" ".join(args[2].split()))  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            attempts.submit_attempt(person, attempt_id, T + timedelta(minutes=3))
            db.session.commit()  # the entry's INSERT is flushed here
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        kinds = [
            s.split(" ")[0] + (" answers" if s.startswith("UPDATE answers") else "")
            for s in seen
            if not s.startswith("BEGIN")  # SQLite's IMMEDIATE transaction
        ]
        # the locked attempt, keys beside choices, the marks, the attempt, the entry (read, write)
        assert kinds == ["SELECT", "SELECT", "UPDATE answers", "UPDATE", "SELECT", "INSERT"]
        assert db.session.get(Attempt, attempt_id).score == count
