"""The multi-server deployment: two gunicorn servers behind nginx, one PostgreSQL, one Redis.

scripts/scaleout starts all of it and says where it is in SCALEOUT_* (nginx's URL, the
database, Redis, each server's URL, master pid and log); plain pytest skips this module. Every
request goes through nginx unless a test needs one server. Clients sign in from their own
loopback addresses (127.0.0.N) so the per-address limits of one test never touch another's.
The last test kills one server: keep it last.
"""

from __future__ import annotations

import itertools
import os
import re
import signal
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
from requests.adapters import HTTPAdapter

from tests.conftest import TEST_PASSWORD
from tests.helpers import race
from tests.system.support import TIMEOUT, Api, attempts_of, entries_of, outcome, seed
from tests.system.test_faults import Autosave, _check_last_acknowledged, _under_load

URL = os.environ.get("SCALEOUT_URL", "")
DATABASE = os.environ.get("SCALEOUT_DATABASE_URL", "")
REDIS_URL = os.environ.get("SCALEOUT_REDIS_URL", "")
SERVERS = os.environ.get("SCALEOUT_SERVERS", "").split()
PIDS = [int(pid) for pid in os.environ.get("SCALEOUT_PIDS", "").split()]
LOGS = [Path(log) for log in os.environ.get("SCALEOUT_LOGS", "").split()]
LOAD_SECONDS = 4.0
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception)\b.*$", re.MULTILINE)

pytestmark = pytest.mark.skipif(
    not (URL and DATABASE and len(SERVERS) == len(PIDS) == len(LOGS) == 2),
    reason="needs the nginx, gunicorn, PostgreSQL and Redis of scripts/scaleout (run that)",
)
_addresses = itertools.count(2)


class _FromAddress(HTTPAdapter):
    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def new_address() -> str:
    """A loopback address no other client of this run uses (nginx sees it as the client)."""
    return f"127.0.0.{next(_addresses)}"


