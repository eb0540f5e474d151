"""flask exports work | purge: the worker that builds large rounds' console exports.

`work` loops: purge expired files, give back jobs whose worker died, then claim and run the
oldest queued job; with nothing queued it waits `--poll` seconds (`--once` exits instead).
SIGTERM (systemd's stop) lets the running job finish, then exits. One line per job is
printed: round, format, rows, seconds, outcome.

A database error (SQLite "database is locked", PostgreSQL restarting) never ends the worker:
each is logged, the loop waits with backoff (1, 2, 4 … 60 s) and goes on; a job whose build
met one is queued again, and failed only after DATABASE_RETRIES attempts.
"""

from __future__ import annotations

import signal
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import current_app
from flask.cli import AppGroup

from .. import clock
from ..extensions import db
from ..models import ExportJob
from ..services import export_jobs, export_worker
from ..services.export_worker import DATABASE_ERRORS, Claim, JobLost
from ..services.exports import Options

exports_cli = AppGroup("exports", help="Tệp kết quả lớn xuất ở chế độ nền.")
COMMANDS = [exports_cli]


@contextmanager
def _stop_on_sigterm() -> Iterator[threading.Event]:
    """An event set by SIGTERM; the previous handler is restored afterwards."""
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    try:
        yield stop
    finally:
        signal.signal(signal.SIGTERM, previous)


def _housekeeping(limits: export_jobs.Settings) -> None:
    """Expired files purged, lost jobs given back or failed: committed on their own."""
    now = clock.now()
    purged = export_jobs.purge_expired(now, limits.folder)
    released = export_worker.release_stale(now, limits)
    db.session.commit()
    for job in purged:
        click.echo(f"export job #{job.id}: expired, file removed")
    for job in released:
        click.echo(f"export job #{job.id}: worker lost, now {job.status} (attempt {job.attempts})")


def _options() -> Options:
    return Options(organiser=current_app.config["ORGANISER_NAME"], now=clock.now())


def _run(job_id: int, claim: Claim, limits: export_jobs.Settings, options: Options) -> str:
    """Run one claimed job to its end and commit; returns its outcome for the log line."""
    job = db.session.get(ExportJob, job_id)
    if job is None:  # deleted with its round meanwhile
        return "gone meanwhile: nothing built"
    options = Options(options.organiser, options.now, verify_url=job.verify_url)
    try:
        outcome = export_worker.run_claimed(job, limits, options, db.session.commit)
        db.session.commit()
        return outcome
    except JobLost:
        db.session.rollback()
        return "given back to the queue meanwhile: result dropped"
    except DATABASE_ERRORS as exc:
        db.session.rollback()
        raise DatabaseTrouble(claim) from exc
    except Exception:
        db.session.rollback()
        click.echo(traceback.format_exc(), err=True)
        export_worker.fail_crashed(claim, limits.folder)
        db.session.commit()
        return "failed (unexpected error, traceback above)"
    except BaseException:
        db.session.rollback()
        export_worker.give_back(claim)
        db.session.commit()
        raise


ONCE_TRIES = 8  # --once (cron, tests) gives up after this many database errors in a row


class DatabaseTrouble(Exception):
    """A job's build met a database error: settled (queued again or failed) once it is back."""

    def __init__(self, claim: Claim) -> None:
        super().__init__(claim.job_id)
        self.claim = claim


class Backoff:
    """Waits between tries after database errors: 1, 2, 4 … MAX_WAIT seconds."""

    MAX_WAIT = 60.0

    def __init__(self) -> None:
        self.failures = 0

    def next(self) -> float:
        self.failures += 1
        return min(2.0 ** (self.failures - 1), self.MAX_WAIT)

    def reset(self) -> None:
        self.failures = 0


def _settle(claim: Claim, limits: export_jobs.Settings) -> None:
    outcome = export_worker.after_database_error(claim, limits.folder)
    db.session.commit()
    click.echo(f"export job #{claim.job_id}: {outcome}")


def _step(worker: str, limits: export_jobs.Settings, pending: list[Claim]) -> bool:
    """One turn of the loop: settle jobs that met a database error, housekeeping, one job."""
    while pending:
        _settle(pending[0], limits)
        pending.pop(0)
    _housekeeping(limits)
    return run_next(worker, limits)


def _database_error(exc: Exception, backoff: Backoff, pending: list[Claim]) -> float:
    """Log the failure, remember the job it interrupted; how long to wait before trying again."""
    db.session.rollback()
    cause: BaseException = exc
    if isinstance(exc, DatabaseTrouble):
        pending.append(exc.claim)
        cause = exc.__cause__ or exc
    wait = backoff.next()
    click.echo(
        f"export worker: database error ({type(cause).__name__}: {str(cause).splitlines()[0]}); "
        f"try {backoff.failures}, next in {wait:.0f} s",
        err=True,
    )
    return wait


def run_next(worker: str, limits: export_jobs.Settings) -> bool:
    """Claim and run the oldest queued job; False when none was waiting."""
    job = export_worker.claim_next(worker, clock.now())
    db.session.commit()
    if job is None:
        return False
    claim = Claim(job.id, worker, job.attempts)
    round_id, key = job.round_id, job.fmt
    began = time.perf_counter()
    outcome = _run(job.id, claim, limits, _options())
    seconds = time.perf_counter() - began
    job = db.session.get(ExportJob, claim.job_id)
    rows = job.rows_total if job is not None else 0
    click.echo(
        f"export job #{claim.job_id}: round {round_id}, {key}, {rows} rows, "
        f"{seconds:.1f} s, {outcome}"
    )
    db.session.rollback()  # end the read: no transaction held while waiting
    return True


@exports_cli.command("work")
@click.option("--once", is_flag=True, help="Chạy hết việc đang chờ rồi thoát (cho cron, kiểm thử).")
@click.option("--poll", type=click.FloatRange(min=0.1), default=5.0, show_default=True)
def work(once: bool, poll: float) -> None:
    """Build queued exports, one at a time, until stopped (SIGTERM: after the current job)."""
    limits, worker = export_jobs.settings(), export_worker.worker_name()
    backoff, pending = Backoff(), list[Claim]()
    with _stop_on_sigterm() as stop:
        while not stop.is_set():
            try:
                ran = _step(worker, limits, pending)
            except (DatabaseTrouble, *DATABASE_ERRORS) as exc:
                wait = _database_error(exc, backoff, pending)
                if once and backoff.failures >= ONCE_TRIES:
                    raise click.ClickException("the database stayed unavailable") from exc
                stop.wait(wait)
                continue
            backoff.reset()
            if ran:
                continue
            if once:
                break
            stop.wait(poll)


@exports_cli.command("purge")
def purge() -> None:
    """Delete expired export files and mark their jobs expired (the worker also does it)."""
    limits = export_jobs.settings()
    purged = export_jobs.purge_expired(clock.now(), limits.folder)
    db.session.commit()
    click.echo(f"Đã xoá {len(purged)} tệp xuất đã hết hạn.")
