"""The public board: masked, cached, and a frozen board leaks nothing newer anywhere."""

import html
import re
from datetime import timedelta
from urllib.parse import unquote
from xml.etree import ElementTree

from flask import Flask
from sqlalchemy import event as sqlalchemy_event

from quizapp.extensions import db
from quizapp.models import Participant, Round
from quizapp.services import attempts
from tests.conftest import FIXED_NOW, TEST_PASSWORD, ApiClient, post_form


def _finish(app: Flask, round_id: int, person, now, correct: int = 0) -> None:
    with app.app_context():
        r, p = db.session.get(Round, round_id), db.session.get(Participant, person.id)
        attempt = attempts.start_attempt(p, r, now).attempt
        for item in attempt.items[:correct]:
            attempts.save_answer(
                p,
                attempt.id,
                item.position,
                item.choice_order.index(item.version.correct_index),
                now,
            )
        attempts.submit_attempt(p, attempt.id, now + timedelta(seconds=30))
        db.session.commit()


def test_board_masks_personal_data(app, client, make_round, make_participant, clock) -> None:
    rnd = make_round(question_count=5, show_score_after_submit=True)
    person = make_participant(
        full_name="Nguyễn Văn Tài", phone="0912345123", cccd="079090001234", birth_year=1977
    )
    _finish(app, rnd.id, person, FIXED_NOW, correct=4)
    page = client.get(f"/dot-thi/{rnd.id}/bang-xep-hang").get_data(as_text=True)
    assert "Nguyễn Văn Tài" in page and "09xx xxx 123" in page
    assert "0912345123" not in page and "079090001234" not in page and "1977" not in page
    data = client.get(f"/api/v1/rounds/{rnd.id}/leaderboard").get_json()
    assert data["top"][0]["phone"] == "09xx xxx 123" and data["participants"] == 1
    assert "0912345123" not in str(data)


def test_a_frozen_board_leaks_nothing_newer(
    app, client, make_round, make_participant, make_staff, clock
) -> None:
    rnd = make_round(question_count=5, show_score_after_submit=True)
    early, late = make_participant(full_name="Người Sớm"), make_participant(full_name="Người Muộn")
    _finish(app, rnd.id, early, FIXED_NOW, correct=1)
    organiser = app.test_client()
    login = make_staff("organiser")
    post_form(
        organiser, "/staff/login", {"username": login.user.username, "password": login.password}
    )
    clock.advance(minutes=5)
    frozen = post_form(
        organiser, f"/console/rounds/{rnd.id}/freeze", {}, page=f"/console/rounds/{rnd.id}"
    )
    assert frozen.status_code == 302
    with app.app_context():
        assert db.session.get(Round, rnd.id).board_frozen_at == clock.now
    clock.advance(minutes=5)
    _finish(app, rnd.id, late, clock.now, correct=5)

    pages = [
        client.get(f"/dot-thi/{rnd.id}/bang-xep-hang").get_data(as_text=True),
        str(client.get(f"/api/v1/rounds/{rnd.id}/leaderboard").get_json()),
    ]
    for body in pages:
        assert "Người Sớm" in body and "Người Muộn" not in body
    assert client.get(f"/api/v1/rounds/{rnd.id}/leaderboard").get_json()["participants"] == 1
    # The latecomer's own rank page also answers as of the freeze.
    latecomer = app.test_client()
    ApiClient(latecomer).call(
        "POST", "/api/v1/login", {"phone": late.phone, "password": TEST_PASSWORD}
    )
    mine = latecomer.get(f"/dot-thi/{rnd.id}/thu-hang").get_data(as_text=True)
    assert "Bạn chưa có bài thi đã nộp trong đợt này (tính đến lúc bảng đóng băng)" in mine

    post_form(
        organiser,
        f"/console/rounds/{rnd.id}/unfreeze",
        {"reason": "công bố"},
        page=f"/console/rounds/{rnd.id}",
    )
    body = client.get(f"/dot-thi/{rnd.id}/bang-xep-hang").get_data(as_text=True)
    assert "Người Muộn" in body


def test_board_is_cached_briefly(app, client, make_round, make_participant, clock) -> None:
    rnd = make_round(question_count=5, show_score_after_submit=True)
    first = make_participant(full_name="Người Một")
    _finish(app, rnd.id, first, FIXED_NOW)
    client.get(f"/dot-thi/{rnd.id}/bang-xep-hang")
    second = make_participant(full_name="Người Hai")
    _finish(app, rnd.id, second, FIXED_NOW + timedelta(minutes=1))
    cached = client.get(f"/dot-thi/{rnd.id}/bang-xep-hang").get_data(as_text=True)
    assert "Người Hai" not in cached
    with app.app_context():
        from quizapp.extensions import cache

        cache.clear()
    fresh = client.get(f"/dot-thi/{rnd.id}/bang-xep-hang").get_data(as_text=True)
    assert "Người Hai" in fresh


