"""Keys that have been public stay out of contests (issue 21 item 5): practice is refused while
an open round has drawn the question; practice and a round's review mark the key public; new
rounds leave such questions out unless they allow them; unmarking does not put them back."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizapp.domain.round_rules import RoundSettings
from quizapp.extensions import db
from quizapp.models import Attempt, Participant, Question, Round
from quizapp.services import attempts, lifecycle, practice, rounds
from quizapp.services.errors import Conflict
from tests.conftest import FIXED_NOW as T


def _drawn_ids(attempt: Attempt) -> list[str]:
    return [item.version.question.external_id for item in attempt.items]


def _new_round(allow: bool = False) -> Round:
    contest = db.session.scalar(db.select(rounds.Contest))
    settings = RoundSettings(
        title="Đợt mới",
        opens_at=T + timedelta(days=2),
        closes_at=T + timedelta(days=3),
        question_count=3,
        allow_public_keys=allow,
    )
    return rounds.create_round(None, contest, settings, now=T)


def test_practice_is_refused_while_an_open_round_has_drawn_the_question(
    app, make_round, make_participant
) -> None:
    rnd = make_round(bank_size=8, question_count=3)
    person = make_participant()
    with app.app_context():
        r, p = db.session.get(Round, rnd.id), db.session.get(Participant, person.id)
        drawn = _drawn_ids(attempts.start_attempt(p, r, T).attempt)
        db.session.commit()
        with pytest.raises(Conflict) as refused:
            practice.set_questions_practice(None, [drawn[0]], True, T)
        assert refused.value.code == "practice_key_in_open_round"
        assert f"{drawn[0]} — đợt «Đợt thử»" in refused.value.message
        db.session.rollback()
        question = db.session.scalar(db.select(Question).where(Question.external_id == drawn[0]))
        assert not question.practice and question.key_public_at is None


def test_practice_marks_the_key_public_and_unmarking_keeps_it_out(app, make_round) -> None:
    make_round(bank_size=8, status="draft", question_count=3)
    with app.app_context():
        practice.set_questions_practice(None, ["Q-0001"], True, T, reason="thử")
        practice.set_questions_practice(None, ["Q-0001"], False, T + timedelta(hours=1))
        db.session.commit()
        question = db.session.scalar(db.select(Question).where(Question.external_id == "Q-0001"))
        assert not question.practice and question.key_public_at == T
        assert question.key_public_note == "luyện tập"
        assert "Q-0001" not in {c.external_id for c in rounds.pool_for(_new_round())}
        assert "Q-0001" in {c.external_id for c in rounds.pool_for(_new_round(allow=True))}


def test_a_round_entering_review_marks_the_keys_it_drew(app, make_round, make_participant) -> None:
    rnd = make_round(bank_size=8, question_count=3)
    person = make_participant()
    with app.app_context():
        r, p = db.session.get(Round, rnd.id), db.session.get(Participant, person.id)
        drawn = set(_drawn_ids(attempts.start_attempt(p, r, T).attempt))
        db.session.commit()
        later = r.closes_at + timedelta(minutes=5)
        lifecycle.close_round(None, r, later, confirmed=True)
        lifecycle.start_review(None, r, later)
        db.session.commit()
        public = set(
            db.session.scalars(
                db.select(Question.external_id).where(Question.key_public_at.is_not(None))
            )
        )
        assert public == drawn
        pool = {c.external_id for c in rounds.pool_for(_new_round())}
        assert pool.isdisjoint(drawn) and len(pool) == 8 - len(drawn)
