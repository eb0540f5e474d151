"""Seed a benchmark database: registry, bank, one open round, N participants (bulk insert).

With --sessions, also write each participant's signed session cookie, as a phone that signed
in earlier (the "remember me" cookie) holds it; with --started, start attempts for a range of
participants and save all but their last answer (the deadline rush submits them).
Run with PYTHONPATH set to the project root (bench/run_load.py does).
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask

from quizapp import create_app
from quizapp.domain.bank import load_bank
from quizapp.domain.registry import parse_registry
from quizapp.domain.round_rules import RoundSettings
from quizapp.extensions import db
from quizapp.models import Answer, Participant, Round, Ward, utcnow
from quizapp.models.people import credential_stamp
from quizapp.security import hash_password
from quizapp.services import attempts, bank, lifecycle, registry, rounds

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--minutes", type=int, default=60, help="how long the round stays open")
    parser.add_argument("--sessions", type=Path, help="write {phone: session cookie} here")
    parser.add_argument("--started", default="0:0", help="FIRST:COUNT participants to start")
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        now = utcnow()
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
                now + timedelta(minutes=args.minutes),
                question_count=20,
                time_limit_seconds=1800,
                max_attempts=None,
                prediction_kind="entries",
            ),
            now,
        )
        lifecycle.open_round(None, rnd, now, confirmed=True)
        wards = db.session.scalars(db.select(Ward.id)).all()
        password_hash = hash_password(args.password)  # one hash: seeding speed, same cost to verify
        rng = random.Random(1)
        rows = [
            {
                "full_name": f"Người Đo Tải {n}",
                "phone": f"09{n:08d}",
                "birth_year": 1990,
                "ward_id": rng.choice(wards),
                "grp": "resident",
                "password_hash": password_hash,
                "consent_at": now,
                "is_organiser_staff": False,
                "created_at": now,
            }
            for n in range(args.participants)
        ]
        for start in range(0, len(rows), 5000):
            db.session.execute(Participant.__table__.insert(), rows[start : start + 5000])
        db.session.commit()
        if args.sessions:
            args.sessions.write_text(json.dumps(_session_cookies(app)), encoding="utf-8")
        first, count = (int(n) for n in args.started.split(":"))
        _start_attempts(rnd, first, count, now, rng)
        print(rnd.id)


def _session_cookies(app: Flask) -> dict[str, str]:
    """The cookie a signed-in phone holds, signed with the server's key (SECRET_KEY)."""
    serializer = app.session_interface.get_signing_serializer(app)
    people = db.session.execute(
        db.select(Participant.id, Participant.phone, Participant.password_hash)
    )
    return {
        phone: serializer.dumps(
            {"_user_id": f"p:{pid}:{credential_stamp(hashed)}", "_fresh": False}
        )
        for pid, phone, hashed in people
    }


def _start_attempts(rnd: Round, first: int, count: int, now: datetime, rng: random.Random) -> None:
    """Attempts started through the service, all but the last answer saved in bulk."""
    phones = [f"09{n:08d}" for n in range(first, first + count)]
    people = db.session.scalars(db.select(Participant).where(Participant.phone.in_(phones)))
    answers = []
    for person in people:
        attempt = attempts.start_attempt(person, rnd, now).attempt  # flushed: ids are known
        answers += [
            {
                "attempt_id": attempt.id,
                "attempt_question_id": item.id,
                "chosen_index": rng.randrange(4),
                "flagged": False,
                "saved_at": now,
            }
            for item in attempt.items[:-1]
        ]
    if answers:
        db.session.execute(Answer.__table__.insert(), answers)
    db.session.commit()


if __name__ == "__main__":
    main()
