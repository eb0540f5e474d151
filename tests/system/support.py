"""What the system tests share besides fixtures: seeding, an HTTP client, locks, reads.

The race runner, shared with the integration tests, is tests.helpers.race.
"""

from __future__ import annotations

import itertools
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg
import requests
from sqlalchemy.engine import make_url

from quizapp import clock, create_app
from quizapp.extensions import db
from quizapp.models import Answer, Attempt, AttemptQuestion, Participant, RoundEntry, Ward
from quizapp.security import hash_password
from tests.conftest import TEST_PASSWORD, bank_report

TIMEOUT = 30
_seeds = itertools.count(1)
_phones = itertools.count(1)


@contextmanager
def app_context(url: str) -> Iterator[None]:
    """The app's services on `url`, from the test process; every connection closed after."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        try:
            yield
        finally:
            db.session.remove()
            db.engine.dispose()


@dataclass(frozen=True)
class Seeded:
    round_id: int
    phones: list[str]


def seed(
    url: str,
    participants: int = 1,
    question_count: int = 5,
    max_attempts: int | None = 2,
    opened_ago: timedelta = timedelta(hours=1),
) -> Seeded:
    """A ward, `participants` new people, the bank and a new open round whose window has now.

    Every call makes new people and a new round, so tests may share one database.
    """
    from quizapp.domain.round_rules import RoundSettings
    from quizapp.services import lifecycle, rounds
    from quizapp.services.bank import apply_import

    now, n = clock.now(), next(_seeds)
    password_hash = hash_password(TEST_PASSWORD)
    with app_context(url):
        ward = Ward(code=f"phuong-he-thong-{n}", name=f"Phường Hệ Thống {n}")
        db.session.add(ward)
        db.session.flush()
        phones = [f"09{next(_phones):08d}" for _ in range(participants)]
        db.session.add_all(
            Participant(
                ward_id=ward.id,
                full_name=f"Trần Thị Tải {n}",
                phone=phone,
                birth_year=1990,
                grp="resident",
                password_hash=password_hash,
                consent_at=now,
            )
            for n, phone in enumerate(phones, start=1)
        )
        apply_import(bank_report(max(30, question_count)), actor=None, now=now)
        contest = rounds.create_contest(None, f"he-thong-{n}", "Cuộc thi hệ thống")
        settings = RoundSettings(
            title="Đợt hệ thống",
            opens_at=now - opened_ago,
            closes_at=now + timedelta(days=1),
            question_count=question_count,
            time_limit_seconds=600,
            max_attempts=max_attempts,
        )
        rnd = rounds.create_round(None, contest, settings, now=settings.opens_at)
        lifecycle.open_round(None, rnd, now=settings.opens_at, confirmed=True)
        db.session.commit()
        return Seeded(rnd.id, phones)


class Api:
    """A participant's JSON client: cookie session plus the X-CSRFToken header."""

    def __init__(self, base: str, session: requests.Session | None = None, token: str = ""):
        self.base = base
        self.session = session or requests.Session()
        self.token = (
            token or self.session.get(f"{base}/api/v1/csrf", timeout=TIMEOUT).json()["csrf_token"]
        )

    @classmethod
    def login(cls, base: str, phone: str) -> Api:
        api = cls(base)
        response = api.call("POST", "/api/v1/login", {"phone": phone, "password": TEST_PASSWORD})
        assert response.status_code == 200, response.text
        return api

    def clone(self, base: str | None = None) -> Api:
        """The same signed-in session on a new connection (one per thread), maybe elsewhere."""
        session = requests.Session()
        session.cookies.update(self.session.cookies)
        return Api(base or self.base, session, self.token)

    def call(self, method: str, path: str, json: Any = None) -> requests.Response:
        headers = {"X-CSRFToken": self.token}
        return self.session.request(
            method, self.base + path, json=json, headers=headers, timeout=TIMEOUT
        )

    def start(self, round_id: int) -> requests.Response:
        return self.call("POST", f"/api/v1/rounds/{round_id}/attempts")

    def save(self, attempt_id: int, position: int, choice: int | None) -> requests.Response:
        return self.call(
            "PUT", f"/api/v1/attempts/{attempt_id}/answers/{position}", {"choice": choice}
        )

    def submit(self, attempt_id: int) -> requests.Response:
        return self.call("POST", f"/api/v1/attempts/{attempt_id}/submit", {})

    def state(self, attempt_id: int) -> requests.Response:
        return self.call("GET", f"/api/v1/attempts/{attempt_id}")


