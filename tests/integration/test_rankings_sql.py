"""The SQL ranking agrees with the plain-Python reference of the same policy, on random data."""

import random
from datetime import timedelta

import pytest
from flask import Flask

from quizapp.domain import ranking
from quizapp.extensions import db
from quizapp.models import Attempt, Exclusion, Participant, Round, Ward
from quizapp.security import hash_password
from quizapp.services import rankings
from tests.conftest import FIXED_NOW

PASSWORD_HASH = hash_password("khong-dung")


def seed_attempts(round_id: int, rng: random.Random, people: int = 60) -> None:
    """Random finished attempts with many deliberate ties (scores 0-5, coarse times)."""
    ward = Ward(code=f"w{rng.random()}", name="Phường ngẫu nhiên")
    db.session.add(ward)
    db.session.flush()
    for n in range(people):
        person = Participant(
            full_name=f"Người {n}",
            phone=f"08{rng.randrange(10**8):08d}",
            birth_year=1990,
            ward_id=ward.id,
            grp="resident",
            password_hash=PASSWORD_HASH,
            consent_at=FIXED_NOW,
        )
        db.session.add(person)
        db.session.flush()
        for number in range(1, rng.randint(1, 3) + 1):
            start = FIXED_NOW + timedelta(seconds=rng.randrange(4) * 60)
            finished = rng.random() > 0.1
            db.session.add(
                Attempt(
                    round_id=round_id,
                    participant_id=person.id,
                    number=number,
                    seed="x",
                    started_at=start,
                    deadline_at=start + timedelta(minutes=10),
                    submitted_at=start + timedelta(seconds=rng.randrange(3) * 10)
                    if finished
                    else None,
                    score=rng.randrange(6) if finished else None,
                    time_used_ms=rng.randrange(3) * 10_000 if finished else None,
                    prediction=rng.choice([None, 40, 45, 50, 55]),
                )
            )
    db.session.flush()


POLICIES = [
    "score,time,prediction,submitted",
    "score,time,attempts,submitted",
    "prediction,time,submitted",
    "score,prediction,time,submitted",
]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("policy", POLICIES)
def test_sql_matches_python_reference(app: Flask, make_round, seed: int, policy: str) -> None:
    rnd = make_round(prediction_kind="participants")
    rng = random.Random(f"{seed}-{policy}")
    with app.app_context():
        r = db.session.get(Round, rnd.id)
        r.ranking_policy = policy
        r.prediction_actual = 47
        seed_attempts(r.id, rng)
        excluded = db.session.scalars(db.select(Participant.id).limit(2)).all()
        db.session.add_all(
            Exclusion(round_id=r.id, participant_id=pid, reason="thử") for pid in excluded
        )
        rankings.rebuild_entries(r)
        db.session.commit()

        sql = [(row.participant_id, row.attempt_id, row.rank) for row in rankings.round_ranking(r)]
        entries = rankings.reference_entries(r)
        policy_keys = rankings.policy_of(r)
        expected = [
            (x.entry.participant_id, x.entry.attempt_id, x.rank)
            for x in ranking.rank(ranking.best_attempts(entries, policy_keys), policy_keys)
        ]
        assert sql == expected
        assert not {pid for pid, _, _ in sql} & set(excluded)
        assert len(sql) > 20


def test_participant_rank_and_the_row_ahead(app: Flask, make_round) -> None:
    rnd = make_round(prediction_kind="participants")
    with app.app_context():
        r = db.session.get(Round, rnd.id)
        r.prediction_actual = 47
        seed_attempts(r.id, random.Random(7))
        rankings.rebuild_entries(r)
        db.session.commit()
        rows = rankings.round_ranking(r)
        for row in rows:
            mine, ahead = rankings.participant_rank(r, row.participant_id)
            assert mine.rank == row.rank and mine.score == row.score
            if row.rank == 1:
                assert ahead is None
            else:
                # the nearest row strictly ahead: the last row with a smaller rank
                expected = [x for x in rows if x.rank < row.rank][-1]
                assert (ahead.participant_id, ahead.rank) == (
                    expected.participant_id,
                    expected.rank,
                )
        assert rankings.participant_rank(r, 999_999) == (None, None)
        page = rankings.round_ranking(r, limit=5, offset=5)
        assert page == rows[5:10]


def test_the_frozen_copy_shows_nothing_newer(app: Flask, make_round) -> None:
    rnd = make_round(question_count=5)
    with app.app_context():
        r = db.session.get(Round, rnd.id)
        seed_attempts(r.id, random.Random(11), people=30)
        rankings.rebuild_entries(r)
        before = [(x.participant_id, x.score, x.rank) for x in rankings.round_ranking(r)]
        rankings.freeze_entries(r)
        frozen_at = FIXED_NOW + timedelta(hours=1)
        seed_attempts(r.id, random.Random(12), people=10)  # newcomers after the freeze
        excluded = before[0][0]
        db.session.add(
            Exclusion(
                round_id=r.id,
                participant_id=excluded,
                reason="sau",
                excluded_at=frozen_at + timedelta(minutes=1),
            )
        )
        rankings.rebuild_entries(r)
        db.session.commit()
        frozen = [
            (x.participant_id, x.score, x.rank) for x in rankings.round_ranking(r, as_of=frozen_at)
        ]
        live = rankings.round_ranking(r)
        assert frozen == before
        live_ids = {x.participant_id for x in live}
        assert live_ids - {pid for pid, _, _ in before} and excluded not in live_ids
        rankings.drop_frozen_entries(r)
        assert rankings.round_ranking(r, as_of=frozen_at) == []


def test_entries_kept_while_attempts_finish_equal_a_rebuild(
    app: Flask, make_round, make_participant
) -> None:
    from quizapp.models import RoundEntry
    from quizapp.services import attempts

    rnd = make_round(question_count=5, max_attempts=None)
    rng = random.Random(3)
    people = [make_participant() for _ in range(12)]
    with app.app_context():
        r = db.session.get(Round, rnd.id)
        for person in people:
            p = db.session.get(Participant, person.id)
            for n in range(rng.randint(1, 3)):
                start = FIXED_NOW + timedelta(minutes=n * 15)
                attempt = attempts.start_attempt(p, r, start).attempt
                for item in attempt.items[: rng.randint(0, 5)]:
                    attempts.save_answer(
                        p,
                        attempt.id,
                        item.position,
                        item.choice_order.index(item.version.correct_index),
                        start,
                    )
                attempts.submit_attempt(
                    p, attempt.id, start + timedelta(seconds=rng.choice([30, 60, 90]))
                )
        db.session.commit()

        def snapshot():
            return sorted(
                db.session.execute(
                    db.select(
                        RoundEntry.participant_id,
                        RoundEntry.attempt_id,
                        RoundEntry.score,
                        RoundEntry.attempts_used,
                    )
                )
                .tuples()
                .all()
            )

        kept = snapshot()
        rankings.rebuild_entries(r)
        db.session.commit()
        assert snapshot() == kept and len(kept) == 12
