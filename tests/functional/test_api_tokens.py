"""Bearer tokens for apps and mini-apps: issued for a password, stored as a hash, listed,
revoked (by the client, a logout, a password reset, a purge), expired, and refused where they
do not belong (HTML pages); token calls need no CSRF, cookie calls still do."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.extensions import db
from quizapp.models import ApiToken, Participant
from quizapp.services import participants
from tests.conftest import FIXED_NOW, TEST_PASSWORD, ApiClient


@pytest.fixture(autouse=True)
def _frozen(clock) -> None:
    """Rounds and expiries are set from FIXED_NOW: every test runs at it."""


def issue(client: FlaskClient, phone: str, label: str = "Zalo mini app") -> dict:
    response = client.post(
        "/api/v1/tokens", json={"phone": phone, "password": TEST_PASSWORD, "label": label}
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def bearer(token: dict | str) -> dict[str, str]:
    secret = token if isinstance(token, str) else token["token"]
    return {"Authorization": f"Bearer {secret}"}


def test_a_token_takes_a_round_without_cookies_or_csrf(
    app: Flask, make_round, make_participant
) -> None:
    rnd, person = make_round(question_count=3), make_participant()
    client = app.test_client(use_cookies=False)
    token = issue(client, person.phone)
    assert token["token_type"] == "Bearer" and token["participant"]["id"] == person.id
    assert client.get("/api/v1/me", headers=bearer(token)).get_json()["id"] == person.id
    started = client.post(f"/api/v1/rounds/{rnd.id}/attempts", headers=bearer(token))
    assert started.status_code == 201, started.get_json()
    attempt_id = started.get_json()["id"]
    saved = client.put(
        f"/api/v1/attempts/{attempt_id}/answers/1", json={"choice": 0}, headers=bearer(token)
    )
    assert saved.status_code == 200
    done = client.post(f"/api/v1/attempts/{attempt_id}/submit", json={}, headers=bearer(token))
    assert done.status_code == 200 and done.get_json()["finished"] is True
    assert "Set-Cookie" not in done.headers


def test_only_a_hash_of_the_token_is_stored(app: Flask, client, make_participant) -> None:
    token = issue(client, make_participant().phone)
    with app.app_context():
        row = db.session.get(ApiToken, token["id"])
        assert row.token_hash == hashlib.sha256(token["token"].encode()).hexdigest()
        assert token["token"] not in {row.token_hash, row.label}
        assert row.expires_at == FIXED_NOW + timedelta(days=30)


def test_a_wrong_password_gets_no_token(client, make_participant) -> None:
    person = make_participant()
    response = client.post("/api/v1/tokens", json={"phone": person.phone, "password": "sai-roi"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "bad_credentials"


@pytest.mark.parametrize(
    "header",
    ["Bearer qz_not-a-token", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 5000],
)
def test_a_bad_authorization_header_is_401_even_with_a_valid_cookie(
    client, login_participant, header: str
) -> None:
    login_participant()
    assert client.get("/api/v1/me").status_code == 200
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "token_invalid"


def test_the_token_names_the_caller_not_the_cookie(
    app: Flask, client, login_participant, make_participant
) -> None:
    login_participant()
    other = make_participant()
    token = issue(app.test_client(), other.phone)
    assert client.get("/api/v1/me", headers=bearer(token)).get_json()["id"] == other.id


def test_list_and_revoke_own_tokens(app: Flask, make_participant) -> None:
    person, stranger = make_participant(), make_participant()
    client = app.test_client(use_cookies=False)
    phone, laptop = issue(client, person.phone, "Điện thoại"), issue(client, person.phone, "Máy")
    theirs = issue(client, stranger.phone)
    listed = client.get("/api/v1/tokens?size=1", headers=bearer(phone)).get_json()
    assert listed["total"] == 2 and [t["id"] for t in listed["items"]] == [laptop["id"]]
    assert listed["items"][0]["current"] is False
    second = client.get("/api/v1/tokens?size=1&page=2", headers=bearer(phone)).get_json()
    assert second["items"][0]["id"] == phone["id"] and second["items"][0]["current"] is True
    # Someone else's token is not found, exactly like a missing one.
    for token_id in (theirs["id"], 999_999):
        refused = client.delete(f"/api/v1/tokens/{token_id}", headers=bearer(phone))
        assert refused.status_code == 404
        assert refused.get_json()["error"]["code"] == "token_not_found"
    assert client.delete(f"/api/v1/tokens/{laptop['id']}", headers=bearer(phone)).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(laptop)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(theirs)).status_code == 200


def test_logout_with_a_token_revokes_that_token_only(app: Flask, make_participant) -> None:
    person = make_participant()
    client = app.test_client(use_cookies=False)
    first, second = issue(client, person.phone), issue(client, person.phone)
    assert client.post("/api/v1/logout", headers=bearer(first)).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(first)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 200


def test_an_expired_token_is_401(app: Flask, make_participant, clock) -> None:
    client = app.test_client(use_cookies=False)
    token = issue(client, make_participant().phone)
    clock.advance(days=30)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_a_password_reset_revokes_every_token(
    app: Flask, make_participant, make_staff, clock
) -> None:
    person = make_participant()
    client = app.test_client(use_cookies=False)
    tokens = [issue(client, person.phone), issue(client, person.phone)]
    staff = make_staff().user
    with app.app_context():
        staff = db.session.merge(staff)
        participants.reset_password(staff, person.id, "mat-khau-moi-9", "Bị lộ", now=FIXED_NOW)
        db.session.commit()
    assert [client.get("/api/v1/me", headers=bearer(t)).status_code for t in tokens] == [401] * 2


def test_a_purged_account_s_token_is_refused(app: Flask, make_participant) -> None:
    """The purge revokes its accounts' tokens; a token is refused for a purged account anyway."""
    person = make_participant()
    client = app.test_client(use_cookies=False)
    token = issue(client, person.phone)
    with app.app_context():
        db.session.get(Participant, person.id).purged_at = FIXED_NOW
        db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_tokens_are_refused_on_html_pages(app: Flask, make_participant) -> None:
    client = app.test_client(use_cookies=False)
    token = issue(client, make_participant().phone)
    page = client.get("/cua-toi", headers=bearer(token))
    assert page.status_code == 302 and "/dang-nhap" in page.headers["Location"]


