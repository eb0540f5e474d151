"""Question statistics in SQL against a Python reference, and key corrections with regrading."""

import itertools
import random
import statistics
from datetime import timedelta

import pytest
from flask import Flask

from quizapp.domain import item_analysis as ia
from quizapp.extensions import db
from quizapp.models import (
    Answer,
    Attempt,
    AttemptQuestion,
    AuditLog,
    Exclusion,
    Participant,
    Publication,
    Question,
    QuestionVersion,
    Round,
    StaffUser,
    Ward,
)
from quizapp.security import hash_password
from quizapp.services import attempts, question_stats, rankings, regrade
from quizapp.services.errors import Conflict, NotFound, ServiceError
from tests.conftest import FIXED_NOW

PASSWORD_HASH = hash_password("khong-dung")
SERIAL = itertools.count(1)

BLANK = object()  # an item the participant never touched: no Answer row at all


def take(
    round_id: int,
    person_id: int,
    picks: dict,
    number: int = 1,
    seconds: int = 60,
    finish: bool = True,
    rng: random.Random | None = None,
) -> Attempt:
    """An attempt that drew `picks` (version id → ORIGINAL index chosen, None or BLANK)."""
    rng = rng or random.Random(person_id)
    attempt = Attempt(
        round_id=round_id,
        participant_id=person_id,
        number=number,
        seed="t",
        started_at=FIXED_NOW,
        deadline_at=FIXED_NOW + timedelta(minutes=10),
    )
    versions = {
        v.id: v
        for v in db.session.scalars(db.select(QuestionVersion).where(QuestionVersion.id.in_(picks)))
    }
    attempt.items = [
        AttemptQuestion(
            position=i,
            question_version_id=vid,
            choice_order=rng.sample(range(len(versions[vid].choices)), len(versions[vid].choices)),
        )
        for i, vid in enumerate(picks, start=1)
    ]
    db.session.add(attempt)
    db.session.flush()
    for item in attempt.items:
        chosen = picks[item.question_version_id]
        if chosen is not BLANK:
            db.session.add(
                Answer(
                    attempt_id=attempt.id,
                    attempt_question_id=item.id,
                    chosen_index=chosen,
                    saved_at=FIXED_NOW,
                )
            )
    db.session.flush()
    if finish:
        attempts.finish(attempt, FIXED_NOW + timedelta(seconds=seconds), reason="submitted")
    return attempt


def add_people(n: int) -> list[Participant]:
    """Participants added in bulk, with one shared password hash (hashing is slow on purpose)."""
    first = next(SERIAL) * 1000
    ward = Ward(code=f"w-{first}", name="Phường thử")
    db.session.add(ward)
    db.session.flush()
    people = [
        Participant(
            full_name=f"Người {i}",
            phone=f"08{first + i:08d}",
            birth_year=1990,
            ward_id=ward.id,
            grp="resident",
            password_hash=PASSWORD_HASH,
            consent_at=FIXED_NOW,
        )
        for i in range(n)
    ]
    db.session.add_all(people)
    db.session.flush()
    return people


def version_ids(n: int) -> list[int]:
    return list(db.session.scalars(db.select(QuestionVersion.id).order_by(QuestionVersion.id)))[:n]


def reference(round_id: int) -> dict[int, tuple[ia.ItemSums, dict[int, int], float | None]]:
    """Item statistics computed in Python from every row (the SQL must agree)."""
    excluded = set(
        db.session.scalars(
            db.select(Exclusion.participant_id).where(Exclusion.round_id == round_id)
        )
    )
    finished = [
        a
        for a in db.session.scalars(
            db.select(Attempt).where(
                Attempt.round_id == round_id, Attempt.submitted_at.is_not(None)
            )
        )
        if a.participant_id not in excluded
    ]
    order = sorted(finished, key=lambda a: (-a.score, a.id))
    group = {a.id: ia.tail_group(i, len(order)) for i, a in enumerate(order, start=1)}
    seen: dict[int, list[tuple[ia.Observation, int | None]]] = {}
    for a in finished:
        answers = {
            x.attempt_question_id: x
            for x in db.session.scalars(db.select(Answer).where(Answer.attempt_id == a.id))
        }
        for item in a.items:
            answer = answers.get(item.id)
            chosen = answer.chosen_index if answer else None
            correct = bool(answer and answer.is_correct)
            seen.setdefault(item.question_version_id, []).append(
                (ia.Observation(correct, chosen is not None, a.score, group[a.id]), chosen)
            )
    out = {}
    for vid, rows in seen.items():
        counts: dict[int, int] = {}
        for _, chosen in rows:
            if chosen is not None:
                counts[chosen] = counts.get(chosen, 0) + 1
        xs = [int(o.correct) for o, _ in rows]
        ys = [o.score - int(o.correct) for o, _ in rows]
        r = statistics.correlation(xs, ys) if len(set(xs)) > 1 and len(set(ys)) > 1 else None
        out[vid] = (ia.accumulate(o for o, _ in rows), counts, r)
    return out


