"""Importing the bank: all or nothing, idempotent, versioned, retiring what disappears."""

import dataclasses
import shutil
from collections import Counter
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from quizapp.domain.bank import load_bank
from quizapp.extensions import db
from quizapp.models import AuditLog, Question, QuestionVersion
from quizapp.services import bank as bank_service
from tests.conftest import FIXED_NOW, SHIPPED_BANK, bank_report


def _bank_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.glob("*.yaml")}


def test_shipped_bank_is_valid_and_meets_the_minimums() -> None:
    report = load_bank(_bank_files(SHIPPED_BANK))
    assert report.errors == []
    questions = report.questions
    assert len(questions) >= 250
    chapters = {t.id: t.chapter for t in report.topics}
    assert {chapters[q.topic] for q in questions} >= {
        "I",
        "II",
        "III",
        "IV",
        "V",
        "VI",
        "VII",
        "VIII",
    }
    letters = Counter(q.answer_letter for q in questions)
    assert max(letters.values()) / len(questions) <= 0.30
    assert all(q.source.strip() and q.explanation.strip() for q in questions)


def _counts(app: Flask) -> tuple[int, int, int]:
    with app.app_context():
        return (
            db.session.scalar(db.select(db.func.count(Question.id))),
            db.session.scalar(db.select(db.func.count(QuestionVersion.id))),
            db.session.scalar(
                db.select(db.func.count(Question.id)).where(Question.retired_at.is_not(None))
            ),
        )


def _import(app: Flask, report, **kwargs):
    with app.app_context():
        plan = bank_service.apply_import(report, actor=None, now=FIXED_NOW, **kwargs)
        db.session.commit()
        return plan


def test_reimport_changes_nothing(app: Flask) -> None:
    first = _import(app, bank_report(10))
    assert len(first.added) == 10
    second = _import(app, bank_report(10))
    assert (len(second.added), len(second.changed), len(second.unchanged)) == (0, 0, 10)
    assert _counts(app) == (10, 10, 0)


def test_changed_question_gets_a_new_version_and_old_versions_stay(app: Flask) -> None:
    _import(app, bank_report(3))
    report = bank_report(3)
    report.questions[0] = dataclasses.replace(report.questions[0], answer=2, text="Câu hỏi đã sửa?")
    plan = _import(app, report)
    assert [q.id for q in plan.changed] == ["Q-0001"]
    assert _counts(app) == (3, 4, 0)
    with app.app_context():
        question = db.session.scalar(db.select(Question).where(Question.external_id == "Q-0001"))
        assert [v.number for v in question.versions] == [1, 2]
        assert question.current_version.text == "Câu hỏi đã sửa?"
        assert question.versions[0].text == "Câu hỏi thử số 1?"


def test_missing_question_is_retired_not_deleted_and_can_return(app: Flask) -> None:
    _import(app, bank_report(5))
    smaller = bank_report(5)
    smaller.questions = smaller.questions[:3]
    plan = _import(app, smaller)
    assert plan.retired == ["Q-0004", "Q-0005"]
    assert _counts(app) == (5, 5, 2)
    partial = _import(app, smaller, retire_missing=False)
    assert partial.retired == []
    back = _import(app, bank_report(5))
    assert sorted(q.id for q in back.changed) == ["Q-0004", "Q-0005"]
    assert _counts(app) == (5, 5, 0)


def test_invalid_report_imports_nothing(app: Flask) -> None:
    from quizapp.domain.bank_types import Problem
    from quizapp.services.errors import ServiceError

    report = bank_report(5)
    report.errors.append(Problem("x.yaml:3", "Q-0001", "lỗi"))
    with pytest.raises(ServiceError):
        _import(app, report)
    assert _counts(app) == (0, 0, 0)


def test_import_is_audit_logged(app: Flask) -> None:
    _import(app, bank_report(2), origin="thu")
    with app.app_context():
        entry = db.session.scalar(db.select(AuditLog))
        assert entry.action == "bank.import" and entry.details["added"] == 2


def test_cli_validate_reports_every_problem_with_file_and_line(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    bank = tmp_path / "bank"
    shutil.copytree(SHIPPED_BANK, bank, ignore=shutil.ignore_patterns("*.md"))
    target = bank / "01-hieu-luc.yaml"
    text = target.read_text(encoding="utf-8")
    text = text.replace("answer: B", "answer: Q", 1).replace(
        "difficulty: easy", "difficulty: trivial", 1
    )
    target.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["bank", "validate", str(bank)])
    assert result.exit_code == 1
    errors = [
        line
        for line in result.output.splitlines()
        if "01-hieu-luc.yaml:" in line and not line.startswith("cảnh báo")
    ]
    assert len(errors) == 2
    for line in errors:
        path, line_no, qid, _ = line.split(":", 3)
        assert path == str(target) and line_no.isdigit() and qid.strip().startswith("TDKT-")
    imported = runner.invoke(args=["bank", "import", str(bank)])
    assert imported.exit_code == 1
    assert _counts(app) == (0, 0, 0)


def test_cli_import_then_stats(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["bank", "import", str(SHIPPED_BANK)])
    assert result.exit_code == 0, result.output
    assert "thêm mới" in result.output
    again = runner.invoke(args=["bank", "import", str(SHIPPED_BANK)])
    assert "0 thêm mới, 0 thay đổi" in again.output
    stats = runner.invoke(args=["bank", "stats"])
    assert "Tổng số câu hỏi đang dùng" in stats.output and "Đáp án đúng" in stats.output


def test_cli_export_writes_a_reimportable_workbook(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    from quizapp.domain.bank import validate
    from quizapp.formats.bank_xlsx import records_from_xlsx

    runner.invoke(args=["bank", "import", str(SHIPPED_BANK)])
    out = tmp_path / "bank.xlsx"
    result = runner.invoke(args=["bank", "export", "-o", str(out)])
    assert result.exit_code == 0, result.output
    records, problems = records_from_xlsx(out.read_bytes())
    report = load_bank(_bank_files(SHIPPED_BANK))
    again = validate(records, report.topics)
    assert problems == [] and again.errors == []
    with app.app_context():  # a sheet has no basis/check columns: an upload keeps the bank's
        bank_service.carry_footing(again)
    assert {q.id: q.content_hash() for q in again.questions} == {
        q.id: q.content_hash() for q in report.questions
    }
