"""What the end-to-end tests do beside the browser: seed the database, build rounds and people,
and read back what the server holds (the answer key, saved choices, deadlines)."""

from __future__ import annotations

import itertools
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from playwright.sync_api import APIRequestContext, Page
from sqlalchemy import select

from quizapp import clock

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "question_bank"
REGISTRY = ROOT / "registry" / "go-vap-2025.yaml"
PASSWORD = "mat-khau-e2e-2025"
STAFF_USERNAME = "bantochuc-e2e"
LIAISON_USERNAME = "lienlac-e2e"  # the liaison of ward hanh-thong
CONTEST_SLUG = "e2e"


def seed(app: Flask) -> None:
    """The shipped registry and bank, an organiser account and the contest for test rounds."""
    from quizapp.domain.registry import parse_registry
    from quizapp.extensions import db
    from quizapp.models import StaffUser, Ward
    from quizapp.security import hash_password
    from quizapp.services import registry, rounds

    with app.app_context():
        parsed, errors = parse_registry(REGISTRY.read_bytes(), str(REGISTRY))
        assert parsed is not None and not errors, errors
        registry.load_registry(parsed, now=clock.now())
        db.session.add(
            StaffUser(
                username=STAFF_USERNAME,
                full_name="Ban tổ chức (e2e)",
                role="organiser",
                password_hash=hash_password(PASSWORD),
            )
        )
        ward = db.session.scalar(select(Ward).filter_by(code="hanh-thong"))
        db.session.add(
            StaffUser(
                username=LIAISON_USERNAME,
                full_name="Phụ trách phường (e2e)",
                role="liaison",
                ward_id=ward.id,
                password_hash=hash_password(PASSWORD),
            )
        )
        rounds.create_contest(None, CONTEST_SLUG, "Cuộc thi kiểm thử trên trình duyệt")
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["bank", "import", str(BANK)])
    assert result.exit_code == 0, result.output
    # As `make setup` does: the starter practice set, so /luyen-tap has questions.
    result = app.test_cli_runner().invoke(args=["demo", "practice"])
    assert result.exit_code == 0, result.output


@dataclass(frozen=True)
class Person:
    id: int
    full_name: str
    phone: str


@dataclass(frozen=True)
class AttemptRow:
    score: int | None
    finish_reason: str | None
    submitted: bool
    remaining_seconds: float


