"""Small helpers shared by the HTML views."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

from flask import redirect, render_template, request, send_file, url_for
from flask_wtf import FlaskForm

from ..auth import current_staff
from ..clock import now
from ..models import PendingUpload, StaffUser
from .unit_of_work import Refused, perform


def safe_path(target: str | None) -> str | None:
    """`target` when it is a same-site relative path, else None: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and "\\" not in target:
            return target
    return None


def safe_next(target: str | None, default_endpoint: str) -> str:
    """Only same-site relative paths: never an open redirect."""
    return safe_path(target) or url_for(default_endpoint)


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


def upload_page(
    form: FlaskForm,
    stage: Callable[[StaffUser, str, bytes, datetime], PendingUpload],
    preview_endpoint: str,
    template: str,
):
    """An upload form (a `file` field): a valid file is staged by the one service call `stage`,
    committed, and previewed at `preview_endpoint`; a refused one is shown again with the
    service's Vietnamese message under the field."""
    if form.validate_on_submit():
        file = form.file.data
        staged = perform(
            lambda: stage(current_staff(), file.filename or "tai-len", file.read(), now())
        )
        if isinstance(staged, Refused):
            form.file.errors.append(staged.message)
        else:
            return redirect(url_for(preview_endpoint, upload_id=staged.id))
    return render_template(template, form=form)


def round_or_404(round_id: int):
    """The round with this id, or a 404 page."""
    from flask import abort

    from ..services import rounds
    from ..services.errors import NotFound

    try:
        return rounds.get_round(round_id)
    except NotFound:
        abort(404)


def no_store(response):
    """For blueprints whose pages show personal data or live figures: never cached
    (register with `bp.after_request(no_store)`)."""
    response.headers["Cache-Control"] = "private, no-store"
    return response
