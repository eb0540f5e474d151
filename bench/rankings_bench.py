"""Benchmark: rankings over many attempts (prints figures; never part of the test suite).

    .venv/bin/python bench/rankings_bench.py --participants 100000 --attempts 1000000
    DATABASE_URL=postgresql://... .venv/bin/python bench/rankings_bench.py ...

Seeds a throwaway database (a temporary SQLite file unless DATABASE_URL is set, in which case
its tables are emptied first!), then times the ranking queries the site runs.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade
from sqlalchemy import text

from quizapp import create_app
from quizapp.extensions import db
from quizapp.models import Attempt, Contest, Participant, Round, Ward

START = datetime(2026, 11, 1, tzinfo=UTC)


def closed_round(participants: int, ward_count: int) -> tuple[Round, list[Ward]]:
    """A closed round of a contest, and its wards (flushed: ids known)."""
    wards = [Ward(code=f"w{i}", name=f"Phường {i}") for i in range(ward_count)]
    contest = Contest(slug="bench", title="Cuộc thi tìm hiểu Luật Thi đua, khen thưởng")
    rnd = Round(
        contest=contest,
        number=1,
        title="Đợt thử hiệu năng",
        opens_at=START,
        closes_at=START + timedelta(days=7),
        question_count=20,
        time_limit_seconds=900,
        max_attempts=None,
        status="closed",
        prediction_kind="participants",
        prediction_actual=participants,
    )
    db.session.add_all([*wards, contest, rnd])
    db.session.flush()
    return rnd, wards


def finished_attempt(
    rnd: Round, participant_id: int, number: int, participants: int, rng: random.Random
) -> dict:
    """A submitted attempt's row within the round's week, with a plausible score."""
    started = START + timedelta(seconds=rng.randrange(7 * 86400 - 1000))
    return {
        "round_id": rnd.id,
        "participant_id": participant_id,
        "number": number,
        "seed": "b",
        "started_at": started,
        "deadline_at": started + timedelta(seconds=900),
        "submitted_at": started + timedelta(seconds=rng.randrange(30, 900)),
        "finish_reason": "submitted",
        "score": min(20, int(rng.gauss(15, 3))),
        "time_used_ms": rng.randrange(30_000, 900_000),
        "prediction": rng.randrange(participants * 2),
    }


def seed(participants: int, attempts: int, rng: random.Random) -> Round:
    rnd, wards = closed_round(participants, 16)
    ward_ids = [w.id for w in wards]
    db.session.execute(
        Participant.__table__.insert(),
        [
            {
                "full_name": f"Người {i}",
                "phone": f"09{i:08d}",
                "birth_year": 1990,
                "ward_id": rng.choice(ward_ids),
                "grp": "resident",
                "password_hash": "x",
                "consent_at": START,
                "is_organiser_staff": False,
                "created_at": START,
            }
            for i in range(participants)
        ],
    )
    first_id = db.session.scalar(db.select(db.func.min(Participant.id)))
    counters: dict[int, int] = {}
    batch = []
    for _ in range(attempts):
        pid = first_id + rng.randrange(participants)
        counters[pid] = counters.get(pid, 0) + 1
        batch.append(finished_attempt(rnd, pid, counters[pid], participants, rng))
        if len(batch) == 50_000:
            db.session.execute(Attempt.__table__.insert(), batch)
            batch = []
    if batch:
        db.session.execute(Attempt.__table__.insert(), batch)
    db.session.commit()
    return rnd


def timed(label: str, func, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        db.session.rollback()
        best = min(best, time.perf_counter() - start)
    print(f"  {label:<46} {best:8.3f} s (best of {repeat})")
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--attempts", type=int, default=1_000_000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    from quizapp.services import collective, rankings

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
        began = time.perf_counter()
        rnd = seed(args.participants, args.attempts, random.Random(1))
        print(
            f"database: {db.engine.dialect.name}; python {platform.python_version()} "
            f"({sys.executable}); seeded {args.attempts:,} attempts of "
            f"{args.participants:,} participants in {time.perf_counter() - began:.1f} s"
        )
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        rnd = db.session.get(Round, rnd.id)
        timed(
            "rebuild round_entries from every attempt (at close)",
            lambda: (rankings.rebuild_entries(rnd), db.session.commit()),
            repeat=1,
        )
        rows = rankings.round_ranking(rnd)
        print(f"  ranked participants: {len(rows):,}")
        timed("full ranking (every participant)", lambda: rankings.round_ranking(rnd))
        timed("top 20 (public board)", lambda: rankings.round_ranking(rnd, limit=20))
        middle = rows[len(rows) // 2].participant_id
        timed(
            "one participant's rank and the row above",
            lambda: rankings.participant_rank(rnd, middle),
        )
        timed("ranking by ward", lambda: collective.ranked(rnd, "ward", "participants"))
        timed(
            "freeze the public board (copy the entries)",
            lambda: (rankings.freeze_entries(rnd), db.session.commit()),
            repeat=1,
        )
        frozen = rnd.closes_at
        timed(
            "frozen board top 20 (from the copy)",
            lambda: rankings.round_ranking(rnd, limit=20, as_of=frozen),
        )
    print(f"  peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
