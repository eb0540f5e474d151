"""Rounds combined into the contest ranking; collective prizes by the organiser's metric."""

from datetime import timedelta

from quizapp.domain.round_rules import RoundSettings
from quizapp.extensions import db
from quizapp.models import Contest, Exclusion, Participant, Round
from quizapp.services import (
    attempts,
    collective,
    collective_prizes,
    contest_ranking,
    lifecycle,
    rounds,
)
from tests.conftest import FIXED_NOW


def _take(rnd: Round, person: Participant, correct: int, seconds: int) -> None:
    attempt = attempts.start_attempt(person, rnd, FIXED_NOW).attempt
    for item in attempt.items[:correct]:
        attempts.save_answer(
            person,
            attempt.id,
            item.position,
            item.choice_order.index(item.version.correct_index),
            FIXED_NOW,
        )
    attempts.submit_attempt(person, attempt.id, FIXED_NOW + timedelta(seconds=seconds))


def test_sum_and_best_of_the_rounds(app, make_round, make_participant) -> None:
    first = make_round(question_count=5)
    people = [make_participant() for _ in range(3)]
    with app.app_context():
        r1 = db.session.get(Round, first.id)
        contest = db.session.get(Contest, r1.contest_id)
        r2 = rounds.create_round(
            None,
            contest,
            RoundSettings(
                "Đợt 2",
                FIXED_NOW - timedelta(hours=1),
                FIXED_NOW + timedelta(days=1),
                question_count=5,
            ),
            FIXED_NOW,
        )
        lifecycle.open_round(None, r2, FIXED_NOW - timedelta(hours=1), confirmed=True)
        a, b, c = (db.session.get(Participant, p.id) for p in people)
        _take(r1, a, 5, 100)
        _take(r2, a, 1, 100)  # a: 6 in total, best round 5
        _take(r1, b, 4, 50)
        _take(r2, b, 4, 50)  # b: 8 in total, best round 4
        _take(r1, c, 5, 90)  # c: 5 in total, best round 5, faster than a
        db.session.commit()
        ranked = [
            (r.participant_id, r.score, r.rounds) for r in contest_ranking.contest_ranking(contest)
        ]
        assert ranked == [(b.id, 8, 2), (a.id, 6, 2), (c.id, 5, 1)]
        contest_ranking.choose_combination(None, contest, "best")
        best = [(r.participant_id, r.score) for r in contest_ranking.contest_ranking(contest)]
        assert best == [(c.id, 5), (a.id, 5), (b.id, 4)]  # c faster than a on their best
        db.session.add(Exclusion(round_id=r1.id, participant_id=c.id, reason="thử"))
        db.session.flush()
        assert c.id not in {r.participant_id for r in contest_ranking.contest_ranking(contest)}


def test_collective_prizes_follow_the_chosen_metric(
    app, make_round, make_ward, make_participant
) -> None:
    rnd = make_round(question_count=5)
    big, small = make_ward(name="Phường Đông"), make_ward(name="Phường Tây")
    people = [make_participant(ward=big) for _ in range(3)] + [make_participant(ward=small)]
    with app.app_context():
        r = db.session.get(Round, rnd.id)
        for index, person in enumerate(people):
            _take(r, db.session.get(Participant, person.id), 5 if index == 3 else 1, 60)
        draft = collective.collective_draft(r, "ward")
        assert draft.metric == "participants"
        assert [(a.tier, a.group.name) for a in draft.awards] == [
            ("Giải Nhất tập thể", "Phường Đông"),
            ("Giải Nhì tập thể", "Phường Tây"),
        ]
        collective_prizes.choose_metric(None, r, "mean_score")
        draft = collective.collective_draft(r, "ward")
        assert draft.awards[0].group.name == "Phường Tây"
        collective_prizes.choose_metric(None, r, "points")
        # participants: Đông 10, Tây 9; mean score: Tây 10, Đông 9; no headcount, no rate
        assert collective.collective_draft(r, "ward").points == {big.code: 19, small.code: 19}