@pytest.mark.parametrize("seed", range(3))
def test_sql_statistics_match_the_python_reference(app: Flask, make_round, seed: int) -> None:
    rnd = make_round(bank_size=12, question_count=5)
    rng = random.Random(seed)
    with app.app_context():
        people = add_people(45)
        vids = version_ids(8)
        for n, person in enumerate(people):
            for number in range(1, rng.randint(1, 2) + 1):
                picks = {
                    v: rng.choice([0, 1, 2, 3, None, BLANK, 0, 1]) for v in rng.sample(vids, 5)
                }
                take(
                    rnd.id, person.id, picks, number, seconds=n, finish=rng.random() > 0.1, rng=rng
                )
        db.session.add(Exclusion(round_id=rnd.id, participant_id=people[0].id, reason="thử"))
        db.session.commit()

        r = db.session.get(Round, rnd.id)
        rows = {row.version.id: row for row in question_stats.round_stats(r)}
        expected = reference(rnd.id)
        assert set(rows) == set(expected)
        for vid, (sums, counts, r_pb) in expected.items():
            a = rows[vid].analysis
            assert a.sums == sums
            assert a.choice_counts == tuple(counts.get(i, 0) for i in range(4))
            assert a.point_biserial == (pytest.approx(r_pb) if r_pb is not None else None)
            assert question_stats.version_stats(r, vid).analysis == a
        flags = [row.flagged for row in question_stats.round_stats(r)]
        assert flags == sorted(flags, reverse=True)


def test_version_not_drawn_in_the_round_is_not_found(app: Flask, make_round) -> None:
    rnd = make_round(bank_size=12)
    with app.app_context():
        person = add_people(1)[0]
        v1, v2 = version_ids(2)
        take(rnd.id, person.id, {v1: 0})
        db.session.commit()
        r = db.session.get(Round, rnd.id)
        assert question_stats.version_stats(r, v1).analysis.n == 1
        with pytest.raises(NotFound):
            question_stats.version_stats(r, v2)


@pytest.fixture
def two_rounds(app: Flask, make_round, make_staff):
    """Round A and round B both drew version V (key K); people chose K, a wrong W, or nothing."""
    a, b = make_round(bank_size=12), make_round(bank_size=12)
    staff = make_staff()
    with app.app_context():
        people = add_people(6)
        v, other = version_ids(2)
        key = db.session.get(QuestionVersion, v).correct_index
        wrong = (key + 1) % 4
        other_key = db.session.get(QuestionVersion, other).correct_index
        # (V choice, other question right?) per person: p0..p1 right on V, p2..p3 chose W
        plan = [
            (key, True),
            (key, False),
            (wrong, True),
            (wrong, False),
            (None, True),
            (BLANK, True),
        ]
        for n, (person, (choice, right)) in enumerate(zip(people, plan, strict=True)):
            for rnd in (a, b):
                other_choice = other_key if right else (other_key + 1) % 4
                take(rnd.id, person.id, {v: choice, other: other_choice}, seconds=10 + n)
        db.session.commit()
        ids = [x.id for x in people]
    return {
        "a": a.id,
        "b": b.id,
        "v": v,
        "key": key,
        "wrong": wrong,
        "people": ids,
        "staff": staff.user.id,
    }


