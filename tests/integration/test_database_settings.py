"""SQLite runs with WAL, a busy timeout and foreign keys; every engine pre-pings."""

import pytest
from flask import Flask
from sqlalchemy import text

from quizapp.extensions import db


def test_engine_does_not_pre_ping(app: Flask) -> None:
    """A ping before every checkout is a round trip on every request; a broken connection is
    found when used instead (tests/system/test_faults.py: 503, then the pool reconnects)."""
    with app.app_context():
        assert not db.engine.pool._pre_ping


def test_sqlite_pragmas(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite-only settings")
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 15000


def test_timestamps_round_trip_as_aware_utc(app: Flask) -> None:
    from datetime import UTC, datetime, timedelta, timezone

    from quizapp.models import AuditLog

    saigon = timezone(timedelta(hours=7))
    with app.app_context():
        entry = AuditLog(action="thu", at=datetime(2026, 1, 1, 7, 0, tzinfo=saigon))
        db.session.add(entry)
        db.session.commit()
        entry_id = entry.id
    with app.app_context():
        stored = db.session.get(AuditLog, entry_id)
        assert stored.at == datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
        assert stored.at.tzinfo is UTC


def test_naive_timestamps_are_refused(app: Flask) -> None:
    from datetime import datetime

    from sqlalchemy.exc import StatementError

    from quizapp.models import AuditLog

    with app.app_context():
        db.session.add(AuditLog(action="thu", at=datetime(2026, 1, 1)))
        with pytest.raises(StatementError):
            db.session.commit()
