"""Hostile input: oversized bodies, markup in names and questions, cookies in production."""

import json
import re
from datetime import timedelta

import pytest

from quizapp import create_app
from quizapp.extensions import db
from quizapp.inputs import json_depth
from quizapp.models import Participant, Round
from quizapp.services import attempts
from tests.conftest import FIXED_NOW, csrf_from, post_form

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def app_config() -> dict:
    return {"MAX_CONTENT_LENGTH": 64 * 1024, "JSON_MAX_BYTES": 16 * 1024}


def test_oversized_upload_is_refused_with_413(client, login_staff) -> None:
    login_staff("organiser")
    token = csrf_from(client, "/console/bank/upload")
    import io

    response = client.post(
        "/console/bank/upload",
        content_type="multipart/form-data",
        data={"csrf_token": token, "file": (io.BytesIO(b"x" * 200_000), "lon.yaml")},
    )
    assert response.status_code == 413
    assert "Tệp quá lớn" in response.get_data(as_text=True)


def test_markup_in_names_and_organisations_is_shown_as_text(
    app, client, make_round, make_ward, make_organisation, make_participant, clock
) -> None:
    rnd = make_round(question_count=5)
    ward = make_ward(name=f"Phường {SCRIPT}")
    org = make_organisation(ward=ward, name=f"Đơn vị {SCRIPT}", code="don-vi-x")
    person = make_participant(ward=ward, full_name=f"Tên {SCRIPT}", organisation_id=org.id)
    with app.app_context():
        r, p = db.session.get(Round, rnd.id), db.session.get(Participant, person.id)
        attempt = attempts.start_attempt(p, r, FIXED_NOW).attempt
        attempts.submit_attempt(p, attempt.id, FIXED_NOW + timedelta(seconds=20))
        db.session.commit()
    pages = [
        client.get(f"/dot-thi/{rnd.id}/bang-xep-hang"),
        client.get("/chia-se/don-vi/don-vi-x"),
        client.get("/dang-ky"),
    ]
    for page in pages:
        html = page.get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html


def test_markup_in_question_text_is_shown_as_text(
    app, client, make_round, login_participant, clock
) -> None:
    import dataclasses

    from quizapp.services.bank import apply_import
    from tests.conftest import bank_report

    rnd = make_round(question_count=5, bank_size=10)
    report = bank_report(10)  # the same questions, now with markup: new current versions
    report.questions = [
        dataclasses.replace(q, text=f"{SCRIPT} {q.text}", choices=(SCRIPT, *q.choices[1:]))
        for q in report.questions
    ]
    with app.app_context():
        apply_import(report, None, FIXED_NOW)
        db.session.commit()
    login_participant()
    started = post_form(client, f"/dot-thi/{rnd.id}/bat-dau", {}, page=f"/dot-thi/{rnd.id}")
    html = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert" in html


def test_session_cookie_flags_in_production(tmp_path, make_staff) -> None:
    app = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": "x" * 48,
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}",
        }
    )
    client = app.test_client()
    response = client.get("/dang-nhap")
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


REGISTRATION = {
    "full_name": "Trần Thị Bình",
    "phone": "0912000111",
    "password": "matkhau123",
    "birth_year": 1985,
    "group": "civil_servant",
    "consent": True,
}


@pytest.mark.parametrize(
    "bad", ["\ud800", "An\udfffh", "Bình\x00", "\x1b[31mĐỏ", "\ufffe", "\x7f"], ids=repr
)
def test_invalid_text_in_json_is_a_400_naming_the_field(app, api, make_ward, bad) -> None:
    ward = make_ward()
    response = api.call(
        "POST", "/api/v1/register", REGISTRATION | {"full_name": bad, "ward_id": ward.id}
    )
    assert response.status_code == 400, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "invalid_characters" and error["field"] == "full_name"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Participant.id))) == 0


def test_a_lone_surrogate_escaped_in_raw_json_is_a_400(api, make_ward) -> None:
    ward = make_ward()
    body = json.dumps(REGISTRATION | {"ward_id": ward.id}).replace(
        '"Tr\\u1ea7n', '"\\ud800Tr\\u1ea7n'
    )
    assert "\\ud800" in body
    response = api.client.post(
        "/api/v1/register",
        data=body,
        content_type="application/json",
        headers={"X-CSRFToken": api.token},
    )
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "full_name"


