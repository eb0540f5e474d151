"""Hostile input: oversized bodies, markup in names and questions, cookies in production."""

from datetime import timedelta

import pytest

from quizapp import create_app
from quizapp.extensions import db
from quizapp.models import Participant, Round
from quizapp.services import attempts
from tests.conftest import FIXED_NOW, csrf_from, post_form

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def app_config() -> dict:
    return {"MAX_CONTENT_LENGTH": 64 * 1024}


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
