"""The question bank: topics, questions and their immutable versions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

DIFFICULTIES = ("easy", "medium", "hard")


class Topic(db.Model):
    __tablename__ = "topics"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    chapter: Mapped[str | None] = mapped_column(String(8))


class Question(db.Model):
    """A stable question identity; its content lives in versions."""

    __tablename__ = "questions"
    __table_args__ = (
        CheckConstraint("origin IN ('repository', 'upload', 'correction')", name="origin_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_versions.id", use_alter=True)
    )
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Practice questions are public (answers shown at once), so rounds never draw them.
    practice: Mapped[bool] = mapped_column(default=False, server_default=false())
    # When the key first became public (practice, a published review): new contest rounds
    # leave it out unless the organiser allows it; unmarking practice does not clear it.
    key_public_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    key_public_note: Mapped[str | None] = mapped_column(String(300))
    # The law watch: a reported change to an article it cites puts it under review
    # («cần rà soát»); new rounds leave it out until an organiser confirms, edits or retires it.
    review_change_id: Mapped[int | None] = mapped_column(ForeignKey("law_changes.id"))
    review_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Changes already settled for this question (confirmed, edited or retired): a later import
    # of the same change does not put it under review again.
    review_cleared: Mapped[list[int] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Who last decided this question's content or retirement (domain.bank_origin): `make setup`
    # never undoes the console's work. repository_hash: the content the repository gave when
    # last imported (None: never from the repository).
    origin: Mapped[str] = mapped_column(
        String(16), default="repository", server_default="repository"
    )
    repository_hash: Mapped[str | None] = mapped_column(String(64))

    current_version: Mapped[QuestionVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
    versions: Mapped[list[QuestionVersion]] = relationship(
        back_populates="question",
        foreign_keys="QuestionVersion.question_id",
        order_by="QuestionVersion.number",
    )

    def __repr__(self) -> str:
        return f"<Question {self.external_id}>"


class QuestionVersion(db.Model):
    """Immutable content of a question as shown at some time; attempts point here."""

    __tablename__ = "question_versions"
    __table_args__ = (
        UniqueConstraint("question_id", "number"),
        CheckConstraint("difficulty IN ('easy', 'medium', 'hard')", name="difficulty_known"),
        CheckConstraint("correct_index >= 0 AND correct_index < 6", name="correct_index_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    choices: Mapped[list[str]] = mapped_column(JSON)
    correct_index: Mapped[int]
    topic_id: Mapped[str] = mapped_column(ForeignKey("topics.id"), index=True)
    difficulty: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(300))
    explanation: Mapped[str] = mapped_column(Text)
    shuffle: Mapped[bool] = mapped_column(default=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    # Ids of the documents register the version rests on, whether it asks about history, and
    # when and where its key was last checked against the text in force.
    basis: Mapped[list[str]] = mapped_column(JSON, default=list)
    historical: Mapped[bool] = mapped_column(default=False, server_default=false())
    checked_on: Mapped[date | None] = mapped_column(Date())
    checked_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    question: Mapped[Question] = relationship(back_populates="versions", foreign_keys=[question_id])
    topic: Mapped[Topic] = relationship()


class LegalDocument(db.Model):
    """A document of the register (question_bank/documents.yaml), replaced on each import."""

    __tablename__ = "legal_documents"
    __table_args__ = (
        CheckConstraint("status IN ('in_force', 'expired', 'reported')", name="status_known"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    number: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(500))
    issuer: Mapped[str] = mapped_column(String(200))
    signed: Mapped[date | None] = mapped_column(Date())
    in_force_from: Mapped[date | None] = mapped_column(Date())
    # The last day in force; None: no end known.
    in_force_until: Mapped[date | None] = mapped_column(Date())
    replaces: Mapped[list[str]] = mapped_column(JSON, default=list)
    amended_by: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12))
    text_read: Mapped[str | None] = mapped_column(String(500))
    checked: Mapped[date] = mapped_column(Date())
    note: Mapped[str | None] = mapped_column(Text)


class LawChange(db.Model):
    """A reported or verified change of some articles of a document (the law watch)."""

    __tablename__ = "law_changes"
    __table_args__ = (
        UniqueConstraint("document_id", "amends_id"),
        CheckConstraint("confidence IN ('reported', 'verified')", name="confidence_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("legal_documents.id"))
    amends_id: Mapped[str] = mapped_column(ForeignKey("legal_documents.id"))
    articles: Mapped[list[int]] = mapped_column(JSON)
    in_force_from: Mapped[date] = mapped_column(Date())
    confidence: Mapped[str] = mapped_column(String(12))
    source: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
