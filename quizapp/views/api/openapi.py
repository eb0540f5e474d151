"""The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json and read by a page
of static/ (static/api/index.html) that renders it without any outside script."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import jsonify, redirect, url_for

from . import bp
from .spec import document as build

INFO = {
    "title": "Thi trực tuyến Luật Thi đua, khen thưởng — API",
    "version": "1.1.0",
    "description": (
        "API cho ứng dụng điện thoại, Zalo mini app và trình duyệt.\n\n"
        "**Xác thực.** Ứng dụng gọi `POST /tokens` với số điện thoại và mật khẩu, nhận mã "
        "truy cập và gửi nó ở tiêu đề `Authorization: Bearer <mã>`; các lệnh ghi khi đó không "
        "cần mã CSRF. Mã hết hạn sau một thời gian, bị thu hồi bởi `POST /logout` (mã đang "
        "dùng), `DELETE /tokens/{token_id}`, đăng xuất mọi nơi hoặc đổi mật khẩu; mã sai, hết "
        "hạn hay đã thu hồi nhận 401. Trình duyệt dùng phiên cookie và gửi tiêu đề "
        "`X-CSRFToken` (lấy từ `GET /csrf`) ở mọi lệnh ghi. Mã truy cập không dùng được trên "
        "các trang HTML.\n\n"
        "**CORS.** Chỉ các nguồn (origin) có trong danh sách cho phép của ban tổ chức "
        "(`QUIZAPP_CORS_ORIGINS`) được gọi API từ trình duyệt; không gửi cookie chéo nguồn.\n\n"
        '**Lỗi.** Mọi lỗi có dạng `{"error": {"code", "message", "field"?, '
        '"fields"?}}`: `code` ổn định cho chương trình, `message` tiếng Việt cho người dùng, '
        "`fields` liệt kê mọi trường sai.\n\n"
        "**Danh sách** được phân trang bằng `page` (từ 1) và `size` (tối đa 100); câu trả lời "
        "có `items`, `page`, `size`, `total`.\n\n"
        "**Giới hạn tần suất.** Đăng nhập, đăng ký và bắt đầu lượt thi bị giới hạn (theo địa "
        "chỉ, theo số điện thoại, theo mã truy cập); vượt quá nhận 429 với `Retry-After`."
    ),
}


@cache
def document() -> dict[str, Any]:
    """The document, built once per process from the routes' declarations and models."""
    return build(INFO)


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(document())


@bp.get("/docs")
def docs():
    """The readable page: a static file, so it works where outside scripts are blocked."""
    return redirect(url_for("static", filename="api/index.html"))
