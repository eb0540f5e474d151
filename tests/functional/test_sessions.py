"""Logout, a password reset and "sign out everywhere" end every earlier session of the account:
copied session cookies and remember cookies stop working."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import TEST_PASSWORD, csrf_from, post_form


def _sign_in_page(client: FlaskClient, phone: str) -> None:
    response = post_form(
        client, "/dang-nhap", {"phone": phone, "password": TEST_PASSWORD}, page="/dang-nhap"
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def _copy(app: Flask, source: FlaskClient, names: set[str] | None = None) -> FlaskClient:
    """Another browser holding the same cookies (a stolen or shared device)."""
    other = app.test_client()
    for cookie in source._cookies.values():
        if names is None or cookie.key in names:
            other.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    return other


def _signed_in(client: FlaskClient) -> bool:
    return client.get("/cua-toi").status_code == 200


def test_logout_ends_the_old_session_cookie_and_the_remember_cookie(
    app, client, make_participant
) -> None:
    person = make_participant()
    _sign_in_page(client, person.phone)
    old_session = _copy(app, client, {"session"})
    remember_only = _copy(app, client, {"remember_token"})
    assert _signed_in(old_session) and _signed_in(remember_only)
    post_form(client, "/dang-xuat", {}, page="/cua-toi")
    for stale in (old_session, remember_only, _copy(app, old_session)):
        response = stale.get("/cua-toi")
        assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]
    assert stale.get("/api/v1/me").status_code == 401
    _sign_in_page(client, person.phone)  # signing in again works
    assert _signed_in(client)


def test_a_password_reset_and_sign_out_everywhere_end_every_session(
    app, client, make_participant, login_staff
) -> None:
    person = make_participant()
    device = app.test_client()
    _sign_in_page(device, person.phone)
    login_staff("organiser")
    url = f"/console/people/{person.id}"
    refused = client.post(
        f"{url}/sign-out", data={"csrf_token": csrf_from(client, url), "reason": " "}
    )
    assert "Vui lòng ghi lý do" in client.get(refused.headers["Location"]).get_data(as_text=True)
    assert _signed_in(device)
    done = client.post(
        f"{url}/sign-out", data={"csrf_token": csrf_from(client, url), "reason": "mất điện thoại"}
    )
    assert done.status_code == 302 and not _signed_in(device)

    _sign_in_page(device, person.phone)
    assert _signed_in(device)
    post_form(
        client, f"{url}/password", {"password": "mat-khau-moi-123", "reason": "quên"}, page=url
    )
    assert not _signed_in(device)


def test_staff_logout_ends_the_staff_session(app, client, login_staff) -> None:
    login_staff("organiser")
    assert client.get("/console/").status_code == 200
    copied = _copy(app, client)
    post_form(client, "/staff/logout", {}, page="/console/")
    assert copied.get("/console/").status_code == 302
