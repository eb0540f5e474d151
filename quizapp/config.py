"""Configuration: defaults, then the environment, then the dict a test passes."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

DEV_SECRET_KEY = "dev-only-not-secret"
ENV_PREFIX = "QUIZAPP_"

ROOT = Path(__file__).resolve().parent.parent


def defaults(instance_path: str) -> dict[str, Any]:
    """The embedded defaults: SQLite under instance/, development settings."""
    return {
        "ENV_NAME": "development",
        "SECRET_KEY": DEV_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(instance_path) / 'quizapp.sqlite3'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "SQLITE_BUSY_TIMEOUT_MS": 15000,
        "PG_POOL_SIZE": 10,
        "PG_MAX_OVERFLOW": 5,
        "TIMEZONE": "Asia/Ho_Chi_Minh",
        "SITE_NAME": "Thi trực tuyến tìm hiểu Luật Thi đua, khen thưởng",
        "ORGANISER_NAME": "Hội đồng Thi đua – Khen thưởng",
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        # A JSON request body: larger or deeper is refused before it is parsed (inputs.py).
        "JSON_MAX_BYTES": 256 * 1024,
        "JSON_MAX_DEPTH": 32,
        # Phones on slow networks: let browsers keep CSS and JS for an hour.
        "SEND_FILE_MAX_AGE_DEFAULT": 3600,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        # Shared cache for public pages; set QUIZAPP_CACHE_TYPE=RedisCache and
        # QUIZAPP_CACHE_REDIS_URL when several app servers run.
        "CACHE_TYPE": "SimpleCache",
        "CACHE_DEFAULT_TIMEOUT": 30,
        "BOARD_CACHE_SECONDS": 30,
        "BOARD_TOP": 20,
        # Rate limits live in one store all workers share: by default a SQLite file of its
        # own (ratelimit_store.py); Redis (redis://…) when several machines serve the site.
        # Per-process memory:// with several workers is refused in production (check()).
        "RATELIMIT_STORAGE_URI": f"quizapp+sqlite://{Path(instance_path) / 'ratelimits.sqlite3'}",
        # How many processes serve requests (gunicorn.conf.py exports QUIZAPP_WORKERS).
        "WORKERS": 1,
        # Sign-in: per account (its normalised phone or username) and, for a classroom or a
        # ward hall signing in together, generously per address.
        "LIMIT_LOGIN": "60 per minute",
        "LIMIT_LOGIN_PER_ACCOUNT": "10 per 10 minutes",
        "LIMIT_REGISTER": "40 per minute;300 per hour",
        "LIMIT_PASSWORD_RESET": "10 per hour",
        "LIMIT_LIAISON_SEARCH": "60 per minute",
        # The participant's flow per account (token or session) and, generously, per address:
        # a classroom or a ward hall behind one address all start, save and submit.
        "LIMIT_START": "10 per minute",
        "LIMIT_START_PER_ADDRESS": "600 per minute",
        "LIMIT_SAVE": "120 per minute",
        "LIMIT_SAVE_PER_ADDRESS": "6000 per minute",
        "LIMIT_SUBMIT": "10 per minute",
        "LIMIT_SUBMIT_PER_ADDRESS": "600 per minute",
        "LIMIT_API_TOKEN": "300 per minute",
        # Bearer tokens of the API: lifetime, and the origins (scheme://host[:port]) whose
        # browser code may call /api/ (CORS); none by default, never "*".
        "API_TOKEN_DAYS": 30,
        "CORS_ORIGINS": [],
        # Number of proxies in front of the app whose X-Forwarded-For may be trusted.
        "PROXY_COUNT": 0,
        # Console exports of rounds ranking more rows than this are built by `flask exports
        # work` (a background job) into EXPORTS_FOLDER, kept EXPORT_KEEP_HOURS, then purged.
        "EXPORT_BACKGROUND_ROWS": 10_000,
        "EXPORTS_FOLDER": str(Path(instance_path) / "exports"),
        "EXPORT_KEEP_HOURS": 24,
        # Progress is committed when both this many rows and this many seconds have passed.
        "EXPORT_PROGRESS_ROWS": 5000,
        "EXPORT_PROGRESS_SECONDS": 1,
        # A running job without progress for this long lost its worker: queued again while
        # it has been taken fewer than EXPORT_MAX_ATTEMPTS times, else failed.
        "EXPORT_STALE_MINUTES": 10,
        "EXPORT_MAX_ATTEMPTS": 2,
    }


def _parse(value: str) -> Any:
    """Environment values are JSON when they parse as JSON (numbers, true), else text."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def from_environment(environ: dict[str, str]) -> dict[str, Any]:
    """QUIZAPP_* variables (prefix stripped), DATABASE_URL and SECRET_KEY."""
    found: dict[str, Any] = {}
    for key, value in environ.items():
        if key.startswith(ENV_PREFIX) and len(key) > len(ENV_PREFIX):
            found[key[len(ENV_PREFIX) :]] = _parse(value)
    if environ.get("DATABASE_URL"):
        found["SQLALCHEMY_DATABASE_URI"] = environ["DATABASE_URL"]
    if environ.get("SECRET_KEY"):
        found["SECRET_KEY"] = environ["SECRET_KEY"]
    return found


