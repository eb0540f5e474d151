"""Open-loop load generator for the scenarios of `make bench` (run by bench/run_load.py).

Every request has a time fixed in advance by the scenario's arrival schedule; its latency is
measured from that scheduled time, not from when it could be sent, so a slow server cannot slow
the generator down and hide its own queue (no coordinated omission). A phone's next request
waits for its previous one (a save needs the attempt the start returned), and is late by as much.
Plain HTTP/1.1 over asyncio streams (uvloop when installed), one connection a request
("Connection: close", as gunicorn's sync workers do anyway), so the generator stays cheap; its
own CPU time is reported with the figures.

    python bench/loadgen.py SCENARIO --users users.json --port P [options] > result.json

Scenarios (users come from bench/seed.py's JSON, by index):
  start   --count N --spread S --answers A --gap G: N phones start within S s, each then saves
          A answers G s apart (± G/4) and submits G s after the last;
  steady  --count N --rate R --seconds D: N phones with started attempts save R answers a second
          in all, each phone every N/R s;
  rush    --count N --spread S: N phones with started attempts (19 answers saved) each save the
          last answer and submit, the pairs spread over S s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sys
import time
from collections import defaultdict

HOST = "127.0.0.1"


class Recorder:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.acked_saves: list[tuple[int, int]] = []
        self.acked_submits: list[int] = []

    def summary(self, wall: float) -> dict:
        out = {}
        for name in sorted(set(self.latency) | set(self.errors)):
            values = sorted(self.latency[name])
            errors = dict(self.errors[name])
            out[name] = {
                "requests": len(values) + sum(errors.values()),
                "ok": len(values),
                "errors": errors,
                "rps": len(values) / wall if wall else 0.0,
                **{f"p{q}": _percentile(values, q) for q in (50, 95, 99)},
                "max": values[-1] if values else 0.0,
            }
        return out


def _percentile(values: list[float], q: int) -> float:
    if not values:
        return 0.0
    return values[min(len(values) - 1, int(len(values) * q / 100))]


class Client:
    def __init__(self, port: int, recorder: Recorder, timeout: float) -> None:
        self.port, self.recorder, self.timeout = port, recorder, timeout
        self.t0 = 0.0

    async def sleep_until(self, at: float) -> None:
        delay = self.t0 + at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)

    async def call(
        self, name: str, at: float, method: str, path: str, user: dict, body: str = ""
    ) -> tuple[int, bytes] | None:
        """Send at the scheduled time `at` (or at once if already late); record, return."""
        await self.sleep_until(at)
        kind = "Content-Type: application/json\r\n" if body else ""  # no body, no JSON type
        request = (
            f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n"
            f"Cookie: session={user['cookie']}\r\nX-CSRFToken: {user['csrf']}\r\n"
            f"{kind}Content-Length: {len(body)}\r\n\r\n{body}"
        ).encode()
        try:
            status, payload = await asyncio.wait_for(self._exchange(request), self.timeout)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
            self.recorder.errors[name][type(exc).__name__] += 1
            return None
        except TimeoutError:
            self.recorder.errors[name]["timeout"] += 1
            return None
        if status >= 300:
            self.recorder.errors[name][f"HTTP {status}"] += 1
            return status, payload
        self.recorder.latency[name].append((time.monotonic() - self.t0 - at) * 1000)
        return status, payload

    async def _exchange(self, request: bytes) -> tuple[int, bytes]:
        reader, writer = await asyncio.open_connection(HOST, self.port)
        try:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            return status, await reader.readexactly(length)
        finally:
            writer.close()


async def _acked(client: Client, name: str, at: float, path: str, user: dict, body: dict):
    """A save (PUT) or a submit (POST); True when the server acknowledged it (200)."""
    method = "PUT" if name == "save answer" else "POST"
    got = await client.call(name, at, method, path, user, json.dumps(body))
    return bool(got and got[0] == 200)


async def _save(client: Client, at: float, user: dict, attempt: int, position: int) -> None:
    path = f"/api/v1/attempts/{attempt}/answers/{position}"
    if await _acked(client, "save answer", at, path, user, {"choice": random.randrange(4)}):
        client.recorder.acked_saves.append((attempt, position))


async def _submit(client: Client, at: float, user: dict, attempt: int) -> None:
    path = f"/api/v1/attempts/{attempt}/submit"
    if await _acked(client, "submit", at, path, user, {"prediction": random.randrange(5000)}):
        client.recorder.acked_submits.append(attempt)


async def taker(client: Client, user: dict, round_id: int, at: float, args: argparse.Namespace):
    """Start, answer `args.answers` questions `args.gap` s apart, submit."""
    got = await client.call("start", at, "POST", f"/api/v1/rounds/{round_id}/attempts", user)
    if not got or got[0] not in (200, 201):
        return
    attempt = json.loads(got[1])["id"]
    moment = at
    for position in range(1, args.answers + 1):
        moment += args.gap + random.uniform(-args.gap / 4, args.gap / 4)
        await _save(client, moment, user, attempt, position)
    if args.answers:
        await _submit(client, moment + args.gap, user, attempt)


async def answerer(client: Client, user: dict, first: float, args: argparse.Namespace):
    """Save every count/rate seconds from `first` until the scenario's end."""
    period = args.count / args.rate
    at, position = first, random.randrange(1, 21)
    while at < args.seconds:
        await _save(client, at, user, user["attempt"], position)
        position = position % 20 + 1
        at += period


async def rusher(client: Client, user: dict, at: float) -> None:
    await _save(client, at, user, user["attempt"], 20)
    await _submit(client, at + 0.5, user, user["attempt"])


async def run(args: argparse.Namespace, data: dict) -> dict:
    recorder = Recorder()
    client = Client(args.port, recorder, args.timeout)
    users = data["users"][args.first : args.first + args.count]
    if len(users) < args.count:
        sys.exit(f"only {len(users)} users from {args.first}: seed more")
    rng = random.Random(args.seed)
    if args.scenario == "start":
        jobs = [taker(client, u, data["round"], rng.uniform(0, args.spread), args) for u in users]
    elif args.scenario == "steady":
        jobs = [answerer(client, u, i / args.rate, args) for i, u in enumerate(users)]
    else:
        jobs = [rusher(client, u, rng.uniform(0, args.spread)) for u in users]
    client.t0 = time.monotonic() + 0.5
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    await asyncio.gather(*jobs)
    wall = time.monotonic() - client.t0
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    return {
        "scenario": args.scenario,
        "wall_s": wall,
        "generator_cpu_s": cpu,
        "endpoints": recorder.summary(wall),
        "acked_saves": recorder.acked_saves,
        "acked_submits": recorder.acked_submits,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", choices=("start", "steady", "rush"))
    parser.add_argument("--users", required=True, help="bench/seed.py's JSON")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--first", type=int, default=0, help="index of the first user")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--spread", type=float, default=30.0)
    parser.add_argument("--answers", type=int, default=20)
    parser.add_argument("--gap", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=350.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--timeout", type=float, default=60.0, help="a request's own limit")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with open(args.users, encoding="utf-8") as handle:
        data = json.load(handle)
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    try:
        import uvloop  # optional: a cheaper event loop

        runner = uvloop.run
    except ImportError:
        runner = asyncio.run
    json.dump(runner(run(args, data)), sys.stdout)


if __name__ == "__main__":
    main()
