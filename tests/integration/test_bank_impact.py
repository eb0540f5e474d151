"""flask bank impact / bank check, and open rounds keeping the versions they drew when the
questions an article change touches are replaced or retired."""

import dataclasses
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Participant
from quizapp.services import attempts, bank_impact
from quizapp.services import bank as bank_service
from tests.conftest import FIXED_NOW, SHIPPED_BANK, bank_report

# bank_report(n): question Q-i cites "Điều i", its key is choice i % 4 ("Đúng i" is choice 0).


def _start(app: Flask, person: Participant, round_id: int, minutes: int = 0) -> int:
    from quizapp.models import Round

    with app.app_context():
        rnd = db.session.get(Round, round_id)
        who = db.session.get(Participant, person.id)
        started = attempts.start_attempt(who, rnd, FIXED_NOW + timedelta(minutes=minutes), seed="s")
        db.session.commit()
        return started.attempt.id


def _reimport(app: Flask, report, minutes: int) -> bank_service.ImportPlan:
    with app.app_context():
        plan = bank_service.apply_import(
            report, actor=None, now=FIXED_NOW + timedelta(minutes=minutes)
        )
        db.session.commit()
        return plan


def _drawn(app: Flask, attempt_id: int) -> dict[str, tuple[int, int, int]]:
    """External id → (version number, position, correct original index) of what was drawn."""
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        return {
            item.version.question.external_id: (
                item.version.number,
                item.position,
                item.version.correct_index,
            )
            for item in attempt.items
        }


