"""Faults under load: a gunicorn worker killed with SIGKILL, PostgreSQL stopped and started.

These tests run for a few seconds of real time on purpose: the load is real traffic, and the
fault lands in the middle of it.
"""

from __future__ import annotations

import os
import random
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy import text

from quizapp import create_app
from quizapp.extensions import db
from tests.helpers import race
from tests.system.support import Api, answers_of, outcome, seed, terminate_backend

LOAD_SECONDS = 4.0


@dataclass
class Sent:
    """One autosave as its client saw it: acknowledged (200) or not (anything else)."""

    attempt_id: int
    position: int
    choice: int
    acknowledged: bool


@dataclass
class Autosave:
    """One participant's autosave loop: random questions and choices until told to stop."""

    api: Api
    attempt_id: int
    questions: int
    seed: int
    sent: list[Sent] = field(default_factory=list)
    statuses: list[int | str] = field(default_factory=list)

    def run(self, stop: threading.Event) -> None:
        rng = random.Random(self.seed)
        for _ in range(10_000):
            if stop.is_set():
                return
            position, choice = rng.randint(1, self.questions), rng.randrange(4)
            try:
                response = self.api.save(self.attempt_id, position, choice)
                status: int | str = response.status_code
            except requests.RequestException as exc:
                status = type(exc).__name__
            self.statuses.append(status)
            self.sent.append(Sent(self.attempt_id, position, choice, status == 200))


def _loaded(base: str, phones: list[str], round_id: int, questions: int) -> list[Autosave]:
    """Every participant signed in with a fresh attempt (in parallel: sign-in hashes)."""

    def one(i: int) -> Autosave:
        api = Api.login(base, phones[i])
        response = api.start(round_id)
        assert response.status_code == 201, response.text
        return Autosave(api, response.json()["id"], questions, seed=i)

    loops = race(one, len(phones))
    assert all(isinstance(loop, Autosave) for loop in loops), loops
    return loops  # type: ignore[return-value]


def _under_load(loops: list[Autosave], fault: Callable[[threading.Event], None]) -> None:
    """Run the autosave loops for LOAD_SECONDS; `fault` runs meanwhile in this thread."""
    stop = threading.Event()
    threads = [threading.Thread(target=loop.run, args=(stop,)) for loop in loops]
    for thread in threads:
        thread.start()
    try:
        fault(stop)
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)


def _check_last_acknowledged(database: str, loops: list[Autosave]) -> int:
    """Each question holds its last acknowledged choice, or one sent later without an answer.

    A save whose worker died after the commit but before the reply is in the database although
    the client never heard of it: only those may stand above the last acknowledged one.
    """
    stored = answers_of(database, [loop.attempt_id for loop in loops])
    history: dict[tuple[int, int], list[Sent]] = {}
    for loop in loops:
        for sent in loop.sent:
            history.setdefault((sent.attempt_id, sent.position), []).append(sent)
    for question, sends in history.items():
        rows = stored.get(question, [])
        assert len(rows) <= 1, (question, rows)
        acked = [i for i, s in enumerate(sends) if s.acknowledged]
        allowed = {s.choice for s in sends[acked[-1] :]} if acked else {s.choice for s in sends}
        if acked:
            assert rows, f"the acknowledged save {sends[acked[-1]]} is lost"
        assert not rows or rows[0].choice in allowed, (question, rows[0], sends[-5:])
    return sum(s.acknowledged for loop in loops for s in loop.sent)


def _threads_per_worker() -> int:
    """The requests one gunicorn worker serves at once (gunicorn.conf.py, as the servers run)."""
    from runpy import run_path

    return run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))["threads"]


