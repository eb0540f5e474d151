"""Organisers find participants, register them at an office, reset passwords, import staff."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.extensions import db
from quizapp.formats.people_xlsx import HEADERS, LIST_SHEET, SHEET
from quizapp.models import AuditLog, Participant, PendingUpload, Round
from quizapp.services import attempts, people_admin
from quizapp.services.people_admin import GENERATED_PASSWORD_LENGTH, PASSWORD_ALPHABET
from tests.conftest import FIXED_NOW, TEST_PASSWORD, csrf_from, post_form
from tests.helpers import workbook

ROW = [
    "Trần Thị Bình",
    "0912 345 678",
    1985,
    "go-vap",
    "ubnd-go-vap",
    "Cán bộ, công chức, viên chức",
    "079185000001",
    "Có",
    None,
]


@pytest.fixture
def registry(make_ward, make_organisation):
    """Two wards and one organisation with the codes the sample rows use."""
    go_vap = make_ward("go-vap", "Phường Gò Vấp")
    hanh_thong = make_ward("hanh-thong", "Phường Hạnh Thông")
    org = make_organisation(go_vap, code="ubnd-go-vap", name="UBND phường Gò Vấp")
    return go_vap, hanh_thong, org


def _xlsx(rows: list[list[object]]) -> bytes:
    return workbook(SHEET, HEADERS, rows)


def _upload(client: FlaskClient, data: bytes, name: str = "danh-sach.xlsx"):
    token = csrf_from(client, "/console/people/import")
    return client.post(
        "/console/people/import",
        data={"csrf_token": token, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _count(app: Flask, model: type = Participant) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def _login(client: FlaskClient, phone: str, password: str) -> int:
    return post_form(client, "/dang-nhap", {"phone": phone, "password": password}).status_code


# --- access ---------------------------------------------------------------------------------

PAGES = [
    ("GET", "/console/people/"),
    ("GET", "/console/people/1"),
    ("GET", "/console/people/new"),
    ("POST", "/console/people/new"),
    ("POST", "/console/people/1/password"),
    ("GET", "/console/people/import"),
    ("POST", "/console/people/import"),
    ("GET", "/console/people/template.xlsx"),
    ("GET", "/console/people/import/1"),
    ("POST", "/console/people/import/1/confirm"),
    ("POST", "/console/people/import/1/discard"),
]


@pytest.mark.parametrize(("method", "url"), PAGES)
def test_anonymous_users_go_to_the_staff_login(client: FlaskClient, method: str, url: str) -> None:
    token = client.get("/api/v1/csrf").get_json()["csrf_token"]
    response = client.open(url, method=method, data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


@pytest.mark.parametrize(("method", "url"), PAGES)
def test_participants_are_refused(
    client: FlaskClient, login_participant, method: str, url: str
) -> None:
    login_participant()
    token = client.get("/api/v1/csrf").get_json()["csrf_token"]
    assert client.open(url, method=method, data={"csrf_token": token}).status_code == 403


# --- search and the person's page -----------------------------------------------------------


@pytest.fixture
def people(registry, make_participant):
    go_vap, hanh_thong, org = registry
    return {
        "an": make_participant(
            go_vap,
            full_name="Nguyễn Văn An",
            phone="0912345678",
            cccd="079185000001",
            organisation_id=org.id,
        ),
        "binh": make_participant(hanh_thong, full_name="Trần Thị Bình", phone="0903111222"),
        "em_dao": make_participant(hanh_thong, full_name="Đào Thị Em", phone="0977000001"),
        "em_duong": make_participant(go_vap, full_name="Dương Văn Em", phone="0977000002"),
    }


def _names(client: FlaskClient, query: str) -> list[str]:
    page = client.get(f"/console/people/?{query}").get_data(as_text=True)
    return re.findall(r'<a href="/console/people/\d+">([^<]+)</a>', page)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Nguyễn Văn An", "Trần Thị Bình", "Dương Văn Em", "Đào Thị Em"]),
        ("q=nguyen+van", ["Nguyễn Văn An"]),
        ("q=Nguyễn", ["Nguyễn Văn An"]),
        ("q=th%E1%BB%8B", ["Trần Thị Bình", "Đào Thị Em"]),
        ("q=em", ["Dương Văn Em", "Đào Thị Em"]),
        ("q=0912345678", ["Nguyễn Văn An"]),
        ("q=0912+345+678", ["Nguyễn Văn An"]),
        ("q=%2B84+912+345+678", ["Nguyễn Văn An"]),
        ("q=84912345678", ["Nguyễn Văn An"]),
        ("q=0912.345.678", ["Nguyễn Văn An"]),
        ("q=079185000001", ["Nguyễn Văn An"]),
        ("q=0977", ["Dương Văn Em", "Đào Thị Em"]),
        ("q=0999999999", []),
    ],
)
def test_search_by_name_phone_or_cccd_in_vietnamese_order(
    client: FlaskClient, login_staff, people, query: str, expected: list[str]
) -> None:
    login_staff()
    assert _names(client, query) == expected


def test_search_filters_by_ward_and_organisation(
    client: FlaskClient, login_staff, people, registry
) -> None:
    go_vap, hanh_thong, org = registry
    login_staff()
    assert _names(client, f"ward={hanh_thong.id}") == ["Trần Thị Bình", "Đào Thị Em"]
    assert _names(client, f"org={org.id}") == ["Nguyễn Văn An"]
    assert _names(client, f"ward={go_vap.id}&q=em") == ["Dương Văn Em"]
    page = client.get("/console/people/?q=an")
    assert "079185000001" in page.get_data(as_text=True)  # organisers see full data
    assert page.headers["Cache-Control"] == "private, no-store"


def test_search_pages_keep_the_vietnamese_order(app: Flask, people) -> None:
    with app.app_context():
        pages = [people_admin.search(page=n, per_page=3) for n in (1, 2)]
        assert [p.full_name for p in pages[0].people] == [
            "Nguyễn Văn An",
            "Trần Thị Bình",
            "Dương Văn Em",
        ]
        assert [p.full_name for p in pages[1].people] == ["Đào Thị Em"]
        assert (pages[0].total, pages[0].has_next, pages[1].has_next) == (4, True, False)


def test_the_person_page_shows_data_and_attempts(
    app: Flask, client: FlaskClient, login_staff, make_round, people
) -> None:
    rnd = make_round(title="Tuần 1")
    with app.app_context():
        person = db.session.get(Participant, people["an"].id)
        started = attempts.start_attempt(person, db.session.get(Round, rnd.id), FIXED_NOW)
        attempts.submit_attempt(person, started.attempt.id, FIXED_NOW.replace(minute=2))
        db.session.commit()
    login_staff()
    page = client.get(f"/console/people/{people['an'].id}").get_data(as_text=True)
    assert "0912345678" in page and "079185000001" in page and "UBND phường Gò Vấp" in page
    assert "Tuần 1" in page and "0/5" in page and "120,0 giây" in page
    assert client.get("/console/people/999999").status_code == 404


# --- assisted registration ------------------------------------------------------------------


def _registration(registry, **changes: str) -> dict[str, str]:
    go_vap = registry[0]
    return {
        "full_name": "Phạm Văn Cường",
        "phone": "0933 444 555",
        "password": "mat-khau-moi-1",
        "birth_year": "1960",
        "ward_id": str(go_vap.id),
        "group": "resident",
        "organisation_id": "0",
        "cccd": "",
        "consent": "y",
    } | changes


def test_assisted_registration_records_who_registered(
    app: Flask, client: FlaskClient, login_staff, registry, clock
) -> None:
    staff = login_staff()
    response = post_form(client, "/console/people/new", _registration(registry))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "Đã đăng ký cho Phạm Văn Cường" in client.get(response.headers["Location"]).text
    with app.app_context():
        person = db.session.scalar(db.select(Participant))
        assert (person.phone, person.registered_by_id) == ("0933444555", staff.user.id)
        entry = db.session.scalar(db.select(AuditLog))
        assert (entry.action, entry.actor_id, entry.target_id) == (
            "participant.register_assisted",
            staff.user.id,
            str(person.id),
        )
    assert _login(app.test_client(), "0933444555", "mat-khau-moi-1") == 302


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"consent": ""}, "Cần xác nhận người đăng ký đã đọc thông báo và đồng ý."),
        ({"phone": "12345"}, "Số điện thoại di động không hợp lệ"),
    ],
)
def test_assisted_registration_keeps_the_rules(
    app: Flask, client: FlaskClient, login_staff, registry, changes, message
) -> None:
    login_staff()
    page = client.get("/console/people/new").get_data(as_text=True)
    assert "Người đăng ký đã đọc thông báo về xử lý dữ liệu cá nhân và đồng ý." in page
    data = {k: v for k, v in _registration(registry, **changes).items() if v}
    response = post_form(client, "/console/people/new", data)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert _count(app) == 0


# --- password reset -------------------------------------------------------------------------


def test_reset_password_then_only_the_new_one_works(
    app: Flask, client: FlaskClient, login_staff, make_participant
) -> None:
    person = make_participant(phone="0911222333")
    staff = login_staff()
    url = f"/console/people/{person.id}"
    refused = post_form(client, f"{url}/password", {"password": "moi-moi-moi", "reason": ""}, url)
    assert refused.status_code == 200 and "Vui lòng ghi lý do." in refused.text
    done = post_form(
        client,
        f"{url}/password",
        {"password": "mat-khau-moi-2", "reason": "quên mật khẩu, gọi điện"},
        page=url,
    )
    assert done.status_code == 302
    assert "Đã đặt lại mật khẩu" in client.get(done.headers["Location"]).text
    assert _login(app.test_client(), "0911222333", TEST_PASSWORD) == 200
    assert _login(app.test_client(), "0911222333", "mat-khau-moi-2") == 302
    with app.app_context():
        entry = db.session.scalar(db.select(AuditLog))
        assert (entry.action, entry.actor_id, entry.reason) == (
            "participant.reset_password",
            staff.user.id,
            "quên mật khẩu, gọi điện",
        )


def test_reset_password_refuses_a_short_password(
    client: FlaskClient, login_staff, make_participant
) -> None:
    person = make_participant()
    login_staff()
    url = f"/console/people/{person.id}"
    response = post_form(client, f"{url}/password", {"password": "ngan", "reason": "x"}, url)
    assert response.status_code == 200
    assert "Mật khẩu phải có ít nhất 8 ký tự." in response.text


# --- import from Excel ----------------------------------------------------------------------


def test_template_lists_codes_and_never_writes_formulas(
    client: FlaskClient, login_staff, registry, make_organisation
) -> None:
    make_organisation(registry[0], code="dv-rui-ro", name='=HYPERLINK("http://x")')
    login_staff()
    with client.get("/console/people/template.xlsx") as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store"
        wb = openpyxl.load_workbook(io.BytesIO(response.data))
    lists = wb[LIST_SHEET]
    assert {lists.cell(row=r, column=1).value for r in (2, 3)} == {"go-vap", "hanh-thong"}
    risky = next(c for c in lists["E"] if c.value == '=HYPERLINK("http://x")')
    assert risky.data_type == "s" and risky.quotePrefix
    assert "mẫu Excel" in client.get("/console/people/import").text


def test_a_valid_import_creates_everyone_and_shows_passwords_once(
    app: Flask, client: FlaskClient, login_staff, registry, clock
) -> None:
    staff = login_staff()
    rows = [
        ROW,
        ["Lê Văn An", "0903111222", 1990, None, "ubnd-go-vap", "Người lao động", None, "Có", None],
        ["Đỗ Thị Hoa", 977000003, 2008, "hanh-thong", None, "Học sinh, sinh viên", None, "Có",
         "hoa-mat-khau"],
    ]  # fmt: skip
    review_url = _upload(client, _xlsx(rows)).headers["Location"]
    page = client.get(review_url).get_data(as_text=True)
    assert "3 người sẽ được tạo" in page and "Xác nhận nhập 3 người" in page
    assert "hoa-mat-khau" not in page and _count(app) == 0

    done = post_form(client, f"{review_url}/confirm", {}, page=review_url)
    assert done.status_code == 200 and done.headers["Cache-Control"] == "private, no-store"
    shown = dict(re.findall(r"<td>(0\d{9})</td><td><code>([^<]+)</code>", done.text))
    assert shown["0977000003"] == "hoa-mat-khau"
    for phone in ("0912345678", "0903111222"):
        assert len(shown[phone]) == GENERATED_PASSWORD_LENGTH
        assert set(shown[phone]) <= set(PASSWORD_ALPHABET)
    assert _login(app.test_client(), "0903111222", shown["0903111222"]) == 302
    with app.app_context():
        created = db.session.scalars(db.select(Participant).order_by(Participant.id)).all()
        assert [p.registered_by_id for p in created] == [staff.user.id] * 3
        assert created[1].ward.code == "go-vap"  # the organisation's ward
        assert all(shown[p.phone] not in p.password_hash for p in created)
        entry = db.session.scalar(
            db.select(AuditLog).where(AuditLog.action == "participant.import")
        )
        assert entry.details["count"] == 3 and entry.details["participant_ids"] == [
            p.id for p in created
        ]
        assert "hoa-mat-khau" not in str(entry.details)
    assert _count(app, PendingUpload) == 0
    again = post_form(client, f"{review_url}/confirm", {}, page="/console/people/import")
    assert "đã được xử lý" in client.get(again.headers["Location"]).text


def test_every_row_error_is_reported_with_its_row_and_nothing_is_imported(
    app: Flask, client: FlaskClient, login_staff, registry, make_participant, clock
) -> None:
    make_participant(phone="0988000111")
    login_staff()

    def row(**changes: object) -> list[object]:
        fields = ("name", "phone", "year", "ward", "org", "group", "cccd", "consent", "pw")
        values = dict(zip(fields, ROW, strict=True)) | {"cccd": None} | changes
        return [values[f] for f in fields]

    table = [  # (row, message)
        (row(phone="0911000001"), None),
        (row(phone="0211 000 002"), "Số điện thoại di động không hợp lệ"),
        (row(phone="0911000001"), "Số điện thoại 0911000001 trùng với dòng 2 trong tệp."),
        (row(phone="0988000111"), "Số điện thoại 0988000111 đã được đăng ký"),
        (row(phone="0911000005", ward="khong-co"), "Mã phường «khong-co» không có trong danh mục."),
        (row(phone="0911000006", org="la"), "Mã cơ quan, đơn vị «la» không có trong danh mục."),
        (row(phone="0911000007", group="Hưu trí"), "Đối tượng phải là một trong:"),
        (row(phone="0911000008", consent="Không"), "Chưa đồng ý xử lý dữ liệu cá nhân"),
        (row(phone="0911000009", cccd="123"), "Số CCCD phải gồm đúng 12 chữ số."),
        (row(phone="0911000010", year="năm 85"), "Năm sinh phải là số có 4 chữ số"),
    ]
    review_url = _upload(client, _xlsx([r for r, _ in table])).headers["Location"]
    page = client.get(review_url).get_data(as_text=True)
    for number, (_, message) in enumerate(table, start=2):
        if message:
            assert f"<code>{SHEET}!{number}: {message}" in page, (number, message)
    assert "9 lỗi — chưa thể nhập" in page and "Xác nhận nhập" not in page
    refused = post_form(client, f"{review_url}/confirm", {}, page=review_url)
    assert "Tệp có lỗi, chưa nhập ai." in client.get(refused.headers["Location"]).text
    assert _count(app) == 1


def test_a_number_registered_during_the_import_fails_it_whole(
    app: Flask, client: FlaskClient, login_staff, registry, make_participant, monkeypatch
) -> None:
    login_staff()
    second = ["Lê Văn An", "0903111222", 1990, "go-vap", None, "Người dân", None, "Có", None]
    review_url = _upload(client, _xlsx([ROW, second])).headers["Location"]
    assert "2 người sẽ được tạo" in client.get(review_url).text
    make_participant(phone="0903111222")  # registers between the review and the insert
    monkeypatch.setattr(people_admin, "_taken", lambda column, values: set())
    failed = post_form(client, f"{review_url}/confirm", {}, page=review_url)
    assert failed.status_code == 302
    message = client.get(failed.headers["Location"]).text
    assert f"{SHEET}!3: Số điện thoại này đã được đăng ký" in message
    assert "Chưa nhập ai" in message
    assert _count(app) == 1 and _count(app, PendingUpload) == 1
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AuditLog.id))) == 0


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"a,b,c", "danh-sach.csv", "Chỉ nhận tệp Excel .xlsx theo mẫu."),
        (b"", "danh-sach.xlsx", "Tệp tải lên rỗng."),
    ],
)
def test_wrong_files_are_refused_at_upload(
    client: FlaskClient, login_staff, data: bytes, name: str, message: str
) -> None:
    login_staff()
    response = _upload(client, data, name)
    assert response.status_code == 200 and message in response.text


def test_a_broken_workbook_is_a_clean_error(client: FlaskClient, login_staff) -> None:
    login_staff()
    review_url = _upload(client, b"PK\x03\x04 not really").headers["Location"]
    page = client.get(review_url)
    assert page.status_code == 200
    assert f"{SHEET}!1: không phải tệp Excel .xlsx hợp lệ" in page.text


def test_uploads_are_private_and_can_be_discarded(
    app: Flask, client: FlaskClient, login_staff, make_staff, registry
) -> None:
    login_staff()
    review_url = _upload(client, _xlsx([ROW])).headers["Location"]
    other = app.test_client()
    login = make_staff("organiser")
    post_form(other, "/staff/login", {"username": login.user.username, "password": login.password})
    assert other.get(review_url).status_code == 404
    discarded = post_form(client, f"{review_url}/discard", {}, page=review_url)
    assert "Đã hủy tệp tải lên" in client.get(discarded.headers["Location"]).text
    assert _count(app, PendingUpload) == 0 and _count(app) == 0
    with app.app_context():
        assert db.session.scalar(db.select(AuditLog.action)) == "participant.import_discarded"
