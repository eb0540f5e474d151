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
        r2 = _second_round(contest)
        a, b, c = (db.session.get(Participant, p.id) for p in people)
        _take(r1, a, 5, 100)
        _take(r2, a, 1, 100)  # a: 6 in total, best round 5
        _take(r1, b, 4, 50)
        _take(r2, b, 4, 50)  # b: 8 in total, best round 4
        _take(r1, c, 5, 90)  # c: 5 in total, best round 5, faster than a
        db.session.commit()
        for r in (r1, r2):
            lifecycle.close_round(None, r, FIXED_NOW + timedelta(hours=1), "hết", confirmed=True)
            lifecycle.start_review(None, r, FIXED_NOW + timedelta(hours=1))
        later = FIXED_NOW + timedelta(hours=2)  # both results final
        ranked = [
            (r.participant_id, r.score, r.rounds)
            for r in contest_ranking.contest_ranking(contest, later)
        ]
        assert ranked == [(b.id, 8, 2), (a.id, 6, 2), (c.id, 5, 1)]
        contest_ranking.choose_combination(None, contest, "best")
        best = [
            (r.participant_id, r.score) for r in contest_ranking.contest_ranking(contest, later)
        ]
        assert best == [(c.id, 5), (a.id, 5), (b.id, 4)]  # c faster than a on their best
        db.session.add(Exclusion(round_id=r1.id, participant_id=c.id, reason="thử"))
        db.session.flush()
        ranked_ids = {r.participant_id for r in contest_ranking.contest_ranking(contest, later)}
        assert c.id not in ranked_ids


def _second_round(contest: Contest) -> Round:
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
    return r2


def test_only_rounds_whose_result_is_final_count(app, make_round, make_participant) -> None:
    """An open round, a closed one (it may reopen) and one under review inside its grace
    window are provisional: listed as such, and none of their scores in the ranking."""
    first = make_round(question_count=5)
    a, b = make_participant(), make_participant()
    with app.app_context():
        r1 = db.session.get(Round, first.id)
        contest = db.session.get(Contest, r1.contest_id)
        r2 = _second_round(contest)
        pa, pb = db.session.get(Participant, a.id), db.session.get(Participant, b.id)
        _take(r1, pa, 2, 60)
        _take(r2, pb, 5, 60)  # b leads only through the round not yet final
        now = FIXED_NOW + timedelta(minutes=10)
        lifecycle.close_round(None, r1, now, "hết", confirmed=True)
        lifecycle.start_review(None, r1, now)
        db.session.flush()

        def ranked(at):
            return [
                (r.participant_id, r.score) for r in contest_ranking.contest_ranking(contest, at)
            ]

        inside_grace = now + timedelta(seconds=r1.grace_seconds)
        assert ranked(inside_grace) == []
        split = contest_ranking.contest_rounds(contest, inside_grace)
        assert split.counted == [] and split.provisional == [r1, r2]
        after = now + timedelta(seconds=r1.grace_seconds + 1)
        assert ranked(after) == [(a.id, 2)]  # r2 still open: b's 5 counts nowhere
        split = contest_ranking.contest_rounds(contest, after)
        assert split.counted == [r1] and split.provisional == [r2]
        lifecycle.close_round(None, r2, after, "hết", confirmed=True)
        db.session.flush()
        assert ranked(after + timedelta(hours=1)) == [(a.id, 2)]  # closed, may reopen
        lifecycle.start_review(None, r2, after + timedelta(hours=1))
        assert ranked(after + timedelta(hours=2)) == [(b.id, 5), (a.id, 2)]


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


def test_the_contest_page_labels_provisional_rounds(
    app, client, login_staff, make_round, make_participant, clock
) -> None:
    rnd = make_round(question_count=5, title="Đợt đang mở")
    person = make_participant(full_name="Trần Thị Bình")
    with app.app_context():
        r = db.session.get(Round, rnd.id)
        _take(r, db.session.get(Participant, person.id), 5, 60)
        db.session.commit()
        contest_id = r.contest_id
    login_staff()
    page = client.get(f"/console/contests/{contest_id}").get_data(as_text=True)
    assert "Tạm thời — chưa tính vào xếp hạng cuộc thi và không xét giải" in page
    assert "Đợt đang mở (Đang mở)" in page and "Trần Thị Bình" not in page
    assert "chưa có đợt nào có kết quả chính thức" in page
