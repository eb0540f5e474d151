"""The pool every start draws from is cached, and never outlives a change to the bank."""

from quizapp.extensions import db
from quizapp.models import Question
from quizapp.services import rounds
from tests.conftest import FIXED_NOW


def _pool_ids() -> set[int]:
    return {c.version_id for c in rounds.draw_pool()}


def _first_question() -> Question:
    return db.session.scalars(db.select(Question).order_by(Question.id)).first()


def test_the_pool_is_cached_and_dropped_when_a_retirement_commits(app, make_bank) -> None:
    make_bank(6)
    with app.app_context():
        before = _pool_ids()
        question = _first_question()
        gone = question.current_version_id
        assert gone in before and len(before) == 6
        db.session.execute(  # behind the ORM's back: the cached pool is still served
            db.update(Question).where(Question.id == question.id).values(retired_at=FIXED_NOW)
        )
        db.session.commit()
        assert _pool_ids() == before
    with app.app_context():
        question = _first_question()
        question.retired_at = None  # through the ORM, as every service does
        db.session.commit()
        question = _first_question()
        question.retired_at = FIXED_NOW
        db.session.commit()
        assert _pool_ids() == before - {gone}


def test_a_transaction_that_changed_questions_reads_the_pool_afresh(app, make_bank) -> None:
    make_bank(6)
    with app.app_context():
        before = _pool_ids()
        question = _first_question()
        question.practice = True
        db.session.flush()
        assert question.current_version_id not in _pool_ids()
        db.session.rollback()
        assert _pool_ids() == before
        assert "bank_changed" not in db.session.info
