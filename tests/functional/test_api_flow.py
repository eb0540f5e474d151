"""The participant flow through /api/v1, and its refusals as JSON with stable codes."""

from datetime import timedelta

import pytest
from flask import Flask

from quizapp.extensions import db
from quizapp.models import Attempt, Round, StaffUser, Ward
from quizapp.services import lifecycle, publication
from tests.conftest import ApiClient
from tests.helpers import finalise


def _ward(app: Flask, make_ward) -> int:
    return make_ward(name="Phường An Nhơn").id


def test_register_start_answer_submit_result(
    app, api: ApiClient, make_round, make_ward, clock
) -> None:
    rnd = make_round(question_count=5, prediction_kind="entries")
    ward_id = _ward(app, make_ward)
    response = api.call(
        "POST",
        "/api/v1/register",
        {
            "full_name": "  Trần  Thị Bình ",
            "phone": "+84 912 000 111",
            "password": "matkhau123",
            "birth_year": 1985,
            "ward_id": ward_id,
            "group": "civil_servant",
            "consent": True,
        },
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["full_name"] == "Trần Thị Bình"
    assert api.get("/api/v1/me").get_json()["ward"] == "Phường An Nhơn"

    started = api.call("POST", f"/api/v1/rounds/{rnd.id}/attempts")
    assert started.status_code == 201
    state = started.get_json()
    assert state["remaining_seconds"] == 600 and len(state["questions"]) == 5
    attempt_id = state["id"]
    clock.advance(seconds=20)
    saved = api.call("PUT", f"/api/v1/attempts/{attempt_id}/answers/1", {"choice": 1})
    assert saved.status_code == 200 and saved.get_json()["remaining_seconds"] == 580
    flagged = api.call("PUT", f"/api/v1/attempts/{attempt_id}/answers/2", {"flagged": True})
    assert flagged.status_code == 200
    resumed = api.call("POST", f"/api/v1/rounds/{rnd.id}/attempts")
    assert resumed.status_code == 200 and resumed.get_json()["resumed"] is True
    questions = resumed.get_json()["questions"]
    assert questions[0]["answer"] == 1 and questions[1]["flagged"] is True

    missing = api.call("POST", f"/api/v1/attempts/{attempt_id}/submit", {})
    assert missing.status_code == 400 and missing.get_json()["error"]["code"] == (
        "prediction_required"
    )
    done = api.call("POST", f"/api/v1/attempts/{attempt_id}/submit", {"prediction": 40})
    assert done.status_code == 200
    result = done.get_json()
    assert result["finished"] and result["time_used_ms"] == 20_000
    assert result["key_revealed"] is False and result["review"] == []
    assert result["score"] is None and result["score_shown"] is False  # two attempts allowed
    twice = api.call("POST", f"/api/v1/attempts/{attempt_id}/submit", {"prediction": 99})
    assert twice.get_json()["prediction"] == 40
    late = api.call("PUT", f"/api/v1/attempts/{attempt_id}/answers/3", {"choice": 0})
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "attempt_finished"
    assert api.get("/api/v1/me/attempts").get_json()["items"][0]["counted_attempt"] is None

    clock.advance(days=2)
    still_open = api.get(f"/api/v1/attempts/{attempt_id}/result").get_json()
    assert still_open["key_revealed"] is False  # closed by the clock, not yet final
    finalise(app, rnd.id, clock.now)
    revealed = api.get(f"/api/v1/attempts/{attempt_id}/result").get_json()
    assert revealed["key_revealed"] is True and len(revealed["review"]) == 5
    assert revealed["score"] is not None
    assert all("correct" in q and q["explanation"] for q in revealed["review"])
    mine = api.get("/api/v1/me/attempts").get_json()
    assert mine["items"][0]["counted_attempt"] == attempt_id and mine["total"] == 1


def test_duplicate_phone_is_a_conflict_with_a_clear_message(
    app, api, make_ward, make_participant
) -> None:
    make_participant(phone="0912000222")
    ward_id = _ward(app, make_ward)
    response = api.call(
        "POST",
        "/api/v1/register",
        {
            "full_name": "Lê Văn C",
            "phone": "0912 000 222",
            "password": "matkhau123",
            "birth_year": 1990,
            "ward_id": ward_id,
            "group": "resident",
            "consent": True,
        },
    )
    assert response.status_code == 409
    assert response.get_json()["error"] == {
        "code": "phone_taken",
        "message": "Số điện thoại này đã được đăng ký. Hãy đăng nhập.",
        "field": "phone",
    }


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (None, 400, "bad_json"),
        ([1, 2], 400, "bad_json"),
        ({"full_name": "A"}, 400, "missing_field"),
        (
            {
                "full_name": 5,
                "phone": "0912000333",
                "password": "matkhau123",
                "birth_year": 1990,
                "ward_id": 1,
                "group": "resident",
                "consent": True,
            },
            400,
            "bad_field",
        ),
        (
            {
                "full_name": "Ngô Văn D",
                "phone": "0912000333",
                "password": "matkhau123",
                "birth_year": True,
                "ward_id": 1,
                "group": "resident",
                "consent": True,
            },
            400,
            "bad_field",
        ),
        (
            {
                "full_name": "Ngô Văn D",
                "phone": "12345",
                "password": "matkhau123",
                "birth_year": 1990,
                "ward_id": 1,
                "group": "resident",
                "consent": True,
            },
            400,
            "invalid",
        ),
        (
            {
                "full_name": "Ngô Văn D",
                "phone": "0912000333",
                "password": "matkhau123",
                "birth_year": 1990,
                "ward_id": 1,
                "group": "resident",
                "consent": False,
            },
            400,
            "invalid",
        ),
    ],
)
def test_malformed_registration_is_a_400(app, api, make_ward, body, status, code) -> None:
    make_ward()
    response = api.call("POST", "/api/v1/register", body)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Ward.id))) == 1


