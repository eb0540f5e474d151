"""System tests: real gunicorn servers on free loopback ports, over real databases.

Tests start their own servers (gunicorn -c gunicorn.conf.py wsgi:app, free ports) on fresh
migrated databases, and stop them: per test (`serve`, `database`), or per module and backend
where a module's tests only seed their own people and rounds (`serve_module`,
`module_database`). PostgreSQL comes from the server of TEST_DATABASE_URL (CI: a new database
per test there), else from a throwaway cluster this suite starts itself; when neither can be
had the PostgreSQL cases are skipped, unless QUIZAPP_TEST_REQUIRE_PG=1. The outage test always
uses the suite's own cluster, since it stops it. Deselect the lot with `-m "not system"`.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
import requests
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
REQUIRE_PG = os.environ.get("QUIZAPP_TEST_REQUIRE_PG") == "1"
SECRET = "system-tests-shared-secret-key-0123456789"
BACKENDS = ["sqlite", "postgresql"]
_names = itertools.count(1)
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception)\b.*$", re.MULTILINE)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.system)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unavailable(reason: str) -> None:
    """No PostgreSQL: a skip, or a failure when the run requires PostgreSQL."""
    if REQUIRE_PG:
        pytest.fail(f"{reason} (QUIZAPP_TEST_REQUIRE_PG=1)")
    pytest.skip(reason)


def run(command: list[str], env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@dataclass
class Cluster:
    """A throwaway PostgreSQL cluster of this suite (scripts/pg-throwaway), stoppable at will."""

    directory: str
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        run([str(ROOT / "scripts" / "pg-throwaway"), "start", self.directory, str(self.port)])

    def stop(self) -> None:
        run([str(ROOT / "scripts" / "pg-throwaway"), "stop", self.directory])


@pytest.fixture(scope="session")
def own_cluster() -> Iterator[Cluster]:
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        unavailable("PostgreSQL server binaries are not installed")
    cluster = Cluster(tempfile.mkdtemp(prefix="quizapp-system-pg-"), free_port())
    cluster.start()
    yield cluster
    cluster.stop()
    shutil.rmtree(cluster.directory, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server(request: pytest.FixtureRequest) -> str:
    """A URL (any database) of the PostgreSQL server the race tests create databases on."""
    if PG_URL:
        return PG_URL
    return request.getfixturevalue("own_cluster").url


def with_database(url: str, name: str) -> str:
    return make_url(url).set(drivername="postgresql", database=name).render_as_string(False)


def admin(server_url: str, *statements: str) -> None:
    with psycopg.connect(with_database(server_url, "postgres"), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)  # type: ignore[arg-type]


def migrate(url: str) -> None:
    """The deploy path: `flask db upgrade` in a process of its own."""
    env = {**os.environ, "FLASK_APP": "wsgi.py", "DATABASE_URL": url}
    run([sys.executable, "-m", "flask", "db", "upgrade"], env=env)


@dataclass
class Templates:
    """Migrated once per backend and run; each test gets a copy."""

    tmp: Path
    made: dict[str, str] = field(default_factory=dict)
    pg_databases: list[tuple[str, str]] = field(default_factory=list)

    def sqlite(self) -> str:
        if "sqlite" not in self.made:
            path = self.tmp / "template.sqlite3"
            migrate(f"sqlite:///{path}")
            self.made["sqlite"] = str(path)
        target = self.tmp / f"db{next(_names)}.sqlite3"
        shutil.copyfile(self.made["sqlite"], target)
        return f"sqlite:///{target}"

    def postgresql(self, server_url: str) -> str:
        key = f"pg:{server_url}"
        if key not in self.made:
            self.made[key] = self._create(server_url, None)
            migrate(with_database(server_url, self.made[key]))
        return with_database(server_url, self._create(server_url, self.made[key]))

    def _create(self, server_url: str, template: str | None) -> str:
        name = f"quizapp_system_{os.getpid()}_{next(_names)}"
        admin(server_url, f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        self.pg_databases.append((server_url, name))
        return name

    def drop_all(self) -> None:
        for server_url, name in reversed(self.pg_databases):
            with contextlib.suppress(psycopg.OperationalError):  # the cluster may be gone
                admin(server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    made = Templates(tmp_path_factory.mktemp("system-db"))
    yield made
    made.drop_all()


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


def new_database(backend: str, templates: Templates, request: pytest.FixtureRequest) -> str:
    """A fresh migrated database of `backend`."""
    if backend == "sqlite":
        return templates.sqlite()
    return templates.postgresql(request.getfixturevalue("pg_server"))


@pytest.fixture
def database(backend: str, templates: Templates, request: pytest.FixtureRequest) -> str:
    """A fresh migrated database of `backend`, private to this test."""
    return new_database(backend, templates, request)


@pytest.fixture(scope="module")
def module_database(backend: str, templates: Templates, request: pytest.FixtureRequest) -> str:
    """A fresh migrated database of `backend`, shared by a module's tests."""
    return new_database(backend, templates, request)


