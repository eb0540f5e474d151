"""The export worker's use-cases: claim a queued job, build its file, give back lost jobs.

Claiming is safe with several workers: on PostgreSQL the oldest queued row is taken with
SELECT … FOR UPDATE SKIP LOCKED (a second worker skips it and takes the next); on SQLite every
transaction starts with BEGIN IMMEDIATE (database.py), so claims run one after the other.

Every write to a running job names the worker and its attempt number: a job that was given
back (its worker thought dead) and claimed again can never be finished by the old worker.
The file is written to `job-<id>-<attempt>.part` beside its final name and renamed into
place only when complete; a failure removes it. Progress is made durable by the caller's
`checkpoint` (the CLI commits), so the console sees it while the file is written.
"""

from __future__ import annotations

import dataclasses
import os
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult
from sqlalchemy.exc import InterfaceError, OperationalError

from .. import clock
from ..extensions import db
from ..models import ExportJob
from .errors import ServiceError
from .export_jobs import Settings, job_files
from .exports import Options, export_round

CRASHED = (
    "Tệp chưa tạo được do lỗi hệ thống khi ghi tệp (lỗi đã được ghi vào nhật ký máy chủ). "
    "Hãy bấm «Thử lại»; nếu vẫn lỗi, hãy báo quản trị hệ thống."
)
ABANDONED = (
    "Tệp chưa tạo được: tiến trình xuất tệp đã dừng giữa chừng {attempts} lần (máy chủ khởi "
    "động lại hoặc thiếu bộ nhớ). Hãy bấm «Thử lại»; nếu vẫn lỗi, hãy báo quản trị hệ thống."
)


DATABASE_FAILED = (
    "Tệp chưa tạo được: cơ sở dữ liệu không phản hồi trong {attempts} lần thử (lỗi đã được ghi "
    "vào nhật ký máy chủ). Hãy bấm «Thử lại»; nếu vẫn lỗi, hãy báo quản trị hệ thống."
)
# A job whose build meets a database error (locked, restarting, unreachable) is queued again
# until it has been taken this many times; only then is it failed.
DATABASE_RETRIES = 5
# What a short database outage raises: the connection lost or refused, SQLite's "database is
# locked". The worker waits (with backoff) and tries again instead of exiting.
DATABASE_ERRORS = (OperationalError, InterfaceError)


class JobLost(Exception):
    """The job was given back while this worker ran it: its result is dropped."""


