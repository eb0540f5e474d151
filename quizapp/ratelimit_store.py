"""The embedded default's rate-limit store: one SQLite file every worker of the machine shares.

`memory://` keeps a counter per process, so with N gunicorn workers every limit was N times
what it says (issue 23). This store keeps the fixed-window counters in a file of its own
(`instance/ratelimits.sqlite3` by default, never the application's database, so a counter
never waits for the application's write lock): each increment is one atomic UPSERT in
autocommit, so the workers count together. Several machines share Redis instead
(`QUIZAPP_RATELIMIT_STORAGE_URI=redis://…`).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from typing import Any

from limits.storage import Storage

SCHEME = "quizapp+sqlite"

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS counters "
    "(key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires REAL NOT NULL)"
)
# A counter past its window starts again at `amount`; otherwise it grows. SQLite evaluates
# every SET expression against the row as it was, so both CASEs see the old expiry.
_INCREMENT = (
    "INSERT INTO counters (key, count, expires) VALUES (?1, ?2, ?3 + ?4) "
    "ON CONFLICT (key) DO UPDATE SET "
    "count = CASE WHEN expires <= ?3 THEN ?2 ELSE count + ?2 END, "
    "expires = CASE WHEN expires <= ?3 THEN ?3 + ?4 ELSE expires END "
    "RETURNING count"
)
_PURGE_EVERY = 1000


def uri_for(path: str) -> str:
    return f"{SCHEME}://{path}"


class SQLiteStorage(Storage):
    """Fixed-window counters in a shared SQLite file (WAL, a short busy timeout)."""

    STORAGE_SCHEME = [SCHEME]  # noqa: RUF012  (the declaration of limits.storage.Storage)

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any):
        self.path = (uri or "").split("://", 1)[1]
        self._local = threading.local()
        self._increments = 0
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        """One connection per thread and per process (a forked worker opens its own)."""
        cached = getattr(self._local, "connection", None)
        if cached is not None and self._local.pid == os.getpid():
            return cached
        directory = os.path.dirname(self.path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute(_SCHEMA)
        self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        moment = time.time()
        connection = self._connection()
        (count,) = connection.execute(_INCREMENT, (key, amount, moment, expiry)).fetchone()
        self._increments += 1
        if self._increments % _PURGE_EVERY == 0:
            connection.execute("DELETE FROM counters WHERE expires <= ?", (moment,))
        return int(count)

    def get(self, key: str) -> int:
        row = (
            self._connection()
            .execute("SELECT count FROM counters WHERE key = ? AND expires > ?", (key, time.time()))
            .fetchone()
        )
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        row = (
            self._connection()
            .execute("SELECT expires FROM counters WHERE key = ?", (key,))
            .fetchone()
        )
        return float(row[0]) if row else time.time()

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._connection().execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM counters WHERE key = ?", (key,))
