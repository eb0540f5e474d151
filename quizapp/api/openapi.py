"""The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from . import bp

ERROR = {"$ref": "#/components/responses/Error"}
CSRF = [{"csrfToken": []}]


def _op(
    summary: str,
    ok: str = "200",
    body: dict[str, Any] | None = None,
    errors: tuple[str, ...] = (),
    write: bool = False,
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "responses": {
            ok: {
                "description": "Thành công",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        }
        | {e: ERROR for e in errors},
    }
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if write:
        op["security"] = CSRF
        op["responses"].setdefault("400", ERROR)
    return op


def _obj(required: list[str], **props: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": props}


INT = {"type": "integer"}
STR = {"type": "string"}
ID = [{"name": "attempt_id", "in": "path", "required": True, "schema": INT}]
ROUND = [{"name": "round_id", "in": "path", "required": True, "schema": INT}]

REGISTER = _obj(
    ["full_name", "phone", "password", "birth_year", "ward_id", "group", "consent"],
    full_name=STR,
    phone=STR,
    password=STR,
    birth_year=INT,
    ward_id=INT,
    group={"type": "string", "enum": ["civil_servant", "worker", "student", "resident"]},
    organisation_id={"type": ["integer", "null"]},
    cccd={"type": ["string", "null"]},
    consent={"type": "boolean"},
)


def document() -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/csrf": {"get": _op("Mã CSRF cho các lệnh ghi (gửi lại ở tiêu đề X-CSRFToken)")},
        "/registry": {"get": _op("Danh sách phường và cơ quan, đơn vị")},
        "/rounds": {"get": _op("Các đợt thi")},
        "/rounds/{round_id}": {
            "parameters": ROUND,
            "get": _op("Một đợt thi và thể lệ", errors=("404",)),
        },
        "/rounds/{round_id}/leaderboard": {
            "parameters": ROUND,
            "get": _op(
                "Bảng xếp hạng công khai (che thông tin cá nhân) và số người tham gia",
                errors=("404",),
            ),
        },
        "/register": {"post": _op("Đăng ký người dự thi", "201", REGISTER, ("409",), True)},
        "/login": {
            "post": _op(
                "Đăng nhập",
                body=_obj(["phone", "password"], phone=STR, password=STR),
                errors=("401",),
                write=True,
            )
        },
        "/logout": {"post": _op("Đăng xuất", write=True)},
        "/me": {"get": _op("Người dự thi đang đăng nhập", errors=("401",))},
        "/me/attempts": {"get": _op("Các lượt thi của tôi", errors=("401",))},
        "/rounds/{round_id}/attempts": {
            "parameters": ROUND,
            "post": _op(
                "Bắt đầu (hoặc tiếp tục) một lượt thi", "201", None, ("401", "404", "409"), True
            ),
        },
        "/attempts/{attempt_id}": {
            "parameters": ID,
            "get": _op(
                "Trạng thái lượt thi: câu hỏi, câu đã chọn, thời gian còn lại",
                errors=("401", "404"),
            ),
        },
        "/attempts/{attempt_id}/answers/{position}": {
            "parameters": [
                *ID,
                {"name": "position", "in": "path", "required": True, "schema": INT},
            ],
            "put": _op(
                "Lưu câu trả lời (choice: vị trí phương án như hiển thị, null để bỏ chọn)",
                body={
                    "type": "object",
                    "properties": {
                        "choice": {"type": ["integer", "null"]},
                        "flagged": {"type": "boolean"},
                    },
                },
                errors=("401", "404", "409"),
                write=True,
            ),
        },
        "/attempts/{attempt_id}/submit": {
            "parameters": ID,
            "post": _op(
                "Nộp bài",
                body={
                    "type": "object",
                    "properties": {"prediction": {"type": ["integer", "null"], "minimum": 0}},
                },
                errors=("401", "404", "409"),
                write=True,
            ),
        },
        "/attempts/{attempt_id}/result": {
            "parameters": ID,
            "get": _op(
                "Kết quả; đáp án chỉ có sau khi đợt thi kết thúc", errors=("401", "404", "409")
            ),
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Thi trực tuyến Luật Thi đua, khen thưởng — API",
            "version": "1.0.0",
            "description": "Các lệnh ghi dùng phiên cookie và cần tiêu đề X-CSRFToken "
            "lấy từ GET /csrf.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "csrfToken": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"}
            },
            "responses": {
                "Error": {
                    "description": "Lỗi",
                    "content": {
                        "application/json": {
                            "schema": _obj(
                                ["error"],
                                error=_obj(
                                    ["code", "message"],
                                    code=STR,
                                    message=STR,
                                    field=STR,
                                    problems={
                                        "type": "array",
                                        "items": _obj(["field", "message"], field=STR, message=STR),
                                    },
                                ),
                            )
                        }
                    },
                }
            },
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(document())