def worker_name() -> str:
    """This process, as the job rows name it: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


@dataclass(frozen=True)
class Claim:
    """A job as one worker holds it: only writes naming this worker and attempt count."""

    job_id: int
    worker: str
    attempt: int


def claim_next(worker: str, now: datetime) -> ExportJob | None:
    """Take the oldest queued job for `worker` (status running), or None when none waits."""
    job = db.session.scalar(
        db.select(ExportJob)
        .where(ExportJob.status == "queued")
        .order_by(ExportJob.created_at, ExportJob.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if job is None:
        return None
    job.status, job.worker, job.attempts = "running", worker, job.attempts + 1
    job.started_at = job.progress_at = now
    job.rows_done, job.error = 0, ""
    db.session.flush()
    return job


def update_claimed(claim: Claim, **values: Any) -> bool:
    """Write to the job only if this worker still holds it; False if it was given back."""
    result = db.session.execute(
        db.update(ExportJob)
        .where(
            ExportJob.id == claim.job_id,
            ExportJob.status == "running",
            ExportJob.worker == claim.worker,
            ExportJob.attempts == claim.attempt,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return cast("CursorResult[Any]", result).rowcount == 1


class JobProgress:
    """Hears the writer's row counts; records one when both `progress_rows` rows and
    `progress_seconds` seconds have passed since the last one, then calls `checkpoint`."""

    def __init__(self, claim: Claim, limits: Settings, checkpoint: Any) -> None:
        self.claim, self.limits, self.checkpoint = claim, limits, checkpoint
        self.total = self.saved = 0
        self.saved_at = clock.now()

    def start(self, total: int) -> None:
        self.total = total
        self._save(rows_total=total, rows_done=0)

    def __call__(self, done: int) -> None:
        at = clock.now()
        if done - self.saved < self.limits.progress_rows:
            return
        if (at - self.saved_at).total_seconds() < self.limits.progress_seconds:
            return
        self._save(rows_done=done)
        self.saved = done

    def _save(self, **values: Any) -> None:
        self.saved_at = clock.now()
        if not update_claimed(self.claim, progress_at=self.saved_at, **values):
            raise JobLost(self.claim.job_id)
        self.checkpoint()


def run_claimed(job: ExportJob, limits: Settings, options: Options, checkpoint: Any) -> str:
    """Build the claimed job's file; returns its final status ("done" or "failed").

    A refusal of the export (e.g. results changed since publication) fails the job with its
    Vietnamese message and no file. Any other exception leaves no file either and propagates
    for the caller to log, roll back and call `fail_crashed`.
    """
    claim = Claim(job.id, job.worker or "", job.attempts)
    progress = JobProgress(claim, limits, checkpoint)
    limits.folder.mkdir(parents=True, exist_ok=True)
    part = limits.folder / f"job-{job.id}-{job.attempts}.part"
    part.unlink(missing_ok=True)
    part.touch(mode=0o600)  # personal data: readable by the service's account only
    rnd, actor, key = job.round, job.requested_by, job.fmt
    try:
        with part.open("wb") as out:
            _, name = export_round(
                actor, rnd, key, out, dataclasses.replace(options, progress=progress)
            )
    except ServiceError as exc:
        part.unlink(missing_ok=True)
        _finish(claim, status="failed", error=exc.message)
        return "failed"
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    final = limits.folder / f"job-{claim.job_id}{Path(name).suffix}"
    os.replace(part, final)  # atomic in one folder: the final name only ever holds a whole file
    now = clock.now()
    done = _finish(
        claim,
        status="done",
        rows_total=progress.total,
        rows_done=progress.total,
        file_path=final.name,
        file_size=final.stat().st_size,
        download_name=name,
        expires_at=now + limits.keep,
    )
    if not done:
        final.unlink(missing_ok=True)
        raise JobLost(claim.job_id)
    return "done"


def _finish(claim: Claim, **values: Any) -> bool:
    now = clock.now()
    return update_claimed(claim, finished_at=now, progress_at=now, **values)


def fail_crashed(claim: Claim, folder: Path, error: str = CRASHED) -> bool:
    """After an unexpected error (rolled back by the caller): the job failed, no file left.
    False if the job was given back meanwhile (its files are then another worker's)."""
    (folder / f"job-{claim.job_id}-{claim.attempt}.part").unlink(missing_ok=True)
    failed = _finish(claim, status="failed", error=error)
    if failed:
        for path in folder.glob(f"job-{claim.job_id}.*"):
            path.unlink(missing_ok=True)
    return failed


def after_database_error(claim: Claim, folder: Path) -> str:
    """A job's build met a database error (rolled back by the caller, the database back):
    queued again while it has been taken fewer than DATABASE_RETRIES times, else failed."""
    if claim.attempt < DATABASE_RETRIES:
        (folder / f"job-{claim.job_id}-{claim.attempt}.part").unlink(missing_ok=True)
        give_back(claim)
        return f"database error: queued again (attempt {claim.attempt} of {DATABASE_RETRIES})"
    fail_crashed(claim, folder, DATABASE_FAILED.format(attempts=claim.attempt))
    return f"database error: failed after {claim.attempt} attempts"


def give_back(claim: Claim) -> bool:
    """The worker is stopping mid-job (Ctrl-C): the job goes back to the queue untouched."""
    return update_claimed(
        claim, status="queued", worker=None, started_at=None, progress_at=None, rows_done=0
    )


def release_stale(now: datetime, limits: Settings) -> list[ExportJob]:
    """Running jobs without progress for `stale_after` lost their worker (killed, machine
    restarted): their partial files are removed, and each is queued again while it has been
    taken fewer than `max_attempts` times, else failed with a message.

    Queued again, because the usual cause (a deploy or a restart) does not recur; failed after
    that, because a file that kills its worker every time (memory) would otherwise loop.
    """
    stale = db.session.scalars(
        db.select(ExportJob)
        .where(ExportJob.status == "running", ExportJob.progress_at < now - limits.stale_after)
        .with_for_update(skip_locked=True)
    ).all()
    for job in stale:
        for path in job_files(job.id, limits.folder):
            path.unlink(missing_ok=True)
        if job.attempts < limits.max_attempts:
            job.status, job.worker, job.started_at, job.rows_done = "queued", None, None, 0
        else:
            job.status, job.finished_at = "failed", now
            job.error = ABANDONED.format(attempts=job.attempts)
    db.session.flush()
    return list(stale)