def test_acknowledged_saves_survive_a_killed_worker(database, serve, backend) -> None:
    seeded = seed(database, participants=12, question_count=10)
    server = serve(database, workers=3)
    loops = _loaded(server.base, seeded.phones, seeded.round_id, questions=10)
    killed: list[int] = []

    def kill_two_workers(stop: threading.Event) -> None:
        for _ in range(2):
            stop.wait(LOAD_SECONDS / 3)
            victim = server.workers()[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
        stop.wait(LOAD_SECONDS / 3)

    _under_load(loops, kill_two_workers)

    statuses = [s for loop in loops for s in loop.statuses]
    failed = [s for s in statuses if s != 200]
    # A worker holds one request per thread at a time: each kill may cost those requests.
    assert len(failed) <= len(killed) * _threads_per_worker(), failed
    acknowledged = _check_last_acknowledged(database, loops)
    print(f"{backend}: {acknowledged} acknowledged saves, {len(failed)} lost to the kills")
    assert acknowledged > 50
    assert not set(killed) & set(server.workers())
    assert server.process.poll() is None
    assert loops[0].api.state(loops[0].attempt_id).status_code == 200


def test_database_restart_gives_503_then_recovers(own_cluster, templates, serve) -> None:
    database = templates.postgresql(own_cluster.url)
    seeded = seed(database, participants=6, question_count=10)
    server = serve(database, workers=2)
    server.tolerated += ["OperationalError", "AdminShutdown"]  # the outage itself is logged
    everyone = _loaded(server.base, seeded.phones, seeded.round_id, questions=10)
    loops, probes = everyone[:4], everyone[4:]  # autosave load; requests checked one by one
    workers = server.workers()
    phases: dict[str, list[tuple[int, str]]] = {"down": [], "back": []}
    page = requests.Session()

    def probe(phase: str) -> None:
        for one in probes * 2:  # twice: each of the two workers meets the outage
            phases[phase].append(outcome(one.api.state(one.attempt_id)))
            phases[phase].append(outcome(one.api.save(one.attempt_id, 1, 2)))
        html = page.get(f"{server.base}/dot-thi", timeout=30)
        assert html.headers["Content-Type"].startswith("text/html")
        if phase == "down":
            assert "Hệ thống tạm thời chưa phục vụ được" in html.text
            assert html.headers["Retry-After"] == "5"
        phases[phase].append((html.status_code, "html"))

    def restart(stop: threading.Event) -> None:
        stop.wait(1)
        own_cluster.stop()
        try:
            probe("down")
            stop.wait(0.5)
        finally:
            own_cluster.start()
        stop.wait(0.5)
        probe("back")
        stop.wait(0.5)

    _under_load(loops, restart)

    assert set(phases["down"]) == {(503, "database_unavailable"), (503, "html")}, phases
    assert set(phases["back"]) == {(200, ""), (200, "html")}, phases
    during = [s for loop in loops for s in loop.statuses]
    assert set(during) <= {200, 503}, sorted(set(map(str, during)))
    assert during.count(503) > 0
    print(f"outage: {during.count(503)} saves refused with 503, {during.count(200)} acknowledged")
    assert server.workers() == workers  # the same processes recovered: no restart, no crash
    assert all(loop.statuses[-1] == 200 for loop in loops)
    _check_last_acknowledged(database, loops)


def test_a_connection_lost_after_the_view_is_not_a_500(pg_database) -> None:
    """Deterministic: the request's backend is killed after the view, before the teardown."""
    seed(pg_database)
    app = create_app({"SQLALCHEMY_DATABASE_URI": pg_database, "RATELIMIT_ENABLED": False})

    @app.after_request
    def lose_the_connection(response):
        terminate_backend(pg_database, db.session.scalar(text("SELECT pg_backend_pid()")))
        return response

    try:
        response = app.test_client().get("/api/v1/rounds")
    finally:
        with app.app_context():
            db.engine.dispose()
    assert response.status_code in (200, 503)


def test_a_pooled_connection_broken_while_idle_is_a_503_then_the_pool_reconnects(
    pg_database,
) -> None:
    """No pre-ping: the dead connection is found when used, the request answered 503 with
    Retry-After, the whole pool invalidated, and the next request served on a new connection."""
    seed(pg_database)
    app = create_app({"SQLALCHEMY_DATABASE_URI": pg_database, "RATELIMIT_ENABLED": False})
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    try:
        with app.app_context():
            assert db.engine.pool._pre_ping is False
            pid = db.session.scalar(text("SELECT pg_backend_pid()"))
            db.session.remove()  # back to the pool, idle
        assert client.get("/api/v1/rounds").status_code == 200
        terminate_backend(pg_database, pid)  # a restart, as the idle pool sees it
        broken = client.get("/api/v1/rounds")
        assert broken.status_code == 503
        assert broken.get_json()["error"]["code"] == "database_unavailable"
        assert broken.headers["Retry-After"] == "5"
        assert [client.get("/api/v1/rounds").status_code for _ in range(3)] == [200] * 3
    finally:
        with app.app_context():
            db.engine.dispose()
