"""Who is signed in: one Flask-Login session for participants and staff, told apart by id."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, g, redirect, request, session, url_for
from flask_login import current_user

from .extensions import db, login_manager
from .models import CONSOLE_ROLES, Participant, StaffUser
from .models.people import credential_stamp
from .services.answer_write import SessionClaim


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "staff_auth.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.user_loader(load_user)
    app.context_processor(
        lambda: {"staff_user": current_staff(), "participant_user": current_participant()}
    )


def _session_id_parts(user_id: str) -> list[str]:
    """Kind ("p" or "s"), account id, password stamp, session version (`get_id` of the models)."""
    return [*user_id.split(":"), "", "", ""][:4]


def load_user(user_id: str) -> Participant | StaffUser | None:
    """The account a session names, if its password is still the one it signed in with."""
    kind, raw, stamp, version = _session_id_parts(user_id)
    if kind not in ("s", "p") or not raw.isdigit():
        return None
    user: Participant | StaffUser | None = (
        db.session.get(StaffUser, int(raw))
        if kind == "s"
        else db.session.get(Participant, int(raw))
    )
    if user is None or stamp != credential_stamp(user.password_hash):
        return None
    if version != str(user.session_version):
        return None  # signed out everywhere since this session began
    if isinstance(user, StaffUser) and not user.active:
        return None
    return user


def session_claim() -> SessionClaim | None:
    """The participant this request's cookie session names, not yet checked, for the answer
    save and the start, whose first statement checks it (services/answer_write.py,
    services/start_write.py) instead of `load_user`; read once a request (the rate limiter's
    key asks too).

    None whenever Flask-Login has more to do (a bearer token, a staff session, no session or a
    remember cookie alone): the caller then takes its usual path.
    Session protection runs as Flask-Login runs it ("basic" marks the session not fresh).
    """
    if "session_claim" not in g:
        g.session_claim = _read_claim()
    return g.session_claim


def _read_claim() -> SessionClaim | None:
    if "Authorization" in request.headers or login_manager._session_protection_failed():
        return None
    kind, raw, stamp, version = _session_id_parts(str(session.get("_user_id", "")))
    if kind != "p" or not raw.isdigit() or not version.isdigit():
        return None
    return SessionClaim(int(raw), stamp, int(version))


def current_staff() -> StaffUser | None:
    """The signed-in staff user, or None for anonymous users and participants."""
    user = current_user._get_current_object()
    return user if isinstance(user, StaffUser) else None


def current_participant() -> Participant | None:
    """The signed-in participant, or None for anonymous users and staff."""
    user = current_user._get_current_object()
    return user if isinstance(user, Participant) else None


def staff_user() -> StaffUser:
    """The signed-in staff user of a view behind `staff_required` (anyone else: 403)."""
    staff = current_staff()
    if staff is None:
        abort(403)
    return staff


def _return_path() -> str:
    """Where to come back after signing in: this page, or for a form post the page it was on
    (a POST-only address would answer 405 to the browser's GET)."""
    if request.method == "GET":
        return request.full_path
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        return referrer.path
    return "/"


def participant_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Anonymous users go to the participant login; staff get 403 (they do not take rounds)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_participant() is None:
            if current_user.is_authenticated:
                abort(403)
            return redirect(url_for("accounts.login", next=_return_path()))
        return view(*args, **kwargs)

    return wrapped


def staff_required(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Anonymous users go to the staff login; signed-in users without the role get 403.

    Without roles: the organiser console's roles. A liaison (scoped to one ward or
    organisation) must be named explicitly, so a new console page is closed to it by default.
    """
    allowed = roles or CONSOLE_ROLES

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            staff = current_staff()
            if staff is None:
                if current_user.is_authenticated:
                    abort(403)
                return redirect(url_for("staff_auth.login", next=request.full_path))
            if staff.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
