"""The law watch in the database: questions a recorded change touches are put under review
(«cần rà soát»); new rounds leave them out until an organiser confirms the question, imports
a new version of it, or retires it — each with a reason in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..domain.bank_documents import DocumentSpec, format_date
from ..domain.bank_validity import span_of
from ..domain.bank_watch import REVIEW_LABEL, describe_change, touched
from ..domain.formatting import format_datetime
from ..extensions import db
from ..models import LawChange, Question, QuestionVersion, StaffUser
from . import audit, bank_register
from .errors import NotFound, ServiceError


@dataclass(frozen=True)
class ReviewItem:
    external_id: str
    version: int
    topic: str
    source: str
    text: str
    since: datetime
    change: str


def _in_use() -> list[tuple[Question, QuestionVersion]]:
    rows = db.session.execute(
        db.select(Question, QuestionVersion)
        .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
        .where(Question.retired_at.is_(None))
        .order_by(Question.external_id)
    ).all()
    return [(q, v) for q, v in rows]


def flag_touched(actor: StaffUser | None, now: datetime, reason: str = "") -> list[str]:
    """Put under review every question in use that a recorded change touches, unless that
    change was already settled for it or it is under review already. Returns the ids."""
    register = bank_register.load()
    changes = list(db.session.scalars(db.select(LawChange).order_by(LawChange.id)))
    flagged: dict[int, list[str]] = {}
    questions = _in_use()
    for row in changes:
        spec = bank_register.change_spec_of(row)
        amended = register.documents.get(spec.amends)
        for question, version in questions:
            if question.review_since is not None or row.id in (question.review_cleared or []):
                continue
            if touched(spec, amended, version.basis or (), version.source):
                question.review_change_id, question.review_since = row.id, now
                flagged.setdefault(row.id, []).append(question.external_id)
    for change_id, ids in flagged.items():
        spec = bank_register.change_spec_of(db.session.get_one(LawChange, change_id))
        audit.record(
            actor,
            "bank.review.flag",
            reason=reason,
            change=describe_change(spec, register.documents),
            questions=ids,
        )
    db.session.flush()
    return [i for ids in flagged.values() for i in ids]


def under_review() -> list[ReviewItem]:
    register = bank_register.load()
    rows = db.session.execute(
        db.select(Question, QuestionVersion, LawChange)
        .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
        .join(LawChange, Question.review_change_id == LawChange.id)
        .where(Question.review_since.is_not(None), Question.retired_at.is_(None))
        .order_by(Question.external_id)
    ).all()
    return [
        ReviewItem(
            q.external_id,
            v.number,
            v.topic_id,
            v.source,
            v.text,
            q.review_since,
            describe_change(bank_register.change_spec_of(c), register.documents),
        )
        for q, v, c in rows
        if q.review_since is not None
    ]


def _settle(question: Question, action: str, actor: StaffUser | None, reason: str) -> None:
    change_id = question.review_change_id
    question.review_cleared = sorted({*(question.review_cleared or []), change_id or 0} - {0})
    question.review_since = None
    audit.record(actor, action, question, reason=reason, change_id=change_id)


def _reviewed(external_id: str, reason: str) -> Question:
    if not reason.strip():
        raise ServiceError("reason_required", "Vui lòng ghi lý do.", field="reason")
    question = db.session.scalar(db.select(Question).where(Question.external_id == external_id))
    if question is None:
        raise NotFound("question_not_found", f"Không có câu hỏi {external_id}.")
    if question.review_since is None:
        raise ServiceError("not_under_review", f"Câu {external_id} không ở trạng thái cần rà soát.")
    return question


def confirm(actor: StaffUser | None, external_id: str, reason: str) -> Question:
    """The question still holds under the change: new rounds may draw it again."""
    question = _reviewed(external_id, reason)
    _settle(question, "bank.review.confirm", actor, reason.strip())
    db.session.flush()
    return question


def retire(actor: StaffUser | None, external_id: str, reason: str, now: datetime) -> Question:
    """The question no longer holds: retired (never deleted; attempts keep their version)."""
    question = _reviewed(external_id, reason)
    question.retired_at = now
    _settle(question, "bank.review.retire", actor, reason.strip())
    db.session.flush()
    return question


def settle_by_new_version(
    question: Question, actor: StaffUser | None, now: datetime, origin: str
) -> None:
    """A new version imported for a question under review since before this import settles
    its review (the edit is the organiser's answer; the import's origin is the reason)."""
    if question.review_since is not None and question.review_since < now:
        _settle(question, "bank.review.edit", actor, f"phiên bản mới: {origin}".strip())


@dataclass(frozen=True)
class Footing:
    """What the console's question view shows of a question's legal footing and marks."""

    documents: list[DocumentSpec]
    unknown: list[str]
    validity: str
    review: str | None
    key_public: str | None


def footing(question: Question, version: QuestionVersion) -> Footing:
    register = bank_register.load()
    basis = list(version.basis or ())
    span = span_of(basis, version.historical, register.documents)
    if not basis:
        validity = "chưa ghi căn cứ (basis): không biết giới hạn hiệu lực"
    elif span.never:
        validity = f"không dùng được cho đợt thi: {span.never}"
    else:
        first = f"từ {format_date(span.first)}" if span.first else "không giới hạn đầu"
        last = f"đến hết {format_date(span.last)}" if span.last else "chưa biết ngày kết thúc"
        note = " (câu lịch sử: ngày hết hiệu lực của văn bản không ảnh hưởng)" * version.historical
        validity = f"dùng được {first}, {last}{note}"
    review = None
    if question.review_since is not None and question.review_change_id is not None:
        change = bank_register.change_spec_of(
            db.session.get_one(LawChange, question.review_change_id)
        )
        since = format_datetime(question.review_since)
        review = f"{REVIEW_LABEL} từ {since}: {describe_change(change, register.documents)}"
    key_public = None
    if question.key_public_at is not None:
        key_public = (
            f"đáp án đã công khai từ {format_datetime(question.key_public_at)}"
            f" ({question.key_public_note or 'không ghi'}): đợt thi mới không rút, trừ khi "
            "đợt cho phép"
        )
    return Footing(
        documents=[register.documents[i] for i in basis if i in register.documents],
        unknown=[i for i in basis if i not in register.documents],
        validity=validity,
        review=review,
        key_public=key_public,
    )