def normalise_database_url(url: str) -> str:
    """Accept postgres:// and postgresql:// and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def engine_options(config: dict[str, Any]) -> dict[str, Any]:
    """Pool settings: no pre-ping; a sized pool on PostgreSQL.

    A ping before every checkout is a round trip on every request (a fifth of a durable save).
    Without it, a connection broken by a database restart fails when it is used: SQLAlchemy sees
    the disconnect and invalidates the whole pool, the request is answered 503 with Retry-After
    (views/errors.py) and the next one connects afresh (tests/system/test_faults.py).
    """
    options: dict[str, Any] = {"pool_pre_ping": False}
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        options.update(
            pool_size=config["PG_POOL_SIZE"],
            max_overflow=config["PG_MAX_OVERFLOW"],
            pool_recycle=1800,
            pool_timeout=10,
        )
    options.update(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    return options


class ConfigError(RuntimeError):
    """The configuration is unsafe or inconsistent; the app refuses to start."""


def check(config: dict[str, Any]) -> None:
    """Refuse settings that must never reach production."""
    origins = config.get("CORS_ORIGINS") or []
    for origin in origins.split(",") if isinstance(origins, str) else origins:
        if origin.strip() == "*" or "://" not in origin:
            raise ConfigError(
                f"CORS_ORIGINS: {origin!r} is not an origin; name each one as "
                'scheme://host[:port] ("*" is never allowed).'
            )
    if config["ENV_NAME"] == "production":
        _check_limit_storage(config)
        if config["SECRET_KEY"] in (DEV_SECRET_KEY, "", None):
            raise ConfigError(
                "SECRET_KEY is the development key: set a long random SECRET_KEY in production."
            )
        if len(str(config["SECRET_KEY"])) < 32:
            raise ConfigError("SECRET_KEY is too short for production (at least 32 characters).")


def _check_limit_storage(config: dict[str, Any]) -> None:
    """Per-process counters with several workers multiply every limit by the worker count."""
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if storage.startswith("memory://") and int(config.get("WORKERS") or 1) > 1:
        raise ConfigError(
            f"RATELIMIT_STORAGE_URI is {storage!r} (counters kept per process) with "
            f"{config['WORKERS']} workers: every limit would be multiplied by the worker count. "
            "Use the shared default (quizapp+sqlite://…) or redis://…"
        )


def build(instance_path: str, test_config: dict[str, Any] | None) -> dict[str, Any]:
    """Merge defaults, environment and the test dict, then validate."""
    config = defaults(instance_path)
    config.update(from_environment(dict(os.environ)))
    config.update(test_config or {})
    if config["ENV_NAME"] == "production":
        config.setdefault("SESSION_COOKIE_SECURE", True)
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(config)
    check(config)
    return config