def scores(round_id: int) -> dict[int, int]:
    return dict(
        db.session.execute(
            db.select(Attempt.participant_id, Attempt.score).where(Attempt.round_id == round_id)
        ).all()
    )


def correct(
    t: dict,
    letter: str,
    reason: str = "Đáp án theo Điều 23 là phương án khác",
    round_key: str = "a",
    version_id: int | None = None,
) -> AuditLog:
    rnd = db.session.get(Round, t[round_key])
    actor = db.session.get(StaffUser, t["staff"])
    return regrade.correct_key(
        actor, rnd, version_id or t["v"], letter, reason, FIXED_NOW + timedelta(hours=1)
    )


LETTERS = "ABCDEF"


def test_correction_regrades_this_round_and_never_the_other(app: Flask, two_rounds) -> None:
    t = two_rounds
    p = t["people"]
    with app.app_context():
        before_a, before_b = scores(t["a"]), scores(t["b"])
        assert [before_a[i] for i in p] == [2, 1, 1, 0, 1, 1]
        top_before = [
            (r.participant_id, r.rank)
            for r in rankings.round_ranking(db.session.get(Round, t["a"]))
        ]
        entry = correct(t, LETTERS[t["wrong"]])
        db.session.commit()

        after_a = scores(t["a"])
        assert [after_a[i] for i in p] == [1, 0, 2, 1, 1, 1]
        assert scores(t["b"]) == before_b
        old = db.session.get(QuestionVersion, t["v"])
        new = db.session.get(QuestionVersion, entry.details["new_version_id"])
        assert old.correct_index == t["key"] and new.correct_index == t["wrong"]
        assert (new.question_id, new.number, new.text, new.choices) == (
            old.question_id,
            old.number + 1,
            old.text,
            old.choices,
        )
        assert new.content_hash != old.content_hash
        assert db.session.get(Question, old.question_id).current_version_id == new.id
        drawn = dict(
            db.session.execute(
                db.select(Attempt.round_id, db.func.count())
                .join(AttemptQuestion)
                .where(AttemptQuestion.question_version_id == old.id)
                .group_by(Attempt.round_id)
            ).all()
        )
        assert drawn == {t["b"]: 6}
        marks = db.session.execute(
            db.select(Attempt.round_id, Answer.chosen_index, Answer.is_correct)
            .join(Attempt, Attempt.id == Answer.attempt_id)
            .join(AttemptQuestion, AttemptQuestion.id == Answer.attempt_question_id)
            .where(
                AttemptQuestion.question_version_id.in_([old.id, new.id]),
                Answer.chosen_index.is_not(None),
            )
        ).all()
        for round_id, chosen, is_correct in marks:
            right = t["wrong"] if round_id == t["a"] else t["key"]
            assert is_correct == (chosen == right)

        d = entry.details
        assert (entry.action, entry.target_type, entry.target_id) == (
            "question.correct_key",
            "Round",
            str(t["a"]),
        )
        assert entry.reason == "Đáp án theo Điều 23 là phương án khác"
        assert (d["old_key"], d["new_key"], d["regraded"], d["gained"], d["lost"]) == (
            LETTERS[t["key"]],
            LETTERS[t["wrong"]],
            6,
            2,
            2,
        )
        assert [(r["participant_id"], r["rank"]) for r in d["before"]] == top_before
        assert d["after"][0] == {"participant_id": p[2], "rank": 1, "score": 2}
        assert d["before"][0] == {"participant_id": p[0], "rank": 1, "score": 2}


def test_unfinished_attempts_are_graded_with_the_corrected_key(app: Flask, two_rounds) -> None:
    t = two_rounds
    with app.app_context():
        late = add_people(1)[0]
        pending = take(t["a"], late.id, {t["v"]: t["wrong"]}, finish=False)
        db.session.commit()
        correct(t, LETTERS[t["wrong"]])
        db.session.commit()
        pending = db.session.get(Attempt, pending.id)
        assert pending.submitted_at is None
        attempts.finish(pending, FIXED_NOW + timedelta(minutes=2), reason="submitted")
        assert pending.score == 1


