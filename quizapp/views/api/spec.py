"""Routes declared once: `route` registers a view on the blueprint and records its operation
(models, errors, security), and `document` builds the OpenAPI 3.1 document from those records
and the pydantic models (schemas.py) that also validate the requests and shape the responses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from flask import Response, request
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema

from ... import ratelimits
from ...services.errors import ServiceError
from .schemas import MAX_ID, ErrorOut

M = TypeVar("M", bound=BaseModel)
Auth = Literal["public", "participant", "csrf", "password"]
WRITES = ("POST", "PUT", "PATCH", "DELETE")
TAGS = {
    "public": "Công khai",
    "account": "Tài khoản và mã truy cập",
    "attempt": "Lượt thi",
}


class BadInput(ServiceError):
    """Malformed request data: a 400 naming the fields to correct."""

    def __init__(
        self, code: str, message: str, field: str | None = None, fields: list | None = None
    ) -> None:
        super().__init__(code, message, field)
        self.fields = fields


class Unauthorized(ServiceError):
    status = 401


@dataclass(frozen=True)
class Operation:
    method: str
    rule: str
    operation_id: str
    summary: str
    tag: str
    responses: dict[int, type[BaseModel]]
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    errors: tuple[int, ...]
    auth: Auth
    description: str

    @property
    def path(self) -> str:
        return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", self.rule)


OPERATIONS: list[Operation] = []


def route(
    bp: Any,
    method: str,
    rule: str,
    operation_id: str,
    summary: str,
    *,
    tag: str,
    responses: dict[int, type[BaseModel]],
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    errors: tuple[int, ...] = (),
    auth: Auth = "public",
    description: str = "",
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `view` for `method rule` and document it; every route also counts against the
    per-token limit when called with a bearer token."""
    OPERATIONS.append(
        Operation(
            method,
            rule,
            operation_id,
            summary,
            tag,
            responses,
            body,
            query,
            errors,
            auth,
            description,
        )
    )

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        return bp.route(rule, methods=[method])(ratelimits.per_token(view))

    return decorate


# Requests


_MESSAGES = {
    "missing": "Thiếu trường “{f}”.",
    "extra_forbidden": "Trường “{f}” không được hỗ trợ.",
    "greater_than_equal": "Trường “{f}” phải lớn hơn hoặc bằng {ge}.",
    "less_than_equal": "Trường “{f}” phải nhỏ hơn hoặc bằng {le}.",
    "string_too_short": "Trường “{f}” không được để trống.",
    "string_too_long": "Trường “{f}” dài quá {max_length} ký tự.",
    "literal_error": "Trường “{f}” không thuộc các giá trị cho phép.",
}
_CODES = {"missing": "missing_field", "extra_forbidden": "unknown_field"}


def _refusal(exc: ValidationError) -> BadInput:
    fields = []
    for error in exc.errors(include_url=False):
        name = ".".join(str(part) for part in error["loc"]) or None
        if name is None:  # a rule of the whole body (AnswerIn: choice or flagged)
            return BadInput(
                "missing_field", "Cần ít nhất một trong hai trường “choice”, “flagged”."
            )
        template = _MESSAGES.get(error["type"], "Trường “{f}” có kiểu hoặc giá trị không hợp lệ.")
        message = template.format(f=name, **{k: v for k, v in (error.get("ctx") or {}).items()})
        fields.append(
            {"field": name, "code": _CODES.get(error["type"], "bad_field"), "message": message}
        )
    first = fields[0]
    return BadInput(first["code"], first["message"], field=first["field"], fields=fields)


def parse_body(model: type[M]) -> M:
    """The request's JSON object validated by `model`; anything else is a clean 400."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadInput("bad_json", "Dữ liệu gửi lên phải là một đối tượng JSON.")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _refusal(exc) from None


def parse_query(model: type[M]) -> M:
    """Query parameters (text, so numbers are parsed); unknown ones are ignored."""
    known = {k: v for k, v in request.args.items() if k in model.model_fields}
    try:
        return model.model_validate(known, strict=False)
    except ValidationError as exc:
        raise _refusal(exc) from None


def reply(model: type[BaseModel], data: Any, status: int = 200) -> Response:
    """`data` shaped by `model`: the response is what the document says, or the call fails."""
    body = model.model_validate(data).model_dump_json()  # UTF-8, the fields in the model's order
    return Response(body, status=status, mimetype="application/json")


def paged(items: list[Any], page: Any, total: int) -> dict[str, Any]:
    """A page of a list: its items, where it is and how many there are in all."""
    return {"items": items, "page": page.page, "size": page.size, "total": total}


def page_of(rows: list[Any], page: Any) -> tuple[list[Any], int]:
    """One page of a short list already in memory (wards, rounds), and the list's length."""
    start = (page.page - 1) * page.size
    return rows[start : start + page.size], len(rows)


