"""Where a start's or a submit's CPU goes: the API in-process, under cProfile, statements counted.

Seeds a database (the one DATABASE_URL names; run `flask db upgrade` on it first) as
bench/seed.py does: one open round of 20 questions, N participants (for `submit`, each with an
attempt and every answer saved). Then sends each participant's request through the app's test
client (the API, as a phone does: session cookie, CSRF header) and prints, per request: CPU-ms
of this process (app side only, half of them without the profiler), the SQL statements of one,
and the functions with the most time under cProfile (the other half).

    cd bench && DATABASE_URL=postgresql://… PYTHONPATH=.. ../.venv/bin/python profile_request.py \
        submit --n 600
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import time

from run_load import BENCH_LIMITS
from seed import _participants, _round, _sessions, _start_attempts
from sqlalchemy import event

from quizapp import create_app
from quizapp.clock import now as clock_now
from quizapp.extensions import db


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("request", choices=("start", "submit"))
    parser.add_argument("--n", type=int, default=300, help="participants, one request each")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative", help="cumulative or tottime")
    parser.add_argument(
        "--ratelimit", action="store_true", help="count requests in the rate-limit store too"
    )
    args = parser.parse_args()
    # Counting as in production, with budgets one process's test client cannot reach.
    limits = {name: "100000000 per minute" for name in BENCH_LIMITS} if args.ratelimit else {}
    app = create_app({"RATELIMIT_ENABLED": args.ratelimit, **limits})
    with app.app_context():
        moment = clock_now()
        rnd = _round(moment, 120)
        _participants(args.n, "mật-khẩu-đo-tải", moment)
        started = {}
        if args.request == "submit":
            started = _start_attempts(rnd, 0, args.n, 20, moment, random.Random(1))
        users = [u | {"round": rnd.id} for u in _sessions(app, started)]
        statements: list[str] = []
        event.listen(
            db.engine, "before_cursor_execute", lambda c, cur, sql, *a: statements.append(sql)
        )
    client = app.test_client()
    send = _submit if args.request == "submit" else _start
    warm = users[:10]
    for user in warm:
        send(client, user)
    statements.clear()
    send(client, users[10])
    print(f"The statements of one {args.request}:")
    for sql in statements:
        print("  ", " ".join(sql.split())[:150])
    rest = users[11:]
    plain, profiled = rest[: len(rest) // 2], rest[len(rest) // 2 :]
    cpu = time.process_time()
    for user in plain:
        send(client, user)
    cpu = time.process_time() - cpu
    each = cpu / len(plain) * 1000
    print(f"{len(plain)} {args.request}s: {each:.2f} CPU-ms each (app side, in-process)")
    profiler = cProfile.Profile(time.process_time)  # CPU, not waiting for the database
    statements.clear()
    profiler.enable()
    for user in profiled:
        send(client, user)
    profiler.disable()
    print(
        f"{len(profiled)} more under cProfile: "
        f"{len(statements) / len(profiled):.1f} statements each"
    )
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats(args.sort)
    stats.print_stats(args.top)
    if os.environ.get("PROFILE_CALLERS"):
        stats.print_callers(os.environ["PROFILE_CALLERS"])
    if os.environ.get("PROFILE_CALLEES"):
        stats.print_callees(os.environ["PROFILE_CALLEES"])
    print(out.getvalue())


def _submit(client, user: dict) -> None:
    _post(client, user, f"/api/v1/attempts/{user['attempt']}/submit", {"prediction": 10}, 200)


def _start(client, user: dict) -> None:
    _post(client, user, f"/api/v1/rounds/{user['round']}/attempts", {}, 201)


def _post(client, user: dict, path: str, body: dict, status: int) -> None:
    client.set_cookie("session", user["cookie"], domain="localhost")
    reply = client.post(path, json=body, headers={"X-CSRFToken": user["csrf"]})
    assert reply.status_code == status, (reply.status_code, reply.get_data(as_text=True)[:300])


if __name__ == "__main__":
    main()
