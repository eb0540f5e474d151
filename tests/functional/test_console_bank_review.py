"""The console's law-watch page and question view: a question under review is listed with
its change, settled only with a reason, and the question view shows its footing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask import Flask
from flask.testing import FlaskClient

from quizapp.domain.bank_documents import ChangeSpec, DocumentRegister, DocumentSpec
from quizapp.extensions import db
from quizapp.models import AuditLog
from quizapp.services import bank
from tests.conftest import FIXED_NOW, bank_report, csrf_from

REGISTER = DocumentRegister(
    documents={
        "luat": DocumentSpec(
            "luat",
            "06/2022/QH15",
            "Luật Thi đua, khen thưởng",
            "QH",
            "in_force",
            date(2026, 12, 7),
            in_force_from=date(2024, 1, 1),
        ),
        "sua": DocumentSpec(
            "sua", "06/2026/QH16", "Luật sửa đổi", "QH", "reported", date(2026, 12, 7)
        ),
    },
    changes=[ChangeSpec("sua", "luat", (1,), date(2026, 10, 1), "reported", "báo")],
)


def _import(app: Flask) -> None:
    report = bank_report(4)
    report.questions = [
        replace(q, basis=("luat",), checked_on=date(2026, 12, 7), checked_url="https://vbpl.vn/a")
        for q in report.questions
    ]
    report.documents = REGISTER
    with app.app_context():
        bank.apply_import(report, actor=None, now=FIXED_NOW)
        db.session.commit()


def test_review_page_settles_with_a_reason(app: Flask, client: FlaskClient, login_staff) -> None:
    _import(app)  # source «Điều 1» of Q-0001 is touched by the change of Điều 1
    login_staff("organiser")
    page = client.get("/console/bank/review").text
    assert "1</strong> câu cần rà soát" in page and "Q-0001" in page
    assert "Luật 06/2026/QH16 (được đưa tin) sửa Điều 1 của Luật 06/2022/QH15" in page
    token = csrf_from(client, "/console/bank/review")
    empty = client.post("/console/bank/review/Q-0001", data={"csrf_token": token, "reason": ""})
    assert "Vui lòng ghi lý do." in client.get(empty.headers["Location"]).text
    client.post(
        "/console/bank/review/Q-0001",
        data={"csrf_token": token, "reason": "Điều 1 không đổi", "action": "confirm"},
    )
    assert "0</strong> câu cần rà soát" in client.get("/console/bank/review").text
    with app.app_context():
        entry = db.session.scalar(
            db.select(AuditLog).where(AuditLog.action == "bank.review.confirm")
        )
        assert entry.reason == "Điều 1 không đổi" and entry.actor_id is not None
    # Without its CSRF token the form is refused.
    assert client.post("/console/bank/review/Q-0001", data={"reason": "x"}).status_code == 403


def test_question_view_shows_basis_validity_and_the_check_record(
    app: Flask, client: FlaskClient, login_staff
) -> None:
    _import(app)
    login_staff("organiser")
    page = client.get("/console/bank/q/Q-0001").text
    assert "Cần rà soát" in page
    assert "Luật Thi đua, khen thưởng số 06/2022/QH15 — còn hiệu lực, từ 01/01/2024" in page
    assert "Hiệu lực: dùng được từ 01/01/2024, chưa biết ngày kết thúc." in page
    assert 'ngày 07/12/2026, đối chiếu với\n      <a href="https://vbpl.vn/a"' in page
    other = client.get("/console/bank/q/Q-0002").text
    assert "Cần rà soát" not in other


SINGLE = """\
topic: chung
questions:
  - id: Q-0900
    text: Câu hỏi mới?
    choices: [Một, Hai]
    answer: A
    difficulty: easy
    source: Điều 2
    explanation: Vì thế.
    basis: [{basis}]
"""


def test_a_single_file_upload_checks_basis_on_the_imported_register(
    app: Flask, client: FlaskClient, login_staff
) -> None:
    import io

    _import(app)
    login_staff("organiser")
    pages = {}
    for basis in ("luat", "khong-co"):
        token = csrf_from(client, "/console/bank/upload")
        staged = client.post(
            "/console/bank/upload",
            data={
                "csrf_token": token,
                "file": (io.BytesIO(SINGLE.format(basis=basis).encode()), "moi.yaml"),
            },
            content_type="multipart/form-data",
        )
        pages[basis] = client.get(staged.headers["Location"]).text
    assert "Xác nhận nhập" in pages["luat"] and "documents.yaml" not in pages["luat"]
    assert (
        "moi.yaml:10: Q-0900: «basis»: mã văn bản «khong-co» không có trong documents.yaml"
        in (pages["khong-co"])
    )