@pytest.mark.parametrize("path", ["/api/v1/login", "/api/v1/register", "/api/v1/tokens"])
def test_deep_or_huge_json_is_a_400_before_anything_parses_it(api, path) -> None:
    deep = "[" * 5_000 + "]" * 5_000  # 10 KB: under the size cap, far over the depth limit
    response = api.client.post(
        path, data=deep, content_type="application/json", headers={"X-CSRFToken": api.token}
    )
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "json_too_deep"
    huge = json.dumps({"phone": "0" * 30_000, "password": "x"})
    response = api.client.post(
        path, data=huge, content_type="application/json", headers={"X-CSRFToken": api.token}
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "json_too_large"
    # Brackets inside strings do not count as nesting.
    assert json_depth(b'{"a": "[[[[[[[[", "b": [1, {"c": "]]]"}]}') == 3


def test_invalid_text_in_a_form_or_query_is_a_400_page(client, make_ward) -> None:
    ward = make_ward()
    token = csrf_from(client, "/dang-ky")
    form = {
        "csrf_token": token,
        "full_name": "Lê\x00 Văn",
        "phone": "0912000333",
        "password": "matkhau123",
        "password_confirm": "matkhau123",
        "birth_year": "1980",
        "ward_id": str(ward.id),
        "group": "resident",
        "consent": "y",
    }
    response = client.post("/dang-ky", data=form)
    assert response.status_code == 400
    assert "«full_name» chứa ký tự không hợp lệ" in response.get_data(as_text=True)
    assert client.get("/dot-thi?q=%00").status_code == 400


def test_405_says_which_methods_are_allowed(client) -> None:
    response = client.delete("/dang-nhap")
    assert response.status_code == 405 and set(response.headers["Allow"].split(", ")) >= {
        "GET",
        "POST",
    }
    api_response = client.delete("/api/v1/csrf")
    assert api_response.status_code == 405 and "GET" in api_response.headers["Allow"]


def test_a_missing_csrf_token_is_a_403_in_vietnamese(app, client, make_participant) -> None:
    page = client.post("/dang-nhap", data={"phone": "0912000444", "password": "x"})
    assert page.status_code == 403 and "Phiên làm việc đã hết hạn" in page.get_data(as_text=True)
    api_response = client.post("/api/v1/login", json={"phone": "0912000444", "password": "x"})
    assert api_response.status_code == 403
    assert api_response.get_json()["error"]["code"] == "csrf"


WRONG_BODIES = ["[1, 2]", '"x"', "123", "null", "true"]


def _json_operations() -> list[tuple[str, str]]:
    from quizapp.views.api.openapi import document

    found = []
    for path, item in document()["paths"].items():
        for method, operation in item.items():
            if "requestBody" in operation:
                url = "/api/v1" + re.sub(r"\{\w+\}", "1", path)
                found.append((method.upper(), url))
    return found


def test_every_json_operation_of_the_document_is_listed() -> None:
    operations = _json_operations()
    assert ("POST", "/api/v1/tokens") in operations and ("POST", "/api/v1/login") in operations
    assert len(operations) >= 6


@pytest.mark.parametrize("body", WRONG_BODIES)
# The limiter on: its key functions read the body too.
@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True}])
def test_a_json_body_that_is_not_an_object_is_a_400_everywhere(
    client, login_participant, body
) -> None:
    """Every JSON operation of the OpenAPI document, signed in or not, and the two HTML sign-in
    forms posted as JSON with the CSRF header: a 400, never a 500."""
    login_participant()
    token = client.get("/api/v1/csrf").get_json()["csrf_token"]
    targets = [*_json_operations(), ("POST", "/dang-nhap"), ("POST", "/staff/login")]
    for method, url in targets:
        response = client.open(
            url,
            method=method,
            data=body,
            content_type="application/json",
            headers={"X-CSRFToken": token},
        )
        assert response.status_code == 400, (method, url, response.status_code)
        if url.startswith("/api/"):
            assert response.get_json()["error"]["code"] == "bad_json"


@pytest.mark.parametrize("url", ["/dang-nhap", "/staff/login", "/api/v1/tokens", "/api/v1/login"])
@pytest.mark.parametrize(
    "body", [{"phone": 912345678, "username": 1, "password": [1]}, {"phone": None}]
)
def test_sign_in_given_json_fields_of_the_wrong_type_is_not_a_500(api, url, body) -> None:
    response = api.call("POST", url, body)
    assert response.status_code in (400, 401), response.status_code
