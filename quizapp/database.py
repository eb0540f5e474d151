"""Engine settings that SQLAlchemy cannot express in a URL: SQLite pragmas and locking."""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import Engine, event


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, a busy timeout and foreign keys on every connection; writers take the lock at BEGIN.

    pysqlite's own transaction handling is switched off so that each transaction starts with
    BEGIN IMMEDIATE: a request that reads and then writes can never fail with "database is
    locked" on the upgrade, it waits (up to the busy timeout) for the writer before it instead.
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
        connection.exec_driver_sql("BEGIN IMMEDIATE")
