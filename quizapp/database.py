"""Engine settings that SQLAlchemy cannot express in a URL: SQLite pragmas and locking."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from typing import Any

from flask import Flask, request
from sqlalchemy import Engine, event

# Whether the next SQLite transaction takes the write lock at BEGIN (see configure_sqlite).
_IMMEDIATE: ContextVar[bool] = ContextVar("sqlite_begin_immediate", default=True)
_READS = ("GET", "HEAD", "OPTIONS")
# Areas whose GET pages only read (the organiser's console, the liaison's pages, the public
# pages). The participant's pages and the API stay IMMEDIATE: their GETs may finish an overdue
# attempt, and a deferred transaction that writes after another writer's commit fails at once.
READ_AREAS = frozenset(("console", "liaison", "public", "main"))


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, a busy timeout and foreign keys on every connection; writers take the lock at BEGIN.

    pysqlite's own transaction handling is switched off so that each transaction starts with
    BEGIN IMMEDIATE: a request that reads and then writes can never fail with "database is
    locked" on the upgrade, it waits (up to the busy timeout) for the writer before it instead.
    A request that only reads (a GET, see init_app) begins with a plain BEGIN: it reads its
    snapshot beside the writers and never holds, or waits for, the write lock.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _IMMEDIATE.get() else "BEGIN")


@contextmanager
def _beginning(immediate: bool) -> Iterator[None]:
    token = _IMMEDIATE.set(immediate)
    try:
        yield
    finally:
        _IMMEDIATE.reset(token)


def writing() -> AbstractContextManager[None]:
    """Transactions begun inside take the write lock at BEGIN (a GET that stores something)."""
    return _beginning(True)


def reading() -> AbstractContextManager[None]:
    """Transactions begun inside take no write lock (a POST that parses before it writes)."""
    return _beginning(False)


def writes_on_get(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a GET view that writes (an audit entry): its transactions take the write lock."""
    view.writes_on_get = True  # type: ignore[attr-defined]
    return view


def init_app(app: Flask) -> None:
    """GET, HEAD and OPTIONS requests of the READ_AREAS read: their SQLite transactions begin
    deferred (a view marked `writes_on_get` excepted)."""

    @app.before_request
    def _reads_only() -> None:
        area = (request.blueprint or "").split("_", 1)[0]
        if request.method not in _READS or area not in READ_AREAS:
            return
        if not getattr(app.view_functions.get(request.endpoint or ""), "writes_on_get", False):
            _IMMEDIATE.set(False)

    @app.teardown_request
    def _back_to_immediate(exc: BaseException | None) -> None:
        _IMMEDIATE.set(True)