def test_refusals_of_the_attempt_flow(app, api, make_round, login_participant, clock) -> None:
    draft = make_round(status="draft")
    login_participant()
    response = api.call("POST", f"/api/v1/rounds/{draft.id}/attempts")
    assert response.status_code == 404  # drafts are invisible
    rnd = make_round(max_attempts=1)
    attempt = api.call("POST", f"/api/v1/rounds/{rnd.id}/attempts").get_json()
    for body in ({"choice": "A"}, {"choice": True}, {}, {"choice": 9}):
        bad = api.call("PUT", f"/api/v1/attempts/{attempt['id']}/answers/1", body)
        assert bad.status_code == 400, body
    assert (
        api.call("PUT", f"/api/v1/attempts/{attempt['id']}/answers/42", {"choice": 0}).status_code
        == 404
    )
    api.call("POST", f"/api/v1/attempts/{attempt['id']}/submit", {})
    limit = api.call("POST", f"/api/v1/rounds/{rnd.id}/attempts")
    assert limit.status_code == 409 and limit.get_json()["error"]["code"] == "attempt_limit"
    clock.advance(days=3)
    closed = api.call("POST", f"/api/v1/rounds/{rnd.id}/attempts")
    assert closed.get_json()["error"]["code"] == "round_closed"


def test_another_participants_attempt_is_404_without_detail(
    app, client, make_round, make_participant, clock
) -> None:
    from tests.conftest import TEST_PASSWORD

    rnd = make_round()
    owner, other = make_participant(), make_participant()
    first = ApiClient(client)
    first.call("POST", "/api/v1/login", {"phone": owner.phone, "password": TEST_PASSWORD})
    attempt_id = first.call("POST", f"/api/v1/rounds/{rnd.id}/attempts").get_json()["id"]
    second = ApiClient(app.test_client())
    second.call("POST", "/api/v1/login", {"phone": other.phone, "password": TEST_PASSWORD})
    for method, url, body in (
        ("GET", f"/api/v1/attempts/{attempt_id}", None),
        ("PUT", f"/api/v1/attempts/{attempt_id}/answers/1", {"choice": 0}),
        ("POST", f"/api/v1/attempts/{attempt_id}/submit", {}),
        ("GET", f"/api/v1/attempts/{attempt_id}/result", None),
    ):
        response = second.call(method, url, body)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "attempt_not_found"
        assert (
            response.get_json()
            == second.call(
                method,
                "/api/v1/attempts/999999" + url[len(f"/api/v1/attempts/{attempt_id}") :],
                body,
            ).get_json()
        )


def test_state_changing_calls_need_the_csrf_header(client, make_round, login_participant) -> None:
    rnd = make_round()
    login_participant()
    response = client.post(f"/api/v1/rounds/{rnd.id}/attempts")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "csrf"


def test_anonymous_calls_get_401(api, make_round) -> None:
    rnd = make_round()
    response = api.call("POST", f"/api/v1/rounds/{rnd.id}/attempts")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "login_required"


