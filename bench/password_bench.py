"""Sign-in's CPU cost: one password verification, Werkzeug's scrypt (before) and argon2id (now).

CPU time of this process (time.process_time), so other work on the box does not count; the
full sign-in under gunicorn is measured by bench/run_load.py (sign-in, CPU-ms per request).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from quizapp.security import hash_password, verify_password


def cost(check, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        began = time.process_time()
        assert check()
        times.append(1000 * (time.process_time() - began))
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    password = "mat-khau-bench-dai"
    old = generate_password_hash(password, method="scrypt")
    new = hash_password(password)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("| hash | CPU ms per verification (median / min) |")
    print("|---|---:|")
    for name, stored, check in (
        (f"scrypt (Werkzeug default, {old.split('$')[0]})", old, check_password_hash),
        (f"argon2id ({new.split('$')[3]})", new, verify_password),
    ):
        median, low = cost(lambda s=stored, c=check: c(s, password), args.repeat)
        print(f"| {name} | {median:.1f} / {low:.1f} |")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"\npeak RSS {rss / 1024:.0f} MB (from {rss0 / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
