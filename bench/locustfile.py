"""Locust scenarios for `make bench` (run by bench/run_load.py; not imported by the app).

Users are participants seeded with phones 0900000000 + n and the password BENCH_PASSWORD;
BENCH_SESSIONS names the seeded file of signed session cookies, so a participant can arrive
already signed in, as a phone that signed in earlier in the day does ("remember me").
BENCH_SCENARIO selects:
  ceiling  GET /healthz in a closed loop (the trivial route the others are compared with);
  saves    answer saves in a closed loop, each user on its own attempt;
  board    the public leaderboard in a closed loop;
  signin   password sign-ins in a closed loop (each verifies a scrypt hash);
  start    the synchronised start: users spawned over a minute start, answer every
           question with BENCH_THINK seconds of thought, submit; BENCH_LOGIN_SHARE of them
           sign in with their password first, the others arrive signed in;
  rush     the deadline rush: users whose attempts were started earlier (all but the last
           answer saved) come back, save the last answer and submit; BENCH_RUSH_SHARE of the
           submits fall in the last BENCH_RUSH_WINDOW seconds before BENCH_RUSH_DEADLINE.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from urllib.parse import urlsplit

from locust import HttpUser, between, constant, task

SCENARIO = os.environ.get("BENCH_SCENARIO", "start")
ROUND_ID = int(os.environ.get("BENCH_ROUND_ID", "1"))
PASSWORD = os.environ.get("BENCH_PASSWORD", "matkhau-bench")
QUESTIONS = int(os.environ.get("BENCH_QUESTIONS", "20"))
THINK = tuple(float(s) for s in os.environ.get("BENCH_THINK", "15,25").split(","))
LOGIN_SHARE = float(os.environ.get("BENCH_LOGIN_SHARE", "0.1"))
RUSH_DEADLINE = float(os.environ.get("BENCH_RUSH_DEADLINE", "0"))  # epoch seconds
RUSH_WINDOW = float(os.environ.get("BENCH_RUSH_WINDOW", "60"))
RUSH_SHARE = float(os.environ.get("BENCH_RUSH_SHARE", "0.8"))
SESSION_COOKIE = os.environ.get("BENCH_SESSION_COOKIE", "session")
_phones = itertools.count(int(os.environ.get("BENCH_FIRST_USER", "0")))
_sessions: dict[str, str] = {}
if os.environ.get("BENCH_SESSIONS"):
    with open(os.environ["BENCH_SESSIONS"], encoding="utf-8") as handle:
        _sessions = json.load(handle)

CLOSED_LOOP = ("ceiling", "saves", "board", "signin")


class Participant(HttpUser):
    """One phone: signs in (or arrives signed in), starts or resumes, saves, submits."""

    wait_time = constant(0) if SCENARIO in CLOSED_LOOP else between(*THINK)

    def on_start(self) -> None:
        self.phone = f"09{next(_phones):08d}"
        self.attempt: int | None = None
        self.position = 1
        if SCENARIO in ("ceiling", "board"):
            return
        signs_in = SCENARIO == "signin" or (SCENARIO == "start" and random.random() < LOGIN_SHARE)
        if not signs_in:  # the cookie as the server set it, so its next Set-Cookie replaces it
            host = urlsplit(self.host).hostname
            self.client.cookies.set(SESSION_COOKIE, _sessions[self.phone], domain=host, path="/")
        if SCENARIO == "rush":  # the phone comes back at its submit moment (see _rush)
            late = random.random() < RUSH_SHARE
            window = (RUSH_DEADLINE - RUSH_WINDOW, RUSH_DEADLINE)
            early = (time.time(), RUSH_DEADLINE - RUSH_WINDOW)
            self.submit_at = random.uniform(*(window if late else early))
            return
        self._open_page()
        if signs_in:
            self._sign_in()

    def _open_page(self) -> None:
        token = self.client.get("/api/v1/csrf", name="csrf").json()["csrf_token"]
        self.headers = {"X-CSRFToken": token}

    def _sign_in(self) -> None:
        self.client.post(
            "/api/v1/login",
            json={"phone": self.phone, "password": PASSWORD},
            headers=self.headers,
            name="login",
        )

    def _start(self) -> None:
        with self.client.post(
            f"/api/v1/rounds/{ROUND_ID}/attempts",
            headers=self.headers,
            name="start (resume)" if SCENARIO == "rush" else "start",
            catch_response=True,
        ) as response:
            if response.status_code in (200, 201):
                self.attempt = response.json()["id"]
            else:
                response.failure(f"start {response.status_code}")

    def _save(self) -> None:
        with self.client.put(
            f"/api/v1/attempts/{self.attempt}/answers/{self.position}",
            json={"choice": random.randrange(4)},
            headers=self.headers,
            name="save answer",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"save {response.status_code}")
        self.position += 1

    def _submit(self) -> None:
        with self.client.post(
            f"/api/v1/attempts/{self.attempt}/submit",
            json={"prediction": random.randrange(5000)},
            headers=self.headers,
            name="submit",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"submit {response.status_code}")
        self.stop()

    @task
    def act(self) -> None:
        if SCENARIO == "ceiling":
            self.client.get("/healthz", name="ceiling /healthz")
        elif SCENARIO == "board":
            self.client.get(f"/api/v1/rounds/{ROUND_ID}/leaderboard", name="leaderboard")
        elif SCENARIO == "signin":
            self._sign_in()
        elif SCENARIO == "rush":
            self._rush()
        elif self.attempt is None:
            self._start()
        elif SCENARIO == "saves":
            self._save()
            self.position = (self.position - 1) % QUESTIONS + 1  # round and round
        elif self.position <= QUESTIONS:
            self._save()
        else:
            self._submit()

    def _rush(self) -> None:
        """Back at the submit moment: reopen the attempt, save the last answer, submit."""
        time.sleep(max(0.0, self.submit_at - time.time()))
        self._open_page()
        self._start()
        if self.attempt is not None:
            self.position = QUESTIONS
            self._save()
            self._submit()
        self.stop()


class BoardWatcher(HttpUser):
    """The public and the press polling the leaderboard alongside the participants."""

    fixed_count = int(os.environ.get("BENCH_WATCHERS", "0"))  # the other users are participants
    wait_time = between(2, 5)

    @task
    def poll(self) -> None:
        self.client.get(f"/api/v1/rounds/{ROUND_ID}/leaderboard", name="leaderboard")
