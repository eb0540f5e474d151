"""An account hashed before argon2id (Werkzeug's scrypt) signs in and is rehashed then."""

from flask import Flask
from werkzeug.security import generate_password_hash

from quizapp.extensions import db
from quizapp.models import Participant, StaffUser
from tests.conftest import TEST_PASSWORD, ApiClient, post_form


def _hash_of(app: Flask, model: type, pk: int) -> str:
    with app.app_context():
        return db.session.get(model, pk).password_hash


def test_participant_with_scrypt_hash_signs_in_and_is_rehashed(
    app: Flask, client, make_participant
) -> None:
    person = make_participant(password_hash=generate_password_hash(TEST_PASSWORD, "scrypt"))
    api = ApiClient(client)
    response = api.call("POST", "/api/v1/login", {"phone": person.phone, "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert _hash_of(app, Participant, person.id).startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert client.get("/api/v1/me").status_code == 200  # this session follows the new hash
    again = ApiClient(app.test_client())
    body = {"phone": person.phone, "password": TEST_PASSWORD}
    assert again.call("POST", "/api/v1/login", body).status_code == 200
    body["password"] = "mat-khau-sai"
    assert again.call("POST", "/api/v1/login", body).status_code == 401


def test_failed_sign_in_leaves_the_old_hash(app: Flask, client, make_participant) -> None:
    old = generate_password_hash(TEST_PASSWORD, "scrypt")
    person = make_participant(password_hash=old)
    body = {"phone": person.phone, "password": "mat-khau-sai"}
    assert ApiClient(client).call("POST", "/api/v1/login", body).status_code == 401
    assert _hash_of(app, Participant, person.id) == old


def test_staff_with_scrypt_hash_signs_in_and_is_rehashed(app: Flask, client, make_staff) -> None:
    login = make_staff("organiser", username="bantochuc")
    with app.app_context():
        staff = db.session.get(StaffUser, login.user.id)
        staff.password_hash = generate_password_hash(login.password, "scrypt")
        db.session.commit()
    response = post_form(
        client, "/staff/login", {"username": "bantochuc", "password": login.password}
    )
    assert response.status_code == 302
    assert _hash_of(app, StaffUser, login.user.id).startswith("$argon2id$")
    assert client.get("/console/").status_code == 200
