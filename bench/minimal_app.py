"""The stack's physical limit for a durable write: Flask + Flask-SQLAlchemy, one INSERT + commit.

Served by bench/run_load.py with the project's gunicorn.conf.py on the same database, so the
answer save can be given as a ratio of the cheapest durable write this stack can do. Two
engines (BENCH_MINIMAL_ENGINE), each served on its own and measured beside the save:

- `bare` (the default, the stack's limit): Flask-SQLAlchemy's pool as it comes, no pre-ping;
- `app`: the app's own engine options (quizapp.config.engine_options: pool sizes, recycling,
  and pre-ping if the app turns it on again);
- `preping`: the app's options with the pool's pre-ping forced on (what the save was compared
  with before issue 25).

SQLite gets the app's pragmas and BEGIN IMMEDIATE in all three (WAL is the database's mode, not
an engine option: without it the write would not be the same durable write).
`python bench/minimal_app.py create` makes its table (DATABASE_URL names the database).
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime

from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from quizapp.config import engine_options, normalise_database_url
from quizapp.database import configure_sqlite


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class BenchWrite(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "bench_writes"
    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int]
    written_at: Mapped[datetime]


def minimal_engine_options(url: str, engine: str) -> dict:
    if engine == "bare":
        return {"pool_pre_ping": False}
    options = engine_options(
        {"SQLALCHEMY_DATABASE_URI": url, "PG_POOL_SIZE": 10, "PG_MAX_OVERFLOW": 5}
    )
    if engine == "preping":
        options["pool_pre_ping"] = True
    elif engine != "app":
        raise ValueError(f"BENCH_MINIMAL_ENGINE: bare, app or preping, not {engine!r}")
    return options


def create_app() -> Flask:
    app = Flask(__name__)
    url = normalise_database_url(os.environ["DATABASE_URL"])
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = minimal_engine_options(
        url, os.environ.get("BENCH_MINIMAL_ENGINE", "bare")
    )
    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine, 15000)

    @app.get("/healthz")
    def healthz():
        return "ok"

    @app.post("/write")
    def write():
        data = request.get_json(silent=True) or {}
        row = BenchWrite(value=int(data.get("value", 0)), written_at=datetime.now(UTC))
        db.session.add(row)
        db.session.commit()
        return jsonify({"id": row.id})

    return app


app = create_app()

if __name__ == "__main__" and sys.argv[1:] == ["create"]:
    with app.app_context():
        db.create_all()
