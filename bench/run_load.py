"""`make bench`: the production configuration under load, as ratios of the same run's limits.

For each database (a durable throwaway PostgreSQL cluster, a SQLite file): seed a contest
(bench/seed.py), serve the app AND a minimal Flask + Flask-SQLAlchemy app doing one INSERT +
commit (bench/minimal_app.py) with the same gunicorn.conf.py, once per engine (--minimal: bare,
without pre-ping, the stack's limit; and with the app's engine options), then
  1. closed loops with wrk (C, Lua scripts in bench/wrk/): the app's ceiling (GET /healthz),
     the minimal durable writes, the answer save, the attempt page, the cached board, sign-in;
     each minimal write and the save are measured --pairs times, alternately;
  2. open-loop scenarios with bench/loadgen.py (fixed arrival schedule, latency from each
     request's scheduled time): 1,000 starts within one second, the synchronised start, steady
     answering, the deadline rush; then every acknowledged answer and submit is looked up.
Every phase reports the CPU the app, the database, the generator and the whole box used
(bench/cpu.py); a phase whose generator took more than a quarter of the box is marked.
The report (table + ratios) goes to bench-results/<time>/report.md. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from cpu import Meter, session_seconds, tree_seconds
from report import render

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # quizapp, for the lost-answer check
# The app's virtualenv: the project's, or (BENCH_APP_VENV) one made with another interpreter,
# such as Debian's optimised /usr/bin/python3 that a Debian server's `make setup` uses.
APP_VENV = Path(os.environ.get("BENCH_APP_VENV", ROOT / ".venv"))
APP_PY = APP_VENV / "bin" / "python"
GEN_PY = Path(os.environ.get("BENCH_GEN_PYTHON", ROOT / ".venv-bench" / "bin" / "python"))
WRK_DIR = ROOT / "bench" / "wrk"
PASSWORD = "matkhau-bench"
GENERATOR_LIMIT = 0.25  # of the box: above it a phase measured the generator too


class Database:
    def __init__(self, kind: str, workdir: Path, port: int) -> None:
        self.kind, self.workdir, self.port, self.url = kind, workdir, port, ""

    def __enter__(self) -> Database:
        if self.kind == "sqlite":
            self.url = f"sqlite:///{self.workdir / 'bench.sqlite3'}"
        else:
            # The brief's ports lie in Linux's ephemeral range: a client socket of an earlier
            # phase (TIME_WAIT) can hold one, so the next ones are tried.
            for port in range(self.port, self.port + 10):
                out = subprocess.run(  # durable: fsync and synchronous commit, as in production
                    [ROOT / "scripts/pg-throwaway", "start", self.workdir / "pg", str(port)],
                    capture_output=True,
                    text=True,
                    env={**os.environ, "PG_THROWAWAY_DURABLE": "1"},
                )
                if out.returncode == 0:
                    self.url = out.stdout.strip()
                    return self
            raise RuntimeError(f"PostgreSQL did not start on ports {self.port}-{port}")
        return self

    def cpu_seconds(self) -> float:
        if self.kind == "sqlite":
            return 0.0  # SQLite runs inside the app's processes
        pid = int((self.workdir / "pg/data/postmaster.pid").read_text().split()[0])
        return tree_seconds(pid)

    def __exit__(self, *exc: object) -> None:
        if self.kind == "postgresql":
            subprocess.run(
                [ROOT / "scripts/pg-throwaway", "stop", self.workdir / "pg"], check=False
            )


class Server:
    """gunicorn with gunicorn.conf.py (worker settings from --server), in its own session."""

    def __init__(self, target: str, port: int, env: dict[str, str]) -> None:
        self.port = port
        self.process = subprocess.Popen(
            [APP_VENV / "bin" / "gunicorn", "-c", "gunicorn.conf.py", target],
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.time() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    return
            except OSError:
                if time.time() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"{target} did not answer on {port}") from None
                time.sleep(0.2)

    def cpu_seconds(self) -> float:
        return session_seconds(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(30)


# The limits a bench run meets (quizapp/config.py), raised out of one address's reach.
BENCH_LIMITS = (
    "LIMIT_START",
    "LIMIT_START_PER_ADDRESS",
    "LIMIT_SAVE",
    "LIMIT_SAVE_PER_ADDRESS",
    "LIMIT_SUBMIT",
    "LIMIT_SUBMIT_PER_ADDRESS",
    "LIMIT_LOGIN",
    "LIMIT_LOGIN_PER_ACCOUNT",
)


def base_env(url: str, server: str) -> dict[str, str]:
    kind, _, size = server.partition(":")
    workers, _, threads = size.partition("x")
    return {
        **os.environ,
        "DATABASE_URL": url,
        "FLASK_APP": "wsgi.py",
        "PYTHONPATH": str(ROOT),
        "SECRET_KEY": secrets.token_urlsafe(48),
        "GUNICORN_LOGLEVEL": "warning",
        # The limits count as in production (the shared store of the embedded default, two
        # increments a start, save or submit), with budgets one loopback address cannot reach.
        "QUIZAPP_RATELIMIT_ENABLED": "true",
        **{f"QUIZAPP_{name}": "100000000 per minute" for name in BENCH_LIMITS},
        "QUIZAPP_BOARD_CACHE_SECONDS": "10",
        **({"GUNICORN_WORKER_CLASS": kind} if kind else {}),
        **({"GUNICORN_WORKERS": workers} if workers else {}),
        **({"GUNICORN_THREADS": threads} if threads else {}),
    }


def measured(meter: Meter, command: list, env: dict[str, str]) -> tuple[str, float, float]:
    """Run a generator; (its stdout, its CPU seconds, wall seconds) with the meter around it."""
    meter.start()
    began = time.monotonic()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - began
    meter.stop()
    if process.returncode:
        raise RuntimeError(f"{command[0]} exited {process.returncode}")
    return out, usage.ru_utime + usage.ru_stime, wall


def cpu_fields(meter: Meter, generator: float, wall: float, requests: int) -> dict:
    used = meter.used
    return {
        "app_ms": 1000 * used["app"] / requests if requests else 0.0,
        "db_ms": 1000 * used["db"] / requests if requests else 0.0,
        "generator_share": generator / used["box_total"] if used["box_total"] else 0.0,
        "box_busy": used["box_busy"] / used["box_total"] if used["box_total"] else 0.0,
        "others_share": max(0.0, used["box_busy"] - used["app"] - used["db"] - generator)
        / used["box_total"],
        "wall_s": wall,
    }


def wrk(meter: Meter, name: str, port: int, script: str, args, extra=None) -> dict:
    env = {
        **os.environ,
        "BENCH_WRK_DIR": str(WRK_DIR),
        "BENCH_WRK_THREADS": str(args.wrk_threads),
        "BENCH_PASSWORD": PASSWORD,
        **(extra or {}),
    }
    command = ["wrk", f"-t{args.wrk_threads}", f"-c{args.connections}", f"-d{args.seconds}s"]
    command += ["--timeout", "10s", "-s", WRK_DIR / script, f"http://127.0.0.1:{port}/healthz"]
    out, generator, wall = measured(meter, command, env)
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    result = json.loads(line[6:])
    errors = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    seconds = result["duration_us"] / 1e6
    return {
        "phase": name,
        "rps": result["requests"] / seconds,
        "requests": result["requests"],
        "errors": errors,
        **{k: result[k] for k in ("p50", "p95", "p99")},
        **cpu_fields(meter, generator, wall, result["requests"]),
    }


MINIMAL = {
    "bare": "minimal write, no pre-ping (the stack's limit): INSERT + commit",
    "app": "minimal write, the app's engine options: INSERT + commit",
    "preping": "minimal write, pool pre-ping on: INSERT + commit",
}


def closed_loops(meter_app: Meter, minimal: dict, app: Server, args, users) -> list[dict]:
    """`minimal`: engine name -> (its server, its meter), as --minimal lists them."""
    warm = argparse.Namespace(**{**vars(args), "seconds": 3})
    servers = [(server, "write.lua") for server, _ in minimal.values()]
    for server, script in (*servers, (app, "save.lua"), (app, "page.lua")):
        wrk(meter_app, "warm-up", server.port, script, warm, users)  # imports, caches, pools
    rows = [wrk(meter_app, "ceiling: GET /healthz", app.port, "get.lua", args)]
    for _ in range(args.pairs):  # alternately: the ratios the issue asks for, pair by pair
        for engine, (server, meter) in minimal.items():
            rows.append(wrk(meter, MINIMAL[engine], server.port, "write.lua", args))
        rows.append(wrk(meter_app, "answer save (PUT, CSRF)", app.port, "save.lua", args, users))
    rows.append(wrk(meter_app, "attempt page (HTML)", app.port, "page.lua", args, users))
    board = {"BENCH_WRK_PATH": f"/api/v1/rounds/{args.round_id}/leaderboard"}
    rows.append(wrk(meter_app, "board (cached JSON)", app.port, "get.lua", args, board))
    rows.append(wrk(meter_app, "sign-in (password)", app.port, "login.lua", args, users))
    return rows


def scenario(meter: Meter, name: str, port: int, users: Path, args, *options) -> dict:
    command = [GEN_PY, ROOT / "bench/loadgen.py", *options, "--users", users, "--port", str(port)]
    out, generator, wall = measured(meter, [str(c) for c in command], dict(os.environ))
    result = json.loads(out)
    requests = sum(e["requests"] for e in result["endpoints"].values())
    return {
        "phase": name,
        "endpoints": result["endpoints"],
        "acked_saves": result["acked_saves"],
        "acked_submits": result["acked_submits"],
        "requests": requests,
        "generator_own_cpu_s": result["generator_cpu_s"],
        **cpu_fields(meter, generator, wall, requests),
    }


def lost(url: str, runs: list[dict]) -> dict:
    """Acknowledged answers and submits not found in the database afterwards."""
    from sqlalchemy import create_engine, text

    from quizapp.config import normalise_database_url

    engine = create_engine(normalise_database_url(url))
    with engine.connect() as connection:
        answers = set(
            connection.execute(
                text(
                    "SELECT q.attempt_id, q.position FROM answers a JOIN attempt_questions q "
                    "ON q.id = a.attempt_question_id WHERE a.chosen_index IS NOT NULL"
                )
            ).all()
        )
        submitted = set(
            connection.scalars(text("SELECT id FROM attempts WHERE submitted_at IS NOT NULL"))
        )
    engine.dispose()
    acked = {tuple(s) for r in runs for s in r.pop("acked_saves")}
    submits = {s for r in runs for s in r.pop("acked_submits")}
    return {
        "acked_saves": len(acked),
        "lost_saves": len(acked - answers),
        "acked_submits": len(submits),
        "lost_submits": len(submits - submitted),
    }


def scenarios(meter: Meter, app: Server, users: Path, ranges: dict, args) -> list[dict]:
    runs = []
    wanted = args.scenarios.split(",")
    if "warm" in wanted:  # the workers' first requests (imports, pools, statements), apart
        first, count = ranges["warm"]
        opts = ["start", "--first", first, "--count", count, "--spread", 1, "--answers", 0]
        runs.append(scenario(meter, f"warm-up: {count} starts", app.port, users, args, *opts))
    if "burst" in wanted:
        first, count = ranges["burst"]
        opts = ["start", "--first", first, "--count", count, "--spread", 1, "--answers", 0]
        runs.append(scenario(meter, f"{count} starts within 1 s", app.port, users, args, *opts))
    if "start" in wanted:
        first, count = ranges["start"]
        opts = ["start", "--first", first, "--count", count, "--spread", 30]
        opts += ["--answers", args.answers, "--gap", args.gap]
        title = f"synchronised start: {count} within 30 s, {args.answers} answers "
        title += f"{args.gap:g} s apart, submit"
        runs.append(scenario(meter, title, app.port, users, args, *opts))
    if "steady" in wanted:
        first, count = ranges["steady"]
        opts = ["steady", "--first", first, "--count", count, "--rate", args.rate]
        opts += ["--seconds", args.steady_seconds]
        title = f"steady answering: {count} takers, {args.rate:g} saves/s, {args.steady_seconds} s"
        runs.append(scenario(meter, title, app.port, users, args, *opts))
    if "rush" in wanted:
        first, count = ranges["rush"]
        opts = ["rush", "--first", first, "--count", count, "--spread", 60]
        title = f"deadline rush: {count} last answers + submits within 60 s"
        runs.append(scenario(meter, title, app.port, users, args, *opts))
    return runs


def prepare(env: dict, tmp: Path, people: int, started: list[str], wrk_users: int):
    """Migrate, make the minimal app's table, seed; (users JSON path, its data, wrk's TSV)."""
    subprocess.run([APP_PY, "-m", "flask", "db", "upgrade"], env=env, cwd=ROOT, check=True)
    subprocess.run([APP_PY, "bench/minimal_app.py", "create"], env=env, cwd=ROOT, check=True)
    users = tmp / "users.json"
    seed = [APP_PY, "bench/seed.py", "--participants", str(people), "--password", PASSWORD]
    seed += ["--out", str(users), *(x for s in started for x in ("--started", s))]
    seeded = subprocess.run(seed, env=env, cwd=ROOT, capture_output=True, text=True)
    if seeded.returncode:
        raise RuntimeError(f"seeding failed:\n{seeded.stderr[-3000:]}")
    data = json.loads(users.read_text())
    tsv = tmp / "wrk-users.tsv"
    tsv.write_text(
        "".join(
            f"{u['cookie']}\t{u['csrf']}\t{u['attempt']}\t{u['phone']}\n"
            for u in data["users"][:wrk_users]
        )
    )
    return users, data, tsv


def run_database(kind: str, args: argparse.Namespace, port: int) -> dict:
    sizes = {"wrk": args.wrk_users, "warm": args.warm, "burst": args.burst}
    sizes["start"] = args.participants
    sizes |= {"steady": args.steady, "rush": args.rush}
    ranges, first = {}, 0
    for name, count in sizes.items():
        ranges[name], first = (first, count), first + count
    started = [f"0:{args.wrk_users}:0", f"{ranges['steady'][0]}:{args.steady}:0"]
    started.append(f"{ranges['rush'][0]}:{args.rush}:19")
    with tempfile.TemporaryDirectory() as tmp, Database(kind, _shared(Path(tmp)), port) as database:
        env = base_env(database.url, args.server)
        began = time.monotonic()
        users, data, wrk_users = prepare(env, Path(tmp), first, started, args.wrk_users)
        seconds = time.monotonic() - began
        print(f"{kind}: seeded {first} participants in {seconds:.0f} s", file=sys.stderr)
        args.round_id = data["round"]
        app = Server("wsgi:app", args.port_base, env)
        minimal: dict[str, tuple[Server, Meter]] = {}
        try:
            for n, engine in enumerate(args.minimal.split(","), start=1):
                own = {**env, "BENCH_MINIMAL_ENGINE": engine}
                server = Server("bench.minimal_app:app", args.port_base + n, own)
                minimal[engine] = (
                    server,
                    Meter({"app": server.cpu_seconds, "db": database.cpu_seconds}),
                )
            meter_app = Meter({"app": app.cpu_seconds, "db": database.cpu_seconds})
            wrk_env = {"BENCH_WRK_USERS": str(wrk_users)}
            rows = (
                []
                if args.closed == "none"
                else closed_loops(meter_app, minimal, app, args, wrk_env)
            )
            print(f"{kind}: closed loops done", file=sys.stderr)
            wanted = kind in args.scenario_databases.split(",")
            runs = scenarios(meter_app, app, users, ranges, args) if wanted else []
        finally:
            app.stop()
            for server, _ in minimal.values():
                server.stop()
        check = lost(database.url, runs) if runs else {}
    return {"database": kind, "closed": rows, "scenarios": runs, "lost": check}


def _python_of(python: Path) -> str:
    """The app's interpreter: its version and the executable the virtualenv was made from."""
    version = subprocess.run(
        [python, "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return f"{version} ({python.resolve()})"


def _shared(path: Path) -> Path:
    """The throwaway cluster runs as the postgres user, who must be able to enter the folder."""
    path.chmod(0o755)
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument("--server", default="", help="CLASS:WORKERS[xTHREADS] (gunicorn.conf.py)")
    parser.add_argument("--seconds", type=int, default=15, help="each closed loop")
    parser.add_argument("--closed", default="all", help="or none")
    parser.add_argument("--pairs", type=int, default=3, help="minimal writes / save, alternately")
    parser.add_argument(
        "--minimal", default="bare,app", help="minimal write engines: bare, app, preping"
    )
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--wrk-users", type=int, default=256)
    parser.add_argument("--scenarios", default="warm,burst,start,steady,rush")
    parser.add_argument("--scenario-databases", default="postgresql", help="(durable PostgreSQL)")
    parser.add_argument("--burst", type=int, default=1000, help="starts within one second")
    parser.add_argument("--warm", type=int, default=100, help="starts before it (scenario warm)")
    parser.add_argument("--participants", type=int, default=3000, help="synchronised start")
    parser.add_argument("--answers", type=int, default=20, help="each, in the synchronised start")
    parser.add_argument("--gap", type=float, default=30.0, help="seconds between two answers")
    parser.add_argument("--steady", type=int, default=10000, help="takers answering")
    parser.add_argument("--rate", type=float, default=350.0, help="their saves a second")
    parser.add_argument("--steady-seconds", type=int, default=60)
    parser.add_argument("--rush", type=int, default=2400)
    parser.add_argument("--pg-port", type=int, default=int(os.environ.get("BENCH_PG_PORT", 55510)))
    parser.add_argument("--port-base", type=int, default=int(os.environ.get("BENCH_PORT", 8100)))
    parser.add_argument("--out", type=Path, help="the report's folder (bench-results/<time>)")
    args = parser.parse_args()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = args.out or ROOT / "bench-results" / stamp
    out.mkdir(parents=True, exist_ok=True)
    results = [run_database(kind, args, args.pg_port) for kind in args.databases.split(",")]
    header = {
        "stamp": stamp,
        "host": platform.node(),
        "cores": os.cpu_count(),
        "python": _python_of(APP_PY),
        "server": args.server or "gunicorn.conf.py defaults",
        "loadavg": os.getloadavg(),
        "generator_limit": GENERATOR_LIMIT,
        "args": vars(args),
    }
    report = render(header, results)
    print(report)
    (out / "report.md").write_text(report, encoding="utf-8")
    document = {"header": header, "results": results}
    (out / "report.json").write_text(json.dumps(document, indent=1, default=str))  # --out: a Path


if __name__ == "__main__":
    main()
