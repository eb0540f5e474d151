"""Password hashing and the security headers every response carries."""

from __future__ import annotations

import secrets
from functools import cache
from typing import Protocol

from argon2 import PasswordHasher, Type
from argon2.exceptions import VerificationError
from flask import Flask, Response
from werkzeug.security import check_password_hash

# argon2id at OWASP's minimum (m = 19 MiB, t = 2, p = 1): memory-hard like Werkzeug's scrypt,
# which it replaces, at about a fifth of its CPU per sign-in (docs/performance.md).
ARGON2 = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)


class HasPassword(Protocol):
    password_hash: str


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)


def hash_password(password: str) -> str:
    return ARGON2.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """argon2 hashes, and the Werkzeug (scrypt, pbkdf2) hashes stored before them."""
    if not password_hash.startswith("$argon2"):
        return check_password_hash(password_hash, password)
    try:
        return ARGON2.verify(password_hash, password)
    except (VerificationError, ValueError):  # InvalidHashError, a non-ASCII stored hash
        return False


@cache
def _dummy_hash() -> str:
    return ARGON2.hash(secrets.token_urlsafe(16))


def check_credentials(password_hash: str | None, password: str) -> bool:
    """`verify_password`, or for an account that does not exist (None) the same work against a
    dummy hash, so that a sign-in takes as long whether the account exists or not."""
    if password_hash is None:
        verify_password(_dummy_hash(), password)
        return False
    return verify_password(password_hash, password)


def upgrade_hash(account: HasPassword, password: str) -> None:
    """After a successful sign-in, replace a hash of an older kind (scrypt) or cost.

    The session's credential stamp follows the hash, so the caller commits before login_user;
    the account's other devices are signed out once, at that sign-in.
    """
    stored = account.password_hash
    if not stored.startswith("$argon2id$") or ARGON2.check_needs_rehash(stored):
        account.password_hash = hash_password(password)


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
