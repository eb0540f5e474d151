"""JSON API under /api/v1: the participant flow and public reads, over the same services."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from ..services.errors import ServiceError
from ..views.errors import MESSAGES

bp = Blueprint("api", __name__, url_prefix="/api/v1")


class BadInput(ServiceError):
    """Malformed request data: a 400 with the field named."""


def error_response(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    problems: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    if field:
        body["error"]["field"] = field
    if problems:
        body["error"]["problems"] = [{"field": f, "message": m} for f, m in problems.items()]
    response = jsonify(body)
    response.status_code = status
    return response


@bp.errorhandler(ServiceError)
def handle_service_error(error: ServiceError) -> Response:
    from ..extensions import db

    db.session.rollback()
    problems = getattr(error, "problems", None)
    return error_response(error.status, error.code, error.message, error.field, problems)


@bp.errorhandler(HTTPException)
def handle_http_error(error: HTTPException) -> Response:
    status = error.code or 500
    _, message = MESSAGES.get(status, MESSAGES[500])
    return error_response(status, title_code(status), message)


def title_code(status: int) -> str:
    return {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "too_large",
        429: "rate_limited",
    }.get(status, "server_error")


def json_body() -> dict[str, Any]:
    """The request's JSON object; anything else is a clean 400."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadInput("bad_json", "Dữ liệu gửi lên phải là một đối tượng JSON.")
    return data


def field(
    data: dict[str, Any],
    name: str,
    kind: type | tuple[type, ...],
    required: bool = True,
    default: Any = None,
) -> Any:
    """One typed field of a JSON body (bool is never accepted as an int)."""
    value = data.get(name, default)
    if value is None:
        if required:
            raise BadInput("missing_field", f"Thiếu trường “{name}”.", field=name)
        return None
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise BadInput("bad_field", f"Trường “{name}” có kiểu không hợp lệ.", field=name)
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**31) <= value < 2**31:
        raise BadInput("bad_field", f"Trường “{name}” có giá trị quá lớn.", field=name)
    return value


from . import openapi, participant, public  # noqa: E402,F401  (routes register on bp)
