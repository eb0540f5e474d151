"""A visitor practises the campaign's topic at /luyen-tap and reads the plan's provision."""

import re

from flask import Flask
from flask.testing import FlaskClient

from quizapp.domain.bank import load_bank
from quizapp.extensions import db
from quizapp.services import bank as bank_service
from quizapp.services import practice
from tests.conftest import FIXED_NOW, SHIPPED_BANK, csrf_from

TOPIC = "dien-hinh-tien-tien"


def test_practice_lists_and_draws_the_campaign_topic(app: Flask, client: FlaskClient) -> None:
    report = load_bank({p.name: p.read_bytes() for p in SHIPPED_BANK.glob("*.yaml")})
    with app.app_context():
        bank_service.apply_import(report, actor=None, now=FIXED_NOW)
        practice.set_topic_practice(None, TOPIC, True, FIXED_NOW)
        db.session.commit()
    index = client.get("/luyen-tap").text
    assert "Kế hoạch tuyên truyền điển hình tiên tiến 2023 – 2025" in index
    assert client.get(f"/luyen-tap/{TOPIC}").headers["Location"] == "/luyen-tap/cau"
    html = client.get("/luyen-tap/cau").text
    form_id = re.search(r'name="q" value="(\d+)"', html).group(1)
    token = csrf_from(client, "/luyen-tap/cau")
    sent = client.post(
        "/luyen-tap/cau",
        data={"csrf_token": token, "q": form_id, "choice": "0", "action": "answer"},
    )
    assert sent.status_code == 302
    answered = client.get("/luyen-tap/cau").text
    assert "<strong>Giải thích:</strong>" in answered and "«" in answered
    assert "<strong>Căn cứ:</strong> Kế hoạch tuyên truyền điển hình tiên tiến" in answered
