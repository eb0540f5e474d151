"""Attempts (lượt thi), the questions they drew and the answers saved one by one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .bank import QuestionVersion
from .contest import Round
from .people import Participant
from .types import UTCDateTime, utcnow


class Attempt(db.Model):
    """One try at a round; (participant, round, number) is unique, so the limit holds in SQL."""

    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("round_id", "participant_id", "number"),
        CheckConstraint("number > 0", name="number_positive"),
        CheckConstraint("deadline_at > started_at", name="deadline_after_start"),
        CheckConstraint(
            "finish_reason IS NULL OR finish_reason IN ('submitted', 'timeout', 'closed')",
            name="finish_reason_known",
        ),
        Index("ix_attempts_round_finished", "round_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    number: Mapped[int]
    seed: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finish_reason: Mapped[str | None] = mapped_column(String(12))
    score: Mapped[int | None]
    time_used_ms: Mapped[int | None]
    prediction: Mapped[int | None]
    client_ip: Mapped[str | None] = mapped_column(String(64))
    device_hash: Mapped[str | None] = mapped_column(String(64))
    excluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    exclusion_reason: Mapped[str | None] = mapped_column(String(500))

    round: Mapped[Round] = relationship()
    participant: Mapped[Participant] = relationship()
    items: Mapped[list[AttemptQuestion]] = relationship(
        back_populates="attempt", order_by="AttemptQuestion.position"
    )


class AttemptQuestion(db.Model):
    """A drawn question: the exact version shown, its position and its choice order."""

    __tablename__ = "attempt_questions"
    __table_args__ = (
        UniqueConstraint("attempt_id", "position"),
        UniqueConstraint("attempt_id", "question_version_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"))
    position: Mapped[int]
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"), index=True)
    choice_order: Mapped[list[int]] = mapped_column(JSON)

    attempt: Mapped[Attempt] = relationship(back_populates="items")
    version: Mapped[QuestionVersion] = relationship()


class Answer(db.Model):
    """The saved choice for one drawn question; one row per (attempt, question)."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("attempt_id", "attempt_question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"))
    attempt_question_id: Mapped[int] = mapped_column(ForeignKey("attempt_questions.id"))
    chosen_index: Mapped[int | None]  # index into the version's original choices
    flagged: Mapped[bool] = mapped_column(default=False)
    is_correct: Mapped[bool | None]
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Exclusion(db.Model):
    """An organiser's decision to leave a participant's entry out of a round's ranking."""

    __tablename__ = "exclusions"
    __table_args__ = (UniqueConstraint("round_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    excluded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    excluded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    participant: Mapped[Participant] = relationship()


class RoundEntry(db.Model):
    """A participant's counted (best) attempt in a round, kept current as attempts finish.

    Rankings read this table (one row per participant) instead of sorting every attempt.
    Rows with `frozen` set are the copy taken when the public board was frozen: public pages
    read them, so nothing newer can show.
    """

    __tablename__ = "round_entries"
    __table_args__ = (UniqueConstraint("round_id", "frozen", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"))
    score: Mapped[int]
    time_used_ms: Mapped[int]
    prediction: Mapped[int | None]
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts_used: Mapped[int]
    frozen: Mapped[bool] = mapped_column(default=False, server_default=false())
