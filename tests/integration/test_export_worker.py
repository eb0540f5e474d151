"""The export worker on the real database: concurrent claims, lost workers, progress, stop.

The claim test runs on PostgreSQL in CI (`make pytest-pg`): real threads with their own
connections, where FOR UPDATE SKIP LOCKED is what keeps two workers off one job.
"""

from __future__ import annotations

import os
import signal
import sqlite3
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.exc import OperationalError

from quizapp.cli import exports as exports_cli
from quizapp.extensions import db
from quizapp.models import ExportJob
from quizapp.services import export_jobs, export_worker
from quizapp.services.export_worker import ABANDONED, Claim, JobProgress
from tests.conftest import FIXED_NOW
from tests.helpers import race

FORMATS = ("xlsx", "csv", "ceremony", "certificates")
WORKERS = 4


@pytest.fixture
def app_config(tmp_path: Path) -> dict:
    return {"EXPORTS_FOLDER": str(tmp_path / "exports")}


@pytest.fixture
def queued(app, make_round) -> list[int]:
    """Eight queued jobs: four formats of two rounds, oldest first."""
    rounds = [make_round(title="Đợt một"), make_round(title="Đợt hai")]
    with app.app_context():
        jobs = [
            ExportJob(round_id=r.id, fmt=key, status="queued", created_at=FIXED_NOW)
            for r in rounds
            for key in FORMATS
        ]
        db.session.add_all(jobs)
        db.session.commit()
        return [job.id for job in jobs]


def _claim(app: Flask, worker: str) -> Claim | None:
    with app.app_context():
        job = export_worker.claim_next(worker, FIXED_NOW)
        db.session.commit()
        return None if job is None else Claim(job.id, worker, job.attempts)


def _job(app: Flask, job_id: int) -> ExportJob:
    with app.app_context():
        job = db.session.get(ExportJob, job_id)
        db.session.expunge(job)
        return job


def test_simultaneous_workers_never_take_the_same_job(app, queued) -> None:
    def drain(i: int) -> list[int]:
        taken = []
        while (claim := _claim(app, f"worker-{i}")) is not None:
            taken.append(claim.job_id)
        return taken

    outcomes = race(drain, WORKERS)
    assert not [o for o in outcomes if isinstance(o, str)], outcomes
    taken = Counter(job_id for ids in outcomes for job_id in ids)
    assert sorted(taken) == sorted(queued) and set(taken.values()) == {1}
    with app.app_context():
        rows = db.session.scalars(db.select(ExportJob)).all()
        assert {(j.status, j.attempts) for j in rows} == {("running", 1)}
        owners = {j.id: j.worker for j in rows}
    assert all(owners[job_id] == f"worker-{i}" for i, ids in enumerate(outcomes) for job_id in ids)


def test_the_oldest_queued_job_is_taken_first(app, queued) -> None:
    assert [_claim(app, "w").job_id for _ in queued] == sorted(queued)
    assert _claim(app, "w") is None


def test_a_job_whose_worker_died_is_queued_again_once_then_failed(app, queued, clock) -> None:
    limits = replace_limits(app, max_attempts=2)
    first = _claim(app, "dead-1")
    partial = limits.folder / f"job-{first.job_id}-1.part"
    limits.folder.mkdir(parents=True)
    partial.write_bytes(b"half")
    clock.advance(minutes=9)
    with app.app_context():
        assert export_worker.release_stale(clock.now, limits) == []  # still in time
    clock.advance(minutes=2)
    with app.app_context():
        assert [j.id for j in export_worker.release_stale(clock.now, limits)] == [first.job_id]
        db.session.commit()
    assert not partial.exists()
    job = _job(app, first.job_id)
    assert (job.status, job.worker, job.attempts) == ("queued", None, 1)

    second = _claim(app, "alive")
    assert second.job_id == first.job_id and second.attempt == 2
    with app.app_context():  # the first worker wakes up: its writes no longer land
        assert not export_worker.update_claimed(first, rows_done=5)
        assert export_worker.update_claimed(second, rows_done=5)
        db.session.commit()
    clock.advance(minutes=11)
    with app.app_context():
        export_worker.release_stale(clock.now, limits)
        db.session.commit()
    job = _job(app, first.job_id)
    assert job.status == "failed" and job.error == ABANDONED.format(attempts=2)


def replace_limits(app: Flask, **changes) -> export_jobs.Settings:
    with app.app_context():
        return replace(export_jobs.settings(), **changes)


def test_progress_is_committed_when_enough_rows_and_time_have_passed(app, queued, clock) -> None:
    limits = replace_limits(app, progress_rows=2, progress_seconds=1)
    claim = _claim(app, "w")
    checkpoints: list[int] = []
    with app.app_context():
        progress = JobProgress(claim, limits, lambda: checkpoints.append(1) or db.session.commit())
        progress.start(10)
        for done in (1, 2):  # rows enough at 2, but not a second yet
            progress(done)
        clock.advance(seconds=1)
        progress(3)
        progress(4)  # a second, but one row only
    assert len(checkpoints) == 2
    job = _job(app, claim.job_id)
    assert (job.rows_total, job.rows_done, job.progress_at) == (10, 3, clock.now)


