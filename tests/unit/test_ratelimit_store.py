"""The embedded default's rate-limit store: one count for every worker, and a refusal to start
in production with per-process counters and several workers."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing

import pytest

from quizapp.config import ConfigError, build
from quizapp.ratelimit_store import SQLiteStorage, uri_for

WORKER = """
import sys
from quizapp.ratelimit_store import SQLiteStorage
store = SQLiteStorage(sys.argv[1])
for _ in range(200):
    store.incr("login:shared", 600)
"""


def test_processes_count_together(tmp_path) -> None:
    """Three processes (gunicorn workers) increment one key: no increment is lost."""
    path = tmp_path / "limits.sqlite3"
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, uri_for(str(path))]) for _ in range(3)
    ]
    assert [w.wait(timeout=60) for w in workers] == [0, 0, 0]
    # Read as stored: this process's clock may be moved (QUIZAPP_TEST_SHIFT_DAYS), theirs not.
    with closing(sqlite3.connect(path)) as connection:
        count = connection.execute("SELECT count FROM counters WHERE key = 'login:shared'")
        assert count.fetchone() == (600,)


def test_a_window_that_has_passed_starts_again(tmp_path) -> None:
    store = SQLiteStorage(uri_for(str(tmp_path / "limits.sqlite3")))
    assert store.incr("k", -1) == 1  # a window that ended at once
    assert store.get("k") == 0
    assert store.incr("k", 60) == 1
    assert store.incr("k", 60, amount=2) == 3
    assert store.get("k") == 3 and store.get("other") == 0
    store.clear("k")
    assert store.get("k") == 0 and store.check()


def _production(**extra) -> dict:
    return {"ENV_NAME": "production", "SECRET_KEY": "x" * 40, **extra}


def test_production_refuses_per_process_counters_with_several_workers(tmp_path) -> None:
    with pytest.raises(ConfigError, match="multiplied by the worker count"):
        build(str(tmp_path), _production(RATELIMIT_STORAGE_URI="memory://", WORKERS=4))
    build(str(tmp_path), _production(RATELIMIT_STORAGE_URI="memory://", WORKERS=1))
    shared = build(str(tmp_path), _production(WORKERS=4))
    assert shared["RATELIMIT_STORAGE_URI"].startswith("quizapp+sqlite://")
    build(str(tmp_path), _production(RATELIMIT_STORAGE_URI="redis://cache:6379/0", WORKERS=4))
