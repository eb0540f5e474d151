"""Error pages in Vietnamese; the 500 handler rolls the session back."""

from flask import Flask, current_app, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, InternalError, OperationalError
from werkzeug.exceptions import HTTPException

from ..extensions import db

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


def render_error(status: int, detail: str | None = None):
    title, message = MESSAGES.get(status, MESSAGES[500])
    return render_template(
        "errors/error.html", status=status, title=title, message=detail or message
    ), status


def handle_http_error(error: HTTPException):
    if _wants_json():
        from ..api import handle_http_error as api_error

        return api_error(error)
    return render_error(error.code or 500)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def handle_csrf_error(error: CSRFError):
    if _wants_json():
        from ..api import error_response

        return error_response(400, "csrf", "Thiếu hoặc sai mã CSRF (tiêu đề X-CSRFToken).")
    return render_error(
        400, "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang."
    )


def handle_internal_error(error: Exception):
    db.session.rollback()
    if _wants_json():
        from ..api import error_response

        return error_response(500, "server_error", MESSAGES[500][1])
    return render_error(500)


def handle_database_unavailable(error: DBAPIError):
    """The database is down, restarting, full or read-only: a clean 503, never a traceback.

    The pool pre-pings, so once the database is back the next request simply works.
    """
    db.session.rollback()
    current_app.logger.error("database unavailable: %s", error.orig)
    if _wants_json():
        from ..api import error_response

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
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(500, handle_internal_error)