def test_a_second_correction_back_reuses_the_original_version(app: Flask, two_rounds) -> None:
    t = two_rounds
    with app.app_context():
        before = scores(t["a"])
        first = correct(t, LETTERS[t["wrong"]])
        db.session.commit()
        back = correct(t, LETTERS[t["key"]], version_id=first.details["new_version_id"])
        db.session.commit()
        assert back.details["new_version_id"] == t["v"]
        assert scores(t["a"]) == before
        question = db.session.get(QuestionVersion, t["v"]).question
        assert question.current_version_id == t["v"]


def test_a_later_bank_version_stays_current(app: Flask, two_rounds) -> None:
    t = two_rounds
    with app.app_context():
        old = db.session.get(QuestionVersion, t["v"])
        later = QuestionVersion(
            question_id=old.question_id,
            number=old.number + 1,
            text="Nội dung đã sửa?",
            choices=old.choices,
            correct_index=old.correct_index,
            topic_id=old.topic_id,
            difficulty=old.difficulty,
            source=old.source,
            explanation=old.explanation,
            content_hash="x" * 64,
        )
        db.session.add(later)
        db.session.flush()
        old.question.current_version_id = later.id
        db.session.commit()
        entry = correct(t, LETTERS[t["wrong"]])
        db.session.commit()
        assert entry.details["current"] is False
        assert db.session.get(Question, old.question_id).current_version_id == later.id
        assert db.session.get(QuestionVersion, entry.details["new_version_id"]).number == 3


@pytest.mark.parametrize("status", ["published", "archived"])
def test_refused_once_the_round_is_published(app: Flask, two_rounds, status: str) -> None:
    t = two_rounds
    with app.app_context():
        db.session.get(Round, t["a"]).status = status
        db.session.commit()
        with pytest.raises(Conflict) as error:
            correct(t, LETTERS[t["wrong"]])
        assert error.value.code == "round_published" and "đã công bố" in error.value.message


def test_refused_when_a_publication_exists(app: Flask, two_rounds) -> None:
    t = two_rounds
    with app.app_context():
        rnd = db.session.get(Round, t["a"])
        rnd.status = "review"
        db.session.add(
            Publication(
                contest_id=rnd.contest_id,
                round_id=rnd.id,
                sequence=1,
                published_by_id=t["staff"],
                rules={},
                payload={},
                digest="0" * 64,
            )
        )
        db.session.commit()
        with pytest.raises(Conflict):
            correct(t, LETTERS[t["wrong"]])


@pytest.mark.parametrize(
    ("letter", "reason", "code"),
    [
        ("B", "  ", "reason_required"),
        ("Z", "lý do", "key_invalid"),
        ("", "lý do", "key_invalid"),
        ("F", "lý do", "key_invalid"),  # the question has four choices
        (None, "lý do", "key_unchanged"),
    ],
)
def test_bad_requests_change_nothing(app: Flask, two_rounds, letter, reason, code) -> None:
    t = two_rounds
    with app.app_context():
        before = scores(t["a"])
        with pytest.raises(ServiceError) as error:
            correct(t, LETTERS[t["key"]] if letter is None else letter, reason)
        assert error.value.code == code
        db.session.rollback()
        assert scores(t["a"]) == before
        assert db.session.scalar(db.select(db.func.count(QuestionVersion.id))) == 12


def test_a_version_not_in_the_round_is_not_found(app: Flask, two_rounds) -> None:
    t = two_rounds
    with app.app_context():
        unused = version_ids(12)[-1]
        with pytest.raises(NotFound):
            correct(t, "A", version_id=unused)


def test_rank_changes_side_by_side() -> None:
    before = [
        {"participant_id": 1, "rank": 1, "score": 3},
        {"participant_id": 2, "rank": 2, "score": 2},
    ]
    after = [
        {"participant_id": 3, "rank": 1, "score": 4},
        {"participant_id": 1, "rank": 2, "score": 3},
    ]
    rows = regrade.rank_changes(before, after, {1: "An", 3: "Bình"})
    assert [(r.participant_id, r.full_name, r.before, r.after) for r in rows] == [
        (3, "Bình", None, after[0]),
        (1, "An", before[0], after[1]),
        (2, "#2", before[1], None),
    ]
