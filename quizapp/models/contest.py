"""Contests, their rounds and the drawing quotas of each round."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

ROUND_STATUSES = ("draft", "open", "closed", "review", "published", "archived")
PREDICTION_KINDS = ("participants", "entries", "perfect_scores")
DEFAULT_RANKING_POLICY = "score,time,prediction,submitted"
DEFAULT_COLLECTIVE_POLICY = "participants,mean_score,rate"


class Contest(db.Model):
    __tablename__ = "contests"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    combine_rounds: Mapped[str] = mapped_column(String(16), default="sum")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    rounds: Mapped[list[Round]] = relationship(back_populates="contest", order_by="Round.number")


class Round(db.Model):
    """A timed round (đợt thi); its settings are the rules of the round."""

    __tablename__ = "rounds"
    __table_args__ = (
        UniqueConstraint("contest_id", "number"),
        CheckConstraint("closes_at > opens_at", name="closes_after_opens"),
        CheckConstraint("question_count > 0", name="question_count_positive"),
        CheckConstraint("time_limit_seconds > 0", name="time_limit_positive"),
        CheckConstraint("max_attempts IS NULL OR max_attempts > 0", name="max_attempts_positive"),
        CheckConstraint("grace_seconds >= 0", name="grace_non_negative"),
        CheckConstraint(
            "too_fast_seconds IS NULL OR too_fast_seconds > 0", name="too_fast_positive"
        ),
        CheckConstraint(
            "status IN ('draft', 'open', 'closed', 'review', 'published', 'archived')",
            name="status_known",
        ),
        CheckConstraint(
            "prediction_kind IS NULL OR prediction_kind IN "
            "('participants', 'entries', 'perfect_scores')",
            name="prediction_kind_known",
        ),
        CheckConstraint(
            "prize_min_score IS NULL OR prize_min_score >= 0", name="prize_min_score_not_negative"
        ),
        CheckConstraint(
            "collective_tie_rule IN ('shared', 'organiser')", name="collective_tie_rule_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    question_count: Mapped[int]
    time_limit_seconds: Mapped[int]
    max_attempts: Mapped[int | None]  # None: unlimited
    shuffle_questions: Mapped[bool] = mapped_column(default=True)
    shuffle_choices: Mapped[bool] = mapped_column(default=True)
    prediction_kind: Mapped[str | None] = mapped_column(String(20))
    prediction_actual: Mapped[int | None]
    grace_seconds: Mapped[int] = mapped_column(default=30)
    # The score shown right after submit; off by default when several attempts are allowed
    # (one could probe the key by changing one answer at a time).
    show_score_after_submit: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Draw questions whose key has been public (practice, a published review) too; off by
    # default (issue 21 item 5).
    allow_public_keys: Mapped[bool] = mapped_column(default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(12), default="draft")
    ranking_policy: Mapped[str] = mapped_column(String(120), default=DEFAULT_RANKING_POLICY)
    prize_tiers: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    collective_prizes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    board_frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Attempts finished faster than this are flagged for review; None: derived from the
    # round's length and question count (domain.integrity.default_too_fast_seconds).
    too_fast_seconds: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The fewest correct answers that may win a prize; None: half the questions.
    prize_min_score: Mapped[int | None]
    # The collective criteria chain (domain.collective.PRESETS) and what a true tie does.
    collective_policy: Mapped[str] = mapped_column(
        String(120), default=DEFAULT_COLLECTIVE_POLICY, server_default=DEFAULT_COLLECTIVE_POLICY
    )
    collective_tie_rule: Mapped[str] = mapped_column(
        String(16), default="shared", server_default="shared"
    )

    contest: Mapped[Contest] = relationship(back_populates="rounds")
    quotas: Mapped[list[RoundQuota]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundQuota.id"
    )


class RoundQuota(db.Model):
    """How many questions a round draws from one topic and/or difficulty."""

    __tablename__ = "round_quotas"
    __table_args__ = (
        UniqueConstraint("round_id", "topic_id", "difficulty"),
        CheckConstraint("count > 0", name="count_positive"),
        CheckConstraint(
            "difficulty IS NULL OR difficulty IN ('easy', 'medium', 'hard')",
            name="difficulty_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    topic_id: Mapped[str | None] = mapped_column(ForeignKey("topics.id"))
    difficulty: Mapped[str | None] = mapped_column(String(8))
    count: Mapped[int]

    round: Mapped[Round] = relationship(back_populates="quotas")
