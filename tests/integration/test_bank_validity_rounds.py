"""Validity in time through the services: a round cannot open on questions whose basis ends
inside its window, its attempts never draw them, and its rules state the bank's check date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from quizapp.domain.bank_documents import DocumentRegister, DocumentSpec
from quizapp.domain.round_rules import RoundSettings, rules_text
from quizapp.extensions import db
from quizapp.services import bank, lifecycle, rounds
from quizapp.services.errors import ServiceError
from tests.conftest import FIXED_NOW, bank_report

LAST_DAY = (FIXED_NOW + timedelta(days=10)).date()
REGISTER = DocumentRegister(
    documents={
        "luat": DocumentSpec("luat", "06/2022/QH15", "Luật", "QH", "in_force", date(2026, 12, 5)),
        "nd": DocumentSpec(
            "nd",
            "152/2025/NĐ-CP",
            "Nghị định",
            "CP",
            "in_force",
            date(2026, 12, 7),
            in_force_until=LAST_DAY,
        ),
    }
)


def _import(app) -> None:
    report = bank_report(12, topics=("chung", "rieng"))
    # Topic "rieng" rests on the decree, whose last day is LAST_DAY.
    report.questions = [
        replace(q, basis=("nd",) if q.topic == "rieng" else ("luat",)) for q in report.questions
    ]
    report.documents = REGISTER
    with app.app_context():
        bank.apply_import(report, actor=None, now=FIXED_NOW)
        db.session.commit()


def _round(closes_in_days: int):
    contest = rounds.create_contest(None, "thu", "Cuộc thi thử")
    settings = RoundSettings(
        title="Đợt",
        opens_at=FIXED_NOW + timedelta(days=1),
        closes_at=FIXED_NOW + timedelta(days=closes_in_days),
        question_count=4,
        quotas=(rounds.Quota(3, "rieng"),),
    )
    return rounds.create_round(None, contest, settings, now=FIXED_NOW)


def test_opening_is_refused_with_the_list_when_the_basis_ends_inside_the_window(app) -> None:
    _import(app)
    with app.app_context():
        rnd = _round(closes_in_days=20)
        with pytest.raises(ServiceError) as refused:
            lifecycle.open_round(None, rnd, FIXED_NOW, confirmed=True)
        message = refused.value.message
        assert "Cơ cấu “chủ đề rieng” cần 3 câu nhưng ngân hàng chỉ còn 0 câu" in message
        assert "Q-0001 (Nghị định 152/2025/NĐ-CP hết hiệu lực sau ngày" in message
        assert rnd.status == "draft"


def test_a_window_inside_the_basis_opens_and_draws_only_valid_questions(app) -> None:
    _import(app)
    with app.app_context():
        rnd = _round(closes_in_days=9)
        lifecycle.open_round(None, rnd, FIXED_NOW, confirmed=True)
        assert rnd.status == "open"
        assert {c.topic for c in rounds.pool_for(rnd)} == {"chung", "rieng"}
        rnd.closes_at = FIXED_NOW + timedelta(days=30)  # as if the decree ended mid-round
        assert {c.topic for c in rounds.pool_for(rnd)} == {"chung"}


def test_the_rules_state_the_date_the_bank_is_current_to(app) -> None:
    _import(app)
    with app.app_context():
        rnd = _round(closes_in_days=9)
        lines = rules_text(rounds.settings_of(rnd))
        assert any(
            "đến ngày 07/12/2026 (ngày kiểm tra gần nhất ghi trong danh mục" in x for x in lines
        )


def test_a_sheet_without_basis_columns_keeps_each_question_footing(app) -> None:
    _import(app)
    with app.app_context():
        sheet = bank_report(12, topics=("chung", "rieng"))  # as read from XLSX: no basis
        plan = bank.plan_import(sheet, retire_missing=False)
        assert len(plan.changed) == 12  # without the carry-over every question would change
        bank.carry_footing(sheet)
        assert not bank.plan_import(sheet, retire_missing=False).has_changes
        assert {q.basis for q in sheet.questions} == {("nd",), ("luat",)}


def test_an_open_round_cannot_be_extended_past_its_questions_basis(app) -> None:
    _import(app)
    with app.app_context():
        rnd = _round(closes_in_days=9)
        lifecycle.open_round(None, rnd, FIXED_NOW, confirmed=True)
        db.session.commit()
        later = replace(rounds.settings_of(rnd), closes_at=FIXED_NOW + timedelta(days=20))
        with pytest.raises(ServiceError) as refused:
            rounds.update_round(None, rnd, later, now=FIXED_NOW + timedelta(days=2), reason="x")
        assert "Q-0001 (Nghị định 152/2025/NĐ-CP hết hiệu lực sau ngày" in refused.value.message
        db.session.rollback()
        rnd = db.session.get(type(rnd), rnd.id)
        shorter = replace(rounds.settings_of(rnd), closes_at=FIXED_NOW + timedelta(days=10))
        rounds.update_round(None, rnd, shorter, now=FIXED_NOW + timedelta(days=2), reason="x")
        assert rnd.closes_at == FIXED_NOW + timedelta(days=10)
