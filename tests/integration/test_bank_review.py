"""The law watch acts: a recorded change puts the questions citing its articles under review,
new rounds leave them out until an organiser confirms, edits or retires them (audited), and a
settled question is not flagged again by the next import."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from quizapp.domain.bank_documents import ChangeSpec, DocumentRegister, DocumentSpec
from quizapp.extensions import db
from quizapp.models import AuditLog, Question
from quizapp.services import bank, bank_review, rounds
from quizapp.services.errors import ServiceError
from tests.conftest import FIXED_NOW, bank_report

CHECKED = date(2026, 12, 7)
REGISTER = DocumentRegister(
    documents={
        "luat": DocumentSpec("luat", "06/2022/QH15", "Luật", "QH", "in_force", CHECKED),
        "sua": DocumentSpec("sua", "06/2026/QH16", "Luật sửa", "QH", "reported", CHECKED),
        "nd": DocumentSpec("nd", "152/2025/NĐ-CP", "Nghị định", "CP", "in_force", CHECKED),
    },
    changes=[
        ChangeSpec("sua", "luat", (16, 23), date(2026, 10, 1), "reported", "báo"),
    ],
)
# (source, basis) of Q-0001..Q-0005; only Q-0001 and Q-0002 are touched.
CITED = [
    ("Điều 23 khoản 1", ("luat",)),
    ("khoản 2 Điều 16; Điều 50 Nghị định 152/2025/NĐ-CP", ("luat", "nd")),
    ("Điều 230", ("luat",)),
    ("Điều 23 Nghị định 152/2025/NĐ-CP", ("luat", "nd")),
    ("Điều 23", ()),
]


def _report(**changes):
    report = bank_report(8)
    report.questions = [
        replace(q, source=CITED[i][0], basis=CITED[i][1]) if i < len(CITED) else q
        for i, q in enumerate(report.questions)
    ]
    report.questions = [replace(q, **changes.get(q.id, {})) for q in report.questions]
    report.documents = REGISTER
    return report


def _import(app, when=FIXED_NOW, **changes):
    with app.app_context():
        plan = bank.apply_import(_report(**changes), actor=None, now=when, origin="thu")
        db.session.commit()
        return plan


def _entries(action: str) -> list[AuditLog]:
    return list(db.session.scalars(db.select(AuditLog).where(AuditLog.action == action)))


def test_a_change_flags_exactly_the_questions_citing_its_articles(app) -> None:
    plan = _import(app)
    assert plan.under_review == ["Q-0001", "Q-0002"]
    with app.app_context():
        assert [i.external_id for i in bank_review.under_review()] == ["Q-0001", "Q-0002"]
        (entry,) = _entries("bank.review.flag")
        assert entry.details["questions"] == ["Q-0001", "Q-0002"]
        assert "sửa Điều 16, 23 của Luật 06/2022/QH15" in entry.details["change"]


def test_new_rounds_leave_them_out_until_settled(app) -> None:
    _import(app)
    with app.app_context():
        contest = rounds.create_contest(None, "thu", "Thi")
        settings = rounds.RoundSettings(
            title="Đợt",
            opens_at=FIXED_NOW + timedelta(days=1),
            closes_at=FIXED_NOW + timedelta(days=2),
            question_count=3,
        )
        rnd = rounds.create_round(None, contest, settings, now=FIXED_NOW)
        drawn = {c.external_id for c in rounds.pool_for(rnd)}
        assert {"Q-0001", "Q-0002"}.isdisjoint(drawn) and "Q-0003" in drawn
        with pytest.raises(ServiceError) as refused:
            bank_review.confirm(None, "Q-0001", "  ")
        assert refused.value.code == "reason_required"
        bank_review.confirm(None, "Q-0001", "Điều 23 không đổi ý đã hỏi")
        bank_review.retire(None, "Q-0002", "khoản 2 Điều 16 bị sửa", FIXED_NOW)
        db.session.commit()
        drawn = {c.external_id for c in rounds.pool_for(rnd)}
        assert "Q-0001" in drawn and "Q-0002" not in drawn
        (confirmed,) = _entries("bank.review.confirm")
        assert confirmed.reason == "Điều 23 không đổi ý đã hỏi"
        assert _entries("bank.review.retire")[0].target_id == str(
            db.session.scalar(db.select(Question.id).where(Question.external_id == "Q-0002"))
        )


def test_a_settled_question_is_not_flagged_again_and_a_new_version_settles(app) -> None:
    _import(app)
    with app.app_context():
        bank_review.confirm(None, "Q-0001", "vẫn đúng")
        db.session.commit()
    later = FIXED_NOW + timedelta(hours=1)
    plan = _import(app, when=later, **{"Q-0002": {"explanation": "Giải thích đã sửa."}})
    assert plan.under_review == []
    with app.app_context():
        assert bank_review.under_review() == []
        (edited,) = _entries("bank.review.edit")
        assert edited.reason == "phiên bản mới: thu"


def test_review_cli(app, runner) -> None:
    _import(app)
    listed = runner.invoke(args=["bank", "review", "list"])
    assert "2 câu cần rà soát" in listed.output and "Q-0002 v1" in listed.output
    missing = runner.invoke(args=["bank", "review", "confirm", "Q-0001"])
    assert missing.exit_code != 0
    wrong = runner.invoke(args=["bank", "review", "confirm", "Q-0003", "--reason", "x"])
    assert (
        wrong.exit_code == 1 and "Q-0003: Câu Q-0003 không ở trạng thái cần rà soát" in wrong.output
    )
    done = runner.invoke(args=["bank", "review", "retire", "Q-0001", "--reason", "đã sửa luật"])
    assert done.exit_code == 0, done.output
    assert "1 câu cần rà soát" in runner.invoke(args=["bank", "review", "list"]).output
