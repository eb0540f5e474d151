"""Organisers read per-question statistics of a round and correct a wrong key before publishing."""

from flask import Flask

from quizapp.extensions import db
from quizapp.models import AuditLog, QuestionVersion, Round
from tests.conftest import post_form
from tests.integration.test_regrade import add_people, take, version_ids

LETTERS = "ABCDEF"


def seed_round(app: Flask, make_round) -> dict:
    """20 entries; on V most chose the same wrong choice W, so V is flagged."""
    rnd = make_round(bank_size=12)
    with app.app_context():
        v, other = version_ids(2)
        key = db.session.get(QuestionVersion, v).correct_index
        other_key = db.session.get(QuestionVersion, other).correct_index
        wrong = (key + 1) % 4
        for n, person in enumerate(add_people(20)):
            choice = key if n % 5 == 0 else wrong
            take(rnd.id, person.id, {v: choice, other: other_key}, seconds=10 + n)
        db.session.commit()
    return {"round": rnd.id, "v": v, "other": other, "key": key, "wrong": wrong}


def corrections(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(
            db.select(db.func.count(AuditLog.id)).where(AuditLog.action == "question.correct_key")
        )


def test_pages_need_staff(app: Flask, client, make_round, login_participant) -> None:
    t = seed_round(app, make_round)
    base = f"/console/rounds/{t['round']}/questions"
    for url in (f"{base}/", f"{base}/{t['v']}"):
        response = client.get(url)
        assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    response = client.post(f"{base}/{t['v']}/correct", data={"letter": "A", "reason": "x"})
    assert response.status_code in (302, 403)
    login_participant()
    assert client.get(f"{base}/").status_code == 403
    assert corrections(app) == 0


def test_statistics_table_flags_the_broken_question(
    app: Flask, client, make_round, login_staff
) -> None:
    t = seed_round(app, make_round)
    login_staff()
    page = client.get(f"/console/rounds/{t['round']}/questions/").get_data(as_text=True)
    assert "Thống kê câu hỏi" in page and "1 câu cần xem lại" in page
    assert "Một phương án sai được chọn nhiều hơn đáp án" in page
    assert "Q-0001" in page and "Q-0002" in page
    assert page.index("Q-0001") < page.index("Q-0002")  # flagged first
    assert f"{LETTERS[t['wrong']]}: 80 %" in page and "20,0 %" in page
    detail = client.get(f"/console/rounds/{t['round']}/questions/{t['v']}").get_data(as_text=True)
    assert "Sửa đáp án và chấm lại" in detail and "(đáp án hiện tại)" in detail
    assert client.get(f"/console/rounds/{t['round']}/questions/999").status_code == 404
    edit = client.get(f"/console/rounds/{t['round']}").get_data(as_text=True)
    assert f"/console/rounds/{t['round']}/questions/" in edit


def test_correct_key_regrades_and_shows_before_and_after(
    app: Flask, client, make_round, login_staff
) -> None:
    t = seed_round(app, make_round)
    login_staff()
    detail = f"/console/rounds/{t['round']}/questions/{t['v']}"
    missing = post_form(client, f"{detail}/correct", {"letter": LETTERS[t["wrong"]]}, page=detail)
    assert missing.status_code == 400
    assert "Vui lòng ghi lý do sửa đáp án." in missing.get_data(as_text=True)

    done = post_form(
        client,
        f"{detail}/correct",
        {"letter": LETTERS[t["wrong"]], "reason": "Hội đồng xác nhận đáp án đúng theo Điều 23"},
        page=detail,
    )
    assert done.status_code == 302, done.get_data(as_text=True)
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Đã sửa đáp án và chấm lại" in page
    assert (
        f"từ <strong>{LETTERS[t['key']]}</strong> thành <strong>{LETTERS[t['wrong']]}</strong>"
        in page
    )
    assert "Hội đồng xác nhận đáp án đúng theo Điều 23" in page
    assert "20 bài thi đã nộp được chấm lại: 16 câu trả lời thành đúng, 4" in page
    assert "Hạng trước" in page and "Hạng sau" in page
    with app.app_context():
        entry = db.session.scalar(
            db.select(AuditLog).where(AuditLog.action == "question.correct_key")
        )
        assert entry.details["after"][0]["score"] == 2
        assert (
            entry.details["before"][0]["participant_id"]
            != entry.details["after"][0]["participant_id"]
        )
    # The old version is no longer in the round; the new one is, and is no longer flagged.
    assert client.get(detail).status_code == 404
    stats = client.get(f"/console/rounds/{t['round']}/questions/").get_data(as_text=True)
    assert "0 câu cần xem lại" in stats


def test_correction_is_refused_after_publication(
    app: Flask, client, make_round, login_staff
) -> None:
    t = seed_round(app, make_round)
    with app.app_context():
        db.session.get(Round, t["round"]).status = "published"
        db.session.commit()
    login_staff()
    detail = f"/console/rounds/{t['round']}/questions/{t['v']}"
    page = client.get(detail).get_data(as_text=True)
    assert "không thể sửa đáp án" in page and "Sửa đáp án và chấm lại</button>" not in page
    refused = post_form(
        client,
        f"{detail}/correct",
        {"letter": LETTERS[t["wrong"]], "reason": "thử"},
        page=f"/console/rounds/{t['round']}",
    )
    assert refused.status_code == 302
    assert "Đợt thi đã công bố kết quả" in client.get(refused.headers["Location"]).get_data(
        as_text=True
    )
    assert corrections(app) == 0