@dataclass
class Server:
    """One gunicorn (master and workers) serving wsgi:app, as in production."""

    port: int
    process: subprocess.Popen[bytes]
    log: Path
    # Exception names of known bugs a test provokes on purpose (each with its xfail).
    tolerated: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        pids = []
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid and fields[0] != "Z":  # a zombie is dead
                pids.append(int(Path(stat).parent.name))
        return sorted(pids)

    def wait_ready(self, timeout: float = 30) -> None:
        limit = time.monotonic() + timeout
        while time.monotonic() < limit:
            assert self.process.poll() is None, f"gunicorn exited:\n{self.log.read_text()}"
            try:
                if requests.get(f"{self.base}/api/v1/csrf", timeout=10).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise AssertionError(f"gunicorn not ready in {timeout}s:\n{self.log.read_text()}")

    def errors(self) -> list[str]:
        """The exceptions the server logged (tracebacks of 500s), less the tolerated ones."""
        text = self.log.read_text(errors="replace")
        if "Traceback" not in text:
            return []
        lines = [m.group(0) for m in EXCEPTION_LINE.finditer(text)] or ["(unparsed) " + text]
        return [line for line in lines if not any(t in line for t in self.tolerated)]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # quick shutdown: nothing to drain here
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


@dataclass
class Launcher:
    """Starts gunicorn -c gunicorn.conf.py wsgi:app on free ports; stops what it started."""

    logs: Path
    started: list[Server] = field(default_factory=list)

    def start(self, database_url: str, workers: int = 2) -> Server:
        port = free_port()
        env = {
            **os.environ,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": str(workers),
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET,
            "QUIZAPP_RATELIMIT_ENABLED": "false",
        }
        log = self.logs / f"gunicorn-{port}.log"
        # gunicorn's control socket defaults to one path per user: one per server here.
        control = Path(tempfile.gettempdir()) / f"quizapp-gunicorn-{port}.ctl"
        command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"]
        command += ["--control-socket", str(control), "wsgi:app"]
        with log.open("wb") as out:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
        server = Server(port, process, log)
        self.started.append(server)
        server.wait_ready()
        return server

    def stop_all(self) -> None:
        """Stop every server; a traceback in a server's log fails the test that ran it."""
        for server in self.started:
            server.stop()
        errors = [f"{s.log}: {line}" for s in self.started for line in s.errors()]
        if errors:
            pytest.fail("server errors (full tracebacks in the logs):\n" + "\n".join(errors))


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start servers for this test: serve(database_url, workers=2) -> Server."""
    launcher = Launcher(tmp_path)
    yield launcher.start
    launcher.stop_all()


@pytest.fixture(scope="module")
def serve_module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Server]]:
    """The same, for servers a module shares; stopped after the module."""
    launcher = Launcher(tmp_path_factory.mktemp("servers"))
    yield launcher.start
    launcher.stop_all()


@pytest.fixture
def pg_database(templates: Templates, request: pytest.FixtureRequest) -> str:
    """A fresh migrated PostgreSQL database, for the cases that exist only on PostgreSQL."""
    return templates.postgresql(request.getfixturevalue("pg_server"))
