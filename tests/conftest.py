"""Fixtures are the test API: app (fresh database, no pushed context), client, runner, builders.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set. The schema
is built once per run by the real migrations; each test then starts from empty tables.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from quizapp import create_app
from quizapp.clock import system_now
from quizapp.config import normalise_database_url
from quizapp.extensions import db
from quizapp.models import Organisation, Participant, StaffUser, Ward
from quizapp.security import hash_password

# QUIZAPP_TEST_BACKEND chooses the database the suite runs on (make test runs it once on each);
# by default, PostgreSQL when TEST_DATABASE_URL is set. tests/system reads TEST_DATABASE_URL
# for its own databases whatever the backend.
SERVER_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKEND = os.environ.get("QUIZAPP_TEST_BACKEND") or ("postgresql" if SERVER_URL else "sqlite")
PG_URL = SERVER_URL if BACKEND == "postgresql" else ""
REQUIRE_PG = os.environ.get("QUIZAPP_TEST_REQUIRE_PG") == "1"
FIXED_NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
TEST_PASSWORD = "mat-khau-thu-nghiem"
# `make pytest-future` runs the suites that touch time with the process clock moved this many
# days ahead: no test may depend on today's date.
SHIFT_DAYS = int(os.environ.get("QUIZAPP_TEST_SHIFT_DAYS") or 0)


def pytest_configure(config: pytest.Config) -> None:
    if (REQUIRE_PG or BACKEND == "postgresql") and not SERVER_URL:
        raise pytest.UsageError("PostgreSQL is required but TEST_DATABASE_URL is not set")
    backend = "postgresql" if PG_URL else "sqlite"
    config.stash[BACKEND_KEY] = backend
    if SHIFT_DAYS:
        import time_machine

        # the wall clock through the app's one reader of it, moved ahead for the whole run
        moved = system_now() + timedelta(days=SHIFT_DAYS)
        time_machine.travel(moved, tick=True).start()  # for the whole run


BACKEND_KEY = pytest.StashKey[str]()


def pytest_report_header(config: pytest.Config) -> str:
    moved = f"; clock moved {SHIFT_DAYS} days ahead, to {system_now():%Y-%m-%d}"
    return f"database backend: {config.stash[BACKEND_KEY]}{moved if SHIFT_DAYS else ''}"


def _app_for(url: str, **extra: Any) -> Flask:
    # Limits off, and kept in memory when a test turns them on (a test module that checks the
    # shared store names a file of its own): a file under instance/ would outlive the test.
    settings = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    return create_app({**settings, **extra})


def _migrate(url: str) -> None:
    app = _app_for(url)
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def schema_source(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate once: a template SQLite file, or the PostgreSQL test database itself."""
    if PG_URL:
        url = normalise_database_url(PG_URL)
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
        _migrate(url)
        return url
    template = tmp_path_factory.mktemp("schema") / "template.sqlite3"
    _migrate(f"sqlite:///{template}")
    return str(template)


