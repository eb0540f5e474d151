"""Staff sign in and out; the console refuses everyone else."""

from flask.testing import FlaskClient

from tests.conftest import post_form


def test_console_redirects_anonymous_users_to_login(client: FlaskClient) -> None:
    response = client.get("/console/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login?next=")


def test_login_then_console_then_logout(client: FlaskClient, make_staff) -> None:
    login = make_staff("organiser", username="bantochuc")
    response = post_form(
        client,
        "/staff/login?next=/console/",
        {"username": "BanToChuc ", "password": login.password},
        page="/staff/login",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/console/"
    page = client.get("/console/").get_data(as_text=True)
    assert "Bảng điều khiển ban tổ chức" in page
    response = post_form(client, "/staff/logout", {}, page="/console/")
    assert response.status_code == 302
    assert client.get("/console/").status_code == 302


def test_wrong_password_is_refused_with_a_vietnamese_message(
    client: FlaskClient, make_staff
) -> None:
    make_staff("organiser", username="bantochuc")
    response = post_form(client, "/staff/login", {"username": "bantochuc", "password": "sai"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)
    assert client.get("/console/").status_code == 302


def test_login_without_csrf_token_is_refused(client: FlaskClient, make_staff) -> None:
    login = make_staff("organiser", username="bantochuc")
    response = client.post(
        "/staff/login", data={"username": "bantochuc", "password": login.password}
    )
    assert response.status_code == 403
    assert client.get("/console/").status_code == 302


def test_next_parameter_cannot_redirect_off_site(client: FlaskClient, make_staff) -> None:
    login = make_staff("admin", username="quantri")
    response = post_form(
        client,
        "/staff/login?next=//evil.example/",
        {"username": "quantri", "password": login.password},
        page="/staff/login",
    )
    assert response.headers["Location"] == "/console/"


def test_inactive_staff_cannot_sign_in(app, client: FlaskClient, make_staff) -> None:
    from quizapp.extensions import db
    from quizapp.models import StaffUser

    login = make_staff("organiser", username="nghiviec")
    with app.app_context():
        db.session.get(StaffUser, login.user.id).active = False
        db.session.commit()
    response = post_form(
        client, "/staff/login", {"username": "nghiviec", "password": login.password}
    )
    assert response.status_code == 200
    assert client.get("/console/").status_code == 302
