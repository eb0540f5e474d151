"""The practice set and practice runs: rules of services/practice.py against a real database."""

import random
from datetime import timedelta

import pytest
from flask import Flask

from quizapp.domain.drawing import Quota
from quizapp.extensions import db
from quizapp.models import AuditLog, Question, QuestionVersion
from quizapp.services import lifecycle, practice, rounds
from quizapp.services.errors import Conflict, NotFound, ServiceError
from quizapp.services.practice import PracticeRun
from tests.conftest import FIXED_NOW

# make_bank(n): question Q-i has topic ("chung", "rieng")[i % 2] and answer i % 4.


def _practice_ids(app: Flask) -> list[str]:
    with app.app_context():
        return sorted(
            db.session.scalars(db.select(Question.external_id).where(Question.practice)).all()
        )


def _practice_entries() -> list[AuditLog]:
    query = db.select(AuditLog).where(AuditLog.action.startswith("practice."))
    return list(db.session.scalars(query.order_by(AuditLog.id)))


def _mark(app: Flask, ids: list[str], practice_flag: bool = True) -> None:
    with app.app_context():
        practice.set_questions_practice(None, ids, practice_flag, FIXED_NOW)
        db.session.commit()


@pytest.mark.parametrize(
    ("typed", "ids"),
    [
        ("Q-0001", ["Q-0001"]),
        (
            "Q-0001, Q-0002;Q-0003\nQ-0004\tQ-0005",
            ["Q-0001", "Q-0002", "Q-0003", "Q-0004", "Q-0005"],
        ),
        (" ,Q-0002  Q-0002 ,, Q-0001 ", ["Q-0002", "Q-0001"]),
        ("", []),
        (None, []),
    ],
)
def test_parse_ids(typed, ids) -> None:
    assert practice.parse_ids(typed) == ids


def test_topic_counts_and_marking_a_topic(app: Flask, make_bank, make_staff) -> None:
    make_bank(10)
    staff = make_staff()
    with app.app_context():
        assert [(t.id, t.in_use, t.practice) for t in practice.topic_counts()] == [
            ("chung", 5, 0),
            ("rieng", 5, 0),
        ]
        changed = practice.set_topic_practice(staff.user, "rieng", True, FIXED_NOW, "mở luyện tập")
        db.session.commit()
        assert changed == ["Q-0001", "Q-0003", "Q-0005", "Q-0007", "Q-0009"]
        assert [(t.id, t.practice) for t in practice.practice_topics()] == [("rieng", 5)]
        assert practice.set_topic_practice(staff.user, "rieng", True, FIXED_NOW) == []
        entries = _practice_entries()
        assert [(e.action, e.actor_id, e.target_type, e.target_id) for e in entries] == [
            ("practice.mark", staff.user.id, "Topic", "rieng")
        ]
        assert entries[0].at == FIXED_NOW and entries[0].reason == "mở luyện tập"
        assert entries[0].details["questions"] == changed
        assert {c.topic for c in rounds.candidates()} == {"chung"}
        with pytest.raises(NotFound):
            practice.set_topic_practice(None, "khong-co", True, FIXED_NOW)


def test_unknown_or_retired_ids_change_nothing(app: Flask, make_bank) -> None:
    make_bank(6)
    with app.app_context():
        db.session.scalar(
            db.select(Question).where(Question.external_id == "Q-0002")
        ).retired_at = FIXED_NOW
        db.session.commit()
        for ids in (["Q-0001", "Q-9999"], ["Q-0002"], []):
            with pytest.raises(ServiceError) as refused:
                practice.set_questions_practice(None, ids, True, FIXED_NOW)
            assert refused.value.field == "ids"
            db.session.rollback()
    assert _practice_ids(app) == []


def test_marking_and_unmarking_ids_is_audited(app: Flask, make_bank) -> None:
    make_bank(6)
    _mark(app, ["Q-0001", "Q-0004"])
    _mark(app, ["Q-0004", "Q-0005"], practice_flag=False)
    assert _practice_ids(app) == ["Q-0001"]
    with app.app_context():
        entries = _practice_entries()
        assert [(e.action, e.target_type, e.details) for e in entries] == [
            ("practice.mark", None, {"scope": "ids", "questions": ["Q-0001", "Q-0004"]}),
            ("practice.unmark", None, {"scope": "ids", "questions": ["Q-0004"]}),
        ]


@pytest.mark.parametrize(
    ("status", "quotas", "question_count", "ids", "refused"),
    [
        # 15 "chung" questions (even numbers) and 15 "rieng" in a bank of 30.
        ("open", (Quota(15, "chung"),), 15, ["Q-0002"], True),
        ("open", (Quota(15, "chung"),), 15, ["Q-0001"], False),
        ("open", (), 30, ["Q-0001"], True),
        ("draft", (Quota(15, "chung"),), 15, ["Q-0002"], True),
        ("draft", (Quota(10, "rieng", "easy"),), 10, ["Q-0002"], False),
        ("closed", (Quota(15, "chung"),), 15, ["Q-0002"], False),
    ],
)
def test_marking_is_refused_when_a_live_round_would_lack_questions(
    app: Flask, make_round, status, quotas, question_count, ids, refused
) -> None:
    rnd = make_round(
        bank_size=30,
        status="draft" if status == "draft" else "open",
        quotas=quotas,
        question_count=question_count,
    )
    with app.app_context():
        if status == "closed":
            lifecycle.close_round(None, rounds.get_round(rnd.id), FIXED_NOW, "thử", confirmed=True)
            db.session.commit()
        try:
            practice.set_questions_practice(None, ids, True, FIXED_NOW)
        except Conflict as exc:
            assert refused, exc.message
            assert "«Đợt thử»" in exc.message and "Chưa thay đổi gì." in exc.message
            db.session.rollback()
        else:
            assert not refused
            db.session.commit()
    assert _practice_ids(app) == ([] if refused else ids)


