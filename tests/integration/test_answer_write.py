"""The one-statement answer save: the same rules as the checks, decided inside the write."""

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import event

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, AttemptQuestion, Participant, Round
from quizapp.services import attempts
from quizapp.services.answer_write import write_answer
from tests.conftest import FIXED_NOW

T = FIXED_NOW
US = timedelta(microseconds=1)


def _started(app: Flask, make_round, make_participant, **settings) -> tuple[int, int, int]:
    rnd = make_round(time_limit_seconds=600, grace_seconds=30, **settings)
    person = make_participant()
    with app.app_context():
        r, p = db.session.get(Round, rnd.id), db.session.get(Participant, person.id)
        attempt = attempts.start_attempt(p, r, T).attempt
        db.session.commit()
        return attempt.id, person.id, rnd.id


def _saved(attempt_id: int, position: int) -> Answer | None:
    return db.session.scalar(
        db.select(Answer)
        .join(AttemptQuestion, AttemptQuestion.id == Answer.attempt_question_id)
        .where(AttemptQuestion.attempt_id == attempt_id, AttemptQuestion.position == position)
    )


@pytest.mark.parametrize(
    ("moment", "written"),
    [
        (T + timedelta(seconds=630), True),  # deadline + grace, to the microsecond
        (T + timedelta(seconds=630) + US, False),
        (T + timedelta(seconds=629, microseconds=999_999), True),
    ],
)
def test_deadline_and_grace_are_decided_in_the_write(
    app, make_round, make_participant, moment, written
) -> None:
    attempt_id, person_id, _ = _started(app, make_round, make_participant)
    with app.app_context():
        result = write_answer(person_id, attempt_id, 1, 2, moment, None)
        assert (result is not None) is written
        assert (_saved(attempt_id, 1) is not None) is written


def test_the_round_close_before_the_attempt_deadline_bounds_the_write(
    app, make_round, make_participant
) -> None:
    attempt_id, person_id, round_id = _started(app, make_round, make_participant)
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        rnd.closes_at = T + timedelta(seconds=100)  # as an early close leaves it
        db.session.commit()
        assert write_answer(person_id, attempt_id, 1, 0, T + timedelta(seconds=131), None) is None
        assert write_answer(person_id, attempt_id, 1, 0, T + timedelta(seconds=130), None)
        rnd.status = "closed"
        db.session.commit()
        assert write_answer(person_id, attempt_id, 1, 0, T + timedelta(seconds=1), None) is None


def test_refusals_write_nothing(app, make_round, make_participant) -> None:
    attempt_id, person_id, _ = _started(app, make_round, make_participant)
    other = make_participant()
    with app.app_context():
        for args in (
            (other.id, attempt_id, 1, 0),  # someone else's attempt
            (person_id, attempt_id, 99, 0),  # no such position
            (person_id, attempt_id, 1, 4),  # past the last choice
            (person_id, attempt_id, 1, -1),
            (person_id, attempt_id + 1000, 1, 0),
        ):
            assert write_answer(*args, T, None) is None
        db.session.get(Attempt, attempt_id).submitted_at = T
        db.session.commit()
        assert write_answer(person_id, attempt_id, 1, 0, T, None) is None
        assert db.session.scalar(db.select(db.func.count(Answer.id))) == 0


def test_upsert_maps_the_shown_choice_keeps_flags_and_counts(
    app, make_round, make_participant
) -> None:
    attempt_id, person_id, _ = _started(app, make_round, make_participant)
    with app.app_context():
        item = db.session.scalar(
            db.select(AttemptQuestion).where(
                AttemptQuestion.attempt_id == attempt_id, AttemptQuestion.position == 2
            )
        )
        first = write_answer(person_id, attempt_id, 2, 3, T, None)
        assert (first.answered, first.questions) == (1, 5)
        assert first.deadline_at == T + timedelta(seconds=600)
        assert _saved(attempt_id, 2).chosen_index == item.choice_order[3]
        write_answer(person_id, attempt_id, 2, None, T, True)  # flag only: the choice stays
        answer = _saved(attempt_id, 2)
        db.session.refresh(answer)
        assert (answer.chosen_index, answer.flagged) == (item.choice_order[3], True)
        assert write_answer(person_id, attempt_id, 3, 0, T, None).answered == 2
        cleared = write_answer(person_id, attempt_id, 2, None, T, None)  # cleared, flag kept
        db.session.refresh(answer)
        assert (answer.chosen_index, answer.flagged, cleared.answered) == (None, True, 1)


def test_an_accepted_save_is_one_statement(app, make_round, make_participant) -> None:
    attempt_id, person_id, _ = _started(app, make_round, make_participant)
    with app.app_context():
        participant = db.session.get(Participant, person_id)
        seen: list[str] = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731 (statement text)
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            saved = attempts.save_answer(participant, attempt_id, 1, 0, T)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert saved.answered == 1
        assert len(seen) == 1 and seen[0].lstrip().startswith("INSERT INTO answers")
