"""Hostile input refused at the door, before anything parses, recurses or writes it.

Any text field (query, form, JSON, keys included) holding NUL, other control characters, a
lone surrogate or a Unicode non-character is a 400 naming the field; a JSON body nested deeper
than JSON_MAX_DEPTH or larger than JSON_MAX_BYTES is a 400 before the parser runs (so neither
a view nor the rate limiter's key function can hit a RecursionError). The JSON body of a write
is an object (for an HTML form posted as JSON, an object of texts), else a 400.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, current_app, request
from flask.wrappers import Request
from werkzeug.exceptions import BadRequest

# C0 controls except tab, line feed and carriage return; surrogates; the two non-characters.
INVALID_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


class InvalidInput(BadRequest):
    """A 400 that names the field at fault and says what is wrong, in Vietnamese."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.error_code, self.message, self.field = code, message, field


def invalid_characters(field: str) -> InvalidInput:
    return InvalidInput(
        "invalid_characters",
        f"Trường «{field}» chứa ký tự không hợp lệ (ký tự điều khiển hoặc mã Unicode lỗi); "
        "vui lòng nhập lại.",
        field,
    )


def json_depth(body: bytes) -> int:
    """How deep arrays and objects nest, counted without parsing (brackets inside strings are
    skipped)."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(_STRINGS.sub(b'""', body)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def check_json_body(body: bytes) -> None:
    if len(body) > current_app.config["JSON_MAX_BYTES"]:
        raise InvalidInput("json_too_large", "Dữ liệu JSON vượt quá dung lượng cho phép.")
    if json_depth(body) > current_app.config["JSON_MAX_DEPTH"]:
        raise InvalidInput("json_too_deep", "Dữ liệu JSON lồng nhau quá sâu.")


def check_value(value: Any, path: str = "") -> None:
    """Every string (and key) in a parsed JSON value, without recursion."""
    stack = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            if INVALID_TEXT.search(item):
                raise invalid_characters(where or "body")
        elif isinstance(item, dict):
            for key, child in item.items():
                if INVALID_TEXT.search(key):
                    raise invalid_characters(where or "body")
                stack.append((f"{where}.{key}" if where else key, child))
        elif isinstance(item, list):
            stack.extend((f"{where}[{i}]", child) for i, child in enumerate(item))


class GuardedRequest(Request):
    """`get_json` checks size and depth before parsing and every string after."""

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        if not (force or self.is_json):
            return super().get_json(force=force, silent=silent, cache=cache)
        try:
            check_json_body(self.get_data(cache=True))
            value = super().get_json(force=force, silent=silent, cache=cache)
            check_value(value)
        except InvalidInput:
            if silent:
                return None
            raise
        return value


def check_fields() -> None:
    """Query and form fields (names and values) of every request."""
    sources = [request.args]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        sources.append(request.form)
    for source in sources:
        for name, value in source.items(multi=True):
            if INVALID_TEXT.search(name) or INVALID_TEXT.search(value):
                raise invalid_characters(name if not INVALID_TEXT.search(name) else "?")
    if request.is_json and request.method in ("POST", "PUT", "PATCH", "DELETE"):
        check_json_shape(request.get_json(silent=False), form=not request.path.startswith("/api/"))


def check_json_shape(value: Any, form: bool) -> None:
    """Every JSON operation takes an object: an array, string, number or null is refused here,
    before a rate limiter's key function or a form reads it as one; a form's fields are texts."""
    if not isinstance(value, dict):
        raise InvalidInput("bad_json", "Dữ liệu gửi lên phải là một đối tượng JSON.")
    for name, field in value.items():
        if form and not isinstance(field, str):
            raise InvalidInput("bad_json", f"Trường «{name}» phải là văn bản.", name)


def init_app(app: Flask) -> None:
    """Registered before every other hook (CSRF, rate limits), so they never see bad input."""
    app.request_class = GuardedRequest
    app.before_request(check_fields)