def test_a_draft_already_short_does_not_block_unrelated_changes(app: Flask, make_round) -> None:
    make_round(bank_size=10, status="draft", quotas=(Quota(4, "chung", "hard"),), question_count=4)
    _mark(app, ["Q-0001"])  # a "rieng" question: the draft's shortfall is unchanged
    with app.app_context(), pytest.raises(Conflict):
        practice.set_questions_practice(None, ["Q-0008"], True, FIXED_NOW)  # chung, hard


def test_unmarking_never_consults_rounds(app: Flask, make_round) -> None:
    make_round(bank_size=10, quotas=(), question_count=5)
    _mark(app, ["Q-0001", "Q-0002", "Q-0003", "Q-0004", "Q-0005"])
    _mark(app, ["Q-0001"], practice_flag=False)
    assert len(_practice_ids(app)) == 4


def test_start_practice_draws_only_practice_questions(app: Flask, make_bank) -> None:
    make_bank(60)
    with app.app_context():
        practice.set_topic_practice(None, "chung", True, FIXED_NOW)
        db.session.commit()
        allowed = set(
            db.session.scalars(
                db.select(Question.current_version_id).where(Question.practice)
            ).all()
        )
        topic_run = practice.start_practice("chung", random.Random(1))
        random_run = practice.start_practice(practice.RANDOM_KEY, random.Random(1))
        assert len(topic_run.ids) == practice.MAX_QUESTIONS and set(topic_run.ids) <= allowed
        assert len(random_run.ids) == practice.RANDOM_SIZE and set(random_run.ids) <= allowed
        assert practice.start_practice("chung", random.Random(1)) == topic_run
        for key in ("rieng", "khong-co"):
            with pytest.raises(NotFound):
                practice.start_practice(key, random.Random(1))


@pytest.mark.parametrize("shuffle", [True, False])
def test_choice_order_follows_the_question(app: Flask, make_bank, shuffle: bool) -> None:
    make_bank(40, shuffle=shuffle)
    _mark(app, [f"Q-{i:04d}" for i in range(1, 21)])
    with app.app_context():
        run = practice.start_practice(practice.RANDOM_KEY, random.Random(7))
        assert all(sorted(order) == list("0123") for order in run.orders)
        assert any(order != "0123" for order in run.orders) is shuffle
        shown = practice.current_question(run)
        version = db.session.get(QuestionVersion, run.ids[0])
        assert shown.choices == [version.choices[int(i)] for i in run.orders[0]]
        assert shown.choices[shown.correct] == version.choices[version.correct_index]


def _run_of(app: Flask, external_ids: list[str]) -> PracticeRun:
    with app.app_context():
        ids = [
            db.session.scalar(
                db.select(Question.current_version_id).where(Question.external_id == e)
            )
            for e in external_ids
        ]
    return PracticeRun(key="chung", ids=ids, orders=["0123"] * len(ids))


def test_a_run_answers_each_question_once_and_moves_on(app: Flask, make_bank) -> None:
    make_bank(4, shuffle=False)
    _mark(app, ["Q-0001", "Q-0002"])
    run = _run_of(app, ["Q-0001", "Q-0002"])  # correct: B (1), then C (2)
    with app.app_context():
        with pytest.raises(ServiceError, match="trả lời câu này trước"):
            practice.next_question(run)
        with pytest.raises(ServiceError, match="chọn một phương án"):
            practice.answer(run, 4)
        run = practice.answer(run, 1)
        with pytest.raises(ServiceError, match="đã trả lời"):
            practice.answer(run, 0)
        run = practice.answer(practice.next_question(run), 0)
        run = practice.next_question(run)
    assert (run.finished, run.score, run.total, run.results) == (True, 1, 2, "10")
    assert PracticeRun.from_cookie(run.to_cookie()) == run


@pytest.mark.parametrize(
    "change",
    [
        {"key": None, "ids": "x"},
        {"ids": []},
        {"ids": list(range(21)), "orders": ["0123"] * 21},
        {"orders": []},
        {"pos": 3},
        {"results": "1"},
        {"results": "2", "pos": 1},
        {"last": 1},
        {"pos": 0, "results": "1", "last": None},
    ],
)
def test_malformed_cookies_are_ignored(change) -> None:
    good = {"key": "chung", "ids": [1, 2], "orders": ["0123", "0123"], "pos": 0}
    good |= {"results": "", "last": None}
    assert PracticeRun.from_cookie(good) is not None
    assert PracticeRun.from_cookie(good | change) is None
    assert PracticeRun.from_cookie("not a dict") is None


def test_questions_that_are_not_practice_are_never_shown(app: Flask, make_bank) -> None:
    make_bank(4)
    _mark(app, ["Q-0001", "Q-0003"])
    with app.app_context():
        db.session.scalar(
            db.select(Question).where(Question.external_id == "Q-0003")
        ).retired_at = FIXED_NOW + timedelta(hours=1)
        db.session.commit()
    for external_id in ("Q-0002", "Q-0003"):  # never practice; retired
        run = _run_of(app, [external_id])
        with app.app_context(), pytest.raises(NotFound):
            practice.current_question(run)
    run = _run_of(app, ["Q-0001"])
    run.orders = ["012"]  # an order that does not fit the question
    with app.app_context(), pytest.raises(NotFound):
        practice.current_question(run)
