"""Console exports of large rounds as background jobs: ask, follow, download, purge.

A round whose ranking has more than EXPORT_BACKGROUND_ROWS rows is not exported inside a web
request: the console queues an `ExportJob`, `flask exports work` builds the file
(services/export_worker.py) and the organiser downloads it from the job's page until it
expires. Smaller rounds keep the inline download. Like every service: flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import ExportJob, Round, StaffUser
from ..models.exports import ACTIVE_STATUSES
from . import audit, rankings
from .errors import Conflict, Gone, NotFound

STATUS_LABELS = {
    "queued": "Đang chờ tới lượt",
    "running": "Đang tạo tệp",
    "reading": "Đang đọc kết quả từ cơ sở dữ liệu (với vòng thi lớn có thể mất vài giây)",
    "done": "Đã xong, sẵn sàng tải về",
    "failed": "Không tạo được tệp",
    "expired": "Đã hết hạn, tệp đã được xoá",
}
FORMAT_LABELS = {
    "xlsx": "Bảng tính kết quả (.xlsx)",
    "csv": "Bảng xếp hạng (.csv)",
    "ceremony": "Danh sách trao giải (.pdf)",
    "certificates": "Giấy chứng nhận (.pdf)",
}
RECENT_JOBS = 10


@dataclass(frozen=True)
class Settings:
    """The jobs' configuration (config.py documents each key)."""

    folder: Path
    background_rows: int
    keep: timedelta
    progress_rows: int
    progress_seconds: float
    stale_after: timedelta
    max_attempts: int


def settings() -> Settings:
    config = current_app.config
    return Settings(
        folder=Path(config["EXPORTS_FOLDER"]),
        background_rows=int(config["EXPORT_BACKGROUND_ROWS"]),
        keep=timedelta(hours=float(config["EXPORT_KEEP_HOURS"])),
        progress_rows=int(config["EXPORT_PROGRESS_ROWS"]),
        progress_seconds=float(config["EXPORT_PROGRESS_SECONDS"]),
        stale_after=timedelta(minutes=float(config["EXPORT_STALE_MINUTES"])),
        max_attempts=int(config["EXPORT_MAX_ATTEMPTS"]),
    )


def runs_in_background(size: int, limit: int) -> bool:
    """A ranking of more than `limit` rows is exported by a job, not inside the request."""
    return size > limit


def active_job(round_id: int, key: str) -> ExportJob | None:
    """The queued or running job for this round and format, if any."""
    return db.session.scalar(
        db.select(ExportJob).where(
            ExportJob.round_id == round_id,
            ExportJob.fmt == key,
            ExportJob.status.in_(ACTIVE_STATUSES),
        )
    )


def request_job(
    actor: StaffUser | None, rnd: Round, key: str, verify_url: str, now: datetime
) -> ExportJob:
    """Queue the file `key` of the round (audited), or hand back the job already queued or
    running for the same round and format: a second click never makes a second file."""
    existing = active_job(rnd.id, key)
    if existing is not None:
        return existing
    job = ExportJob(
        round_id=rnd.id,
        fmt=key,
        requested_by_id=actor.id if actor is not None else None,
        status="queued",
        rows_total=rankings.ranking_size(rnd),
        verify_url=verify_url,
        created_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(job)
    except IntegrityError:
        # A simultaneous request queued the same file first (uq_export_jobs_active): join it.
        found = active_job(rnd.id, key)
        if found is None:
            raise
        return found
    audit.record(actor, "results.export_queued", rnd, job=job.id, format=key, rows=job.rows_total)
    return job


def job_of_round(round_id: int, job_id: int) -> ExportJob:
    """The job, reached through its own round only (another round's URL is a 404)."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.round_id != round_id:
        raise NotFound("export_job_not_found", "Không tìm thấy yêu cầu xuất tệp này.")
    return job


def recent_jobs(round_id: int, limit: int = RECENT_JOBS) -> list[ExportJob]:
    """The round's latest export jobs, newest first."""
    query = (
        db.select(ExportJob)
        .where(ExportJob.round_id == round_id)
        .order_by(ExportJob.created_at.desc(), ExportJob.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def is_expired(job: ExportJob, now: datetime) -> bool:
    """Expired once purged, and already at its expiry time even if the purge has not run."""
    if job.status == "expired":
        return True
    return job.status == "done" and job.expires_at is not None and job.expires_at <= now


def file_of(job: ExportJob, folder: Path, now: datetime) -> Path:
    """The finished file to send; Gone once expired, Conflict while it is not ready."""
    if is_expired(job, now):
        raise Gone("export_expired", "Tệp này đã hết hạn và đã được xoá; hãy tạo lại tệp mới.")
    if job.status != "done" or not job.file_path:
        raise Conflict("export_not_ready", "Tệp chưa tạo xong.")
    path = folder / job.file_path
    if not path.is_file():
        raise Gone("export_missing", "Không còn tệp này trên máy chủ; hãy tạo lại tệp mới.")
    return path


def record_download(actor: StaffUser | None, job: ExportJob) -> None:
    """Who downloaded which job's file (personal data in full)."""
    audit.record(
        actor,
        "results.export_download",
        job.round,
        job=job.id,
        format=job.fmt,
        rows=job.rows_total,
        file=job.download_name,
    )


def retry(actor: StaffUser | None, job: ExportJob, now: datetime) -> ExportJob:
    """A failed or expired job's file asked for again: a new job (the old one stays as the
    record of what happened)."""
    if job.status not in ("failed", "expired"):
        raise Conflict("export_not_failed", "Chỉ tạo lại được tệp đã lỗi hoặc đã hết hạn.")
    return request_job(actor, job.round, job.fmt, job.verify_url, now)


def job_files(job_id: int, folder: Path) -> list[Path]:
    """Every file a job may have left: its finished file and any partial ones."""
    if not folder.is_dir():
        return []
    return [*folder.glob(f"job-{job_id}.*"), *folder.glob(f"job-{job_id}-*.part")]


def purge_expired(now: datetime, folder: Path) -> list[ExportJob]:
    """Delete the files of done jobs past their expiry and mark the jobs expired."""
    due = db.session.scalars(
        db.select(ExportJob).where(ExportJob.status == "done", ExportJob.expires_at <= now)
    ).all()
    for job in due:
        for path in job_files(job.id, folder):
            path.unlink(missing_ok=True)
        job.status, job.file_path = "expired", None
    db.session.flush()
    return list(due)


def status_of(job: ExportJob, now: datetime) -> dict[str, object]:
    """What the job page and its JSON show: the status in words, rows and percent."""
    status = "expired" if is_expired(job, now) else job.status
    return {
        "id": job.id,
        "status": status,
        # a running job has written no row yet while it reads the results (about half of it)
        "status_label": STATUS_LABELS[
            "reading" if status == "running" and not job.rows_done else status
        ],
        "format": job.fmt,
        "rows_done": job.rows_total if status == "done" else job.rows_done,
        "rows_total": job.rows_total,
        "percent": job.percent,
        "error": job.error if status == "failed" else "",
        "file_size": job.file_size if status == "done" else None,
        "expires_at": job.expires_at.isoformat() if status == "done" and job.expires_at else None,
    }
