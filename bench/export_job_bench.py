"""Benchmark: one background export job of a large round, through `flask exports work --once`.

    .venv/bin/python bench/export_job_bench.py [--participants 100000] [--format xlsx]

Seeds a throwaway SQLite database (bench/rankings_bench.py's seed, one attempt each), queues
the job as the console does, runs the worker and prints its log line, the progress the job
recorded while it ran (sampled from a second connection) and the peak RSS (seeding included:
the export's own peak, in a fresh process, is bench/export_gathered.py's). Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from flask_migrate import upgrade
from rankings_bench import seed
from sqlalchemy import create_engine, text

from quizapp import create_app
from quizapp.extensions import db
from quizapp.models import Round
from quizapp.services import export_jobs, rankings


def sample(url: str, stop: threading.Event, seen: list[tuple[float, str, int]]) -> None:
    """What the console's status endpoint would read, every 0.2 s, from its own connection."""
    engine, began = create_engine(url), time.perf_counter()
    while True:
        last = stop.is_set()
        with engine.connect() as conn:
            row = conn.execute(text("SELECT status, rows_done FROM export_jobs")).first()
        if row is not None and (not seen or seen[-1][1:] != tuple(row)):
            seen.append((time.perf_counter() - began, row[0], row[1]))
        if last:
            break
        stop.wait(0.2)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--format", choices=tuple(export_jobs.FORMAT_LABELS), default="xlsx")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "EXPORTS_FOLDER": str(folder / "out")})
    with app.app_context():
        upgrade()
        rnd = seed(args.participants, args.participants, random.Random(1))
        rankings.rebuild_entries(db.session.get(Round, rnd.id))
        job = export_jobs.request_job(
            None, db.session.get(Round, rnd.id), args.format, "", rnd.closes_at
        )
        db.session.commit()
        print(f"queued job #{job.id}: {job.rows_total:,} rows, {args.format}")
    stop, seen = threading.Event(), []
    watcher = threading.Thread(target=sample, args=(url, stop, seen))
    watcher.start()
    result = app.test_cli_runner().invoke(args=["exports", "work", "--once"])
    stop.set()
    watcher.join()
    print(result.output.strip())
    print("progress seen by the console:", ", ".join(f"{s:.1f} s {st} {n:,}" for s, st, n in seen))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # One process seeds and works here: the worker's own peak is bench/export_gathered.py's.
    print(f"peak RSS of this process, the seeding included: {peak:.0f} MB")


if __name__ == "__main__":
    main()
