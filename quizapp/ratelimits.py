"""Rate limits of the endpoints that attract abuse: sign-in, registration, attempt start."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, request

from .extensions import limiter


def _config(key: str) -> Callable[[], str]:
    return lambda: current_app.config[key]


def _phone_key() -> str:
    """Sign-in attempts are also counted per phone number, whatever address they come from."""
    data = request.get_json(silent=True) if request.is_json else request.form
    phone = (data or {}).get("phone") or (data or {}).get("username") or ""
    return f"login:{str(phone).strip()[:32]}"


def login(view: Callable[..., Any]) -> Callable[..., Any]:
    view = limiter.limit(_config("LIMIT_LOGIN"), methods=["POST"])(view)
    return limiter.limit(_config("LIMIT_LOGIN_PER_ACCOUNT"), key_func=_phone_key, methods=["POST"])(
        view
    )


def register(view: Callable[..., Any]) -> Callable[..., Any]:
    return limiter.limit(_config("LIMIT_REGISTER"), methods=["POST"])(view)


def start(view: Callable[..., Any]) -> Callable[..., Any]:
    return limiter.limit(_config("LIMIT_START"), methods=["POST"])(view)