def test_sigterm_stops_the_worker_between_jobs(app, runner, monkeypatch) -> None:
    ran: list[str] = []

    def run_then_sigterm(worker: str, limits) -> bool:
        ran.append(worker)
        os.kill(os.getpid(), signal.SIGTERM)  # as systemd stops the service mid-job
        return True  # a job ran: the loop would take the next one, unless told to stop

    monkeypatch.setattr(exports_cli, "run_next", run_then_sigterm)
    before = signal.getsignal(signal.SIGTERM)
    result = runner.invoke(args=["exports", "work", "--poll", "600"])
    assert result.exit_code == 0, result.output
    assert len(ran) == 1
    assert signal.getsignal(signal.SIGTERM) is before


def test_ctrl_c_mid_job_gives_the_job_back(app, runner, queued, monkeypatch) -> None:
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(export_worker, "export_round", interrupted)
    result = runner.invoke(args=["exports", "work", "--once"])
    assert result.exit_code == 1  # click's Abort on KeyboardInterrupt
    job = _job(app, queued[0])
    assert (job.status, job.worker, job.rows_done) == ("queued", None, 0)
    assert list(Path(app.config["EXPORTS_FOLDER"]).iterdir()) == []


def test_simultaneous_requests_for_one_file_make_one_job(app, make_round, make_staff) -> None:
    from quizapp.models import AuditLog, Round, StaffUser

    rnd, staff = make_round(), make_staff("organiser")

    def ask(_: int) -> int:
        with app.app_context():
            actor = db.session.get(StaffUser, staff.user.id)
            job = export_jobs.request_job(
                actor, db.session.get(Round, rnd.id), "csv", "", FIXED_NOW
            )
            db.session.commit()
            return job.id

    outcomes = race(ask, WORKERS)
    assert len(set(outcomes)) == 1 and isinstance(outcomes[0], int), outcomes
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ExportJob)) == 1
        queued = db.select(AuditLog).where(AuditLog.action == "results.export_queued")
        assert len(db.session.scalars(queued).all()) == 1


def _locked() -> OperationalError:
    return OperationalError("SELECT …", {}, sqlite3.OperationalError("database is locked"))


@pytest.fixture
def no_waiting(monkeypatch):
    """The backoff's waits are counted, not slept."""
    waits: list[float] = []
    real_next = exports_cli.Backoff.next

    def counted(self) -> float:
        waits.append(real_next(self))
        return 0.0

    monkeypatch.setattr(exports_cli.Backoff, "next", counted)
    return waits


def test_database_errors_between_jobs_are_waited_out_not_fatal(
    app, runner, queued, monkeypatch, no_waiting
) -> None:
    """Three "database is locked" in a row while claiming: logged, waited with backoff
    (1, 2, 4 s), then every queued job is built."""
    real_claim, failures = export_worker.claim_next, [_locked(), _locked(), _locked()]

    def flaky_claim(worker, now):
        if failures:
            raise failures.pop()
        return real_claim(worker, now)

    monkeypatch.setattr(export_worker, "claim_next", flaky_claim)
    result = runner.invoke(args=["exports", "work", "--once"])
    assert result.exit_code == 0, result.output
    assert no_waiting == [1.0, 2.0, 4.0]
    assert result.output.count("database error (OperationalError") == 3
    jobs = [_job(app, job_id) for job_id in queued]
    assert {job.status for job in jobs} <= {"done", "failed"}  # every job was taken and ended
    assert all(job.attempts == 1 and "cơ sở dữ liệu" not in job.error for job in jobs)


def test_a_job_interrupted_by_the_database_is_queued_again_then_built(
    app, runner, queued, monkeypatch, no_waiting
) -> None:
    real_run, failures = export_worker.run_claimed, [_locked()]

    def flaky_run(job, *args, **kwargs):
        if failures and job.id == queued[0]:
            raise failures.pop()
        return real_run(job, *args, **kwargs)

    monkeypatch.setattr(export_worker, "run_claimed", flaky_run)
    result = runner.invoke(args=["exports", "work", "--once"])
    assert result.exit_code == 0, result.output
    assert f"export job #{queued[0]}: database error: queued again (attempt 1 of" in result.output
    job = _job(app, queued[0])
    assert (job.status, job.attempts, job.error) == ("done", 2, "")


def test_a_job_that_always_meets_database_errors_fails_only_after_its_retries(
    app, runner, queued, monkeypatch, no_waiting
) -> None:
    def always_locked(job, *args, **kwargs):
        if job.id == queued[0]:
            raise _locked()
        return "done"

    monkeypatch.setattr(export_worker, "run_claimed", always_locked)
    result = runner.invoke(args=["exports", "work", "--once"])
    assert result.exit_code == 0, result.output
    job = _job(app, queued[0])
    assert job.status == "failed" and job.attempts == export_worker.DATABASE_RETRIES
    assert job.error == export_worker.DATABASE_FAILED.format(attempts=job.attempts)
    assert result.output.count(f"export job #{queued[0]}: database error: queued again") == 4
