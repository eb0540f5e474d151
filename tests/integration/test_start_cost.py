"""The start at its cost: a fixed number of statements whatever the number of questions, the
drawn questions in one INSERT, the round's pools kept between starts and dropped on a change."""

from __future__ import annotations

import random

import pytest

from quizapp.domain.drawing import Candidate, Quota, draw, draw_from, pools
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptQuestion, Participant, Question, Round
from quizapp.services import attempts, round_queries
from quizapp.services.answer_write import SessionClaim
from quizapp.services.start_write import draw_for
from tests.conftest import FIXED_NOW, ApiClient
from tests.helpers import statements_during


@pytest.mark.parametrize("app_config", [{}, {"RATELIMIT_ENABLED": True}], ids=["", "limits-on"])
@pytest.mark.parametrize("question_count", [3, 12])
def test_a_start_by_session_is_three_statements_whatever_the_questions(
    app, client, clock, make_round, login_participant, question_count
) -> None:
    rnd = make_round(bank_size=question_count, question_count=question_count, max_attempts=None)
    person = login_participant()
    api = ApiClient(client)
    first = api.call("POST", f"/api/v1/rounds/{rnd.id}/attempts")  # warms the texts and pools
    assert first.status_code == 201, first.get_json()
    with app.app_context():
        attempt = db.session.get(Attempt, first.get_json()["id"])
        attempt.submitted_at = FIXED_NOW
        db.session.commit()
    started, seen = statements_during(
        app, lambda: api.call("POST", f"/api/v1/rounds/{rnd.id}/attempts")
    )
    assert started.status_code == 201, started.get_json()
    assert len(started.get_json()["questions"]) == question_count
    # The round and the person's attempts of it read with the participant's row locked (the
    # session checked on it), the attempt, its questions: no read of the account before, none
    # after the writes, no savepoint (a lost race for the number is an ON CONFLICT that writes
    # nothing).
    assert len(seen) == 3, seen
    assert "FROM rounds JOIN participants" in seen[0] and "password_hash" in seen[0], seen[0]
    assert "max(attempts.number)" in seen[0], seen[0]
    assert (
        "FOR UPDATE OF participants" in seen[0] or "sqlite" in app.config["SQLALCHEMY_DATABASE_URI"]
    )
    assert seen[1].startswith("INSERT INTO attempts") and "ON CONFLICT DO NOTHING" in seen[1]
    assert seen[2].startswith("INSERT INTO attempt_questions")
    # The reply, built from what the start wrote, is what the attempt's rows show afterwards.
    shown = api.call("GET", f"/api/v1/attempts/{started.get_json()['id']}").get_json()
    assert {k: v for k, v in started.get_json().items() if k != "resumed"} == shown
    with app.app_context():
        items = db.session.scalars(
            db.select(AttemptQuestion)
            .where(AttemptQuestion.attempt_id == started.get_json()["id"])
            .order_by(AttemptQuestion.position)
        ).all()
        assert [i.position for i in items] == list(range(1, question_count + 1))
        assert all(sorted(i.choice_order) == list(range(4)) for i in items)
        assert db.session.get(Participant, person.id) is not None


def test_an_ended_session_cannot_start(app, client, clock, make_round, login_participant):
    rnd = make_round()
    person = login_participant()
    with app.app_context():
        db.session.get(Participant, person.id).session_version += 1
        db.session.commit()
    response = ApiClient(client).call("POST", f"/api/v1/rounds/{rnd.id}/attempts")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "login_required"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Attempt.id))) == 0
        claim = SessionClaim(person.id, "0" * 16, 1)  # the stamp of another password
        started = attempts.start_signed(claim, rnd.id, FIXED_NOW, None, None)
        assert started is None


def test_the_items_held_after_a_start_are_the_rows_written(app, make_round, make_participant):
    rnd = make_round(question_count=5)
    person = make_participant()
    with app.app_context():
        r, p = db.session.get(Round, rnd.id), db.session.get(Participant, person.id)
        attempt = attempts.start_attempt(p, r, FIXED_NOW, seed="abc").attempt
        held = [(i.id, i.position, i.question_version_id, i.choice_order) for i in attempt.items]
        assert not db.session.dirty and not db.session.new  # nothing left to write
        db.session.commit()
        db.session.expire_all()
        stored = db.session.get(Attempt, attempt.id).items
        assert held == [
            (i.id, i.position, i.question_version_id, i.choice_order)
            for i in sorted(stored, key=lambda i: i.position)
        ]
        assert [d.version_id for d in draw_for(r, "abc")] == [h[2] for h in held]  # by seed


def test_the_round_pools_are_kept_and_dropped_when_the_bank_changes(app, make_round) -> None:
    rnd = make_round(bank_size=6, question_count=3)
    with app.app_context():
        r = db.session.get(Round, rnd.id)
        kept = round_queries.round_pools(r)
        assert round_queries.round_pools(r) is kept
        question = db.session.scalars(db.select(Question).order_by(Question.id)).first()
        gone = question.current_version_id
        question.retired_at = FIXED_NOW
        db.session.commit()
        fresh = round_queries.round_pools(db.session.get(Round, rnd.id))
        assert fresh is not kept
        assert gone not in {c.version_id for _, pool in fresh for c in pool}


BANK = [
    Candidate(i, ("a", "b")[i % 2], ("dễ", "khó")[i % 3 == 0], 4, i % 5 != 0) for i in range(40)
]


@pytest.mark.parametrize(
    "quotas",
    [(), (Quota(3, topic="a"),), (Quota(2, topic="a"), Quota(3, difficulty="khó"))],
)
@pytest.mark.parametrize("seed", ["x", "bench-17", "0f3a"])
def test_drawing_from_prepared_pools_is_the_reference_draw(quotas, seed) -> None:
    """The pools change where the filtering happens, not the draw: the reference below is the
    draw as it was written before (filter every candidate for every quota, every start)."""
    rng = random.Random(seed)
    chosen, taken = [], set()
    for quota in [*quotas, Quota(count=10 - sum(q.count for q in quotas))]:
        pool = [c for c in BANK if quota.matches(c) and c.version_id not in taken]
        picked = rng.sample(pool, quota.count)
        chosen += picked
        taken.update(c.version_id for c in picked)
    rng.shuffle(chosen)
    reference = []
    for c in chosen:
        order = list(range(c.choice_count))
        if c.shuffle:
            rng.shuffle(order)
        reference.append((c.version_id, tuple(order)))
    prepared = pools(BANK, quotas, 10)
    for drawn in (
        draw_from(prepared, random.Random(seed), True, True),
        draw(BANK, quotas, 10, random.Random(seed)),
    ):
        assert [(d.version_id, d.choice_order) for d in drawn] == reference
