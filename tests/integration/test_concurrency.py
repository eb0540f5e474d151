"""Real concurrency on the real database: simultaneous starts, saves and submits."""

import threading
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

THREADS = 8


def _race(app: Flask, work: Callable[[], Any], threads: int = THREADS) -> list[Any]:
    """Run `work` in `threads` threads released together, each in its own app context."""
    barrier = threading.Barrier(threads)
    outcomes: list[Any] = []
    lock = threading.Lock()

    def run() -> None:
        with app.app_context():
            barrier.wait()
            try:
                outcome = work()
                db.session.commit()
            except ServiceError as exc:
                db.session.rollback()
                outcome = exc.code
            except Exception as exc:  # any other failure is the test's finding
                db.session.rollback()
                outcome = f"error: {exc!r}"
            finally:
                db.session.remove()
        with lock:
            outcomes.append(outcome)

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(60)
    return outcomes


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

    def start() -> str:
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

    def submit() -> tuple[int | None, Any]:
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
    choices = iter(range(THREADS))
    choice_lock = threading.Lock()

    def save() -> int:
        with choice_lock:
            choice = next(choices) % 4
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
    turn = iter(range(THREADS))
    turn_lock = threading.Lock()

    def act() -> str:
        with turn_lock:
            n = next(turn)
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
