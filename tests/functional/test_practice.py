"""Practice mode through the pages: the organiser's practice set, and practice with no account."""

import re

from flask import Flask
from flask.testing import FlaskClient

from quizapp.domain.drawing import Quota
from quizapp.extensions import db
from quizapp.models import AuditLog, Question
from quizapp.services import practice
from tests.conftest import FIXED_NOW, csrf_from, post_form

# make_bank(n): question Q-i is "Câu hỏi thử số i?", topic ("chung", "rieng")[i % 2],
# correct choice i % 4, citation "Điều i", explanation "Giải thích i.".
CONSOLE = "/console/practice/"


def _practice_ids(app: Flask) -> list[str]:
    with app.app_context():
        query = db.select(Question.external_id).where(Question.practice)
        return sorted(db.session.scalars(query))


def _practice_log(app: Flask) -> list[tuple[str, int | None, str | None, dict]]:
    with app.app_context():
        query = db.select(AuditLog).where(AuditLog.action.startswith("practice."))
        return [
            (e.action, e.actor_id, e.target_id, e.details)
            for e in db.session.scalars(query.order_by(AuditLog.id))
        ]


def _mark_topic(app: Flask, topic: str, marked: bool = True) -> None:
    with app.app_context():
        practice.set_topic_practice(None, topic, marked, FIXED_NOW)
        db.session.commit()


