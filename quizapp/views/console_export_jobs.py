"""Console: a background export's page, its JSON status, its file and its retry.

Every address carries the round: a job is found through its own round only (another round's
URL is a 404), and only staff who may export the round inline may follow or download it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    send_file,
    url_for,
)

from ..auth import current_staff, staff_required
from ..clock import now
from ..database import writes_on_get
from ..forms_base import Form
from ..models import ExportJob, Round
from ..services import export_jobs, rankings
from ..services.errors import Conflict, Gone, NotFound
from ..services.exports import FORMATS
from .unit_of_work import Refused, perform

bp = Blueprint("console_export_jobs", __name__, url_prefix="/console/rounds/<int:round_id>/exports")
NO_STORE = {"Cache-Control": "private, no-store"}
# A queued job no worker has taken for this long: the worker is probably not running.
STALLED_AFTER = timedelta(minutes=1)
STALLED = (
    "Yêu cầu đã chờ hơn một phút mà chưa được xử lý: tiến trình tạo tệp nền "
    "(flask exports work) có thể đang dừng. Yêu cầu vẫn được giữ; hãy báo quản trị hệ thống."
)


def job_status(job: ExportJob, moment: datetime) -> dict[str, object]:
    """The job's status, with a notice when it has sat in the queue for a minute."""
    stalled = job.status == "queued" and moment - job.created_at >= STALLED_AFTER
    return {**export_jobs.status_of(job, moment), "notice": STALLED if stalled else ""}


@dataclass(frozen=True)
class ExportsPanel:
    """The round page's downloads: inline links, or job buttons and the recent jobs."""

    rows: int
    background: bool
    jobs: list[ExportJob]
    statuses: dict[int, dict[str, object]]
    form: Form
    labels: dict[str, str]


def round_panel(rnd: Round) -> ExportsPanel:
    rows = rankings.ranking_size(rnd)
    jobs, moment = export_jobs.recent_jobs(rnd.id), now()
    return ExportsPanel(
        rows=rows,
        background=export_jobs.runs_in_background(
            rows, current_app.config["EXPORT_BACKGROUND_ROWS"]
        ),
        jobs=jobs,
        statuses={job.id: export_jobs.status_of(job, moment) for job in jobs},
        form=Form(),
        labels=export_jobs.FORMAT_LABELS,
    )


def _job(round_id: int, job_id: int) -> ExportJob:
    try:
        return export_jobs.job_of_round(round_id, job_id)
    except NotFound:
        abort(404)


@bp.get("/<int:job_id>")
@staff_required()
def show(round_id: int, job_id: int):
    job = _job(round_id, job_id)
    status = job_status(job, now())
    page = render_template(
        "console/exports/job.html",
        job=job,
        round=job.round,
        status=status,
        label=export_jobs.FORMAT_LABELS[job.fmt],
        form=Form(),
    )
    return page, 200, NO_STORE


@bp.get("/<int:job_id>/status.json")
@staff_required()
def status(round_id: int, job_id: int):
    response = jsonify(job_status(_job(round_id, job_id), now()))
    response.headers.update(NO_STORE)
    return response


@bp.get("/<int:job_id>/file")
@staff_required()
@writes_on_get  # the download is audit-logged
def download(round_id: int, job_id: int):
    job = _job(round_id, job_id)
    folder = export_jobs.settings().folder
    try:
        path = export_jobs.file_of(job, folder, now())
    except Gone as gone:
        page = render_template("console/exports/gone.html", job=job, round=job.round, gone=gone)
        return page, 410, NO_STORE
    except Conflict:
        return redirect(url_for(".show", round_id=round_id, job_id=job_id))
    name, mimetype = job.download_name, FORMATS[job.fmt].mimetype
    recorded = perform(lambda: export_jobs.record_download(current_staff(), job))
    if isinstance(recorded, Refused):
        abort(409)
    response = send_file(path, mimetype=mimetype, as_attachment=True, download_name=name)
    # Personal data in full: never kept by a browser cache or a shared proxy.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/<int:job_id>/retry")
@staff_required()
def retry(round_id: int, job_id: int):
    job = _job(round_id, job_id)
    again = perform(lambda: export_jobs.retry(current_staff(), job, now()))
    if isinstance(again, Refused):
        flash(again.message, "error")
        return redirect(url_for(".show", round_id=round_id, job_id=job_id))
    flash("Đã xếp lại việc tạo tệp; trang này tự cập nhật tiến độ.", "success")
    return redirect(url_for(".show", round_id=round_id, job_id=again.id))
