"""Where a request's time goes under load: py-spy on the gunicorn workers while wrk drives them.

Starts a database (durable PostgreSQL or SQLite), seeds it, serves the app with gunicorn.conf.py,
runs one wrk script (default: the answer save) and records every worker with py-spy (wall
clock, idle included, so waiting for the database shows); prints the share of samples spent
inside each step (inclusive) and the functions with the most samples of their own.

    .venv/bin/python bench/profile_save.py --database postgresql [--script save.lua]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

from run_load import ROOT, WRK_DIR, Database, Server, _shared, base_env, prepare

PY_SPY = ROOT / ".venv-bench" / "bin" / "py-spy"
STEPS = {  # label: a piece of a frame's text (function and file) that marks the step
    "whole request (Flask)": "wsgi_app (flask/app.py",
    "signed-in user loaded (Flask-Login)": "load_user (quizapp/auth.py",
    "CSRF check": "protect (flask_wtf/csrf.py",
    "session cookie opened": "open_session (flask/sessions.py",
    "session cookie saved": "save_session (flask/sessions.py",
    "view: save_answer": "save_answer (quizapp/api/participant.py",
    "service: save_answer": "save_answer (quizapp/services/attempts.py",
    "attempt locked (lock_attempt)": "lock_attempt (quizapp/services/attempts.py",
    "flush": "flush (sqlalchemy/orm/session.py",
    "commit": "commit (sqlalchemy/orm/session.py",
    "pool checkout (pre-ping)": "_checkout (sqlalchemy/pool/base.py",
    "pre-ping": "do_ping (sqlalchemy",
    "waiting for the database (socket)": "wait (psycopg/waiting.py",
    "JSON response": "reply (quizapp/views/api/spec.py",
    "rate limiter": "limited (quizapp/ratelimiter.py",
    "gunicorn outside the app": "handle_request (gunicorn/workers/sync.py",
}


def collapse(path: Path) -> tuple[Counter, Counter, int]:
    inclusive, own, total = Counter(), Counter(), 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames, n = stack.split(";"), int(count)
        total += n
        for label, marker in STEPS.items():
            if any(marker in f for f in frames):
                inclusive[label] += n
        own[frames[-1].split(" (")[0] + " (" + frames[-1].split("/")[-1]] += n
    return inclusive, own, total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="postgresql")
    parser.add_argument("--script", default="save.lua")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--server", default="")
    parser.add_argument("--out", type=Path, default=None, help="keep the raw stacks here")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        Database(args.database, _shared(Path(tmp)), 55511) as database,
    ):
        env = base_env(database.url, args.server)
        _, _, tsv = prepare(env, Path(tmp), 256, ["0:256:0"], 256)
        app = Server("wsgi:app", 8110, env)
        raw = args.out or Path(tmp) / "stacks.txt"
        try:
            spy = [
                PY_SPY,
                "record",
                "--pid",
                str(app.process.pid),
                "--subprocesses",
                "--idle",
                "--format",
                "raw",
                "--rate",
                "200",
                "--duration",
                str(args.seconds),
                "--output",
                str(raw),
                "--nonblocking",
            ]
            recorder = threading.Thread(
                target=subprocess.run, args=(spy,), kwargs={"capture_output": True}
            )
            recorder.start()
            wrk = subprocess.run(
                [
                    "wrk",
                    "-t2",
                    f"-c{args.connections}",
                    f"-d{args.seconds}s",
                    "-s",
                    WRK_DIR / args.script,
                    f"http://127.0.0.1:{app.port}/healthz",
                ],
                env={
                    "BENCH_WRK_DIR": str(WRK_DIR),
                    "BENCH_WRK_USERS": str(tsv),
                    "BENCH_WRK_THREADS": "2",
                    "PATH": "/usr/bin:/bin",
                },
                capture_output=True,
                text=True,
                check=True,
            )
            recorder.join()
        finally:
            app.stop()
        line = next(x for x in wrk.stdout.splitlines() if x.startswith("BENCH "))
        result = json.loads(line[6:])
        print(
            f"{args.database} {args.script}: {result['requests'] / args.seconds:.0f} req/s "
            f"while profiled (py-spy slows the workers a little)"
        )
        inclusive, own, total = collapse(raw)
    worker = inclusive["gunicorn outside the app"] or total
    print("\n| step (inclusive) | share of worker time |\n|---|---:|")
    for label in STEPS:
        print(f"| {label} | {inclusive[label] / worker:.0%} |")
    print("\n| function (own samples) | share |\n|---|---:|")
    for name, n in own.most_common(15):
        print(f"| {name} | {n / worker:.0%} |")


if __name__ == "__main__":
    sys.exit(main())
