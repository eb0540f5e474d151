"""The base layout, error pages and security headers."""

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.extensions import db
from quizapp.models import AuditLog


def test_home_page_is_vietnamese_and_self_hosted(client: FlaskClient) -> None:
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert "Luật Thi đua, khen thưởng" in html
    # Open Graph's address and card are absolute by its rules, and point at this site
    shared = re.findall(r'<meta property="og:(?:url|image)" content="([^"]+)">', html)
    assert shared and all(url.startswith("http://localhost/") for url in shared)
    html = re.sub(r'<meta property="og:(?:url|image)" content="[^"]+">', "", html)
    assert "http://" not in html and "https://" not in html


def test_static_css_is_served(client: FlaskClient) -> None:
    with client.get("/static/css/app.css") as response:
        assert response.status_code == 200
        assert response.mimetype == "text/css"


def test_404_page_in_vietnamese(client: FlaskClient) -> None:
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)


def test_security_headers(client: FlaskClient) -> None:
    headers = client.get("/").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.fixture
def app_config() -> dict:
    return {"PROPAGATE_EXCEPTIONS": False}


def test_500_page_rolls_back_the_session(app: Flask, client: FlaskClient) -> None:
    @app.get("/loi-thu")
    def broken():
        db.session.add(AuditLog(action="khong-duoc-luu"))
        db.session.flush()
        raise RuntimeError("boom")

    response = client.get("/loi-thu")
    assert response.status_code == 500
    assert "Lỗi hệ thống" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AuditLog.id))) == 0
