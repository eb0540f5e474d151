"""Rate limits of the endpoints that attract abuse: sign-in, registration, attempt start.

A call with a bearer token is counted per token where a browser's is counted per address, and
every API call with a token also counts against LIMIT_API_TOKEN.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from flask import current_app, request
from flask_limiter.util import get_remote_address

from .extensions import limiter


def _config(key: str) -> Callable[[], str]:
    return lambda: current_app.config[key]


def _phone_key() -> str:
    """Sign-in attempts are also counted per phone number, whatever address they come from."""
    data: Any = request.get_json(silent=True) if request.is_json else request.form
    if not isinstance(data, Mapping):
        data = {}
    phone = data.get("phone") or data.get("username") or ""
    return f"login:{str(phone).strip()[:32]}"


def bearer() -> str | None:
    """The bearer token a request carries, if any (checked later, by the API)."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return secret.strip() or None


def _credential_key() -> str:
    """The token (by a digest: the secret never reaches the limiter's storage), else the
    client's address."""
    secret = bearer()
    if secret is None:
        return get_remote_address()
    return "token:" + hashlib.sha256(secret.encode("utf-8")).hexdigest()[:32]


def per_token(view: Callable[..., Any]) -> Callable[..., Any]:
    return limiter.limit(
        _config("LIMIT_API_TOKEN"), key_func=_credential_key, exempt_when=lambda: bearer() is None
    )(view)


def login(view: Callable[..., Any]) -> Callable[..., Any]:
    view = limiter.limit(_config("LIMIT_LOGIN"), methods=["POST"])(view)
    return limiter.limit(_config("LIMIT_LOGIN_PER_ACCOUNT"), key_func=_phone_key, methods=["POST"])(
        view
    )


def register(view: Callable[..., Any]) -> Callable[..., Any]:
    return limiter.limit(_config("LIMIT_REGISTER"), methods=["POST"])(view)


def start(view: Callable[..., Any]) -> Callable[..., Any]:
    return limiter.limit(_config("LIMIT_START"), key_func=_credential_key, methods=["POST"])(view)
