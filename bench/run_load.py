"""`make bench`: the production configuration under load, as ratios of the same run's ceiling.

For each database (a throwaway PostgreSQL cluster and a SQLite file), seed a contest, start
gunicorn with gunicorn.conf.py, and drive it with Locust (headless, a separate process on
loopback): the ceiling (/healthz), answer saves, the cached leaderboard, sign-ins, 500
participants answering, the synchronised start and the deadline rush with leaderboard polling.
Prints a table and writes it to bench-results/. Nothing in CI depends on these figures.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_PY = ROOT / ".venv" / "bin" / "python"
LOCUST = Path(os.environ.get("BENCH_LOCUST", ROOT / ".venv-bench" / "bin" / "locust"))
PASSWORD = "matkhau-bench"
QUESTIONS = 20  # the seeded round's question count (bench/seed.py)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


class Database:
    def __init__(self, kind: str, workdir: Path) -> None:
        self.kind, self.workdir, self.url = kind, workdir, ""

    def __enter__(self) -> Database:
        if self.kind == "sqlite":
            self.url = f"sqlite:///{self.workdir / 'bench.sqlite3'}"
        else:
            out = subprocess.run(  # durable: fsync and synchronous commit, as in production
                [ROOT / "scripts/pg-throwaway", "start", self.workdir / "pg", str(free_port())],
                check=True,
                capture_output=True,
                text=True,
                env={**os.environ, "PG_THROWAWAY_DURABLE": "1"},
            )
            self.url = out.stdout.strip()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.kind == "postgresql":
            subprocess.run(
                [ROOT / "scripts/pg-throwaway", "stop", self.workdir / "pg"], check=False
            )


def app_env(url: str, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "FLASK_APP": "wsgi.py",
        "PYTHONPATH": str(ROOT),
        "SECRET_KEY": secrets.token_urlsafe(48),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESSLOG": "/dev/null",
        "QUIZAPP_RATELIMIT_ENABLED": "false",
        "QUIZAPP_BOARD_CACHE_SECONDS": "10",
    }


def locust(
    host: str,
    scenario: str,
    users: int,
    rate: float,
    seconds: int,
    prefix: Path,
    env: dict[str, str],
    classes: tuple[str, ...] = ("Participant",),
) -> dict[str, dict]:
    """Run one Locust phase; its CSV files are written as `prefix`_*.csv."""
    subprocess.run(
        [
            LOCUST,
            "-f",
            ROOT / "bench/locustfile.py",
            "--headless",
            "--host",
            host,
            "-u",
            str(users),
            "-r",
            str(rate),
            "-t",
            f"{seconds}s",
            "--csv",
            prefix,
            "--csv-full-history",
            "--only-summary",
            "--stop-timeout",
            "30",
            *classes,
        ],
        env={**env, "BENCH_SCENARIO": scenario},
        check=False,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    stats = {}
    steady = _steady_rates(Path(f"{prefix}_stats_history.csv"))
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                continue
            stats[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": steady.get(row["Name"], float(row["Requests/s"])),
                "p50": float(row["50%"] or 0),
                "p95": float(row["95%"] or 0),
                "p99": float(row["99%"] or 0),
            }
    return stats


def _steady_rates(history: Path, warmup: float = 2.0) -> dict[str, float]:
    """Requests per second of each endpoint from its first request (plus a warm-up) to its last:
    the logins before the first save are not counted against the saves."""
    points: dict[str, list[tuple[float, int]]] = {}
    with open(history, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            points.setdefault(row["Name"], []).append(
                (float(row["Timestamp"]), int(row["Total Request Count"]))
            )
    rates = {}
    for name, series in points.items():
        active = [(t, n) for t, n in series if n > 0]
        if len(active) < 2:
            continue
        start = next(((t, n) for t, n in active if t >= active[0][0] + warmup), active[0])
        end = active[-1]
        if end[0] > start[0]:
            rates[name] = (end[1] - start[1]) / (end[0] - start[0])
    return rates


def _shared(path: Path) -> Path:
    """The throwaway cluster runs as the postgres user, who must be able to enter the folder."""
    path.chmod(0o755)
    return path


def run_database(kind: str, args: argparse.Namespace, out: Path) -> list[dict]:
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp, Database(kind, _shared(Path(tmp))) as database:
        port = free_port()
        env = app_env(database.url, port)
        flask = [APP_PY, "-m", "flask"]
        subprocess.run(
            [*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True
        )
        people = 2 * args.closed_users + args.save_users + args.participants + args.rush
        sessions = Path(tmp) / "sessions.json"
        seeded = subprocess.run(
            [
                APP_PY,
                "bench/seed.py",
                "--participants",
                str(people),
                "--password",
                PASSWORD,
                "--sessions",
                sessions,
                "--started",
                f"{people - args.rush}:{args.rush}",
            ],
            env=env,
            cwd=ROOT,
            check=False,
            capture_output=True,
            text=True,
        )
        if seeded.returncode:
            raise RuntimeError(f"seeding failed:\n{seeded.stderr[-3000:]}")
        round_id = seeded.stdout.strip().splitlines()[-1]
        server = subprocess.Popen(
            [ROOT / ".venv/bin/gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        host = f"http://127.0.0.1:{port}"
        try:
            wait_for(f"{host}/healthz")
            load_env = {
                **os.environ,
                "BENCH_ROUND_ID": round_id,
                "BENCH_PASSWORD": PASSWORD,
                "BENCH_SESSIONS": str(sessions),
                "BENCH_THINK": args.think,
                "BENCH_LOGIN_SHARE": str(args.login_share),
                "BENCH_WATCHERS": str(args.watchers),
            }
            d = out / kind
            d.mkdir(parents=True, exist_ok=True)
            rows += phases(host, args, d, load_env)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(30)
    for row in rows:
        row["database"] = kind
    return rows


PHASES = ("saves", "board", "signin", "answering", "start", "rush")


def phases(host: str, args: argparse.Namespace, d: Path, env: dict[str, str]) -> list[dict]:
    """The ceiling, then each phase asked for, as ratios of that ceiling."""
    closed, seconds = args.closed_users, args.seconds
    measured = locust(host, "ceiling", closed, closed, seconds, d / "ceiling", env)
    ceiling = measured["ceiling /healthz"]
    results = [{"phase": "ceiling", "endpoint": "GET /healthz", **ceiling}]
    first = itertools.accumulate([0, closed, closed, args.save_users, args.participants])
    users_from = dict(zip(("saves", "signin", "answering", "start", "rush"), first, strict=True))
    alone, watched = ("Participant",), ("Participant", "BoardWatcher")
    think = sum(float(t) for t in args.think.split(",")) / 2
    rush_seconds = args.rush_minutes * 60
    runs = {  # phase: (title, scenario, users, spawn rate, seconds, classes, environment)
        "saves": ("saves, closed loop", "saves", closed, closed, seconds, alone, {}),
        "board": ("board, cached", "board", closed, closed, seconds, alone, {}),
        "signin": ("sign-in, closed loop", "signin", closed, closed, seconds, alone, {}),
        "answering": (
            f"{args.save_users} participants answering (signed in, think {args.think} s)",
            "start",
            args.save_users,
            args.save_users / 30,
            30 + seconds * 3,
            alone,
            {"BENCH_LOGIN_SHARE": "0"},
        ),
        "start": (
            f"synchronised start: {args.participants} in one minute ({args.login_share:.0%} sign "
            f"in then), {QUESTIONS} answers, think {args.think} s, submit; "
            f"{args.watchers} board watchers",
            "start",
            args.participants + args.watchers,
            (args.participants + args.watchers) / 60,
            int(60 + QUESTIONS * think + 60),
            watched,
            {},
        ),
        "rush": (
            f"deadline rush: {args.rush} started attempts, 80 % of submits in the last minute "
            f"of {args.rush_minutes}; {args.watchers} board watchers",
            "rush",
            args.rush + args.watchers,
            (args.rush + args.watchers) / 10,
            15 + rush_seconds + 30,
            watched,
            {},
        ),
    }
    for phase in args.phases.split(","):
        title, scenario, users, rate, length, classes, extra = runs[phase]
        extra = {**extra, "BENCH_FIRST_USER": str(users_from.get(phase, 0))}
        if phase == "rush":  # the deadline counts from the moment the phase begins
            extra["BENCH_RUSH_DEADLINE"] = str(time.time() + 15 + rush_seconds)
        stats = locust(host, scenario, users, rate, length, d / phase, {**env, **extra}, classes)
        for name, values in stats.items():
            ratio = values["rps"] / ceiling["rps"] if ceiling["rps"] else 0
            results.append({"phase": title, "endpoint": name, **values, "ratio": ratio})
    return results


def table(rows: list[dict]) -> str:
    lines = [
        "| database | phase | endpoint | req/s | × ceiling | p50 ms | p95 ms | p99 ms | "
        "requests | errors |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ratio = f"{r['ratio']:.2f}" if "ratio" in r else "1.00"
        lines.append(
            f"| {r['database']} | {r['phase']} | {r['endpoint']} | {r['rps']:.1f} | "
            f"{ratio} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} | "
            f"{r['requests']} | {r['failures']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument("--participants", type=int, default=3000, help="synchronised start")
    parser.add_argument("--login-share", type=float, default=0.1, help="of them sign in then")
    parser.add_argument("--think", default="15,25", help="seconds per question, min,max")
    parser.add_argument("--rush", type=int, default=3000, help="attempts submitted in the rush")
    parser.add_argument("--rush-minutes", type=int, default=3)
    parser.add_argument("--save-users", type=int, default=500)
    parser.add_argument("--watchers", type=int, default=50)
    parser.add_argument("--closed-users", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--phases", default=",".join(PHASES), help="after the ceiling")
    args = parser.parse_args()
    if not LOCUST.exists():
        sys.exit(f"{LOCUST} not found: run `make bench` (it installs requirements-bench.txt)")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = ROOT / "bench-results" / stamp
    rows: list[dict] = []
    for kind in args.databases.split(","):
        rows += run_database(kind, args, out)
    header = (
        f"{stamp} · {platform.node()} · {os.cpu_count()} cores · app Python "
        f"{platform.python_version()} ({APP_PY}) · gunicorn.conf.py defaults · "
        "load generator: Locust on the same machine"
    )
    report = f"{header}\n\n{table(rows)}\n"
    print(report)
    (out / "report.md").write_text(report, encoding="utf-8")
    (out / "report.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    shutil.rmtree(out / "postgresql", ignore_errors=True)
    shutil.rmtree(out / "sqlite", ignore_errors=True)


if __name__ == "__main__":
    main()
