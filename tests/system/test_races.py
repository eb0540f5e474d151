"""Races over HTTP against real gunicorn servers, on SQLite and on PostgreSQL.

Every client of a race holds the same signed-in cookie session on its own connection; the
threads are released together so the requests meet in the workers and in the database.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, event, select, text

from quizapp import clock, create_app
from quizapp.config import normalise_database_url
from quizapp.extensions import db
from quizapp.models import Participant, Round
from quizapp.models.people import credential_stamp
from quizapp.services import attempts
from quizapp.services.answer_write import SessionClaim
from tests.helpers import race
from tests.system.support import (
    TIMEOUT,
    Api,
    answers_of,
    attempt_held,
    attempts_of,
    correct_choices,
    entries_of,
    outcome,
    seed,
    start_long_ago,
)

WORKERS = 4


@dataclass(frozen=True)
class Site:
    database: str
    base: str


@pytest.fixture(scope="module")
def site(module_database, serve_module) -> Site:
    """One server per backend for this module; each test seeds its own people and round."""
    return Site(module_database, serve_module(module_database, workers=WORKERS).base)


def test_twenty_simultaneous_submits_grade_once(site: Site) -> None:
    database = site.database
    seeded = seed(database, max_attempts=1)  # one attempt: the score is shown at submit
    api = Api.login(site.base, seeded.phones[0])
    attempt_id = api.start(seeded.round_id).json()["id"]
    key = correct_choices(database, attempt_id)
    for position, choice in ((1, key[1]), (2, key[2]), (3, (key[3] + 1) % 4)):
        assert api.save(attempt_id, position, choice).status_code == 200
    clients = [api.clone() for _ in range(20)]

    responses = race(lambda i: clients[i].submit(attempt_id), 20)

    assert all(not isinstance(r, str) and r.status_code == 200 for r in responses), responses
    results = {(r.json()["score"], r.json()["time_used_ms"]) for r in responses}
    assert len(results) == 1, results
    (attempt,) = attempts_of(database, seeded.round_id)
    assert (attempt.score, attempt.finish_reason) == (2, "submitted")
    assert results == {(2, attempt.time_used_ms)}
    (entry,) = entries_of(database, seeded.round_id)
    assert (entry.attempt_id, entry.score, entry.attempts_used) == (attempt.id, 2, 1)


def _start_race(clients: list[Api], round_id: int) -> Counter[tuple[int, str, int | None]]:
    responses = race(lambda i: clients[i].start(round_id), len(clients))
    assert not [r for r in responses if isinstance(r, str)], responses
    return Counter((*outcome(r), r.json().get("id")) for r in responses)


def _starts_keep_the_limit(
    database: str, bases: list[str], phone: str, round_id: int, one_per_race: bool
) -> None:
    """Races of simultaneous starts, each race's attempts submitted, until all are refused.

    Every start is a 201 (new), a 200 (resumed) or a 409 attempt_limit, and the database never
    holds more than the limit. A race starts ONE attempt (starts of one person are serialised
    on their participant row).
    """
    api = Api.login(bases[0], phone)
    clients = [api.clone(bases[i % len(bases)]) for i in range(12)]
    for _ in range(3):
        seen = _start_race(clients, round_id)
        assert {(s, c) for s, c, _ in seen} <= {(200, ""), (201, ""), (409, "attempt_limit")}
        ids = {attempt_id for _, _, attempt_id in seen if attempt_id is not None}
        if not ids:
            break
        assert sum(n for (status, _, _), n in seen.items() if status == 201) == len(ids), seen
        assert len(ids) == 1 or not one_per_race, seen
        for attempt_id in ids:
            assert api.submit(attempt_id).status_code == 200
    assert seen == Counter({(409, "attempt_limit", None): 12})
    attempts = attempts_of(database, round_id)
    assert [a.number for a in attempts] == [1, 2]
    assert all(a.submitted_at is not None for a in attempts)
    (entry,) = entries_of(database, round_id)
    assert entry.attempts_used == 2


def test_simultaneous_starts_never_exceed_the_attempt_limit(site: Site, backend: str) -> None:
    seeded = seed(site.database, max_attempts=2)
    _starts_keep_the_limit(site.database, [site.base], seeded.phones[0], seeded.round_id, True)


def test_simultaneous_starts_on_two_servers_share_the_limit(pg_database, serve) -> None:
    seeded = seed(pg_database, max_attempts=2)
    bases = [serve(pg_database, workers=2).base, serve(pg_database, workers=2).base]
    _starts_keep_the_limit(pg_database, bases, seeded.phones[0], seeded.round_id, True)


def _someone_waits_for_a_lock(database: str) -> bool:
    probe = create_engine(normalise_database_url(database))
    try:
        with probe.connect() as conn:
            return bool(
                conn.scalar(
                    text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
                )
            )
    finally:
        probe.dispose()


@pytest.mark.parametrize(
    ("signed", "held_at"),
    [(False, "max(attempts.number)"), (True, "INSERT INTO attempt_questions")],
    ids=["between-its-reads", "by-session-after-its-attempt"],
)
def test_a_held_start_is_never_overtaken(pg_database, signed: bool, held_at: str) -> None:
    """The HTTP race above, made deterministic: one start is held (between its two reads, or,
    by cookie session, after writing its attempt) while another start arrives. The other
    waits for the participant's lock instead of racing, so there is one attempt and the later
    start resumes it. By session, the later start read the attempts in a snapshot from before
    the lock was granted: the held start's attempt number stops its INSERT (ON CONFLICT), and
    it resumes that attempt."""
    seeded = seed(pg_database, max_attempts=2)
    app = create_app({"SQLALCHEMY_DATABASE_URI": pg_database, "RATELIMIT_ENABLED": False})
    late, paused, committed = threading.local(), threading.Event(), threading.Event()
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def hold(conn, cursor, statement, *args) -> None:
        if getattr(late, "on", False) and held_at in statement:
            paused.set()
            committed.wait(TIMEOUT)

    def start(is_late: bool) -> tuple[int, bool]:
        late.on = is_late
        with app.app_context():
            person = db.session.scalar(select(Participant).filter_by(phone=seeded.phones[0]))
            if signed:
                stamp = credential_stamp(person.password_hash)
                claim = SessionClaim(person.id, stamp, person.session_version)
                db.session.commit()  # the account's read is not the start's transaction
                started = attempts.start_signed(claim, seeded.round_id, clock.now(), None, None)
            else:
                rnd = db.session.get(Round, seeded.round_id)
                started = attempts.start_attempt(person, rnd, clock.now())
            db.session.commit()
            outcome = (started.attempt.id, started.resumed)
            db.session.remove()
            return outcome

    with ThreadPoolExecutor(2) as pool:
        held = pool.submit(start, True)
        assert paused.wait(TIMEOUT)
        other = pool.submit(start, False)
        deadline = time.monotonic() + TIMEOUT
        while not _someone_waits_for_a_lock(pg_database):  # polled, not a fixed sleep
            assert time.monotonic() < deadline and not other.done(), "the second start raced"
        committed.set()
        outcomes = sorted([held.result(), other.result()], key=lambda o: o[1])
    engine.dispose()
    assert outcomes[0][0] == outcomes[1][0]  # one attempt
    assert [resumed for _, resumed in outcomes] == [False, True]


def test_simultaneous_saves_of_one_question_leave_one_answer(site: Site) -> None:
    database = site.database
    seeded = seed(database)
    api = Api.login(site.base, seeded.phones[0])
    attempt_id = api.start(seeded.round_id).json()["id"]
    clients = [api.clone() for _ in range(12)]

    responses = race(lambda i: clients[i].save(attempt_id, 1, i % 4), 12)

    assert [getattr(r, "status_code", r) for r in responses] == [200] * 12
    stored = answers_of(database, [attempt_id])
    assert list(stored) == [(attempt_id, 1)]
    (answer,) = stored[(attempt_id, 1)]
    assert answer.choice in range(4)
    assert api.state(attempt_id).json()["questions"][0]["answer"] == answer.choice


@pytest.mark.parametrize("repeat", range(3))
def test_a_save_racing_the_submit_lands_before_grading_or_is_refused(
    site: Site, repeat: int
) -> None:
    database = site.database
    seeded = seed(database, question_count=10, max_attempts=1)  # the score shown at submit
    api = Api.login(site.base, seeded.phones[0])
    attempt_id = api.start(seeded.round_id).json()["id"]
    key = correct_choices(database, attempt_id)
    clients = [api.clone() for _ in range(12)]
    submitter = 3 + repeat  # the submit leaves among the first saves, not before them

    def act(i: int):
        if i == submitter:
            return clients[i].submit(attempt_id)
        return clients[i].save(attempt_id, 1 + i % 10, key[1 + i % 10])

    responses = race(act, 12)

    assert not [r for r in responses if isinstance(r, str)], responses
    submitted = responses.pop(submitter)
    assert submitted.status_code == 200, submitted.text
    saves = [(r.request.url.rsplit("/", 1)[1], outcome(r)) for r in responses]
    assert {o for _, o in saves} <= {(200, ""), (409, "attempt_finished")}, saves
    acknowledged = {int(position) for position, o in saves if o == (200, "")}
    stored = answers_of(database, [attempt_id])
    assert {position for _, position in stored} == acknowledged
    assert all(a.is_correct is True for rows in stored.values() for a in rows), stored
    assert submitted.json()["score"] == len(acknowledged)


def test_simultaneous_reads_of_an_overdue_attempt_finish_it_once(
    site: Site, backend: str, request: pytest.FixtureRequest
) -> None:
    """The lazy finish of an attempt left open runs on reads; readers must not double it.

    The test holds the attempt's row while the readers arrive, so on PostgreSQL every reader
    that got in has read "not finished" before any of them writes: the race, every time.
    """
    database = site.database
    seeded = seed(database, opened_ago=timedelta(hours=2))
    attempt_id = start_long_ago(database, seeded.round_id, seeded.phones[0], timedelta(hours=1))
    api = Api.login(site.base, seeded.phones[0])
    clients = [api.clone() for _ in range(8)]

    with ThreadPoolExecutor(1) as pool, attempt_held(database, attempt_id) as wait:
        readers = pool.submit(race, lambda i: clients[i].state(attempt_id), 8)
        wait(WORKERS)
    responses = readers.result()

    assert [getattr(r, "status_code", r) for r in responses] == [200] * 8
    (attempt,) = attempts_of(database, seeded.round_id)
    assert attempt.finish_reason == "timeout"
    (entry,) = entries_of(database, seeded.round_id)
    assert entry.attempts_used == 1
