"""A database that cannot be reached or written gives a clean 503, not a traceback."""

from flask import Flask
from sqlalchemy import event

from quizapp import create_app
from quizapp.extensions import db
from tests.conftest import ApiClient


def test_unreachable_database_is_a_503() -> None:
    app = create_app(
        {
            "TESTING": True,
            "PROPAGATE_EXCEPTIONS": False,
            "RATELIMIT_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:9/none",
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 1}},
        }
    )
    client = app.test_client()
    page = client.get("/dot-thi")
    assert page.status_code == 503
    assert "Hệ thống tạm thời chưa phục vụ được" in page.get_data(as_text=True)
    assert page.headers["Retry-After"] == "5"
    api = client.get("/api/v1/rounds")
    assert api.status_code == 503
    assert api.get_json()["error"]["code"] == "database_unavailable"


def test_read_only_database_is_a_clear_503(app: Flask, client, make_ward) -> None:
    make_ward()
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with app.app_context():
        engine = db.engine
        engine.dispose()
        if engine.dialect.name == "sqlite":
            statement = "PRAGMA query_only = ON"
        else:
            statement = "SET default_transaction_read_only = on"

        @event.listens_for(engine, "connect")
        def read_only(dbapi_connection, record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute(statement)
            cursor.close()
            dbapi_connection.commit()  # a setting made in a transaction would be rolled back

    api = ApiClient(client)
    response = api.call(
        "POST",
        "/api/v1/register",
        {
            "full_name": "Lê Văn Đọc",
            "phone": "0912000999",
            "password": "matkhau123",
            "birth_year": 1990,
            "ward_id": 1,
            "group": "resident",
            "consent": True,
        },
    )
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "database_unavailable"
    with app.app_context():
        event.remove(engine, "connect", read_only)
        engine.dispose()