def session_from(address: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", _FromAddress(address))
    return session


def sign_in(phone: str, password: str = TEST_PASSWORD, address: str = "") -> requests.Response:
    api = Api(URL, session_from(address or new_address()))
    return api.call("POST", "/api/v1/login", {"phone": phone, "password": password})


def login(phone: str) -> Api:
    api = Api(URL, session_from(new_address()))
    response = api.call("POST", "/api/v1/login", {"phone": phone, "password": TEST_PASSWORD})
    assert response.status_code == 200, response.text
    return api


def served(request_line: str) -> list[int]:
    """How many requests starting with `request_line` each server's access log holds."""
    return [log.read_text(errors="replace").count(f'"{request_line}') for log in LOGS]


def logged_since(before: list[int], request_line: str, total: int) -> list[int]:
    """Per server, the requests logged since `before`, once all `total` are logged (gunicorn
    writes the line after the response, so the last one may lag a moment)."""
    limit = time.monotonic() + TIMEOUT
    while True:
        counts = [now - then for then, now in zip(before, served(request_line), strict=True)]
        if sum(counts) >= total or time.monotonic() > limit:
            return counts
        time.sleep(0.05)


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture(scope="module", autouse=True)
def no_server_errors() -> Any:
    """A traceback in either server's log fails the run, as in the other system tests."""
    yield
    text = "\n".join(log.read_text(errors="replace") for log in LOGS)
    if "Traceback" in text:
        lines = [m.group(0) for m in EXCEPTION_LINE.finditer(text)] or ["(unparsed)"]
        pytest.fail("server errors (full tracebacks in the logs):\n" + "\n".join(lines))


def test_simultaneous_starts_through_nginx_keep_the_attempt_limit() -> None:
    seeded = seed(DATABASE, max_attempts=2)
    api = login(seeded.phones[0])
    clients = [api.clone() for _ in range(12)]
    path = f"/api/v1/rounds/{seeded.round_id}/attempts"
    races = 0
    while races < 3:
        races += 1
        responses = race(lambda i: clients[i].start(seeded.round_id), len(clients))
        assert not [r for r in responses if isinstance(r, str)], responses
        seen = Counter((*outcome(r), r.json().get("id")) for r in responses)  # type: ignore[union-attr]
        assert {(s, c) for s, c, _ in seen} <= {(200, ""), (201, ""), (409, "attempt_limit")}
        ids = {attempt_id for _, _, attempt_id in seen if attempt_id is not None}
        if not ids:
            break
        assert len(ids) == 1, seen  # starts of one person are serialised on their row
        assert api.submit(ids.pop()).status_code == 200
    assert seen == Counter({(409, "attempt_limit", None): 12})
    assert [a.number for a in attempts_of(DATABASE, seeded.round_id)] == [1, 2]
    (entry,) = entries_of(DATABASE, seeded.round_id)
    assert entry.attempts_used == 2
    per_server = logged_since([0, 0], f"POST {path} ", 12 * races)
    print(f"starts per server: {per_server}")
    assert all(n > 0 for n in per_server), per_server  # nginx spread the races over both


def test_the_login_limit_per_address_holds_across_servers() -> None:
    """LIMIT_LOGIN is "5 per minute": the 6th sign-in from one address is refused (429),
    though nginx alternated the requests between the servers; a forged X-Forwarded-For does
    not help, and another address is not affected."""
    client, before = Api(URL, session_from(new_address())), served("POST /api/v1/login ")
    wrong = [{"phone": f"0388{n:06d}", "password": "sai-mat-khau"} for n in range(1, 7)]

    statuses = [client.call("POST", "/api/v1/login", body).status_code for body in wrong]

    assert statuses == [401] * 5 + [429], statuses
    per_server = logged_since(before, "POST /api/v1/login ", 6)
    print(f"sign-ins per server: {per_server}")
    assert min(per_server) >= 2, per_server  # least_conn alternated them
    client.session.headers["X-Forwarded-For"] = "203.0.113.9"
    assert client.call("POST", "/api/v1/login", wrong[0]).status_code == 429
    assert sign_in("0388000010", "sai-mat-khau").status_code == 401


def test_the_login_limit_per_account_holds_across_servers() -> None:
    """LIMIT_LOGIN_PER_ACCOUNT is "5 per minute": the 6th try for one phone, each from a
    different address and so on alternating servers, is refused; the right password too."""
    (phone,) = seed(DATABASE).phones
    statuses = [sign_in(phone, "sai-mat-khau").status_code for _ in range(5)]
    statuses.append(sign_in(phone).status_code)
    assert statuses == [401] * 5 + [429], statuses


def test_one_server_fills_the_board_cache_the_other_serves_it() -> None:
    seeded = seed(DATABASE)
    path = f"/api/v1/rounds/{seeded.round_id}/leaderboard"
    first = requests.get(SERVERS[0] + path, timeout=TIMEOUT).json()["updated_at"]
    cached = redis.Redis.from_url(f"{REDIS_URL}/0").keys(f"*board:{seeded.round_id}:served:*")
    assert len(cached) == 1, cached  # the first server computed the board and stored it

    other = requests.get(SERVERS[1] + path, timeout=TIMEOUT).json()["updated_at"]
    through_nginx = [requests.get(URL + path, timeout=TIMEOUT) for _ in "ab"]

    assert other == first  # computed later, it would carry a later time
    assert {r.json()["updated_at"] for r in through_nginx} == {first}
    # nginx keeps the board a few seconds too: the second poll does not reach the app.
    assert through_nginx[1].headers["X-Cache-Status"] == "HIT"
    assert "Set-Cookie" not in through_nginx[1].headers


def _signed_in(phones: list[str], round_id: int) -> list[Autosave]:
    """Every participant signed in from an address of their own, with a fresh attempt."""

    def one(i: int) -> Autosave:
        api = login(phones[i])
        response = api.start(round_id)
        assert response.status_code == 201, response.text
        return Autosave(api, response.json()["id"], questions=10, seed=i)

    loops = race(one, len(phones))
    assert all(isinstance(loop, Autosave) for loop in loops), loops
    return loops  # type: ignore[return-value]


def test_a_killed_server_loses_no_acknowledged_answer() -> None:
    """SIGKILL of one server (master and workers) while 12 clients autosave through nginx."""
    seeded = seed(DATABASE, participants=12, question_count=10)
    loops = _signed_in(seeded.phones, seeded.round_id)
    victims = [PIDS[0], *children(PIDS[0])]
    at_kill: list[int] = []

    def kill_one_server(stop: threading.Event) -> None:
        stop.wait(LOAD_SECONDS / 3)
        at_kill.extend(len(loop.statuses) for loop in loops)
        for pid in victims:
            os.kill(pid, signal.SIGKILL)
        stop.wait(LOAD_SECONDS * 2 / 3)

    _under_load(loops, kill_one_server)

    assert len(victims) == 3 and not [pid for pid in victims if alive(pid)], victims
    failed = [s for loop in loops for s in loop.statuses if s != 200]
    later = [s for loop, n in zip(loops, at_kill, strict=True) for s in loop.statuses[n:]]
    acknowledged = _check_last_acknowledged(DATABASE, loops)
    print(
        f"{acknowledged} acknowledged saves, {len(failed)} failed {Counter(failed)},"
        f" {later.count(200)} acknowledged after the kill"
    )
    # A sync worker holds one request: each killed worker may cost the request it held
    # (nginx retries a PUT whose server failed on the other one).
    assert len(failed) <= len(victims) - 1, failed
    assert later.count(200) > 50
    assert all(loop.statuses[-1] == 200 for loop in loops)
    assert loops[0].api.state(loops[0].attempt_id).status_code == 200
    assert requests.get(SERVERS[1] + "/api/v1/csrf", timeout=TIMEOUT).status_code == 200
