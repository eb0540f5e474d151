"""A resident registers and takes a round through plain pages (no JavaScript)."""

import re

from flask import Flask

from quizapp.extensions import db
from quizapp.models import Participant
from tests.conftest import TEST_PASSWORD, csrf_from, post_form
from tests.helpers import finalise


def _register(client, ward_id: int, **overrides) -> object:
    data = {
        "full_name": "Phạm Thị Hoa",
        "phone": "0987 654 321",
        "password": "matkhau123",
        "birth_year": "1992",
        "ward_id": str(ward_id),
        "group": "resident",
        "organisation_id": "0",
        "cccd": "",
        "consent": "y",
    } | overrides
    return post_form(client, "/dang-ky", data)


def test_register_take_and_submit_a_round_without_javascript(
    app: Flask, client, make_ward, make_round, clock
) -> None:
    ward = make_ward(name="Phường Thông Tây Hội")
    rnd = make_round(question_count=3)
    response = _register(client, ward.id)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        person = db.session.scalar(db.select(Participant))
        assert (person.phone, person.full_name, person.consent_at) == (
            "0987654321",
            "Phạm Thị Hoa",
            clock.now,
        )

    page = client.get(f"/dot-thi/{rnd.id}").get_data(as_text=True)
    assert "Thể lệ" in page and "Mỗi lượt thi gồm 3 câu hỏi" in page
    started = post_form(client, f"/dot-thi/{rnd.id}/bat-dau", {}, page=f"/dot-thi/{rnd.id}")
    attempt_url = started.headers["Location"]
    attempt_id = int(attempt_url.rsplit("/", 1)[1])
    for position in (1, 2, 3):
        html = client.get(f"{attempt_url}?cau={position}").get_data(as_text=True)
        assert f"Câu {position}/3" in html
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        data = {"csrf_token": token, "choice": "0", "go": "next"}
        if position == 2:
            data = {"csrf_token": token, "flagged": "1", "go": "next"}  # skipped, flagged
        saved = client.post(f"/luot-thi/{attempt_id}/cau/{position}", data=data)
        assert saved.status_code == 302
    review = client.get(f"/luot-thi/{attempt_id}/nop").get_data(as_text=True)
    assert "Câu chưa trả lời (1)" in review and "Câu đã đánh dấu (1)" in review
    clock.advance(seconds=42)
    submitted = post_form(client, f"/luot-thi/{attempt_id}/nop", {})
    result = client.get(submitted.headers["Location"]).get_data(as_text=True)
    # Two attempts allowed: no score until the result is final (no probing the key).
    assert "Bài thi đã được ghi nhận" in result and "câu đúng" not in result
    assert "42,0 giây" in result and "khi đợt thi kết thúc" in result
    mine = client.get("/cua-toi").get_data(as_text=True)
    assert "(được tính)" not in mine and "Công bố sau khi đợt thi kết thúc" in mine
    clock.advance(days=2)
    finalise(app, rnd.id, clock.now)
    result = client.get(submitted.headers["Location"]).get_data(as_text=True)
    assert re.search(r"\d/3</strong> câu đúng", result) and "Đáp án và giải thích" in result
    assert "(được tính)" in client.get("/cua-toi").get_data(as_text=True)


def test_registration_errors_are_shown_in_vietnamese_and_nothing_is_saved(
    app: Flask, client, make_ward, make_participant
) -> None:
    ward = make_ward()
    make_participant(phone="0987654321")
    response = _register(client, ward.id)
    assert "Số điện thoại này đã được đăng ký" in response.get_data(as_text=True)
    response = _register(client, ward.id, phone="0123", consent="")
    page = response.get_data(as_text=True)
    assert "Số điện thoại di động không hợp lệ" in page
    response = _register(client, ward.id, phone="0911111111", consent="")
    assert "Bạn cần đồng ý với việc xử lý dữ liệu cá nhân" in response.get_data(as_text=True)
    response = _register(client, ward.id, phone="0911111111", cccd="123")
    assert "12 chữ số" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Participant.id))) == 1


def test_share_link_preselects_ward_and_organisation(client, make_organisation, make_ward) -> None:
    ward = make_ward(code="an-nhon", name="Phường An Nhơn")
    org = make_organisation(ward=ward, code="truong-a", name="Trường A")
    page = client.get("/dang-ky?don-vi=truong-a").get_data(as_text=True)
    assert f'<option selected value="{org.id}">Trường A</option>' in page
    assert f'<option selected value="{ward.id}">Phường An Nhơn</option>' in page


def test_login_logout_and_participant_only_pages(client, make_participant, make_round) -> None:
    person = make_participant()
    assert client.get("/cua-toi").status_code == 302
    response = post_form(client, "/dang-nhap", {"phone": person.phone, "password": "sai"})
    assert "Số điện thoại hoặc mật khẩu không đúng." in response.get_data(as_text=True)
    response = post_form(client, "/dang-nhap", {"phone": person.phone, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get("/cua-toi").status_code == 200
    post_form(client, "/dang-xuat", {}, page="/cua-toi")
    assert client.get("/cua-toi").status_code == 302


def test_staff_cannot_take_rounds(client, login_staff, make_round) -> None:
    rnd = make_round()
    login_staff("organiser")
    token = csrf_from(client, "/console/")
    assert client.post(f"/dot-thi/{rnd.id}/bat-dau", data={"csrf_token": token}).status_code == 403


def test_anonymous_start_comes_back_to_the_round_page_after_sign_in(client, make_round) -> None:
    rnd = make_round()
    token = csrf_from(client, "/dang-nhap")  # e.g. a session that expired meanwhile
    response = client.post(
        f"/dot-thi/{rnd.id}/bat-dau",
        data={"csrf_token": token},
        headers={"Referer": f"http://localhost/dot-thi/{rnd.id}"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/dang-nhap?next=/dot-thi/{rnd.id}"
