"""Console: download a round's results for the award ceremony (staff only, audited)."""

from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, flash, redirect, request, send_file, url_for

from ..auth import current_staff, staff_required
from ..clock import now
from ..services import rounds
from ..services.errors import NotFound
from ..services.exports import Options, export_round
from ..services.links import verification_url
from .unit_of_work import Refused, perform

bp = Blueprint("console_exports", __name__, url_prefix="/console/rounds/<int:round_id>/export")

# File name in the URL → export format.
FILES = {
    "results.xlsx": "xlsx",
    "results.csv": "csv",
    "ceremony.pdf": "ceremony",
    "certificates.pdf": "certificates",
}


@bp.get("/<any('results.xlsx', 'results.csv', 'ceremony.pdf', 'certificates.pdf'):name>")
@staff_required()
def download(round_id: int, name: str):
    try:
        rnd = rounds.get_round(round_id)
    except NotFound:
        abort(404)
    key = FILES[name]
    options = Options(
        organiser=current_app.config["ORGANISER_NAME"],
        now=now(),
        verify_url=verification_url(rnd, request.host_url) if key == "certificates" else "",
    )
    out = io.BytesIO()
    exported = perform(lambda: export_round(current_staff(), rnd, key, out, options))
    if isinstance(exported, Refused):
        flash(exported.message, "error")
        return redirect(url_for("console_rounds.edit", round_id=round_id))
    fmt, filename = exported
    out.seek(0)
    response = send_file(out, mimetype=fmt.mimetype, as_attachment=True, download_name=filename)
    # Personal data in full: never kept by a browser cache or a shared proxy.
    response.headers["Cache-Control"] = "private, no-store"
    return response
