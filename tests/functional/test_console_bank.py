"""The organiser loads the bank through the console: upload, read the report, confirm."""

import io
import re
import zipfile

from flask import Flask
from flask.testing import FlaskClient

from quizapp.extensions import db
from quizapp.models import Question
from tests.conftest import SHIPPED_BANK, csrf_from


def _zip(replace: tuple[bytes, bytes] | None = None) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(SHIPPED_BANK.glob("*.yaml")):
            data = path.read_bytes()
            if replace and path.name == "01-hieu-luc.yaml":
                data = data.replace(*replace, 1)
            archive.writestr(f"question_bank/{path.name}", data)
    buffer.seek(0)
    return buffer


def _upload(client: FlaskClient, payload: io.BytesIO, name: str):
    token = csrf_from(client, "/console/bank/upload")
    return client.post(
        "/console/bank/upload",
        data={"csrf_token": token, "file": (payload, name)},
        content_type="multipart/form-data",
    )


def _shipped_count() -> int:
    return sum(
        len(re.findall(r"^  - id: TDKT-\d{4}\b", path.read_text(encoding="utf-8"), re.M))
        for path in SHIPPED_BANK.glob("*.yaml")
    )


def _question_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Question.id)))


def test_upload_with_a_mistake_then_the_fixed_bank(
    app: Flask, client: FlaskClient, login_staff
) -> None:
    login_staff("organiser")
    response = _upload(client, _zip((b"answer: B", b"answer: H")), "nganhang.zip")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "lỗi — chưa thể nhập" in page
    assert re.search(r"nganhang\.zip/01-hieu-luc\.yaml:\d+: TDKT-\d{4}: ", page)
    assert "Xác nhận nhập" not in page
    assert _question_count(app) == 0

    response = _upload(client, _zip(), "nganhang.zip")
    preview_url = response.headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "Xác nhận nhập" in page and "câu thêm mới" in page
    assert _question_count(app) == 0
    token = csrf_from(client, preview_url)
    done = client.post(f"{preview_url}/confirm", data={"csrf_token": token})
    assert done.status_code == 302
    assert _question_count(app) == _shipped_count() > 200
    assert "Đã nhập ngân hàng câu hỏi" in client.get(done.headers["Location"]).get_data(
        as_text=True
    )


def test_exported_workbook_uploads_back_with_no_change(
    app: Flask, client: FlaskClient, login_staff, runner
) -> None:
    runner.invoke(args=["bank", "import", str(SHIPPED_BANK)])
    login_staff("organiser")
    with client.get("/console/bank/export.xlsx") as exported:
        assert exported.status_code == 200
        content = exported.data
    response = _upload(client, io.BytesIO(content), "ngan-hang.xlsx")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Không có gì thay đổi." in page


def test_template_download(client: FlaskClient, login_staff) -> None:
    login_staff("organiser")
    with client.get("/console/bank/template.xlsx") as response:
        assert response.status_code == 200
        assert response.data[:2] == b"PK"


def test_wrong_file_type_is_refused_in_vietnamese(client: FlaskClient, login_staff) -> None:
    login_staff("organiser")
    response = _upload(client, io.BytesIO(b"hello"), "ghichu.txt")
    assert response.status_code == 200
    assert "Chỉ nhận tệp .yaml, .zip" in response.get_data(as_text=True)


def test_another_organiser_cannot_see_my_upload(app: Flask, login_staff, make_staff) -> None:
    first = app.test_client()
    login = make_staff("organiser")
    token = csrf_from(first, "/staff/login")
    first.post(
        "/staff/login",
        data={"csrf_token": token, "username": login.user.username, "password": login.password},
    )
    url = _upload(first, _zip(), "a.zip").headers["Location"]
    second = app.test_client()
    other = make_staff("organiser")
    token = csrf_from(second, "/staff/login")
    second.post(
        "/staff/login",
        data={"csrf_token": token, "username": other.user.username, "password": other.password},
    )
    assert second.get(url).status_code == 404


def test_question_preview_and_search(client: FlaskClient, login_staff, runner) -> None:
    runner.invoke(args=["bank", "import", str(SHIPPED_BANK)])
    login_staff("organiser")
    page = client.get("/console/bank/q/TDKT-0001").get_data(as_text=True)
    assert "Người dự thi nhìn thấy" in page and "Đáp án (chỉ ban tổ chức thấy)" in page
    found = client.get("/console/bank/?source=06/2022&topic=hieu-luc").get_data(as_text=True)
    assert "TDKT-0001" in found
    assert client.get("/console/bank/q/KHONG-CO").status_code == 404


def test_bank_pages_need_staff(client: FlaskClient) -> None:
    assert client.get("/console/bank/").status_code == 302
    assert client.get("/console/bank/export.xlsx").status_code == 302