def _row_counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {
            table.name: db.session.scalar(db.select(db.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def _version_id(app: Flask, external_id: str) -> int:
    with app.app_context():
        return db.session.scalar(
            db.select(Question.current_version_id).where(Question.external_id == external_id)
        )


def test_console_marks_and_unmarks_topics_and_ids(app: Flask, client, login_staff, make_bank):
    make_bank(10)
    staff = login_staff("organiser")
    page = client.get(CONSOLE).get_data(as_text=True)
    assert "Chủ đề chung" in page and "Đánh dấu cả chủ đề" in page
    marked = post_form(client, f"{CONSOLE}topic/rieng", {"action": "mark"}, page=CONSOLE)
    assert marked.status_code == 302
    page = client.get(CONSOLE).get_data(as_text=True)
    assert "Đã đánh dấu luyện tập 5 câu" in page and "Bỏ đánh dấu cả chủ đề" in page
    by_ids = {"ids": "Q-0002, Q-0004", "reason": "bổ sung", "action": "mark"}
    assert post_form(client, f"{CONSOLE}questions", by_ids, page=CONSOLE).status_code == 302
    unmark = {"ids": "Q-0001 Q-0003", "reason": "", "action": "unmark"}
    assert post_form(client, f"{CONSOLE}questions", unmark, page=CONSOLE).status_code == 302
    assert _practice_ids(app) == ["Q-0002", "Q-0004", "Q-0005", "Q-0007", "Q-0009"]
    user = staff.user.id
    assert _practice_log(app) == [
        (
            "practice.mark",
            user,
            "rieng",
            {"scope": "topic", "questions": ["Q-0001", "Q-0003", "Q-0005", "Q-0007", "Q-0009"]},
        ),
        ("practice.mark", user, None, {"scope": "ids", "questions": ["Q-0002", "Q-0004"]}),
        ("practice.unmark", user, None, {"scope": "ids", "questions": ["Q-0001", "Q-0003"]}),
    ]
    unmarked = post_form(client, f"{CONSOLE}topic/rieng", {"action": "unmark"}, page=CONSOLE)
    assert unmarked.status_code == 302
    assert _practice_ids(app) == ["Q-0002", "Q-0004"]


def test_console_refuses_to_break_an_open_round(app: Flask, client, login_staff, make_round):
    make_round(bank_size=30, quotas=(Quota(15, "chung"),), question_count=15)
    login_staff("organiser")
    refused = post_form(client, f"{CONSOLE}topic/chung", {"action": "mark"}, page=CONSOLE)
    page = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "Không thể đánh dấu luyện tập" in page and "Đợt «Đợt thử»" in page
    assert "cần 15 câu nhưng ngân hàng chỉ còn 0 câu" in page
    by_ids = {"ids": "Q-0001 Q-0002", "reason": "", "action": "mark"}
    page = post_form(client, f"{CONSOLE}questions", by_ids, page=CONSOLE).get_data(as_text=True)
    assert "Đợt «Đợt thử» (Cuộc thi thử, đang mở)" in page and "Chưa thay đổi gì." in page
    assert "Q-0001 Q-0002" in page  # the organiser's input is kept for correction
    assert _practice_ids(app) == [] and _practice_log(app) == []
    allowed = post_form(client, f"{CONSOLE}topic/rieng", {"action": "mark"}, page=CONSOLE)
    assert allowed.status_code == 302 and len(_practice_ids(app)) == 15


def test_console_explains_unknown_ids(app: Flask, client, login_staff, make_bank):
    make_bank(4)
    login_staff("organiser")
    by_ids = {"ids": "Q-0001, Q-9999", "reason": "", "action": "mark"}
    page = post_form(client, f"{CONSOLE}questions", by_ids, page=CONSOLE).get_data(as_text=True)
    assert "Không có câu hỏi đang dùng với mã: Q-9999" in page
    assert _practice_ids(app) == []


def test_console_is_for_staff_only(client, login_participant):
    assert "/staff/login" in client.get(CONSOLE).headers["Location"]
    login_participant()
    assert client.get(CONSOLE).status_code == 403


def test_an_empty_practice_set_shows_a_friendly_page(client: FlaskClient, make_bank):
    make_bank(4)
    page = client.get("/luyen-tap").get_data(as_text=True)
    assert "Chưa có câu hỏi luyện tập" in page and "các đợt thi" in page
    started = client.get("/luyen-tap/ngau-nhien")
    assert started.headers["Location"] == "/luyen-tap"
    page = client.get("/luyen-tap").get_data(as_text=True)
    assert "hiện chưa có câu hỏi luyện tập" in page


def _question_page(client: FlaskClient) -> tuple[str, int, str, str]:
    """The page of the current question: its html, number i, form id and CSRF token."""
    html = client.get("/luyen-tap/cau").get_data(as_text=True)
    number = int(re.search(r"Câu hỏi thử số (\d+)\?", html).group(1))
    form_id = re.search(r'name="q" value="(\d+)"', html).group(1)
    return html, number, form_id, csrf_from(client, "/luyen-tap/cau")


def _send(client: FlaskClient, form_id: str, token: str, **data: str):
    return client.post("/luyen-tap/cau", data={"csrf_token": token, "q": form_id, **data})


def test_practice_without_an_account_writes_nothing(app: Flask, client, make_bank):
    make_bank(4, shuffle=False)
    _mark_topic(app, "chung")  # Q-0002 (key C) and Q-0004 (key A)
    before = _row_counts(app)
    index = client.get("/luyen-tap").get_data(as_text=True)
    assert "Chủ đề chung" in index and "Chủ đề rieng" not in index and "2 câu" in index
    assert client.get("/luyen-tap/chung").headers["Location"] == "/luyen-tap/cau"

    html, number, form_id, token = _question_page(client)
    assert "Câu 1/2" in html and f"Giải thích {number}." not in html
    assert _send(client, form_id, token, choice=str(number % 4), action="answer").status_code == 302
    html = client.get("/luyen-tap/cau").get_data(as_text=True)
    assert "Chính xác!" in html and "(đáp án đúng)" in html and "Câu tiếp theo" in html
    assert f"Giải thích {number}." in html and f"Căn cứ:</strong> Điều {number}" in html
    _send(client, form_id, token, action="next")

    html, number, form_id, token = _question_page(client)
    assert "Câu 2/2" in html and "Đúng 1/1" in html
    wrong = (number + 1) % 4
    _send(client, form_id, token, choice=str(wrong), action="answer")
    html = client.get("/luyen-tap/cau").get_data(as_text=True)
    assert f"Chưa đúng.</strong> Đáp án đúng là {'ABCD'[number % 4]}." in html
    assert f"Giải thích {number}." in html and "Xem kết quả" in html
    assert _send(client, form_id, token, action="next").headers["Location"] == "/luyen-tap/ket-qua"

    summary = client.get("/luyen-tap/ket-qua").get_data(as_text=True)
    assert "<strong>1/2</strong> câu đúng" in summary
    assert 'href="/luyen-tap/chung">Luyện tập lại' in summary
    assert _row_counts(app) == before


def test_answers_need_a_choice_and_count_once(app: Flask, client, make_bank):
    make_bank(2, shuffle=False)
    _mark_topic(app, "rieng")  # Q-0001 only: key B
    client.get("/luyen-tap/rieng")
    _, _, form_id, token = _question_page(client)
    _send(client, form_id, token, action="answer")
    assert "Vui lòng chọn một phương án." in client.get("/luyen-tap/cau").get_data(as_text=True)
    _send(client, form_id, token, choice="1", action="answer")
    _send(client, form_id, token, choice="0", action="answer")  # a second try does not count
    assert "Đúng 1/1" in client.get("/luyen-tap/cau").get_data(as_text=True)


def test_a_non_practice_question_forged_into_the_session_is_refused(app: Flask, client, make_bank):
    make_bank(4)
    _mark_topic(app, "rieng")
    secret = _version_id(app, "Q-0002")  # topic chung: not practice
    forged = {"key": "chung", "ids": [secret], "orders": ["0123"], "pos": 0}
    for state in (forged | {"results": "", "last": None}, forged | {"results": "1", "last": 2}):
        with client.session_transaction() as session:
            session["practice"] = state
        refused = client.get("/luyen-tap/cau")
        assert refused.headers["Location"] == "/luyen-tap"
        page = client.get("/luyen-tap").get_data(as_text=True)
        assert "không còn trong bộ câu luyện tập" in page
        assert "Câu hỏi thử số 2?" not in page and "Giải thích 2." not in page
        with client.session_transaction() as session:
            assert "practice" not in session


def test_a_non_practice_question_forged_into_the_form_is_refused(app: Flask, client, make_bank):
    make_bank(4)
    _mark_topic(app, "rieng")
    client.get("/luyen-tap/rieng")
    _, number, _, token = _question_page(client)
    secret = str(_version_id(app, "Q-0002"))
    refused = _send(client, secret, token, choice="0", action="answer")
    assert refused.headers["Location"] == "/luyen-tap/cau"
    html = client.get("/luyen-tap/cau").get_data(as_text=True)
    assert "không phải câu đang làm" in html and f"Câu hỏi thử số {number}?" in html
    assert "Giải thích 2." not in html and "Đúng 0/0" in html


def test_a_question_unmarked_during_a_run_is_no_longer_shown(app: Flask, client, make_bank):
    make_bank(4)
    _mark_topic(app, "rieng")
    client.get("/luyen-tap/rieng")
    _, number, form_id, token = _question_page(client)
    _mark_topic(app, "rieng", marked=False)
    answered = _send(client, form_id, token, choice="0", action="answer")
    assert answered.headers["Location"] == "/luyen-tap"
    page = client.get("/luyen-tap").get_data(as_text=True)
    assert f"Giải thích {number}." not in page and "Chưa có câu hỏi luyện tập" in page


def test_shuffled_choices_follow_the_order_kept_in_the_cookie(app: Flask, client, make_bank):
    make_bank(60, shuffle=True)
    _mark_topic(app, "chung")
    started = client.get("/luyen-tap/chung")
    assert len(started.headers["Set-Cookie"]) < 1500  # 20 questions still fit a small cookie
    with client.session_transaction() as session:
        state = session["practice"]
    assert len(state["ids"]) == 20 and any(o != "0123" for o in state["orders"])
    html, number, form_id, token = _question_page(client)
    order = [int(i) for i in state["orders"][0]]
    shown = re.findall(r'<span class="choice-text">([^<]+)</span>', html)
    assert shown == [
        [f"Đúng {number}", f"Sai một {number}", f"Sai hai {number}", f"Sai ba {number}"][i]
        for i in order
    ]
    correct = order.index(number % 4)
    _send(client, form_id, token, choice=str(correct), action="answer")
    assert "Chính xác!" in client.get("/luyen-tap/cau").get_data(as_text=True)


def test_the_nav_links_to_practice(client, login_staff) -> None:
    assert 'href="/luyen-tap">Luyện tập</a>' in client.get("/").get_data(as_text=True)
    login_staff("organiser")
    assert "Bộ câu luyện tập" in client.get("/console/").get_data(as_text=True)
