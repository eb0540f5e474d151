"""Organisers create, open and close rounds; changes that would be unfair are refused."""

from datetime import timedelta

from flask import Flask

from quizapp.domain.round_rules import RoundSettings
from quizapp.extensions import db
from quizapp.models import AuditLog, Round
from quizapp.services import rounds
from quizapp.services.errors import ServiceError
from tests.conftest import FIXED_NOW, post_form

FORM = {
    "contest": "moi",
    "new_contest_title": "Cuộc thi tìm hiểu Luật 2026",
    "title": "Tuần 1",
    "opens_at": "20/11/2026 09:00",
    "closes_at": "27/11/2026 17:00",
    "question_count": "5",
    "time_limit_seconds": "600",
    "max_attempts": "2",
    "quotas": "chung:*:2\n*:khó:1",
    "shuffle_questions": "y",
    "shuffle_choices": "y",
    "prediction_kind": "entries",
    "grace_seconds": "30",
    "prizes": "Giải Nhất: 1\nGiải Nhì: 2",
    "reason": "",
}


def test_create_open_edit_and_close_a_round(
    app: Flask, client, login_staff, make_bank, clock
) -> None:
    make_bank(30)
    login_staff("organiser")
    created = post_form(client, "/console/rounds/new", FORM)
    assert created.status_code == 302, created.get_data(as_text=True)
    url = created.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert "Mỗi lượt thi gồm 5 câu hỏi" in page and "Câu hỏi dự đoán: số lượt dự thi" in page
    with app.app_context():
        rnd = db.session.scalar(db.select(Round))
        assert rnd.opens_at == FIXED_NOW - timedelta(hours=1)  # 09:00 in Vietnam = 02:00 UTC
        assert [(q.topic_id, q.difficulty, q.count) for q in rnd.quotas] == [
            ("chung", None, 2),
            (None, "hard", 1),
        ]

    page = client.get(f"{url}/open").get_data(as_text=True)
    assert "Người dự thi có thể bắt đầu làm bài" in page
    unconfirmed = post_form(client, f"{url}/open", {}, page=f"{url}/open")
    assert unconfirmed.status_code == 400
    assert "Vui lòng xác nhận thao tác." in unconfirmed.get_data(as_text=True)
    opened = post_form(client, f"{url}/open", {"confirm": "y"}, page=f"{url}/open")
    assert "Đã mở đợt thi." in client.get(opened.headers["Location"]).get_data(as_text=True)

    unfair = post_form(client, url, FORM | {"question_count": "10", "reason": "thử"})
    assert unfair.status_code == 200
    assert "Không thể thay đổi số câu hỏi sau khi đợt thi đã mở" in unfair.get_data(as_text=True)
    extended = post_form(
        client,
        url,
        FORM | {"closes_at": "30/11/2026 17:00", "reason": "gia hạn theo đề nghị của phường"},
    )
    assert extended.status_code == 302
    assert "lượt thi đang làm dở sẽ được kết thúc ngay" in client.get(f"{url}/close").get_data(
        as_text=True
    )
    no_reason = post_form(client, f"{url}/close", {"confirm": "y"}, page=f"{url}/close")
    assert no_reason.status_code == 400 and "Vui lòng ghi lý do" in no_reason.get_data(as_text=True)
    closed = post_form(
        client, f"{url}/close", {"reason": "thử đóng sớm", "confirm": "y"}, page=f"{url}/close"
    )
    assert closed.status_code == 302
    with app.app_context():
        rnd = db.session.scalar(db.select(Round))
        assert rnd.status == "closed" and rnd.closes_at == clock.now
        actions = db.session.scalars(db.select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions[-4:] == ["round.create", "round.open", "round.update", "round.close"]


def test_bad_form_values_are_explained(client, login_staff, make_bank) -> None:
    make_bank(10)
    login_staff("organiser")
    page = post_form(client, "/console/rounds/new", FORM | {"opens_at": "mai"}).get_data(
        as_text=True
    )
    assert "Thời điểm không hợp lệ" in page
    page = post_form(client, "/console/rounds/new", FORM | {"quotas": "chung-2"}).get_data(
        as_text=True
    )
    assert "CHỦ_ĐỀ:MỨC_ĐỘ:SỐ_CÂU" in page
    page = post_form(
        client, "/console/rounds/new", FORM | {"closes_at": "01/01/2026 00:00"}
    ).get_data(as_text=True)
    assert "Thời điểm đóng phải sau thời điểm mở." in page


def test_saving_refuses_quotas_the_bank_cannot_meet(app, client, login_staff, make_bank) -> None:
    make_bank(10)
    login_staff("organiser")
    refused = post_form(client, "/console/rounds/new", FORM | {"quotas": "chung:easy:5"})
    assert refused.status_code == 200
    page = refused.get_data(as_text=True)
    assert "Cơ cấu “chủ đề chung, dễ” cần 5 câu nhưng ngân hàng chỉ còn" in page
    error = page.split('id="quotas-loi">')[1].split("</p>")[0]
    assert "hard" not in error and "easy" not in error
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Round.id))) == 0


