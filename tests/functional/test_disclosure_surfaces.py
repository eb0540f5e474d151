"""Every participant and public surface follows the one disclosure rule, and people are told.

The issue's probe: in a two-attempt round whose rules announce scores at the end, the board
(page and API) listed "4/20 câu, 78,2 giây" and /thu-hang "Bài được tính: 4/20 câu đúng"
while the round was open. Here nothing of a score reaches a participant or the public until the
result is final; then the board, the rank page and the entries show it, and once published the
public pages link the publication and the winner is told the prize.
"""

from datetime import timedelta

from flask import Flask

from quizapp.extensions import db
from quizapp.models import Participant, Round, StaffUser
from quizapp.services import attempts, lifecycle, publication
from tests.conftest import FIXED_NOW, TEST_PASSWORD, ApiClient


def _finish(app: Flask, round_id: int, person_id: int, now, correct: int, seconds: int) -> int:
    with app.app_context():
        r, p = db.session.get(Round, round_id), db.session.get(Participant, person_id)
        attempt = attempts.start_attempt(p, r, now).attempt
        for item in attempt.items[:correct]:
            right = item.choice_order.index(item.version.correct_index)
            attempts.save_answer(p, attempt.id, item.position, right, now)
        attempts.submit_attempt(p, attempt.id, now + timedelta(seconds=seconds))
        db.session.commit()
        return attempt.id


def _signed_in(app: Flask, person) -> ApiClient:
    browser = ApiClient(app.test_client())
    assert (
        browser.call(
            "POST", "/api/v1/login", {"phone": person.phone, "password": TEST_PASSWORD}
        ).status_code
        == 200
    )
    return browser


def _surfaces(browser: ApiClient, round_id: int, attempt_id: int) -> dict[str, str]:
    """Every page and API answer a participant or the public reads about the round."""
    anonymous = browser.client.application.test_client()
    return {
        "board": anonymous.get(f"/dot-thi/{round_id}/bang-xep-hang").get_data(as_text=True),
        "board_api": anonymous.get(f"/api/v1/rounds/{round_id}/leaderboard").get_data(as_text=True),
        "rank": browser.get(f"/dot-thi/{round_id}/thu-hang").get_data(as_text=True),
        "mine": browser.get("/cua-toi").get_data(as_text=True),
        "mine_api": browser.get("/api/v1/me/attempts").get_data(as_text=True),
        "result": browser.get(f"/luot-thi/{attempt_id}/ket-qua").get_data(as_text=True),
        "result_api": browser.get(f"/api/v1/attempts/{attempt_id}/result").get_data(as_text=True),
    }


def test_scores_announced_at_the_end_reach_nobody_before_the_result_is_final(
    app, make_round, make_participant, make_staff, clock
) -> None:
    rnd = make_round(question_count=5, max_attempts=2)  # scores at the end: the default
    person = make_participant(full_name="Trần Thị Bình")
    other = make_participant(full_name="Lê Văn Cường")
    mine = _finish(app, rnd.id, person.id, FIXED_NOW, correct=4, seconds=78)
    _finish(app, rnd.id, other.id, FIXED_NOW, correct=2, seconds=50)
    browser = _signed_in(app, person)

    seen = _surfaces(browser, rnd.id, mine)
    for name, body in seen.items():
        assert "4/5" not in body and '"score":4' not in body, name
    for name in ("board", "board_api", "rank"):  # one's own time is no secret to oneself
        assert "78,0" not in seen[name] and "78000" not in seen[name], name
        assert "Trần Thị Bình" not in seen[name] and "Lê Văn Cường" not in seen[name], name
    assert '"scores_shown":false' in seen["board_api"] and '"top":[]' in seen["board_api"]
    assert '"participants":2' in seen["board_api"]
    assert "2</strong> người tham gia" in seen["board"] or "2 người tham gia" in seen["board"]
    assert "Bài được tính" not in seen["rank"] and "Hạng" not in seen["rank"]
    assert "đã được ghi nhận" in seen["rank"]
    assert '"score":null' in seen["mine_api"] and '"counted_attempt":null' in seen["mine_api"]
    assert '"score":null' in seen["result_api"] and '"score_shown":false' in seen["result_api"]
    assert "Thi lượt 2" in seen["mine"] and "Thi lượt 2" in seen["result"]

    # Closed early and under review: still hidden while answers in flight may land.
    staff_id = make_staff("organiser").user.id
    with app.app_context():
        staff, r = db.session.get(StaffUser, staff_id), db.session.get(Round, rnd.id)
        clock.advance(minutes=10)
        lifecycle.close_round(staff, r, clock.now, "đóng sớm", confirmed=True)
        lifecycle.start_review(staff, r, clock.now)
        db.session.commit()
    seen = _surfaces(browser, rnd.id, mine)
    assert all("4/5" not in body for body in seen.values())
    assert "Thi lượt 2" not in seen["mine"]

    clock.advance(minutes=5)  # past the grace window: the result is final
    from quizapp.extensions import cache

    with app.app_context():
        cache.clear()
    seen = _surfaces(browser, rnd.id, mine)
    assert "4/5 câu" in seen["board"] and '"scores_shown":true' in seen["board_api"]
    assert "Hạng <strong>1</strong>" in seen["rank"] and "Bài được tính: 4/5" in seen["rank"]
    assert "4/5" in seen["mine"] and '"score":4' in seen["result_api"]


def test_a_published_round_is_linked_and_its_winner_told(
    app, client, make_round, make_participant, make_staff, clock
) -> None:
    rnd = make_round(question_count=5, max_attempts=1)
    winner = make_participant(full_name="Trần Thị Bình")
    attempt_id = _finish(app, rnd.id, winner.id, FIXED_NOW, correct=5, seconds=60)
    staff_id = make_staff("organiser").user.id
    with app.app_context():
        staff, r = db.session.get(StaffUser, staff_id), db.session.get(Round, rnd.id)
        clock.advance(minutes=10)
        lifecycle.close_round(staff, r, clock.now, "đóng sớm", confirmed=True)
        clock.advance(minutes=5)
        published = publication.publish(staff, r, clock.now, confirmed=True)
        db.session.commit()
        link = f"/ket-qua/cong-bo/{published.id}"
        tier = published.payload["winners"][0]["tier"]
    for page in ("/", "/dot-thi", f"/dot-thi/{rnd.id}", f"/dot-thi/{rnd.id}/bang-xep-hang"):
        assert link in client.get(page).get_data(as_text=True), page
    browser = _signed_in(app, winner)
    for page in ("/cua-toi", f"/luot-thi/{attempt_id}/ket-qua", f"/dot-thi/{rnd.id}/thu-hang"):
        body = browser.get(page).get_data(as_text=True)
        assert f"Bạn đạt {tier}" in body and link in body, page
        assert "Thi lượt" not in body, page