class LiveApp:
    """The served app, plus direct database access from the test thread."""

    def __init__(self, app: Flask, url: str) -> None:
        self.app = app
        self.url = url
        self._numbers = itertools.count(1)

    @contextmanager
    def session(self) -> Iterator[Any]:
        from quizapp.extensions import db

        with self.app.app_context():
            yield db.session
            db.session.remove()

    def next_phone(self) -> str:
        return f"09{70_000_000 + next(self._numbers):08d}"

    def make_round(self, title: str, **settings: Any) -> int:
        """An open round of the e2e contest whose window is now (plus a day)."""
        from quizapp.domain.round_rules import RoundSettings
        from quizapp.models import Contest
        from quizapp.services import lifecycle, rounds

        moment = clock.now()
        values = {
            "title": title,
            "opens_at": moment - timedelta(minutes=1),
            "closes_at": moment + timedelta(days=1),
            "question_count": 5,
            "time_limit_seconds": 600,
            "max_attempts": 2,
        } | settings
        with self.session() as s:
            contest = s.scalar(select(Contest).filter_by(slug=CONTEST_SLUG))
            rnd = rounds.create_round(None, contest, RoundSettings(**values), now=moment)
            lifecycle.open_round(None, rnd, now=moment, confirmed=True)
            s.commit()
            return rnd.id

    def publish_round(self, round_id: int) -> int:
        """Close the round early, review it and publish its winners as the e2e organiser;
        → the publication's id."""
        from quizapp.models import Round, StaffUser
        from quizapp.services import lifecycle, publication

        with self.session() as s:
            staff = s.scalar(select(StaffUser).filter_by(username=STAFF_USERNAME))
            rnd = s.get(Round, round_id)
            reason = "Kiểm thử trên trình duyệt"
            lifecycle.close_round(staff, rnd, clock.now(), reason, confirmed=True)
            lifecycle.start_review(staff, rnd, clock.now())
            published = publication.publish(
                staff, rnd, clock.now(), confirmed=True, acknowledgement="Kiểm thử trên trình duyệt"
            )
            s.commit()
            return published.id

    def make_person(self, full_name: str = "Trần Thị Kiểm Thử") -> Person:
        from quizapp.models import Participant, Ward
        from quizapp.security import hash_password

        phone = self.next_phone()
        with self.session() as s:
            ward = s.scalar(select(Ward).filter_by(code="go-vap"))
            person = Participant(
                full_name=full_name,
                phone=phone,
                birth_year=1985,
                grp="resident",
                ward_id=ward.id,
                password_hash=hash_password(PASSWORD),
                consent_at=clock.now(),
            )
            s.add(person)
            s.commit()
            return Person(person.id, full_name, phone)

    def person_by_phone(self, phone: str) -> Person:
        from quizapp.models import Participant

        with self.session() as s:
            person = s.scalar(select(Participant).filter_by(phone=phone))
            assert person is not None, f"no participant with phone {phone}"
            return Person(person.id, person.full_name, person.phone)

    def api_login(self, request: APIRequestContext, phone: str) -> str:
        """Sign in through the JSON API; the cookies land in `request`'s context. → CSRF token"""
        token = request.get(f"{self.url}/api/v1/csrf").json()["csrf_token"]
        response = request.post(
            f"{self.url}/api/v1/login",
            data={"phone": phone, "password": PASSWORD},
            headers={"X-CSRFToken": token},
        )
        assert response.ok, response.text()
        return token

    def key(self, attempt_id: int) -> dict[int, tuple[int, int]]:
        """position → (correct choice as displayed, number of choices)."""
        from quizapp.models import Attempt

        with self.session() as s:
            attempt = s.get(Attempt, attempt_id)
            return {
                item.position: (
                    item.choice_order.index(item.version.correct_index),
                    len(item.choice_order),
                )
                for item in attempt.items
            }

    def saved(self, attempt_id: int) -> dict[int, int | None]:
        """position → the saved choice as displayed (None when nothing is saved)."""
        from quizapp.models import Answer, Attempt

        with self.session() as s:
            attempt = s.get(Attempt, attempt_id)
            answers = {
                a.attempt_question_id: a.chosen_index
                for a in s.scalars(select(Answer).filter_by(attempt_id=attempt_id))
            }
            return {
                item.position: (
                    None
                    if answers.get(item.id) is None
                    else item.choice_order.index(answers[item.id])
                )
                for item in attempt.items
            }

    def attempt(self, attempt_id: int) -> AttemptRow:
        from quizapp.models import Attempt

        with self.session() as s:
            a = s.get(Attempt, attempt_id)
            left = (a.deadline_at - clock.now()).total_seconds()
            return AttemptRow(a.score, a.finish_reason, a.submitted_at is not None, left)

    def take_round(self, person: Person, round_id: int, submit: bool) -> int:
        """Start an attempt through the services and answer it all correctly (opt. submit)."""
        from quizapp.models import Participant, Round
        from quizapp.services import attempts

        with self.session() as s:
            who, rnd = s.get(Participant, person.id), s.get(Round, round_id)
            attempt = attempts.start_attempt(who, rnd, clock.now()).attempt
            s.flush()
            for item in attempt.items:
                right = item.choice_order.index(item.version.correct_index)
                attempts.save_answer(who, attempt.id, item.position, right, clock.now())
            if submit:
                attempts.submit_attempt(who, attempt.id, clock.now())
            s.commit()
            return attempt.id


def plan_answers(key: dict[int, tuple[int, int]]) -> tuple[dict[int, int], int]:
    """Right at odd positions, wrong at even ones: → (position → choice, expected score)."""
    plan = {pos: right if pos % 2 else (right + 1) % count for pos, (right, count) in key.items()}
    return plan, sum(1 for pos in key if pos % 2)


ZBARIMG = shutil.which("zbarimg")


def decode_qr(png: Path) -> list[str]:
    """What a real decoder (zbarimg, Debian's zbar-tools) reads from the QR codes in an image."""
    assert ZBARIMG, "zbarimg is missing (apt-get install -y zbar-tools)"
    found = subprocess.run(
        [ZBARIMG, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    # zbarimg exits 4 when it finds no symbol: an empty list, for the caller to assert on.
    assert found.returncode in (0, 4), found.stderr
    return found.stdout.splitlines()


def watch(page: Page) -> list[str]:
    """Collect what must never happen on a page: uncaught script errors, CSP refusals."""
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"uncaught error: {exc}"))

    def on_console(message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(f"CSP: {message.text}")

    page.on("console", on_console)
    return problems
