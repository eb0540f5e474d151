"""Seed a benchmark database: registry, bank, one open round, N participants (bulk insert).

Writes a JSON file (--out) with, for each participant in phone order, what a phone that signed
in earlier holds: the signed session cookie ("remember me"), the CSRF token of that session
(as the page it loaded gave it), and, for the participants started here, the attempt id.
--started FIRST:COUNT:ANSWERS (repeatable) starts attempts for COUNT participants from FIRST
through the service and saves their first ANSWERS answers in bulk.
Run with PYTHONPATH set to the project root (bench/run_load.py does).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask
from itsdangerous import URLSafeTimedSerializer

from quizapp import create_app
from quizapp.clock import now as clock_now
from quizapp.domain.bank import load_bank
from quizapp.domain.registry import parse_registry
from quizapp.domain.round_rules import RoundSettings
from quizapp.extensions import db
from quizapp.models import Answer, Attempt, AttemptQuestion, Participant, Round, Ward
from quizapp.models.people import credential_stamp
from quizapp.security import hash_password
from quizapp.services import bank, lifecycle, registry, rounds, start_write

ROOT = Path(__file__).resolve().parent.parent


def phone(n: int) -> str:
    return f"09{n:08d}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--minutes", type=int, default=120, help="how long the round stays open")
    parser.add_argument("--out", type=Path, required=True, help="write the round and users here")
    parser.add_argument("--started", action="append", default=[], help="FIRST:COUNT:ANSWERS")
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        now = clock_now()
        rnd = _round(now, args.minutes)
        _participants(args.participants, args.password, now)
        started: dict[int, int] = {}
        rng = random.Random(1)
        for spec in args.started:
            first, count, answers = (int(n) for n in spec.split(":"))
            started |= _start_attempts(rnd, first, count, answers, now, rng)
        users = _sessions(app, started)
        args.out.write_text(json.dumps({"round": rnd.id, "users": users}), encoding="utf-8")
        print(rnd.id)


def _round(now: datetime, minutes: int) -> Round:
    reg, errors = parse_registry((ROOT / "registry/go-vap-2025.yaml").read_bytes(), "reg")
    assert not errors, errors
    registry.load_registry(reg, now)
    files = {p.name: p.read_bytes() for p in (ROOT / "question_bank").glob("*.yaml")}
    bank.apply_import(load_bank(files), None, now)
    contest = rounds.create_contest(None, "bench", "Cuộc thi đo tải")
    rnd = rounds.create_round(
        None,
        contest,
        RoundSettings(
            "Đợt đo tải",
            now - timedelta(minutes=1),
            now + timedelta(minutes=minutes),
            question_count=20,
            time_limit_seconds=3600,
            max_attempts=None,
            prediction_kind="entries",
            # The board then shows its top 20 live (domain/disclosure.py), as the board
            # scenario has always measured; unlimited attempts alone would hide it.
            show_score_after_submit=True,
        ),
        now,
    )
    lifecycle.open_round(None, rnd, now, confirmed=True)
    db.session.commit()
    return rnd


def _participants(count: int, password: str, now: datetime) -> None:
    wards = db.session.scalars(db.select(Ward.id)).all()
    password_hash = hash_password(password)  # one hash: seeding speed, same cost to verify
    rng = random.Random(1)
    rows = [
        {
            "full_name": f"Người Đo Tải {n}",
            "phone": phone(n),
            "birth_year": 1990,
            "ward_id": rng.choice(wards),
            "grp": "resident",
            "password_hash": password_hash,
            "consent_at": now,
            "is_organiser_staff": False,
            "created_at": now,
        }
        for n in range(count)
    ]
    for start in range(0, len(rows), 5000):
        db.session.execute(Participant.__table__.insert(), rows[start : start + 5000])
    db.session.commit()


def _sessions(app: Flask, started: dict[int, int]) -> list[dict]:
    """Each participant's cookie and CSRF token, signed with the server's key (SECRET_KEY)."""
    cookies = app.session_interface.get_signing_serializer(app)
    tokens = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")  # as Flask-WTF signs
    people = db.session.execute(
        db.select(
            Participant.id,
            Participant.phone,
            Participant.password_hash,
            Participant.session_version,
        ).order_by(Participant.phone)
    )
    users = []
    for pid, ph, hashed, version in people:
        raw = hashlib.sha1(os.urandom(32)).hexdigest()
        session = {"_user_id": f"p:{pid}:{credential_stamp(hashed)}:{version}", "_fresh": False}
        users.append(
            {
                "phone": ph,
                "cookie": cookies.dumps(session | {"csrf_token": raw}),
                "csrf": tokens.dumps(raw),
                "attempt": started.get(pid),
            }
        )
    return users


def _start_attempts(
    rnd: Round, first: int, count: int, saved: int, now: datetime, rng: random.Random
) -> dict[int, int]:
    """Attempts drawn as the service draws them, inserted in batches (the service's locks and
    checks, one person at a time, took minutes here); their first `saved` answers saved."""
    phones = [phone(n) for n in range(first, first + count)]
    people = db.session.scalars(db.select(Participant).where(Participant.phone.in_(phones))).all()
    started: dict[int, int] = {}
    for batch in range(0, len(people), 500):
        made = [
            (person, _drawn_attempt(person.id, rnd, now)) for person in people[batch : batch + 500]
        ]
        db.session.add_all(a for _, a in made)
        db.session.flush()  # ids of the attempts and their drawn questions
        answers = [
            {
                "attempt_id": attempt.id,
                "attempt_question_id": item.id,
                "chosen_index": rng.randrange(4),
                "flagged": False,
                "saved_at": now,
            }
            for _, attempt in made
            for item in attempt.items[:saved]
        ]
        if answers:
            db.session.execute(Answer.__table__.insert(), answers)
        started |= {person.id: attempt.id for person, attempt in made}
        db.session.commit()
    return started


def _drawn_attempt(participant_id: int, rnd: Round, now: datetime) -> Attempt:
    """A first attempt drawn as the service draws it, its questions as ORM rows (batch flush)."""
    seed = f"bench-{participant_id}"
    attempt = start_write.new_attempt(participant_id, rnd, 1, now, seed)
    attempt.items = [
        AttemptQuestion(
            position=i, question_version_id=d.version_id, choice_order=list(d.choice_order)
        )
        for i, d in enumerate(start_write.draw_for(rnd, seed), start=1)
    ]
    return attempt


if __name__ == "__main__":
    main()