# The document

BEARER = {"bearerToken": []}
COOKIE = {"cookieSession": []}
COOKIE_CSRF = {"cookieSession": [], "csrfToken": []}


def _security(op: Operation) -> list[dict[str, list]]:
    if op.auth == "participant":
        return [BEARER, COOKIE_CSRF if op.method in WRITES else COOKIE]
    if op.auth == "csrf":
        return [COOKIE_CSRF]
    return []


def _statuses(op: Operation) -> list[int]:
    implied = {400} if op.body or op.query else set()
    if op.auth == "participant":
        implied |= {401}
    if op.auth == "csrf" or (op.auth == "participant" and op.method in WRITES):
        implied |= {403}  # a cookie session's write without its CSRF token
    return sorted(set(op.errors) | implied | {503})


def _parameters(op: Operation) -> list[dict[str, Any]]:
    params = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
        }
        for name in re.findall(r"{(\w+)}", op.path)
    ]
    if op.query is not None:
        schema = op.query.model_json_schema()
        for name, prop in schema["properties"].items():
            prop = {k: v for k, v in prop.items() if k != "title"}
            kinds = [p for p in prop.pop("anyOf", []) if p.get("type") != "null"]
            prop = kinds[0] | prop if kinds else prop
            if prop.get("default", 0) is None:
                del prop["default"]
            params.append(
                {"name": name, "in": "query", "required": False, "schema": prop}
                | ({"description": prop["description"]} if "description" in prop else {})
            )
    return params


def _content(ref: dict[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    examples = (model.model_config.get("json_schema_extra") or {}).get("examples") or []
    media: dict[str, Any] = {"schema": ref}
    if examples:
        media["examples"] = {f"ex{i}": {"value": value} for i, value in enumerate(examples, 1)}
    return {"application/json": media}


def _operation(op: Operation, refs: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    responses: dict[str, Any] = {
        str(status): {
            "description": "Thành công" if status < 300 else str(status),
            "content": _content(refs[(model, "serialization")], model),
        }
        for status, model in sorted(op.responses.items())
    }
    for status in _statuses(op):
        responses[str(status)] = {"$ref": f"#/components/responses/Error{status}"}
    spec: dict[str, Any] = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "tags": [TAGS[op.tag]],
        "security": _security(op),
        "responses": responses,
    }
    if op.description:
        spec["description"] = op.description
    params = _parameters(op)
    if params:
        spec["parameters"] = params
    if op.body is not None:
        spec["requestBody"] = {
            "required": True,
            "content": _content(refs[(op.body, "validation")], op.body),
        }
    return spec


ERROR_TEXT = {
    400: "Dữ liệu không hợp lệ (các trường sai nằm trong error.fields; ký tự không hợp lệ, "
    "JSON quá sâu hay quá lớn)",
    401: "Chưa đăng nhập, hoặc mã truy cập sai, hết hạn hay đã bị thu hồi",
    403: "Không có quyền, hoặc thiếu/sai mã CSRF (phiên cookie)",
    404: "Không tìm thấy (hoặc không phải của bạn)",
    409: "Xung đột với trạng thái hiện tại (đợt đã đóng, hết lượt, lượt đã nộp…)",
    429: "Quá nhiều yêu cầu; thử lại sau số giây ở tiêu đề Retry-After",
    503: "Cơ sở dữ liệu tạm thời không phục vụ được; thử lại sau",
}


def document(info: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every route declared with `route`."""
    inputs = {m for op in OPERATIONS for m in (op.body,) if m is not None}
    outputs = {m for op in OPERATIONS for m in op.responses.values()} | {ErrorOut}
    keys = [(m, "validation") for m in sorted(inputs, key=lambda m: m.__name__)]
    keys += [(m, "serialization") for m in sorted(outputs, key=lambda m: m.__name__)]
    refs, top = models_json_schema(keys, ref_template="#/components/schemas/{model}")  # type: ignore[arg-type]
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, refs)
    error = _content(refs[(ErrorOut, "serialization")], ErrorOut)
    return {
        "openapi": "3.1.0",
        "info": info,
        "servers": [{"url": "/api/v1"}],
        "tags": [{"name": name} for name in TAGS.values()],
        "paths": paths,
        "components": {
            "schemas": top.get("$defs", {}),
            "responses": {
                f"Error{status}": {"description": text, "content": error}
                for status, text in ERROR_TEXT.items()
            },
            "securitySchemes": {
                "bearerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Mã truy cập lấy từ POST /tokens; không cần mã CSRF.",
                },
                "cookieSession": {"type": "apiKey", "in": "cookie", "name": "session"},
                "csrfToken": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
            },
        },
    }
