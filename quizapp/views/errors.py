"""Errors in one place: Vietnamese pages for the browser, the JSON error body for /api/.

The API imports its error body from here and this module imports nothing of the API, so the
web layer has no import cycle.
"""

from typing import Any

from flask import Flask, Response, current_app, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, InternalError, OperationalError
from werkzeug.exceptions import HTTPException

from ..extensions import db
from ..inputs import InvalidInput
from ..ratelimiter import retry_after_seconds

MESSAGES = {
    400: ("Yêu cầu không hợp lệ", "Dữ liệu gửi lên không hợp lệ. Vui lòng thử lại."),
    403: ("Không có quyền truy cập", "Bạn không có quyền xem trang này."),
    404: ("Không tìm thấy trang", "Trang bạn tìm không tồn tại hoặc đã được chuyển đi."),
    405: ("Thao tác không được phép", "Thao tác này không được hỗ trợ tại địa chỉ này."),
    413: ("Tệp quá lớn", "Dữ liệu gửi lên vượt quá dung lượng cho phép."),
    429: ("Quá nhiều yêu cầu", "Bạn thao tác quá nhanh. Vui lòng chờ một lát rồi thử lại."),
    500: ("Lỗi hệ thống", "Đã xảy ra lỗi ngoài ý muốn. Vui lòng thử lại sau ít phút."),
    503: ("Hệ thống đang bận", "Hệ thống tạm thời chưa phục vụ được. Vui lòng thử lại sau."),
}


CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "rate_limited",
}


def title_code(status: int) -> str:
    """The API's error code of an HTTP status without a more specific one."""
    return CODES.get(status, "server_error")


def error_response(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    fields: list[dict[str, str]] | None = None,
) -> Response:
    """The API's error body: {"error": {"code", "message", "field"?, "fields"?}}."""
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    if field:
        body["error"]["field"] = field
    if fields:
        body["error"]["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    return response


def json_http_error(error: HTTPException) -> Response:
    status = error.code or 500
    _, message = MESSAGES.get(status, MESSAGES[500])
    seconds = _wait(status)
    response = error_response(status, title_code(status), _detail(seconds) or message)
    return _retry_after(response, seconds)


def _wait(status: int) -> int | None:
    """A 429 says how long to wait, in its message and its Retry-After header (successful
    responses carry no limit headers)."""
    return retry_after_seconds() if status == 429 else None


def _detail(seconds: int | None) -> str | None:
    return wait_message(seconds) if seconds else None


def _retry_after(response: Response, seconds: int | None) -> Response:
    if seconds:
        response.headers["Retry-After"] = str(seconds)
    return response


def render_error(status: int, detail: str | None = None):
    title, message = MESSAGES.get(status, MESSAGES[500])
    return render_template(
        "errors/error.html", status=status, title=title, message=detail or message
    ), status


def wait_message(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    if minutes and rest:
        wait = f"{minutes} phút {rest} giây"
    else:
        wait = f"{minutes} phút" if minutes else f"{seconds} giây"
    return f"Bạn thao tác quá nhanh. Vui lòng chờ {wait} rồi thử lại."


def handle_http_error(error: HTTPException):
    if _wants_json():
        response = json_http_error(error)
    else:
        seconds = _wait(error.code or 500)
        response = make_response(render_error(error.code or 500, _detail(seconds)))
        _retry_after(response, seconds)
    # Keep what the exception says about itself: a 405's Allow, a 401's WWW-Authenticate.
    for name, value in error.get_headers():
        if name.lower() in ("allow", "www-authenticate", "retry-after"):
            response.headers[name] = value
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def handle_invalid_input(error: InvalidInput):
    if _wants_json():
        return error_response(400, error.error_code, error.message, error.field)
    return render_error(400, error.message)


def handle_csrf_error(error: CSRFError):
    """A write without its session's CSRF token is forbidden (403), never a bad request."""
    if _wants_json():
        return error_response(403, "csrf", "Thiếu hoặc sai mã CSRF (tiêu đề X-CSRFToken).")
    return render_error(
        403,
        "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang rồi thử lại.",
    )


def handle_internal_error(error: Exception):
    db.session.rollback()
    if _wants_json():
        return error_response(500, "server_error", MESSAGES[500][1])
    return render_error(500)


def handle_database_unavailable(error: DBAPIError):
    """The database is down, restarting, full or read-only: a clean 503, never a traceback.

    The pool does not pre-ping: the disconnect seen here has invalidated the whole pool, so once
    the database is back the next request connects afresh.
    """
    db.session.rollback()
    current_app.logger.error("database unavailable: %s", error.orig)
    if _wants_json():
        response = error_response(503, "database_unavailable", MESSAGES[503][1])
    else:
        response = make_response(render_error(503))
    response.headers["Retry-After"] = "5"
    return response


def handle_database_internal(error: InternalError):
    """PostgreSQL in read-only mode (a standby, a full disk guard) is unavailable, not a bug."""
    if getattr(error.orig, "sqlstate", "") == READ_ONLY_SQLSTATE:
        return handle_database_unavailable(error)
    return handle_internal_error(error)


READ_ONLY_SQLSTATE = "25006"


def init_app(app: Flask) -> None:
    app.register_error_handler(InternalError, handle_database_internal)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(InterfaceError, handle_database_unavailable)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(InvalidInput, handle_invalid_input)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(500, handle_internal_error)
