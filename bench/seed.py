"""Seed a benchmark database: registry, bank, one open round, N participants (bulk insert).

Run with PYTHONPATH set to the project root (bench/run_load.py does).
"""

from __future__ import annotations

import argparse
import random
from datetime import timedelta
from pathlib import Path

from quizapp import create_app
from quizapp.domain.bank import load_bank
from quizapp.domain.registry import parse_registry
from quizapp.domain.round_rules import RoundSettings
from quizapp.extensions import db
from quizapp.models import Participant, Ward, utcnow
from quizapp.security import hash_password
from quizapp.services import bank, registry, rounds

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--minutes", type=int, default=60, help="how long the round stays open")
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
        rounds.open_round(None, rnd, now)
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
        print(rnd.id)


if __name__ == "__main__":
    main()
