"""Locust scenarios for `make bench` (run by bench/run_load.py; not imported by the app).

Users are participants seeded with phones 0900000000 + n and the password BENCH_PASSWORD.
BENCH_SCENARIO selects: ceiling | saves | start | rush | board.
"""

from __future__ import annotations

import itertools
import os
import random
import time

from locust import HttpUser, between, constant, task

SCENARIO = os.environ.get("BENCH_SCENARIO", "start")
ROUND_ID = int(os.environ.get("BENCH_ROUND_ID", "1"))
PASSWORD = os.environ.get("BENCH_PASSWORD", "matkhau-bench")
QUESTIONS = int(os.environ.get("BENCH_QUESTIONS", "20"))
RUSH_DEADLINE = float(os.environ.get("BENCH_RUSH_DEADLINE", "0"))  # epoch seconds
_phones = itertools.count(int(os.environ.get("BENCH_FIRST_USER", "0")))


class Participant(HttpUser):
    """Logs in, starts (or resumes) an attempt, saves answers, submits."""

    wait_time = between(0.5, 2.0) if SCENARIO in ("start", "rush") else constant(0)

    def on_start(self) -> None:
        self.phone = f"09{next(_phones):08d}"
        self.token = self.client.get("/api/v1/csrf", name="csrf").json()["csrf_token"]
        self.headers = {"X-CSRFToken": self.token}
        if SCENARIO in ("ceiling", "board"):
            return
        self.client.post(
            "/api/v1/login",
            json={"phone": self.phone, "password": PASSWORD},
            headers=self.headers,
            name="login",
        )
        self.attempt = None
        self.position = 1

    def _start(self) -> None:
        with self.client.post(
            f"/api/v1/rounds/{ROUND_ID}/attempts",
            headers=self.headers,
            name="start",
            catch_response=True,
        ) as response:
            if response.status_code in (200, 201):
                self.attempt = response.json()["id"]
                self.position = 1
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
            if response.status_code == 409:  # limit reached, finished: start over
                response.success()
                self.attempt = None
            elif response.status_code != 200:
                response.failure(f"save {response.status_code}")
        self.position = self.position % QUESTIONS + 1

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
        self.attempt = None

    @task
    def act(self) -> None:
        if SCENARIO == "ceiling":
            self.client.get("/healthz", name="ceiling /healthz")
            return
        if SCENARIO == "board":
            self.client.get(f"/api/v1/rounds/{ROUND_ID}/leaderboard", name="leaderboard")
            return
        if self.attempt is None:
            self._start()
            return
        if SCENARIO == "saves":
            self._save()
            return
        if self.position < QUESTIONS:
            self._save()
            return
        if SCENARIO == "rush" and time.time() < RUSH_DEADLINE - random.uniform(0, 120):
            time.sleep(1)  # holding the last answer until the final minutes
            return
        self._save()
        self._submit()
        self.stop()


class BoardWatcher(HttpUser):
    """The public and the press polling the leaderboard alongside the participants."""

    wait_time = between(2, 5)

    @task
    def poll(self) -> None:
        self.client.get(f"/api/v1/rounds/{ROUND_ID}/leaderboard", name="leaderboard")
