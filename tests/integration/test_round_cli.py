"""flask contest / round / attempts / demo contest: a round driven from the command line."""

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskCliRunner

from quizapp.extensions import db
from quizapp.models import Contest, Round


def _ok(runner: FlaskCliRunner, *args: str) -> str:
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_a_round_created_opened_closed_early_and_reopened(
    app: Flask, runner: FlaskCliRunner, make_bank: Callable[..., None], clock
) -> None:
    make_bank(30)
    assert "Đã tạo cuộc thi #" in _ok(runner, "contest", "create", "thu", "Cuộc thi thử")
    out = _ok(
        runner, "round", "create", "--contest", "thu", "--title", "Đợt A",
        "--opens", "20/11/2026 09:00", "--closes", "30/11/2026 10:00",
        "--questions", "10", "--quota", "*:*:10",
    )  # fmt: skip
    with app.app_context():
        rnd = db.session.scalar(db.select(Round))
        assert (rnd.status, rnd.question_count, rnd.contest.slug) == ("draft", 10, "thu")
    assert out.strip() == f"Đã tạo đợt thi #{rnd.id} «Đợt A» (nháp)."
    rid = str(rnd.id)
    assert _ok(runner, "round", "open", rid, "--yes").strip() == f"Đã mở đợt thi #{rid}."
    assert f"#{rid:<4} open" in _ok(runner, "round", "list")
    closed = _ok(runner, "round", "close", rid, "--yes", "--reason", "Thử đóng sớm")
    assert closed.strip() == f"Đã đóng đợt thi #{rid}; 0 lượt đang làm đã kết thúc."
    reopened = _ok(
        runner,
        "round",
        "reopen",
        rid,
        "--yes",
        "--closes",
        "01/12/2026 10:00",
        "--reason",
        "Mở lại",
    )
    assert reopened.strip() == f"Đã mở lại đợt thi #{rid} đến 01/12/2026 10:00."
    with app.app_context():
        assert db.session.get(Round, rnd.id).status == "open"
    assert "Đã kết thúc 0 lượt thi quá hạn." in _ok(runner, "attempts", "finish-overdue")


def test_round_commands_refuse_what_cannot_be_done(
    app: Flask, runner: FlaskCliRunner, clock
) -> None:
    missing = runner.invoke(
        args=["round", "create", "--contest", "khong-co", "--title", "X",
              "--opens", "20/11/2026 09:00", "--closes", "30/11/2026 10:00"]
    )  # fmt: skip
    assert missing.exit_code == 1 and "Không có cuộc thi «khong-co»." in missing.output
    bad_time = runner.invoke(
        args=["round", "create", "--contest", "x", "--title", "X",
              "--opens", "mai", "--closes", "30/11/2026 10:00"]
    )  # fmt: skip
    assert bad_time.exit_code == 2 and "thời điểm không hợp lệ: «mai»" in bad_time.output
    _ok(runner, "contest", "create", "x", "Cuộc thi X")
    bad_quota = runner.invoke(
        args=["round", "create", "--contest", "x", "--title", "X", "--quota", "a:b",
              "--opens", "20/11/2026 09:00", "--closes", "30/11/2026 10:00"]
    )  # fmt: skip
    assert bad_quota.exit_code == 2 and "CHỦ_ĐỀ:MỨC_ĐỘ:SỐ_CÂU" in bad_quota.output
    unknown = runner.invoke(args=["round", "open", "999", "--yes"])
    assert unknown.exit_code == 1 and unknown.output.strip()


def test_demo_contest_is_created_once(
    app: Flask, runner: FlaskCliRunner, make_bank: Callable[..., None], clock
) -> None:
    make_bank(30)
    assert "Đã tạo cuộc thi mẫu với đợt thi #" in _ok(runner, "demo", "contest")
    assert _ok(runner, "demo", "contest").strip() == "Cuộc thi mẫu đã có sẵn."
    with app.app_context():
        contest = db.session.scalar(db.select(Contest).where(Contest.slug == "demo"))
        assert [r.status for r in contest.rounds] == ["open"]