def test_my_rank_explains_the_difference(
    app, client, make_round, make_participant, login_participant, clock
) -> None:
    rnd = make_round(question_count=5, show_score_after_submit=True)
    leader = make_participant()
    _finish(app, rnd.id, leader, FIXED_NOW, correct=3)
    me = login_participant()
    _finish(app, rnd.id, me, FIXED_NOW + timedelta(minutes=1), correct=1)
    page = client.get(f"/dot-thi/{rnd.id}/thu-hang").get_data(as_text=True)
    assert "Hạng <strong>2</strong>" in page and "số câu đúng" in page


def _qr_svg_root(page: str) -> ElementTree.Element:
    """The share page's QR image parsed as the standalone SVG a browser sees: without its
    xmlns the root is a plain <svg> and browsers draw nothing."""
    match = re.search(r'<img src="data:image/svg\+xml;charset=utf-8,([^"]+)" alt="Mã QR', page)
    assert match, "no QR image on the page"
    return ElementTree.fromstring(unquote(html.unescape(match.group(1))))


def test_share_page_poster_and_short_link(
    client, make_round, make_organisation, make_ward, clock
) -> None:
    rnd = make_round()
    ward = make_ward(code="an-nhon", name="Phường An Nhơn")
    make_organisation(ward=ward, code="thcs-a", name="Trường THCS A", headcount=50)
    page = client.get("/chia-se/don-vi/thcs-a").get_data(as_text=True)
    assert "Trường THCS A" in page
    assert _qr_svg_root(page).tag == "{http://www.w3.org/2000/svg}svg"
    assert "/d/thcs-a" in page and "0</strong> người đã tham gia trên tổng số 50" in page
    assert client.get("/chia-se/don-vi/thcs-a/ap-phich").status_code == 200
    assert client.get("/chia-se/phuong/an-nhon").status_code == 200
    assert client.get("/chia-se/phuong/khong-co").status_code == 404
    short = client.get("/d/thcs-a")  # one round open: registering leads back to it
    assert short.status_code == 302
    assert short.headers["Location"] == f"/dang-ky?don-vi=thcs-a&next=/dot-thi/{rnd.id}"


def test_the_polled_board_is_served_from_the_cache_and_dropped_at_a_freeze(
    app, client, make_round, make_participant, make_staff, clock
) -> None:
    rnd = make_round(question_count=5, show_score_after_submit=True)
    url = f"/api/v1/rounds/{rnd.id}/leaderboard"
    early, late = make_participant(full_name="Người Sớm"), make_participant(full_name="Người Muộn")
    _finish(app, rnd.id, early, FIXED_NOW, correct=1)
    assert client.get(url).get_json()["frozen_at"] is None
    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    sqlalchemy_event.listen(engine, "before_cursor_execute", listen)
    try:
        again = client.get(url)
    finally:
        sqlalchemy_event.remove(engine, "before_cursor_execute", listen)
    # A poll costs one primary-key read of the round (its freeze moment), nothing else.
    queries = [q for q in statements if not q.startswith("BEGIN")]
    assert again.status_code == 200 and len(queries) == 1 and "FROM rounds" in queries[0]
    live_body = again.data

    organiser = app.test_client()
    login = make_staff("organiser")
    post_form(
        organiser, "/staff/login", {"username": login.user.username, "password": login.password}
    )
    clock.advance(minutes=5)
    post_form(organiser, f"/console/rounds/{rnd.id}/freeze", {}, page=f"/console/rounds/{rnd.id}")
    clock.advance(minutes=1)
    _finish(app, rnd.id, late, clock.now, correct=5)
    frozen = client.get(url).get_json()
    assert frozen["frozen_at"] is not None and "Người Muộn" not in str(frozen)
    # Another worker's cache still holds the body served before the freeze: never served again.
    with app.app_context():
        from quizapp.extensions import cache

        cache.set(f"board:{rnd.id}:served:live:1", live_body, timeout=30)
    assert client.get(url).get_json() == frozen

    post_form(
        organiser,
        f"/console/rounds/{rnd.id}/unfreeze",
        {"reason": "mở lại"},
        page=f"/console/rounds/{rnd.id}",
    )
    assert "Người Muộn" in str(client.get(url).get_json())  # not the frozen body kept 30 s


def test_the_polled_board_of_an_unknown_or_draft_round_is_not_found(client, make_round) -> None:
    draft = make_round(status="draft")
    for round_id in (draft.id, draft.id + 1000):
        assert client.get(f"/api/v1/rounds/{round_id}/leaderboard").status_code == 404