def test_update_rules_table(app, make_round) -> None:
    rnd = make_round()
    with app.app_context():
        r = db.session.get(Round, rnd.id)
        base = rounds.settings_of(r)
        from dataclasses import replace

        for change, allowed in [
            ({"title": "Tên mới"}, True),
            ({"closes_at": base.closes_at + timedelta(days=1)}, True),
            ({"grace_seconds": 45}, True),
            ({"question_count": 6}, False),
            ({"time_limit_seconds": 601}, False),
            ({"max_attempts": 3}, False),
            ({"prediction_kind": "entries"}, False),
            ({"shuffle_choices": False}, False),
        ]:
            new = replace(rounds.settings_of(r), **change)
            try:
                rounds.update_round(None, r, new, FIXED_NOW)
                outcome = True
            except ServiceError:
                outcome = False
            assert outcome is allowed, change


def test_rounds_console_needs_staff(client) -> None:
    assert client.get("/console/rounds/").status_code == 302


def test_settings_problems_table() -> None:
    from quizapp.domain.round_rules import settings_problems

    ok = RoundSettings("Đợt", FIXED_NOW, FIXED_NOW + timedelta(days=1))
    assert settings_problems(ok) == []
    from dataclasses import replace

    for change in (
        {"title": " "},
        {"closes_at": FIXED_NOW},
        {"question_count": 0},
        {"time_limit_seconds": 5},
        {"max_attempts": 0},
        {"grace_seconds": 500},
    ):
        assert settings_problems(replace(ok, **change)), change


def test_form_messages_are_vietnamese(client, login_staff, make_bank) -> None:
    make_bank(10)
    login_staff("organiser")
    page = post_form(
        client, "/console/rounds/new", FORM | {"question_count": "mười", "ranking_policy": "x"}
    ).get_data(as_text=True)
    assert "Vui lòng nhập một số nguyên." in page and "Lựa chọn không hợp lệ." in page
    assert "Not a valid" not in page


def test_every_round_form_problem_is_shown_at_its_field_at_once(
    app, client, login_staff, make_bank
) -> None:
    make_bank(10)
    login_staff("organiser")
    bad = FORM | {
        "quotas": "chung:de:2\nchu-de-sai:*:1\n*:rất khó:1",
        "prizes": "Giải Nhất: 1\nGiải Nhì - 2",
        "closes_at": "hôm qua",
        "question_count": "0",
    }
    response = post_form(client, "/console/rounds/new", bad)
    assert response.status_code == 200
    page = response.get_data(as_text=True)

    def error(field: str) -> str:
        return page.split(f'id="{field}-loi">')[1].split("</p>")[0]

    assert "Dòng 2: Không có chủ đề mã «chu-de-sai»" in error("quotas")
    assert "Dòng 3: Mức độ «rất khó»" in error("quotas")
    assert "Dòng 1" not in error("quotas")  # «de» is «dễ»
    assert "Dòng 2:" in error("prizes")
    assert "Thời điểm không hợp lệ" in error("closes_at")
    assert "Số câu hỏi phải từ 1" in error("question_count")
    assert "chu-de-sai:*:1" in page  # the form keeps what was typed
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Round.id))) == 0


def test_a_contest_is_chosen_from_the_list_and_created_only_on_purpose(
    app, client, login_staff, make_bank
) -> None:
    make_bank(10)
    login_staff("organiser")
    made = post_form(client, "/console/contests", {"title": "Cuộc thi A"})
    assert made.status_code == 302
    again = post_form(client, "/console/contests", {"title": "cuộc thi a"})
    assert "Đã có cuộc thi" in again.get_data(as_text=True)
    with app.app_context():
        from quizapp.models import Contest

        contest_id = db.session.scalar(db.select(Contest.id))
    form = client.get("/console/rounds/new").get_data(as_text=True)
    assert f'<option selected value="{contest_id}">Cuộc thi A</option>' in form
    unchosen = post_form(client, "/console/rounds/new", FORM | {"contest": ""})
    assert "Vui lòng chọn cuộc thi trong danh sách." in unchosen.get_data(as_text=True)
    unnamed = post_form(client, "/console/rounds/new", FORM | {"new_contest_title": ""})
    assert "Vui lòng nhập tên cuộc thi mới." in unnamed.get_data(as_text=True)
    created = post_form(client, "/console/rounds/new", FORM | {"contest": str(contest_id)})
    assert created.status_code == 302
    listing = client.get("/console/contests").get_data(as_text=True)
    assert "Cuộc thi A" in listing and "Tuần 1" in listing
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Contest.id))) == 1