def test_cookie_writes_still_need_csrf_and_token_writes_do_not(
    app: Flask, client, make_round, login_participant
) -> None:
    rnd = make_round()
    person = login_participant()
    refused = client.post(f"/api/v1/rounds/{rnd.id}/attempts")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "csrf"
    token = issue(app.test_client(), person.phone)
    fresh = app.test_client(use_cookies=False)
    assert fresh.post(f"/api/v1/rounds/{rnd.id}/attempts", headers=bearer(token)).status_code in (
        200,
        201,
    )
    assert ApiClient(client).call("POST", "/api/v1/logout").status_code == 200


def test_logout_everywhere_ends_sessions_and_revokes_every_token(
    app: Flask, client, login_participant
) -> None:
    person = login_participant()
    other_device = app.test_client(use_cookies=False)
    tokens = [issue(other_device, person.phone), issue(other_device, person.phone)]
    done = other_device.post("/api/v1/logout/everywhere", headers=bearer(tokens[0]))
    assert done.status_code == 200
    assert [other_device.get("/api/v1/me", headers=bearer(t)).status_code for t in tokens] == [
        401,
        401,
    ]
    assert client.get("/api/v1/me").status_code == 401  # the cookie session ended too


def test_an_app_registers_and_gets_a_token_without_cookies(app: Flask, make_ward) -> None:
    ward = make_ward()
    client = app.test_client(use_cookies=False)
    body = {
        "full_name": "Phạm Thị Ứng Dụng",
        "phone": "0912000999",
        "password": "mat-khau-app-1",
        "birth_year": 1990,
        "ward_id": ward.id,
        "group": "resident",
        "consent": True,
        "label": "Zalo mini app",
    }
    response = client.post("/api/v1/register/token", json=body)
    assert response.status_code == 201, response.get_json()
    assert "Set-Cookie" not in response.headers
    token = response.get_json()
    assert client.get("/api/v1/me", headers=bearer(token)).get_json()["full_name"] == (
        "Phạm Thị Ứng Dụng"
    )
    again = client.post("/api/v1/register/token", json=body)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "phone_taken"
