"""Console: download a round's results for the award ceremony (staff only, audited).

A round ranking more than EXPORT_BACKGROUND_ROWS rows is not exported inside the request: the
download address shows a page that queues a background job (POST), or leads to the job
already queued; the job's own pages are in console_export_jobs.py.
"""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from ..auth import current_staff, staff_required
from ..clock import now
from ..database import writes_on_get
from ..forms_base import Form
from ..models import Round
from ..services import export_jobs, rankings, rounds
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


NAMES = "<any('results.xlsx', 'results.csv', 'ceremony.pdf', 'certificates.pdf'):name>"


def _round(round_id: int) -> Round:
    try:
        return rounds.get_round(round_id)
    except NotFound:
        abort(404)


def _verify_url(rnd: Round, key: str) -> str:
    return verification_url(rnd, request.host_url) if key == "certificates" else ""


@bp.get(f"/{NAMES}")
@staff_required()
@writes_on_get  # the download is audit-logged
def download(round_id: int, name: str):
    rnd, key = _round(round_id), FILES[name]
    size = rankings.ranking_size(rnd)
    if export_jobs.runs_in_background(size, current_app.config["EXPORT_BACKGROUND_ROWS"]):
        active = export_jobs.active_job(rnd.id, key)
        if active is not None:
            return redirect(url_for("console_export_jobs.show", round_id=rnd.id, job_id=active.id))
        return render_template(
            "console/exports/request.html",
            round=rnd,
            name=name,
            label=export_jobs.FORMAT_LABELS[key],
            rows=size,
            form=Form(),
        )
    options = Options(
        organiser=current_app.config["ORGANISER_NAME"], now=now(), verify_url=_verify_url(rnd, key)
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


@bp.post(f"/{NAMES}")
@staff_required()
def queue(round_id: int, name: str):
    """Queue the file as a background job (or join the one already queued) and show it."""
    rnd, key = _round(round_id), FILES[name]  # CSRF: checked for every POST (CSRFProtect)
    verify_url = _verify_url(rnd, key)
    job = perform(lambda: export_jobs.request_job(current_staff(), rnd, key, verify_url, now()))
    if isinstance(job, Refused):
        flash(job.message, "error")
        return redirect(url_for("console_rounds.edit", round_id=round_id))
    return redirect(url_for("console_export_jobs.show", round_id=round_id, job_id=job.id))
