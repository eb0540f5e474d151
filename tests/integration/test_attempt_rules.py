"""The attempt engine with `now` passed in: limits, deadlines, grace, resume, submit, finish."""

from datetime import timedelta

import pytest
from flask import Flask

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Participant, Round
from quizapp.services import attempts, lifecycle
from quizapp.services.errors import Conflict, NotFound, ServiceError
from tests.conftest import FIXED_NOW

T = FIXED_NOW


def _ctx(app: Flask, round_id: int, participant_id: int) -> tuple[Round, Participant]:
    return db.session.get(Round, round_id), db.session.get(Participant, participant_id)


def test_start_draws_the_round_count_with_deadline_and_resume(
    app, make_round, make_participant
) -> None:
    rnd = make_round(question_count=5, time_limit_seconds=600)
    person = make_participant()
    with app.app_context():
        r, p = _ctx(app, rnd.id, person.id)
        first = attempts.start_attempt(p, r, T)
        db.session.commit()
        assert not first.resumed and len(first.attempt.items) == 5
        assert first.attempt.deadline_at == T + timedelta(seconds=600)
        again = attempts.start_attempt(p, r, T + timedelta(minutes=3))
        assert again.resumed and again.attempt.id == first.attempt.id


def test_late_starter_gets_time_until_the_close_only(app, make_round, make_participant) -> None:
    rnd = make_round(closes_at=T + timedelta(minutes=4), time_limit_seconds=600)
    person = make_participant()
    with app.app_context():
        r, p = _ctx(app, rnd.id, person.id)
        started = attempts.start_attempt(p, r, T)
        assert started.attempt.deadline_at == T + timedelta(minutes=4)


@pytest.mark.parametrize(
    ("status", "offset", "code"),
    [
        ("draft", timedelta(0), "round_not_open"),
        ("open", timedelta(days=2), "round_closed"),
        ("open", timedelta(hours=-2), "round_not_open"),
    ],
)
def test_cannot_start_outside_an_open_window(
    app, make_round, make_participant, status, offset, code
) -> None:
    rnd = make_round(status=status)
    person = make_participant()
    with app.app_context():
        r, p = _ctx(app, rnd.id, person.id)
        with pytest.raises(Conflict) as error:
            attempts.start_attempt(p, r, T + offset)
        assert error.value.code == code


def test_attempt_limit(app, make_round, make_participant) -> None:
    rnd = make_round(max_attempts=2)
    person = make_participant()
    with app.app_context():
        r, p = _ctx(app, rnd.id, person.id)
        for minute in (0, 1):
            started = attempts.start_attempt(p, r, T + timedelta(minutes=minute))
            attempts.submit_attempt(
                p, started.attempt.id, T + timedelta(minutes=minute, seconds=30)
            )
        with pytest.raises(Conflict) as error:
            attempts.start_attempt(p, r, T + timedelta(minutes=5))
        assert error.value.code == "attempt_limit"


def _answer_all(p, attempt, now, correct: bool) -> None:
    for item in attempt.items:
        right = item.choice_order.index(item.version.correct_index)
        wrong = (right + 1) % len(item.choice_order)
        attempts.save_answer(p, attempt.id, item.position, right if correct else wrong, now)


def test_submit_grades_and_is_idempotent(app, make_round, make_participant) -> None:
    rnd = make_round(question_count=5)
    person = make_participant()
    with app.app_context():
        r, p = _ctx(app, rnd.id, person.id)
        attempt = attempts.start_attempt(p, r, T).attempt
        _answer_all(p, attempt, T + timedelta(seconds=10), correct=True)
        attempts.save_answer(p, attempt.id, 1, None, T + timedelta(seconds=20))  # cleared
        done = attempts.submit_attempt(p, attempt.id, T + timedelta(seconds=65))
        assert (done.score, done.time_used_ms, done.finish_reason) == (4, 65_000, "submitted")
        again = attempts.submit_attempt(p, attempt.id, T + timedelta(seconds=90))
        assert (again.score, again.time_used_ms) == (4, 65_000)


@pytest.mark.parametrize(
    ("offset", "accepted"), [(599, True), (600, True), (630, True), (631, False)]
)
def test_saves_count_within_the_grace_window_only(
    app, make_round, make_participant, offset, accepted
) -> None:
    rnd = make_round(time_limit_seconds=600, grace_seconds=30)
    person = make_participant()
    with app.app_context():
        r, p = _ctx(app, rnd.id, person.id)
        attempt = attempts.start_attempt(p, r, T).attempt
        db.session.commit()
        if accepted:
            attempts.save_answer(p, attempt.id, 1, 0, T + timedelta(seconds=offset))
        else:
            with pytest.raises(Conflict) as error:
                attempts.save_answer(p, attempt.id, 1, 0, T + timedelta(seconds=offset))
            assert error.value.code == "deadline_passed"


