"""Records that are never edited: publications of winners and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .people import StaffUser
from .types import UTCDateTime, utcnow


class Publication(db.Model):
    """An immutable snapshot of a round's (or contest's) winners."""

    __tablename__ = "publications"
    __table_args__ = (UniqueConstraint("contest_id", "round_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), index=True)
    sequence: Mapped[int]
    published_by_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(64))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("publications.id"))
    change_note: Mapped[str] = mapped_column(Text, default="")

    published_by: Mapped[StaffUser] = relationship()


@event.listens_for(Publication, "before_update")
def _refuse_publication_update(mapper: Any, connection: Any, target: Publication) -> None:
    raise ValueError("a publication is immutable: publish a correction instead")


class AuditLog(db.Model):
    """Who did what, when and why: every organiser action and every exclusion."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[StaffUser | None] = relationship()


class PrizeAdjustment(db.Model):
    """An organiser's change to a round's automatic prize draft, with its reason.

    Append-only: adjustments apply in order on top of the draft (domain.prizes.adjust); to undo
    one, add the opposite one.
    """

    __tablename__ = "prize_adjustments"
    __table_args__ = (
        CheckConstraint("kind IN ('move', 'withdraw', 'add')", name="kind_known"),
        CheckConstraint("kind = 'withdraw' OR tier IS NOT NULL", name="tier_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    tier: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    created_by: Mapped[StaffUser | None] = relationship()


class PendingUpload(db.Model):
    """An uploaded file held between its preview and the organiser's confirmation.

    Kept in the database, not on one server's disk, so any app server can confirm it.
    """

    __tablename__ = "pending_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A bank file's review (problems, changes, cues), computed once and shown from here.
    review: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
