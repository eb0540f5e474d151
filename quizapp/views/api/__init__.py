"""JSON API under /api/v1: the participant flow and public reads, over the same services.

Who calls: a bearer token (apps, mini-apps; no CSRF) or the browser's cookie session (with
the X-CSRFToken header on every write). A request with an Authorization header is judged by
its token alone, never by a cookie it also carries.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, request
from werkzeug.exceptions import HTTPException

from ... import ratelimits
from ...clock import now
from ...extensions import csrf, db, login_manager
from ...services import api_tokens
from ...services.errors import ServiceError
from ..errors import error_response, json_http_error
from ..unit_of_work import commit
from .spec import WRITES, BadInput, Unauthorized

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # checked below, for cookie sessions only

# Writes that need neither a session nor CSRF: they take a password and answer with a token.
NO_CSRF = {"api.issue_token", "api.register_with_token"}

__all__ = ["BadInput", "bp"]


@bp.before_request
def authenticate() -> None:
    if "Authorization" not in request.headers:
        if (
            current_app.config["WTF_CSRF_ENABLED"]
            and request.method in WRITES
            and request.endpoint not in NO_CSRF
        ):
            csrf.protect()
        return
    secret = ratelimits.bearer()
    token = api_tokens.authenticate(secret, now()) if secret else None
    if token is None:
        raise Unauthorized(
            "token_invalid", "Mã truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi."
        )
    if db.session.is_modified(token):
        commit()  # last_used_at, written at most once a minute per token
    g.api_token = token
    login_manager._update_request_context_with_user(token.participant)


@bp.errorhandler(ServiceError)
def handle_service_error(error: ServiceError) -> Response:
    db.session.rollback()
    fields = getattr(error, "fields", None)
    return error_response(error.status, error.code, error.message, error.field, fields)


@bp.errorhandler(HTTPException)
def handle_http_error(error: HTTPException) -> Response:
    return json_http_error(error)


from . import openapi, participant, public, tokens  # noqa: E402,F401  (routes register on bp)