def test_openapi_document_lists_every_api_route(app, client) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    documented = {"/api/v1" + path for path in document["paths"]}
    routes = {
        str(rule).replace("<int:", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if str(rule).startswith("/api/v1/") and not str(rule).endswith(("openapi.json", "/docs"))
    }
    assert routes == documented


def test_public_reads(api, make_round, clock) -> None:
    rnd = make_round()
    rounds = api.get("/api/v1/rounds").get_json()["items"]
    assert [r["id"] for r in rounds] == [rnd.id]
    detail = api.get(f"/api/v1/rounds/{rnd.id}").get_json()
    assert detail["rules"] and detail["state"] == "open"
    assert api.get("/api/v1/rounds/9999").status_code == 404


def test_a_short_round_closes_under_the_attempt(
    app, api, make_round, login_participant, clock
) -> None:
    """The round closes under the attempt: the server finishes it with its saved answers."""
    rnd = make_round(
        opens_at=clock.now - timedelta(minutes=1),
        closes_at=clock.now + timedelta(seconds=2),
        grace_seconds=1,
    )
    login_participant()
    state = api.call("POST", f"/api/v1/rounds/{rnd.id}/attempts").get_json()
    assert state["remaining_seconds"] == 2
    saved = api.call("PUT", f"/api/v1/attempts/{state['id']}/answers/1", {"choice": 0})
    assert saved.status_code == 200
    clock.advance(seconds=3.2)
    late = api.call("PUT", f"/api/v1/attempts/{state['id']}/answers/2", {"choice": 0})
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "round_closed"
    finished = api.get(f"/api/v1/attempts/{state['id']}").get_json()
    assert finished["finished"] is True and finished["answered"] == 1
    result = api.get(f"/api/v1/attempts/{state['id']}/result").get_json()
    assert result["finish_reason"] == "timeout" and result["key_revealed"] is False
    finalise(app, rnd.id, clock.now)
    result = api.get(f"/api/v1/attempts/{state['id']}/result").get_json()
    assert result["key_revealed"] is True


def test_an_early_close_ends_the_attempt_in_progress(
    app, api, make_round, login_participant, make_staff, clock
) -> None:
    """Issue 12's acceptance: start, the organiser closes early, then save and submit get 409;
    the attempt is finished with its pre-close answers and nothing changes after publication."""
    rnd = make_round(question_count=5)
    login_participant()
    attempt_id = api.call("POST", f"/api/v1/rounds/{rnd.id}/attempts").get_json()["id"]
    for position in (1, 2):
        saved = api.call("PUT", f"/api/v1/attempts/{attempt_id}/answers/{position}", {"choice": 0})
        assert saved.status_code == 200
    clock.advance(minutes=3)
    staff = make_staff("organiser").user.id
    with app.app_context():
        organiser, rnd_row = db.session.get(StaffUser, staff), db.session.get(Round, rnd.id)
        lifecycle.close_round(organiser, rnd_row, clock.now, "sự cố đường truyền", confirmed=True)
        db.session.commit()
    clock.advance(seconds=5)
    late = api.call("PUT", f"/api/v1/attempts/{attempt_id}/answers/3", {"choice": 0})
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "round_closed"
    assert "Đợt thi đã kết thúc lúc" in late.get_json()["error"]["message"]
    submitted = api.call("POST", f"/api/v1/attempts/{attempt_id}/submit", {})
    assert submitted.status_code == 409
    state = api.get(f"/api/v1/attempts/{attempt_id}").get_json()
    assert state["finished"] is True and state["answered"] == 2
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        before = (attempt.submitted_at, attempt.score, attempt.finish_reason)
        assert attempt.finish_reason == "closed" and attempt.submitted_at == clock.now - timedelta(
            seconds=5
        )
    finalise(app, rnd.id, clock.now)
    with app.app_context():
        organiser, rnd_row = db.session.get(StaffUser, staff), db.session.get(Round, rnd.id)
        publication.publish(organiser, rnd_row, clock.now, confirmed=True)
        db.session.commit()
    clock.advance(minutes=1)
    again = api.call("PUT", f"/api/v1/attempts/{attempt_id}/answers/4", {"choice": 0})
    assert again.status_code == 409
    assert api.call("POST", f"/api/v1/attempts/{attempt_id}/submit", {}).status_code == 409
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert (attempt.submitted_at, attempt.score, attempt.finish_reason) == before
