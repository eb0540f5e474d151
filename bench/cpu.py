"""CPU time of process trees, read from /proc (Linux): what each request costs, who used the box.

A process's utime + stime, plus cutime + cstime (its children that have exited and were reaped:
gunicorn's recycled workers, PostgreSQL's ended backends), so nothing that ran is lost.
"""

from __future__ import annotations

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from the state (field 3) on


def _all() -> dict[int, list[str]]:
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(int(entry))) is not None:
            found[int(entry)] = fields
    return found


def _seconds(fields: list[str]) -> float:
    return sum(int(v) for v in fields[11:15]) / TICK  # utime stime cutime cstime


def session_seconds(sid: int) -> float:
    """CPU of every process in session `sid` (a server started with start_new_session)."""
    return sum(_seconds(f) for f in _all().values() if int(f[3]) == sid)


def tree_seconds(root: int) -> float:
    """CPU of `root` and its direct children (PostgreSQL's postmaster and its backends)."""
    return sum(_seconds(f) for pid, f in _all().items() if pid == root or int(f[1]) == root)


def box_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values) - idle) / TICK, sum(values) / TICK


class Meter:
    """CPU used between start() and stop() by named process groups and by the whole box."""

    def __init__(self, groups: dict[str, callable]) -> None:
        self.groups = groups
        self.begin: dict[str, float] = {}
        self.used: dict[str, float] = {}

    def _read(self) -> dict[str, float]:
        busy, total = box_seconds()
        return {"box_busy": busy, "box_total": total} | {k: f() for k, f in self.groups.items()}

    def start(self) -> None:
        self.begin = self._read()

    def stop(self) -> dict[str, float]:
        end = self._read()
        self.used = {k: end[k] - self.begin[k] for k in end}
        return self.used