def outcome(response: requests.Response) -> tuple[int, str]:
    """(status, error code or "") of an API response."""
    try:
        body = response.json()
    except ValueError:
        return response.status_code, "not json"
    return response.status_code, (body.get("error") or {}).get("code", "")


# Reads of what the database holds, from the test process.


def attempts_of(url: str, round_id: int) -> list[Attempt]:
    with app_context(url):
        rows = db.session.scalars(
            db.select(Attempt).where(Attempt.round_id == round_id).order_by(Attempt.id)
        ).all()
        db.session.expunge_all()
        return list(rows)


def entries_of(url: str, round_id: int) -> list[RoundEntry]:
    with app_context(url):
        rows = db.session.scalars(db.select(RoundEntry).where(RoundEntry.round_id == round_id))
        rows = rows.all()
        db.session.expunge_all()
        return list(rows)


@dataclass(frozen=True)
class StoredAnswer:
    """An answer as the participant saw it: display position of the choice, graded or not."""

    choice: int | None
    is_correct: bool | None
    saved_at: datetime


def answers_of(url: str, attempt_ids: list[int]) -> dict[tuple[int, int], list[StoredAnswer]]:
    """(attempt id, position) -> every answer row stored for that question."""
    found: dict[tuple[int, int], list[StoredAnswer]] = {}
    with app_context(url):
        rows = db.session.execute(
            db.select(Answer, AttemptQuestion)
            .join(AttemptQuestion, Answer.attempt_question_id == AttemptQuestion.id)
            .where(Answer.attempt_id.in_(attempt_ids))
        ).all()
        for answer, item in rows:
            shown = None
            if answer.chosen_index is not None:
                shown = item.choice_order.index(answer.chosen_index)
            stored = StoredAnswer(shown, answer.is_correct, answer.saved_at)
            found.setdefault((answer.attempt_id, item.position), []).append(stored)
    return found


def correct_choices(url: str, attempt_id: int) -> dict[int, int]:
    """position -> display position of the correct choice (the key, read from the database)."""
    with app_context(url):
        items = db.session.scalars(
            db.select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id)
        ).all()
        return {i.position: i.choice_order.index(i.version.correct_index) for i in items}


def start_long_ago(url: str, round_id: int, phone: str, ago: timedelta) -> int:
    """An attempt started `ago` (past its deadline by now) and never submitted: its id."""
    from quizapp.models import Round
    from quizapp.services import attempts

    with app_context(url):
        person = db.session.scalar(db.select(Participant).where(Participant.phone == phone))
        rnd = db.session.get(Round, round_id)
        attempt = attempts.start_attempt(person, rnd, clock.now() - ago).attempt
        db.session.commit()
        return attempt.id


@contextmanager
def attempt_held(url: str, attempt_id: int) -> Iterator[Callable[[int], None]]:
    """Hold the attempt's row lock (PostgreSQL) or the write lock (SQLite) until the block ends.

    Yields wait(n), which returns once n requests wait on that lock (PostgreSQL shows them in
    pg_stat_activity; SQLite does not, so there it only gives them a moment to arrive).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        conn = sqlite3.connect(parsed.database or "", isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield lambda n: time.sleep(1)
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return
    conninfo = parsed.set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(conninfo) as holder, psycopg.connect(conninfo, autocommit=True) as watch:
        holder.execute("SELECT id FROM attempts WHERE id = %s FOR UPDATE", (attempt_id,))

        def wait(n: int) -> None:
            query = (
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            limit = time.monotonic() + TIMEOUT
            while watch.execute(query).fetchone()[0] < n:  # type: ignore[index]
                assert time.monotonic() < limit, f"{n} requests never queued on the lock"
                time.sleep(0.05)

        try:
            yield wait
        finally:
            holder.rollback()


def terminate_backend(url: str, pid: int) -> None:
    """Kill one PostgreSQL backend (as an admin or a crash would) and wait until it is gone."""
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
        limit = time.monotonic() + TIMEOUT
        while conn.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone():
            assert time.monotonic() < limit, f"backend {pid} still there"
            time.sleep(0.05)
