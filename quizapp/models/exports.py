"""Background exports of large rounds: one row per requested file, from queued to expired."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .contest import Round
from .people import StaffUser
from .types import UTCDateTime, utcnow

EXPORT_JOB_STATUSES = ("queued", "running", "done", "failed", "expired")
ACTIVE_STATUSES = ("queued", "running")
_ACTIVE = "status IN ('queued', 'running')"


class ExportJob(db.Model):
    """A results file built by `flask exports work` instead of inside a web request.

    queued → running → done | failed; a done job becomes expired once its file is purged.
    At most one queued or running job per round and format (a partial unique index), so a
    second request joins the first. The file lives under EXPORTS_FOLDER (never static/);
    `file_path` is its name there.
    """

    __tablename__ = "export_jobs"
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed', 'expired')", name="status_known"
        ),
        CheckConstraint("rows_done >= 0 AND rows_total >= 0", name="rows_not_negative"),
        Index("ix_export_jobs_status_created", "status", "created_at"),
        Index(
            "uq_export_jobs_active",
            "round_id",
            "fmt",
            unique=True,
            sqlite_where=text(_ACTIVE),
            postgresql_where=text(_ACTIVE),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    fmt: Mapped[str] = mapped_column(String(16))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    status: Mapped[str] = mapped_column(String(12), default="queued")
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_done: Mapped[int] = mapped_column(default=0)
    # The certificates' QR target, taken from the request that asked for the file.
    verify_url: Mapped[str] = mapped_column(Text, default="")
    file_path: Mapped[str | None] = mapped_column(String(255))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    download_name: Mapped[str | None] = mapped_column(String(255))
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    progress_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    worker: Mapped[str | None] = mapped_column(String(120))
    # How many times a worker took the job: a job whose worker died is queued again once.
    attempts: Mapped[int] = mapped_column(default=0)

    round: Mapped[Round] = relationship()
    requested_by: Mapped[StaffUser | None] = relationship()

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)
