"""The contest platform: create_app() wires extensions, blueprints and CLI; nothing else."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

from . import config as config_module
from .config import ROOT


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. No database work, no network, no prompts happen here."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(config_module.build(app.instance_path, config))
    app.url_map.converters["int"] = BoundedInt
    _init_extensions(app)
    _register_blueprints(app)
    return app


def _init_extensions(app: Flask) -> None:
    from . import (
        auth,
        cli,
        database,
        inputs,
        ratelimit_store,  # noqa: F401  (registers the shared store's URI scheme)
        security,
        templating,
    )
    from .database import configure_sqlite
    from .extensions import cache, csrf, db, limiter, migrate
    from .views import errors
    from .views.api import cors

    inputs.init_app(app)
    db.init_app(app)
    app.teardown_appcontext(_remove_session_quietly)
    with app.app_context():
        configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    database.init_app(app)  # console, liaison and public GETs read without the write lock
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    auth.init_app(app)
    csrf.init_app(app)
    cache.init_app(app)
    limiter.init_app(app)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way
            app.wsgi_app,
            x_for=app.config["PROXY_COUNT"],
            x_proto=1,
            x_host=1,
        )
    security.init_app(app)
    cors.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    cli.init_app(app)


class BoundedInt(IntegerConverter):
    """Ids in URLs fit the database's integer columns: a larger number is a 404, not a 500."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def _remove_session_quietly(exc: BaseException | None) -> None:
    """End the request's session even when the connection died after the view answered.

    Registered after Flask-SQLAlchemy's own teardown, so it runs first: a lost connection
    during the final rollback must not turn an answered request into a bare 500.
    """
    from flask import current_app
    from sqlalchemy.exc import DBAPIError

    from .extensions import db

    try:
        db.session.remove()
    except DBAPIError:
        current_app.logger.warning("database connection lost while ending a request")


def _register_blueprints(app: Flask) -> None:
    from .views import (
        accounts,
        api,
        console,
        console_bank,
        console_export_jobs,
        console_exports,
        console_lifecycle,
        console_monitor,
        console_people,
        console_practice,
        console_prizes,
        console_questions,
        console_review,
        console_rounds,
        liaison,
        main,
        practice,
        public,
        quiz,
        staff_auth,
    )

    for module in (
        main,
        staff_auth,
        console,
        console_bank,
        console_rounds,
        console_lifecycle,
        console_review,
        console_prizes,
        console_monitor,
        console_exports,
        console_export_jobs,
        console_questions,
        console_practice,
        console_people,
        liaison,
        accounts,
        quiz,
        practice,
        public,
        api,
    ):
        app.register_blueprint(module.bp)
