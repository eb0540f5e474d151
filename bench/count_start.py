"""A start's cost in instructions, not seconds: what a noisy shared box does not move.

Runs K starts of the API in-process (as bench/profile_request.py does, limits counting) and
prints nothing but a marker; run it under valgrind's callgrind twice, with K and with 0, and
the difference of the instructions callgrind counted, divided by K, is one start's (the app
side; the database is another process). Seeding and the first 10 starts are the same in both.

    DATABASE_URL=postgresql://… valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        .venv/bin/python bench/count_start.py --starts 200 --people 210
"""

from __future__ import annotations

import argparse

from profile_request import _start
from run_load import BENCH_LIMITS
from seed import _participants, _round, _sessions

from quizapp import create_app
from quizapp.clock import now as clock_now


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--starts", type=int, required=True, help="measured starts (0: none)")
    parser.add_argument("--people", type=int, required=True, help="participants seeded")
    args = parser.parse_args()
    limits = {name: "100000000 per minute" for name in BENCH_LIMITS}
    app = create_app({"RATELIMIT_ENABLED": True, **limits})
    with app.app_context():
        moment = clock_now()
        rnd = _round(moment, 120)
        _participants(args.people, "mật-khẩu-đo-tải", moment)
        users = [u | {"round": rnd.id} for u in _sessions(app, {})]
    client = app.test_client()
    for user in users[:10]:  # imports, caches, prepared statements
        _start(client, user)
    for user in users[10 : 10 + args.starts]:
        _start(client, user)
    print("done", args.starts)


if __name__ == "__main__":
    main()
