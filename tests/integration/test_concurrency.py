"""Real concurrency on the real database: simultaneous starts, saves and submits."""

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Participant, Round
from quizapp.services import attempts
from quizapp.services.errors import ServiceError
from tests.conftest import FIXED_NOW
from tests.helpers import race

THREADS = 8


def _race(app: Flask, work: Callable[[int], Any], threads: int = THREADS) -> list[Any]:
    """tests.helpers.race with each thread in its own app context: work(i) is committed, a
    refusal becomes its code and any other failure "error: …" (the test's finding)."""

    def in_app(i: int) -> Any:
        with app.app_context():
            try:
                outcome = work(i)
                db.session.commit()
                return outcome
            except ServiceError as exc:
                db.session.rollback()
                return exc.code
            except Exception:
                db.session.rollback()
                raise
            finally:
                db.session.remove()

    return race(in_app, threads)


def _load(round_id: int, participant_id: int) -> tuple[Round, Participant]:
    return db.session.get(Round, round_id), db.session.get(Participant, participant_id)


def test_simultaneous_starts_never_exceed_the_attempt_limit(
    app, make_round, make_participant
) -> None:
    rnd = make_round(max_attempts=2)
    person = make_participant()
    with app.app_context():
        r, p = _load(rnd.id, person.id)
        first = attempts.start_attempt(p, r, FIXED_NOW).attempt
        attempts.submit_attempt(p, first.id, FIXED_NOW + timedelta(seconds=30))
        db.session.commit()

    def start(_: int) -> str:
        r, p = _load(rnd.id, person.id)
        started = attempts.start_attempt(p, r, FIXED_NOW + timedelta(minutes=1))
        return f"attempt {started.attempt.number}"

    outcomes = _race(app, start)
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    assert set(outcomes) == {"attempt 2"}
    with app.app_context():
        numbers = db.session.scalars(db.select(Attempt.number).order_by(Attempt.number)).all()
    assert numbers == [1, 2]


def test_simultaneous_submits_grade_once(app, make_round, make_participant) -> None:
    rnd = make_round(question_count=5)
    person = make_participant()
    with app.app_context():
        r, p = _load(rnd.id, person.id)
        attempt = attempts.start_attempt(p, r, FIXED_NOW).attempt
        item = attempt.items[0]
        attempts.save_answer(
            p, attempt.id, 1, item.choice_order.index(item.version.correct_index), FIXED_NOW
        )
        db.session.commit()
        attempt_id = attempt.id

    def submit(_: int) -> tuple[int | None, Any]:
        _, p = _load(rnd.id, person.id)
        done = attempts.submit_attempt(p, attempt_id, FIXED_NOW + timedelta(seconds=50))
        return done.score, done.submitted_at

    outcomes = _race(app, submit, threads=20)
    assert len(set(outcomes)) == 1, outcomes
    assert outcomes[0][0] == 1


def test_simultaneous_saves_of_one_question_leave_one_answer(
    app, make_round, make_participant
) -> None:
    rnd = make_round(question_count=5)
    person = make_participant()
    with app.app_context():
        r, p = _load(rnd.id, person.id)
        attempt_id = attempts.start_attempt(p, r, FIXED_NOW).attempt.id
        db.session.commit()

    def save(i: int) -> int:
        choice = i % 4
        _, p = _load(rnd.id, person.id)
        attempts.save_answer(p, attempt_id, 1, choice, FIXED_NOW + timedelta(seconds=5))
        return choice

    outcomes = _race(app, save)
    assert not [o for o in outcomes if isinstance(o, str)], outcomes
    with app.app_context():
        rows = db.session.scalars(db.select(Answer).where(Answer.attempt_id == attempt_id)).all()
    assert len(rows) == 1


def test_a_save_racing_the_submit_lands_before_grading_or_is_refused(
    app, make_round, make_participant
) -> None:
    rnd = make_round(question_count=5)
    person = make_participant()
    with app.app_context():
        r, p = _load(rnd.id, person.id)
        attempt = attempts.start_attempt(p, r, FIXED_NOW).attempt
        correct = {i.position: i.choice_order.index(i.version.correct_index) for i in attempt.items}
        attempt_id = attempt.id
        db.session.commit()

    def act(n: int) -> str:
        _, p = _load(rnd.id, person.id)
        if n == 0:
            attempts.submit_attempt(p, attempt_id, FIXED_NOW + timedelta(seconds=9))
            return "submitted"
        position = 1 + n % 5
        attempts.save_answer(
            p, attempt_id, position, correct[position], FIXED_NOW + timedelta(seconds=9)
        )
        return "saved"

    outcomes = Counter(_race(app, act))
    assert set(outcomes) <= {"submitted", "saved", "attempt_finished"}, outcomes
    with app.app_context():
        final = db.session.get(Attempt, attempt_id)
        counted = db.session.scalar(
            db.select(db.func.count(Answer.id)).where(
                Answer.attempt_id == attempt_id, Answer.is_correct.is_(True)
            )
        )
        saved_after = db.session.scalar(
            db.select(db.func.count(Answer.id)).where(
                Answer.attempt_id == attempt_id, Answer.is_correct.is_(None)
            )
        )
    assert saved_after == 0  # nothing landed after grading
    assert final.score == counted