def test_cli_impact_lists_touching_questions_with_their_rounds(
    app: Flask, runner: FlaskCliRunner, make_round, make_participant
) -> None:
    rnd = make_round(bank_size=30, question_count=30)
    _start(app, make_participant(), rnd.id)
    result = runner.invoke(args=["bank", "impact", "Điều 2"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(
        "1 câu hỏi có căn cứ liên quan tới «Điều 2» (Điều 2 của mọi văn bản); 1 câu đã được rút"
    )
    # "Điều 2" is not "Điều 20"…"Điều 29".
    assert [line.split()[0] for line in lines if line.startswith("Q-")] == ["Q-0002"]
    assert f"đợt #{rnd.id} «Đợt thử» (Cuộc thi thử) — đang mở: 1 lượt thi đã rút (v1)" in (
        result.output
    )
    clause = runner.invoke(args=["bank", "impact", "khoản 2 Điều 2"])
    assert "Q-0002 v1" in clause.output
    unused = runner.invoke(args=["bank", "impact", "Điều 31"])
    assert unused.output.startswith("0 câu hỏi")
    bad = runner.invoke(args=["bank", "impact", "huân chương"])
    assert bad.exit_code == 1 and "Điều 24" in bad.output


def test_open_round_keeps_the_versions_it_drew_when_questions_are_replaced_or_retired(
    app: Flask, make_round, make_participant
) -> None:
    rnd = make_round(bank_size=30, question_count=30)
    first_person = make_participant()
    first = _start(app, first_person, rnd.id)
    before = _drawn(app, first)
    assert before["Q-0002"][0] == 1 and before["Q-0002"][2] == 2

    # The law changed: Q-0002 gets a new key (a new version), then Q-0003 is retired.
    changed = bank_report(30)
    changed.questions[1] = dataclasses.replace(changed.questions[1], answer=0, text="Đã sửa?")
    assert [q.id for q in _reimport(app, changed, 1).changed] == ["Q-0002"]
    second = _start(app, make_participant(), rnd.id, minutes=2)
    assert _drawn(app, second)["Q-0002"][0] == 2
    without = bank_report(30)
    without.questions = [q for q in changed.questions if q.id != "Q-0003"]
    assert _reimport(app, without, 3).retired == ["Q-0003"]

    # The first attempt still shows, and is graded on, the versions it drew.
    assert _drawn(app, first) == before
    with app.app_context():
        person = db.session.get(Participant, first_person.id)
        for qid in ("Q-0002", "Q-0003"):
            _, position, key = before[qid]
            item = db.session.get(Attempt, first).items[position - 1]
            attempts.save_answer(person, first, position, item.choice_order.index(key), FIXED_NOW)
        done = attempts.submit_attempt(person, first, FIXED_NOW + timedelta(minutes=4))
        assert done.score == 2
        assert db.session.scalar(db.select(db.func.count(Answer.id)).where(Answer.is_correct)) == 2
        db.session.commit()

    with app.app_context():
        found = bank_impact.impact("Điều 2")
        (question,) = found.questions
        assert (question.external_id, question.version) == ("Q-0002", 2)
        (use,) = question.rounds
        assert (use.attempts, use.versions, use.status_label) == (2, [1, 2], "đang mở")
        assert bank_impact.impact("Điều 3").questions == []
        (retired,) = bank_impact.impact("Điều 3", include_retired=True).questions
        assert retired.retired and retired.rounds[0].versions == [1]


def _write_bank(folder: Path, questions: str) -> Path:
    folder.mkdir()
    (folder / "topics.yaml").write_text(
        "topics:\n  - id: chung\n    name: Chung\n", encoding="utf-8"
    )
    (folder / "01.yaml").write_text(f"topic: chung\nquestions:\n{questions}", encoding="utf-8")
    return folder


CUED = """\
  - id: C-1
    text: Danh hiệu thi đua ghi nhận thành tích trong lĩnh vực nào?
    choices: [Chỉ trong sản xuất, Chỉ trong đối ngoại, Chỉ trong khoa học, Trong thi đua]
    answer: D
    difficulty: easy
    source: Nghị định 152/2025/NĐ-CP
    explanation: Theo khoản 2 Điều 3.
  - id: C-2
    text: Hành vi nào bị nghiêm cấm?
    choices: [Gian dối hồ sơ, Lợi dụng chức vụ, Tất cả các hành vi trên]
    answer: C
    difficulty: easy
    source: Điều 15 khoản 1, 3
    explanation: Điều 15.
    shuffle: false
"""


def test_cli_check_reports_cues_as_warnings_and_strict_fails(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    bank = _write_bank(tmp_path / "bank", CUED)
    result = runner.invoke(args=["bank", "check", str(bank)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"{bank}/01.yaml:" in out and "C-1: mọi phương án nhiễu đều bắt đầu bằng «chỉ»" in out
    assert "C-1: căn cứ «Nghị định 152/2025/NĐ-CP» không ghi điều" in out
    assert "C-2: đáp án là phương án «Tất cả các hành vi trên»" in out
    assert "C-1: từ tuyệt đối («chỉ», «mọi», «tất cả», «bắt buộc»…) chỉ có ở phương án nhiễu" in out
    assert "C-2: chỉ đáp án lặp lại từ «hành vi» của câu hỏi" in out
    assert out.index("01.yaml:3: C-1") < out.index("01.yaml:10: C-2")  # by line, as numbers
    assert "trên 1/2 câu có đúng 4 phương án không dài bằng nhau: dài nhất 0 (0,0 %) VƯỢT" in out
    assert "Dấu hiệu trong lời văn: 2/2 câu (100,0 %; mục tiêu ≤ 5 %) — VƯỢT NGƯỠNG" in out
    assert "Phương án «tất cả / cả … đều đúng»: 1, trong đó 1 là đáp án" in out
    assert "Câu có ghi lần kiểm tra đáp án (checked): 0/2 (0,0 %); chưa có: 2 — C-1, C-2" in out
    assert "6 cảnh báo (không chặn việc nhập)." in out
    strict = runner.invoke(args=["bank", "check", "--strict", str(bank)])
    assert strict.exit_code == 1
    broken = _write_bank(tmp_path / "broken", CUED.replace("answer: D", "answer: H"))
    assert runner.invoke(args=["bank", "check", str(broken)]).exit_code == 1


def test_cli_check_on_the_shipped_bank_prints_the_figures(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["bank", "check", str(SHIPPED_BANK)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Hạng độ dài của đáp án, trên" in out and "Độ dài đáp án / trung bình" in out
    # Decree 152/2025 ends on 28/02/2027: within 90 days of the test clock's now or not,
    # the law watch line for the reported 2026 amendment is always there.
    assert "Theo dõi luật: Luật 06/2026/QH16 (được đưa tin) sửa Điều 16, 23, 24, 29, 83" in out
