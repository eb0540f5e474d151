"""The console's export as it runs: results gathered from the database, then written.

    .venv/bin/python bench/export_gathered.py [--rows 100000]

Seeds a temporary SQLite database (one process): N participants in 21 wards, two in three with
one of 300 organisations, each with a finished attempt, and the round's entries. Then, each in
a fresh interpreter (so each peak RSS is its own), runs `services.exports.export_round` for the
XLSX and the CSV — the ranking query, the people, the prize draft, the collective tables and
the writer — and prints wall and CPU time and the peak RSS. bench/export_bench.py times the
writers alone on faked results. A benchmark that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

START = datetime(2026, 11, 1, tzinfo=UTC)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def seed(url: str, rows: int) -> None:
    from export_bench import GROUPS, _name
    from flask_migrate import upgrade
    from rankings_bench import closed_round, finished_attempt

    from quizapp import create_app
    from quizapp.extensions import db
    from quizapp.models import Attempt, Organisation, Participant
    from quizapp.services import rankings

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    rng = random.Random(1)
    with app.app_context():
        upgrade()
        rnd, wards = closed_round(rows, 21)
        orgs = [
            Organisation(
                code=f"o{i}",
                name=f"Cơ quan, đơn vị số {i}",
                kind="agency",
                ward_id=wards[i % 21].id,
            )
            for i in range(300)
        ]
        db.session.add_all(orgs)
        db.session.flush()
        people = [
            {
                "full_name": _name(n),
                "phone": f"09{n:08d}",
                "cccd": f"079{n:09d}",
                "birth_year": 1960 + n % 45,
                "ward_id": wards[n % 21].id,
                "organisation_id": orgs[n % 300].id if n % 3 else None,
                "grp": GROUPS[n % 4],
                "password_hash": "x",
                "consent_at": START,
                "is_organiser_staff": False,
                "created_at": START,
            }
            for n in range(1, rows + 1)
        ]
        db.session.execute(Participant.__table__.insert(), people)
        ids = db.session.scalars(db.select(Participant.id).order_by(Participant.id)).all()
        attempts = [finished_attempt(rnd, pid, 1, rows, rng) for pid in ids]
        db.session.execute(Attempt.__table__.insert(), attempts)
        rankings.rebuild_entries(rnd)
        db.session.commit()


def export(url: str, key: str) -> None:
    from quizapp import create_app
    from quizapp.extensions import db
    from quizapp.models import Round
    from quizapp.services.exports import Options, export_round

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        rnd = db.session.scalar(db.select(Round))
        imports_rss = peak_rss_mb()
        with tempfile.TemporaryFile() as out:  # a file, as the background export job writes
            began, cpu = time.perf_counter(), time.process_time()
            _, filename = export_round(None, rnd, key, out, Options("Bench", START))
            elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
            size = out.tell()
        db.session.rollback()
    print(
        f"{key:>4}: gathered and written in {elapsed:.2f} s wall, {cpu:.2f} s CPU, "
        f"{filename} {size / 1e6:.1f} MB; "
        f"peak RSS {peak_rss_mb():.0f} MB (the app loaded: {imports_rss:.0f} MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", metavar="URL")
    parser.add_argument("--export", metavar="URL")
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    args = parser.parse_args()
    if args.seed:
        seed(args.seed, args.rows)
        return
    if args.export:
        export(args.export, args.format)
        return
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        began = time.perf_counter()
        subprocess.run(
            [sys.executable, __file__, "--seed", url, "--rows", str(args.rows)], check=True
        )
        print(
            f"seeded {args.rows:,} participants with one attempt each in "
            f"{time.perf_counter() - began:.1f} s (SQLite)"
        )
        for key in ("xlsx", "csv"):
            command = [sys.executable, __file__, "--export", url, "--format", key]
            subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
