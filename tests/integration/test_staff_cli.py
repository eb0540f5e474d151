"""flask staff create and the demo commands of `make run`."""

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from quizapp.extensions import db
from quizapp.models import StaffUser


def test_create_with_password_from_environment(
    app: Flask, runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIZAPP_STAFF_PASSWORD", "mot-mat-khau-dai")
    result = runner.invoke(args=["staff", "create", "NguyenA", "--role", "admin"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        staff = db.session.scalar(db.select(StaffUser))
        assert (staff.username, staff.role) == ("nguyena", "admin")
        assert staff.password_hash.startswith("$argon2id$")


def test_create_with_prompted_password(
    app: Flask, runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QUIZAPP_STAFF_PASSWORD", raising=False)
    result = runner.invoke(
        args=["staff", "create", "b", "--role", "organiser"],
        input="mat-khau-nhap-tay\nmat-khau-nhap-tay\n",
    )
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["staff", "create", "c", "--role", "organiser"], "ngan", "ít nhất 10 ký tự"),
        (["staff", "create", "c", "--role", "boss"], "mot-mat-khau-dai", "Invalid value"),
    ],
)
def test_refusals(
    app: Flask,
    runner: FlaskCliRunner,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    password: str,
    message: str,
) -> None:
    monkeypatch.setenv("QUIZAPP_STAFF_PASSWORD", password)
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output


def test_duplicate_username_refused(
    app: Flask, runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIZAPP_STAFF_PASSWORD", "mot-mat-khau-dai")
    runner.invoke(args=["staff", "create", "d", "--role", "organiser"])
    result = runner.invoke(args=["staff", "create", "D", "--role", "admin"])
    assert result.exit_code == 1
    assert "đã tồn tại" in result.output


def test_demo_staff_is_created_once_and_prints_password_once(
    app: Flask, runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QUIZAPP_DEMO_PASSWORD", raising=False)
    first = runner.invoke(args=["demo", "staff"])
    assert "Mật khẩu:" in first.output
    second = runner.invoke(args=["demo", "staff"])
    assert "Mật khẩu:" not in second.output


def test_demo_practice_marks_a_starter_set_once(
    app: Flask, runner: FlaskCliRunner, make_bank
) -> None:
    """`make run` gives /luyen-tap questions: three per topic, and never twice."""
    from quizapp.models import Question

    empty = runner.invoke(args=["demo", "practice"])
    assert empty.exit_code == 0 and "không đổi gì" in empty.output
    make_bank(30)
    first = runner.invoke(args=["demo", "practice"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        marked = db.session.scalars(db.select(Question).where(Question.practice)).all()
        topics = {q.current_version.topic_id for q in marked}
        assert marked and len(marked) == 3 * len(topics)
    second = runner.invoke(args=["demo", "practice"])
    assert "không đổi gì" in second.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).where(Question.practice)) == len(marked)