def test_overdue_attempt_is_finished_with_saved_answers(
    app, make_round, make_participant, runner
) -> None:
    rnd = make_round(question_count=5, time_limit_seconds=600)
    person = make_participant()
    with app.app_context():
        r, p = _ctx(app, rnd.id, person.id)
        attempt = attempts.start_attempt(p, r, T).attempt
        _answer_all(p, attempt, T + timedelta(seconds=30), correct=True)
        db.session.commit()
        assert attempts.finish_overdue(T + timedelta(seconds=620)) == 0  # still in grace
        assert attempts.finish_overdue(T + timedelta(seconds=700)) == 1
        db.session.commit()
        finished = db.session.get(Attempt, attempt.id)
        assert (finished.score, finished.finish_reason) == (5, "timeout")
        assert finished.time_used_ms == 600_000 and finished.submitted_at == finished.deadline_at


def test_submit_after_the_deadline_finishes_as_timeout(app, make_round, make_participant) -> None:
    rnd = make_round(time_limit_seconds=600, prediction_kind="entries")
    person = make_participant()
    with app.app_context():
        r, p = _ctx(app, rnd.id, person.id)
        attempt = attempts.start_attempt(p, r, T).attempt
        done = attempts.submit_attempt(p, attempt.id, T + timedelta(seconds=605))
        assert done.finish_reason == "timeout" and done.time_used_ms == 600_000


def test_prediction_required_when_the_round_has_one(app, make_round, make_participant) -> None:
    rnd = make_round(prediction_kind="participants")
    person = make_participant()
    with app.app_context():
        r, p = _ctx(app, rnd.id, person.id)
        attempt = attempts.start_attempt(p, r, T).attempt
        with pytest.raises(ServiceError) as error:
            attempts.submit_attempt(p, attempt.id, T + timedelta(seconds=5))
        assert error.value.code == "prediction_required"
        done = attempts.submit_attempt(p, attempt.id, T + timedelta(seconds=6), prediction=120)
        assert done.prediction == 120


@pytest.mark.parametrize(
    ("position", "choice", "error_type", "code"),
    [
        (99, 0, NotFound, "question_not_in_attempt"),
        (1, 4, ServiceError, "choice_out_of_range"),
        (1, -1, ServiceError, "choice_out_of_range"),
    ],
)
def test_bad_saves_are_refused(
    app, make_round, make_participant, position, choice, error_type, code
) -> None:
    rnd = make_round()
    person = make_participant()
    with app.app_context():
        r, p = _ctx(app, rnd.id, person.id)
        attempt = attempts.start_attempt(p, r, T).attempt
        with pytest.raises(error_type) as error:
            attempts.save_answer(p, attempt.id, position, choice, T)
        assert error.value.code == code
        assert db.session.scalar(db.select(db.func.count(Answer.id))) == 0


def test_someone_elses_attempt_is_not_found(app, make_round, make_participant) -> None:
    rnd = make_round()
    owner, other = make_participant(), make_participant()
    with app.app_context():
        r, p = _ctx(app, rnd.id, owner.id)
        attempt = attempts.start_attempt(p, r, T).attempt
        intruder = db.session.get(Participant, other.id)
        for call in (
            lambda: attempts.save_answer(intruder, attempt.id, 1, 0, T),
            lambda: attempts.submit_attempt(intruder, attempt.id, T),
            lambda: attempts.get_attempt(intruder, attempt.id),
        ):
            with pytest.raises(NotFound):
                call()


def test_editing_the_bank_never_changes_a_drawn_attempt(app, make_round, make_participant) -> None:
    import dataclasses

    from quizapp.services.bank import apply_import
    from tests.conftest import bank_report

    rnd = make_round(bank_size=30, question_count=5)
    person = make_participant()
    with app.app_context():
        r, p = _ctx(app, rnd.id, person.id)
        attempt = attempts.start_attempt(p, r, T).attempt
        shown = [(i.version.id, i.version.text, i.version.correct_index) for i in attempt.items]
        report = bank_report(30)
        report.questions = [
            dataclasses.replace(q, text=q.text + " (sửa)", answer=(q.answer + 1) % 4)
            for q in report.questions
        ]
        apply_import(report, None, T)
        db.session.commit()
        again = db.session.get(Attempt, attempt.id)
        assert [
            (i.version.id, i.version.text, i.version.correct_index) for i in again.items
        ] == shown


def test_close_round_records_the_prediction_value(app, make_round, make_participant) -> None:
    rnd = make_round(prediction_kind="participants")
    people = [make_participant() for _ in range(3)]
    with app.app_context():
        r = db.session.get(Round, rnd.id)
        for person in people:
            p = db.session.get(Participant, person.id)
            attempt = attempts.start_attempt(p, r, T).attempt
            attempts.submit_attempt(p, attempt.id, T + timedelta(seconds=9), prediction=5)
        lifecycle.close_round(None, r, T + timedelta(minutes=1), reason="thử", confirmed=True)
        assert r.prediction_actual == 3 and r.status == "closed"
        assert r.closes_at == T + timedelta(minutes=1)
