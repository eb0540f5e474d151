"""Invariants live in the database: they hold even when code forgets to check."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy.exc import IntegrityError

from quizapp.extensions import db
from quizapp.models import (
    Answer,
    Attempt,
    AttemptQuestion,
    Contest,
    Participant,
    Question,
    QuestionVersion,
    Round,
    Topic,
)
from tests.conftest import FIXED_NOW


def _attempt_setup() -> tuple[Round, QuestionVersion]:
    topic = Topic(id="chung", name="Chung")
    question = Question(external_id="Q-1")
    version = QuestionVersion(
        question=question,
        number=1,
        text="Câu hỏi?",
        choices=["Có", "Không"],
        correct_index=0,
        topic=topic,
        difficulty="easy",
        source="Điều 1",
        explanation="Vì vậy.",
        content_hash="0" * 64,
    )
    contest = Contest(slug="thu", title="Cuộc thi thử")
    rnd = Round(
        contest=contest,
        number=1,
        title="Đợt 1",
        opens_at=FIXED_NOW,
        closes_at=FIXED_NOW + timedelta(days=7),
        question_count=1,
        time_limit_seconds=600,
        max_attempts=2,
    )
    db.session.add_all([topic, question, version, contest, rnd])
    db.session.flush()
    return rnd, version


def _attempt(rnd: Round, participant_id: int, number: int) -> Attempt:
    return Attempt(
        round_id=rnd.id,
        participant_id=participant_id,
        number=number,
        seed="s",
        started_at=FIXED_NOW,
        deadline_at=FIXED_NOW + timedelta(minutes=10),
    )


def test_phone_is_unique(app: Flask, make_participant: Callable[..., Participant]) -> None:
    make_participant(phone="0912345678")
    with pytest.raises(IntegrityError):
        make_participant(phone="0912345678")


def test_cccd_unique_when_given_and_optional(
    app: Flask, make_participant: Callable[..., Participant]
) -> None:
    make_participant(cccd=None)
    make_participant(cccd=None)
    make_participant(cccd="079090001234")
    with pytest.raises(IntegrityError):
        make_participant(cccd="079090001234")


def test_one_answer_per_question_per_attempt(
    app: Flask, make_participant: Callable[..., Participant]
) -> None:
    person = make_participant()
    with app.app_context():
        rnd, version = _attempt_setup()
        attempt = _attempt(rnd, person.id, 1)
        db.session.add(attempt)
        db.session.flush()
        item = AttemptQuestion(
            attempt_id=attempt.id, position=1, question_version_id=version.id, choice_order=[0, 1]
        )
        db.session.add(item)
        db.session.flush()
        db.session.add(Answer(attempt_id=attempt.id, attempt_question_id=item.id, chosen_index=0))
        db.session.commit()
        db.session.add(Answer(attempt_id=attempt.id, attempt_question_id=item.id, chosen_index=1))
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_attempt_number_unique_per_participant_and_round(
    app: Flask, make_participant: Callable[..., Participant]
) -> None:
    person = make_participant()
    with app.app_context():
        rnd, _ = _attempt_setup()
        db.session.add(_attempt(rnd, person.id, 1))
        db.session.commit()
        db.session.add(_attempt(rnd, person.id, 1))
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_foreign_keys_are_enforced(app: Flask) -> None:
    with app.app_context():
        db.session.add(
            Participant(
                full_name="Không có phường",
                phone="0900000001",
                birth_year=1990,
                ward_id=9999,
                grp="resident",
                password_hash="x",
                consent_at=FIXED_NOW,
            )
        )
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_round_must_close_after_it_opens(app: Flask) -> None:
    with app.app_context():
        contest = Contest(slug="sai", title="Sai")
        db.session.add(
            Round(
                contest=contest,
                number=1,
                title="Đợt sai",
                opens_at=FIXED_NOW,
                closes_at=FIXED_NOW,
                question_count=5,
                time_limit_seconds=60,
            )
        )
        with pytest.raises(IntegrityError):
            db.session.commit()
