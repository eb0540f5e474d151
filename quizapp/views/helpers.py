"""Small helpers shared by the HTML views."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import flash, request, send_file, url_for

from ..extensions import db
from ..services.errors import ServiceError


def safe_next(target: str | None, default_endpoint: str) -> str:
    """Only same-site relative paths: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and "\\" not in target:
            return target
    return url_for(default_endpoint)


def client_ip() -> str | None:
    return request.remote_addr


def device_hash() -> str:
    """A coarse device fingerprint for integrity review (never shown publicly)."""
    raw = "|".join(
        [request.headers.get("User-Agent", ""), request.headers.get("Accept-Language", "")]
    )
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str):
    """A workbook download that is never cached by a shared proxy."""
    response = send_file(
        io.BytesIO(content), mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=filename
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def act(action: Callable[[], object], success: str) -> bool:
    """Run one state-changing service call: commit and flash on success, roll back and flash
    the service's Vietnamese message on refusal. The caller redirects."""
    try:
        action()
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return False
    db.session.commit()
    flash(success, "success")
    return True