def _empty_tables(url: str) -> None:
    tables = ", ".join(
        f'"{t.name}"' for t in db.metadata.sorted_tables if t.name != "alembic_version"
    )
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def database_url(schema_source: str, tmp_path: Path) -> str:
    """A database with the migrated schema and no rows, private to this test."""
    if PG_URL:
        _empty_tables(schema_source)
        return schema_source
    target = tmp_path / "test.sqlite3"
    shutil.copyfile(schema_source, target)
    return f"sqlite:///{target}"


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Override in a test module to pass extra configuration to the app."""
    return {}


@pytest.fixture
def app(database_url: str, app_config: dict[str, Any]) -> Iterator[Flask]:
    app = _app_for(database_url, **app_config)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def persist(obj: Any) -> Any:
    """Commit a new row and hand it back loaded and detached, usable after the context ends."""
    db.session.add(obj)
    db.session.commit()
    db.session.refresh(obj)
    db.session.expunge(obj)
    return obj


@pytest.fixture
def make_ward(app: Flask) -> Callable[..., Ward]:
    counter = iter(range(1, 10_000))

    def build(code: str | None = None, name: str | None = None) -> Ward:
        n = next(counter)
        with app.app_context():
            return persist(Ward(code=code or f"phuong-{n}", name=name or f"Phường Thử {n}"))

    return build


@pytest.fixture
def make_organisation(app: Flask, make_ward: Callable[..., Ward]) -> Callable[..., Organisation]:
    counter = iter(range(1, 10_000))

    def build(ward: Ward | None = None, **values: Any) -> Organisation:
        n = next(counter)
        ward = ward or make_ward()
        fields = {"code": f"don-vi-{n}", "name": f"Đơn vị thử {n}", "kind": "other"} | values
        with app.app_context():
            return persist(Organisation(ward_id=ward.id, **fields))

    return build


@pytest.fixture
def make_participant(app: Flask, make_ward: Callable[..., Ward]) -> Callable[..., Participant]:
    counter = iter(range(1, 100_000))

    def build(ward: Ward | None = None, **values: Any) -> Participant:
        n = next(counter)
        ward = ward or make_ward()
        fields = {
            "full_name": f"Nguyễn Văn Thử {n}",
            "phone": f"09{n:08d}",
            "birth_year": 1990,
            "grp": "resident",
            "password_hash": hash_password(TEST_PASSWORD),
            "consent_at": FIXED_NOW,
            "created_at": FIXED_NOW,
        } | values
        with app.app_context():
            return persist(Participant(ward_id=ward.id, **fields))

    return build


@dataclass
class StaffLogin:
    user: StaffUser
    password: str


@pytest.fixture
def make_staff(app: Flask) -> Callable[..., StaffLogin]:
    counter = iter(range(1, 10_000))

    def build(role: str = "organiser", username: str | None = None) -> StaffLogin:
        name = username or f"staff{next(counter)}"
        user = StaffUser(
            username=name, full_name=name, role=role, password_hash=hash_password(TEST_PASSWORD)
        )
        with app.app_context():
            return StaffLogin(persist(user), TEST_PASSWORD)

    return build


CSRF_INPUT = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_from(client: FlaskClient, page: str) -> str:
    """The CSRF token a real browser would find in the form on `page`."""
    html = client.get(page).get_data(as_text=True)
    match = CSRF_INPUT.search(html)
    assert match, f"no CSRF token in the form of {page}"
    return match.group(1) or match.group(2)


def post_form(
    client: FlaskClient, url: str, data: dict[str, Any], page: str | None = None, **kwargs: Any
):
    """Submit a form the way a browser does: token from the page, then POST."""
    token = csrf_from(client, page or url)
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


@pytest.fixture
def login_staff(client: FlaskClient, make_staff: Callable[..., StaffLogin]):
    """Sign a new staff user of `role` in through the real login form."""

    def sign_in(role: str = "organiser") -> StaffLogin:
        login = make_staff(role)
        response = post_form(
            client,
            "/staff/login",
            {"username": login.user.username, "password": login.password},
        )
        assert response.status_code == 302, response.text
        return login

    return sign_in


SHIPPED_BANK = Path(__file__).resolve().parent.parent / "question_bank"
SHIPPED_REGISTRY = Path(__file__).resolve().parent.parent / "registry" / "go-vap-2025.yaml"


def bank_report(n: int = 30, topics: tuple[str, ...] = ("chung", "rieng"), shuffle: bool = True):
    """A valid in-memory bank of `n` questions spread over topics and difficulties."""
    from quizapp.domain.bank_types import BankReport, QuestionSpec, TopicSpec

    specs = [
        QuestionSpec(
            id=f"Q-{i:04d}",
            text=f"Câu hỏi thử số {i}?",
            choices=(f"Đúng {i}", f"Sai một {i}", f"Sai hai {i}", f"Sai ba {i}"),
            answer=i % 4,
            topic=topics[i % len(topics)],
            difficulty=("easy", "medium", "hard")[i % 3],
            source=f"Điều {i}",
            explanation=f"Giải thích {i}.",
            shuffle=shuffle,
            where=f"thu.yaml:{i}",
        )
        for i in range(1, n + 1)
    ]
    return BankReport(questions=specs, topics=[TopicSpec(t, f"Chủ đề {t}") for t in topics])


@pytest.fixture
def make_bank(app: Flask) -> Callable[..., None]:
    def build(n: int = 30, **kwargs: Any) -> None:
        from quizapp.services.bank import apply_import

        with app.app_context():
            apply_import(bank_report(n, **kwargs), actor=None, now=FIXED_NOW)
            db.session.commit()

    return build


@pytest.fixture
def make_round(app: Flask, make_bank: Callable[..., None]) -> Callable[..., Any]:
    """An open round (bank included) whose window contains FIXED_NOW unless told otherwise."""

    def build(bank_size: int = 30, status: str = "open", **settings: Any) -> Any:
        from datetime import timedelta

        from quizapp.domain.round_rules import RoundSettings
        from quizapp.models import Contest
        from quizapp.services import lifecycle, rounds

        make_bank(bank_size)
        values = {
            "title": "Đợt thử",
            "opens_at": FIXED_NOW - timedelta(hours=1),
            "closes_at": FIXED_NOW + timedelta(days=1),
            "question_count": 5,
            "time_limit_seconds": 600,
            "max_attempts": 2,
        } | settings
        with app.app_context():
            contest = db.session.scalar(db.select(Contest).where(Contest.slug == "thu"))
            contest = contest or rounds.create_contest(None, "thu", "Cuộc thi thử")
            rnd = rounds.create_round(None, contest, RoundSettings(**values), now=FIXED_NOW)
            if status == "open":
                lifecycle.open_round(None, rnd, now=values["opens_at"], confirmed=True)
            db.session.commit()
            return persist_round(rnd)

    return build


def persist_round(rnd: Any) -> Any:
    db.session.refresh(rnd)
    db.session.expunge(rnd)
    return rnd


class FakeClock:
    """A clock the app reads through config["CLOCK"]; tests move it instead of sleeping."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.now += timedelta(**delta)


@pytest.fixture
def clock(app: Flask) -> FakeClock:
    fake = FakeClock(FIXED_NOW)
    app.config["CLOCK"] = fake
    return fake


class ApiClient:
    """JSON calls with the CSRF header a real client would send."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.token = client.get("/api/v1/csrf").get_json()["csrf_token"]

    def call(self, method: str, url: str, json: Any = None, **kwargs: Any):
        headers = {"X-CSRFToken": self.token}
        return self.client.open(url, method=method, json=json, headers=headers, **kwargs)

    def get(self, url: str):
        return self.client.get(url)


@pytest.fixture
def api(client: FlaskClient) -> ApiClient:
    return ApiClient(client)


@pytest.fixture
def login_participant(client: FlaskClient, make_participant: Callable[..., Participant]):
    """A participant signed in through the API login (cookie session)."""

    def sign_in(**values: Any) -> Participant:
        person = make_participant(**values)
        response = ApiClient(client).call(
            "POST", "/api/v1/login", {"phone": person.phone, "password": TEST_PASSWORD}
        )
        assert response.status_code == 200, response.get_json()
        return person

    return sign_in
