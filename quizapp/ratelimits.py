"""Rate limits of the endpoints that attract abuse: sign-in, registration, password reset, and
the participant's flow (start, save, submit).

Sign-in is counted per address and per account, the account named by its normalised
identifier (the phone as `normalise_phone` reads it, the username stripped and case-folded),
so "0912 345 678", "+84912345678" and "0912345678" share one budget, as "DeMo" and "demo" do.
The participant's flow is counted per account (a token, else the signed-in participant) and,
generously, per address: thirty residents behind one school or ward-hall address all start.
A call with a bearer token also counts against LIMIT_API_TOKEN. The counters live in the
shared store RATELIMIT_STORAGE_URI names (ratelimit_store.py by default, Redis across
machines), so every worker counts together.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from flask import request

from .auth import current_participant, current_staff, session_claim
from .domain.people import InvalidValue, normalise_phone
from .extensions import limiter
from .ratelimiter import remote_address

View = Callable[..., Any]


def _digest(text: str) -> str:
    """Identifiers reach the limiter's storage as digests, never as phones or secrets."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def account_key(data: Mapping[str, Any]) -> str:
    """The account a sign-in names, normalised the way the account is looked up."""
    phone, username = data.get("phone"), data.get("username")
    if isinstance(phone, str):
        try:
            return "login:phone:" + _digest(normalise_phone(phone))
        except InvalidValue:
            return "login:phone:" + _digest(phone.strip().casefold()[:64])
    if isinstance(username, str):
        return "login:staff:" + _digest(username.strip().casefold()[:64])
    return "login:none"


def _account_key() -> str:
    data: Any = request.get_json(silent=True) if request.is_json else request.form
    return account_key(data if isinstance(data, Mapping) else {})


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
        return remote_address()
    return "token:" + _digest(secret)


def _participant_key() -> str:
    """The token, else the signed-in participant, else (not signed in) the address.

    A cookie session is keyed on the participant its signed cookie names, without loading the
    account: the start and the save check the session inside their own statement, and a read
    here would be the round trip they saved. A session that no longer holds still counts
    against that account's budget, and then gets 401."""
    if bearer() is not None:
        return _credential_key()
    claim = session_claim()
    if claim is not None:
        return f"participant:{claim.participant_id}"
    if (participant := current_participant()) is not None:
        return f"participant:{participant.id}"
    return _credential_key()


def per_token(view: View) -> View:
    return limiter.limit(
        "LIMIT_API_TOKEN", key=_credential_key, exempt_when=lambda: bearer() is None
    )(view)


def _per_account_and_address(
    scope: str, account: str, address: str, key_func: Callable[[], str]
) -> Callable[[View], View]:
    """One budget per account and one per address, shared by every route of `scope` (the
    page and the API's calls alike: a second door is not a second budget)."""

    def decorate(view: View) -> View:
        methods = ["POST", "PUT"]
        # The address counts first: a request its account's budget refuses still came from it.
        view = limiter.limit(account, scope=f"{scope}-account", key=key_func, methods=methods)(view)
        return limiter.limit(address, scope=f"{scope}-address", methods=methods)(view)

    return decorate


login = _per_account_and_address("login", "LIMIT_LOGIN_PER_ACCOUNT", "LIMIT_LOGIN", _account_key)
start = _per_account_and_address(
    "start", "LIMIT_START", "LIMIT_START_PER_ADDRESS", _participant_key
)
save = _per_account_and_address("save", "LIMIT_SAVE", "LIMIT_SAVE_PER_ADDRESS", _participant_key)
submit = _per_account_and_address(
    "submit", "LIMIT_SUBMIT", "LIMIT_SUBMIT_PER_ADDRESS", _participant_key
)


def register(view: View) -> View:
    return limiter.limit("LIMIT_REGISTER", methods=["POST"])(view)


def liaison_search(view: View) -> View:
    """A liaison's searches of its people, per account (whatever the address)."""
    return limiter.limit(
        "LIMIT_LIAISON_SEARCH",
        key=lambda: f"staff:{getattr(current_staff(), 'id', remote_address())}",
    )(view)


def password_reset(view: View) -> View:
    """A participant's password reset by staff: per account reset (the URL's person_id)."""
    return limiter.limit(
        "LIMIT_PASSWORD_RESET",
        key=lambda: f"reset:{(request.view_args or {}).get('person_id')}",
        methods=["POST"],
    )(view)
