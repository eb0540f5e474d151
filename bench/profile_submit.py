"""Where a submit's CPU goes: the API's submit in-process, under cProfile, statements counted.

Seeds a database (the one DATABASE_URL names; run `flask db upgrade` on it first) as
bench/seed.py does: one open round of 20 questions, N participants with an attempt each and
every answer saved. Then submits every attempt through the app's test client (the API, as a
phone does: session cookie, CSRF header) and prints, per submit: CPU-ms of this process (app
side only), SQL statements, and the functions with the most cumulative time.

    DATABASE_URL=postgresql://… PYTHONPATH=. .venv/bin/python bench/profile_submit.py --n 300
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import time

from seed import _participants, _round, _sessions, _start_attempts
from sqlalchemy import event

from quizapp import create_app
from quizapp.clock import now as clock_now
from quizapp.extensions import db


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300, help="attempts to submit")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative", help="cumulative or tottime")
    args = parser.parse_args()
    app = create_app({"RATELIMIT_ENABLED": False})
    with app.app_context():
        moment = clock_now()
        rnd = _round(moment, 120)
        _participants(args.n, "mật-khẩu-đo-tải", moment)
        started = _start_attempts(rnd, 0, args.n, 20, moment, random.Random(1))
        users = [u for u in _sessions(app, started) if u["attempt"]]
        statements: list[str] = []
        event.listen(
            db.engine, "before_cursor_execute", lambda c, cur, sql, *a: statements.append(sql)
        )
    client = app.test_client()
    warm = users[:10]
    for user in warm:
        _submit(client, app, user)
    statements.clear()
    _submit(client, app, users[10])
    print("The statements of one submit:")
    for sql in statements:
        print("  ", " ".join(sql.split())[:150])
    rest = users[11:]
    plain, profiled = rest[: len(rest) // 2], rest[len(rest) // 2 :]
    cpu = time.process_time()
    for user in plain:
        _submit(client, app, user)
    cpu = time.process_time() - cpu
    print(f"{len(plain)} submits: {cpu / len(plain) * 1000:.2f} CPU-ms each (app side, in-process)")
    profiler = cProfile.Profile()
    statements.clear()
    profiler.enable()
    for user in profiled:
        _submit(client, app, user)
    profiler.disable()
    print(
        f"{len(profiled)} more under cProfile: "
        f"{len(statements) / len(profiled):.1f} statements each"
    )
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())


def _submit(client, app, user: dict) -> None:
    client.set_cookie("session", user["cookie"], domain="localhost")
    reply = client.post(
        f"/api/v1/attempts/{user['attempt']}/submit",
        json={"prediction": 10},
        headers={"X-CSRFToken": user["csrf"]},
    )
    assert reply.status_code == 200, (reply.status_code, reply.get_data(as_text=True)[:300])


if __name__ == "__main__":
    main()
