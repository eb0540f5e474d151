"""The organiser's law-change impact page, and the cue report in the bank upload preview."""

import io
import zipfile
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from quizapp.extensions import db
from quizapp.models import Participant, Round
from quizapp.services import attempts
from tests.conftest import FIXED_NOW, SHIPPED_BANK, csrf_from

# make_round's bank: question Q-i is "Câu hỏi thử số i?" and cites "Điều i".
PAGE = "/console/bank/impact"


def _attempt(app: Flask, participant: Participant, round_id: int) -> None:
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        who = db.session.get(Participant, participant.id)
        attempts.start_attempt(who, rnd, FIXED_NOW + timedelta(minutes=1), seed="x")
        db.session.commit()


def test_impact_page_lists_questions_and_the_rounds_that_drew_them(
    app: Flask, client: FlaskClient, login_staff, make_round, make_participant
) -> None:
    rnd = make_round(bank_size=30, question_count=30)
    _attempt(app, make_participant(), rnd.id)
    login_staff("organiser")
    empty = client.get(PAGE)
    assert empty.status_code == 200 and "Điều, khoản hoặc số văn bản" in empty.text
    page = client.get(PAGE, query_string={"q": "Điều 2"})
    assert page.status_code == 200
    text = page.text
    assert "<strong>1</strong> câu hỏi có căn cứ liên quan tới «Điều 2»" in text
    assert "Câu hỏi thử số 2?" in text and "Câu hỏi thử số 20?" not in text
    assert "Đợt «Đợt thử» (Cuộc thi thử) — <strong>đang mở</strong>" in text
    assert "1 lượt thi, phiên bản 1" in text
    assert "giữ nguyên phiên bản đã rút" in text
    # The page never shows a key: it lists texts and citations only.
    assert "Đúng 2" not in text
    bad = client.get(PAGE, query_string={"q": "huân chương"})
    assert bad.status_code == 400 and "Hãy nhập một điều" in bad.text


def test_impact_page_needs_a_staff_login(client: FlaskClient, login_participant) -> None:
    anonymous = client.get(PAGE, query_string={"q": "Điều 2"})
    assert anonymous.status_code == 302 and "/staff/login" in anonymous.headers["Location"]
    login_participant()
    assert client.get(PAGE, query_string={"q": "Điều 2"}).status_code == 403


def test_upload_preview_reports_the_cues_without_blocking(client: FlaskClient, login_staff) -> None:
    login_staff("organiser")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(SHIPPED_BANK.glob("*.yaml")):
            archive.writestr(path.name, path.read_bytes())
    buffer.seek(0)
    token = csrf_from(client, "/console/bank/upload")
    staged = client.post(
        "/console/bank/upload",
        data={"csrf_token": token, "file": (buffer, "nganhang.zip")},
        content_type="multipart/form-data",
    )
    page = client.get(staged.headers["Location"]).text
    assert "Dấu hiệu gợi ý đáp án" in page and "Hạng độ dài của đáp án, trên" in page
    assert "Độ dài đáp án / trung bình phương án nhiễu" in page
    assert "Xác nhận nhập" in page  # warnings never block the import
