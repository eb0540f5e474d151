"""Correcting a question's key in one round: a new version, repointed items, regraded attempts.

Other rounds keep the version they showed, so their scores never change.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, or_

from ..domain.bank_origin import CORRECTION
from ..domain.bank_types import LETTERS
from ..extensions import db
from ..models import (
    Answer,
    Attempt,
    AttemptQuestion,
    AuditLog,
    Participant,
    Publication,
    QuestionVersion,
    Round,
    StaffUser,
)
from . import audit
from .errors import Conflict, NotFound, ServiceError
from .question_stats import drawn_version
from .question_versions import add_version, spec_of
from .rankings import rebuild_entries, round_ranking

ACTION = "question.correct_key"
TOP = 20


def _check_correctable(rnd: Round) -> None:
    published = db.session.scalar(
        db.select(Publication.id).where(Publication.round_id == rnd.id).limit(1)
    )
    if rnd.status in ("published", "archived") or published is not None:
        raise Conflict(
            "round_published",
            "Đợt thi đã công bố kết quả nên không thể sửa đáp án và chấm lại. "
            "Mọi thay đổi sau khi công bố phải là một bản công bố đính chính.",
        )


def _key_index(letter: str, version: QuestionVersion) -> int:
    index = LETTERS.find(letter.strip().upper()) if len(letter.strip()) == 1 else -1
    if not 0 <= index < len(version.choices):
        raise ServiceError("key_invalid", "Vui lòng chọn đáp án đúng.", field="letter")
    if index == version.correct_index:
        raise ServiceError(
            "key_unchanged", f"Đáp án hiện tại đã là {letter.upper()}.", field="letter"
        )
    return index


def _corrected_version(old: QuestionVersion, key: int, now: datetime) -> QuestionVersion:
    """The old content with the new key: an existing identical version, or a new one."""
    question = old.question
    spec = replace(spec_of(old), answer=key)
    version = db.session.scalar(
        db.select(QuestionVersion)
        .where(
            QuestionVersion.question_id == question.id,
            QuestionVersion.content_hash == spec.content_hash(),
        )
        .order_by(QuestionVersion.number.desc())
        .limit(1)
    )
    if version is None:
        version = add_version(question, spec, now)
    if question.current_version_id == old.id:
        # A later bank edit stays current: making this copy current would undo it.
        question.current_version = version
        question.origin = CORRECTION  # `make setup` must not undo it
    db.session.flush()
    return version


def _round_attempts(rnd: Round, finished: bool = False) -> Any:
    query = db.select(Attempt.id).where(Attempt.round_id == rnd.id)
    return query.where(Attempt.submitted_at.is_not(None)) if finished else query


def _repoint(rnd: Round, old_id: int, new_id: int) -> int:
    """This round's drawn items (finished or not) now show the corrected version."""
    result = db.session.execute(
        db.update(AttemptQuestion)
        .where(
            AttemptQuestion.question_version_id == old_id,
            AttemptQuestion.attempt_id.in_(_round_attempts(rnd)),
        )
        .values(question_version_id=new_id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def _regrade(rnd: Round, version_id: int, key: int) -> dict[str, int]:
    """Regrade the finished attempts that drew the version: answers, then scores (SQL)."""
    items = db.select(AttemptQuestion.id).where(AttemptQuestion.question_version_id == version_id)
    affected = (
        Answer.attempt_question_id.in_(items),
        Answer.attempt_id.in_(_round_attempts(rnd, True)),
    )
    right = case((Answer.chosen_index == key, True), else_=False)
    gained = _count_answers(*affected, Answer.is_correct.is_not(True), Answer.chosen_index == key)
    lost = _count_answers(
        *affected,
        Answer.is_correct.is_(True),
        or_(Answer.chosen_index.is_(None), Answer.chosen_index != key),
    )
    db.session.execute(
        db.update(Answer)
        .where(*affected)
        .values(is_correct=right)
        .execution_options(synchronize_session=False)
    )
    correct_answers = (
        db.select(func.count(Answer.id))
        .where(Answer.attempt_id == Attempt.id, Answer.is_correct.is_(True))
        .scalar_subquery()
    )
    drew = db.select(AttemptQuestion.attempt_id).where(
        AttemptQuestion.question_version_id == version_id
    )
    regraded = db.session.execute(
        db.update(Attempt)
        .where(Attempt.round_id == rnd.id, Attempt.submitted_at.is_not(None), Attempt.id.in_(drew))
        .values(score=correct_answers)
        .execution_options(synchronize_session=False)
    ).rowcount
    return {"regraded": regraded, "gained": gained, "lost": lost}


def _count_answers(*conditions: Any) -> int:
    return db.session.scalar(db.select(func.count(Answer.id)).where(*conditions)) or 0


def _top(rnd: Round) -> list[dict[str, int]]:
    return [
        {"participant_id": r.participant_id, "rank": r.rank, "score": r.score}
        for r in round_ranking(rnd, limit=TOP)
    ]


def _lock(rnd: Round) -> None:
    """One correction of a round at a time (a no-op on SQLite, which has one writer anyway)."""
    db.session.execute(db.select(Round.id).where(Round.id == rnd.id).with_for_update())


def _apply(rnd: Round, old: QuestionVersion, key: int, now: datetime) -> dict[str, Any]:
    """The correction itself; what it did, for the audit entry."""
    done: dict[str, Any] = {
        "question": old.question.external_id,
        "old_version_id": old.id,
        "old_key": LETTERS[old.correct_index],
        "new_key": LETTERS[key],
    }
    new = _corrected_version(old, key, now)
    done["new_version_id"] = new.id
    done["repointed"] = _repoint(rnd, old.id, new.id)
    done.update(_regrade(rnd, new.id, key))
    # The live ranking reads round_entries (best attempt per person): recompute them.
    rebuild_entries(rnd)
    db.session.expire_all()
    done["current"] = new.question.current_version_id == new.id
    return done


def correct_key(
    actor: StaffUser, rnd: Round, version_id: int, letter: str, reason: str, now: datetime
) -> AuditLog:
    """Change the key of a question drawn in the round, before any publication of the round.

    The content is copied to a version with the corrected key (current when the old version
    was current), this round's items are repointed to it, every finished attempt that drew it
    is regraded, and the audit entry keeps the reason and the top of the ranking before/after.
    """
    if not reason.strip():
        raise ServiceError("reason_required", "Vui lòng ghi lý do sửa đáp án.", field="reason")
    _lock(rnd)
    _check_correctable(rnd)
    old = drawn_version(rnd, version_id)
    key = _key_index(letter, old)
    before = _top(rnd)
    changes = _apply(rnd, old, key, now)
    entry = audit.record(
        actor,
        ACTION,
        rnd,
        reason=reason.strip(),
        **changes,
        before=before,
        after=_top(rnd),
    )
    entry.at = now
    return entry


@dataclass(frozen=True)
class RankChange:
    participant_id: int
    full_name: str
    before: dict[str, int] | None
    after: dict[str, int] | None


def rank_changes(
    before: list[dict[str, int]], after: list[dict[str, int]], names: dict[int, str]
) -> list[RankChange]:
    """Side by side, in the new order; people who left the top follow in their old order."""
    old = {row["participant_id"]: row for row in before}
    new = {row["participant_id"]: row for row in after}
    order = [r["participant_id"] for r in after] + [
        r["participant_id"] for r in before if r["participant_id"] not in new
    ]
    return [RankChange(pid, names.get(pid, f"#{pid}"), old.get(pid), new.get(pid)) for pid in order]


def get_correction(rnd: Round, entry_id: int) -> tuple[AuditLog, list[RankChange]]:
    """A past key correction of the round with its before/after table."""
    entry = db.session.get(AuditLog, entry_id)
    if (
        entry is None
        or entry.action != ACTION
        or (entry.target_type, entry.target_id) != ("Round", str(rnd.id))
    ):
        raise NotFound("correction_not_found", "Không tìm thấy lần sửa đáp án này.")
    before, after = entry.details.get("before", []), entry.details.get("after", [])
    ids = {r["participant_id"] for r in before + after}
    names = dict(
        db.session.execute(
            db.select(Participant.id, Participant.full_name).where(Participant.id.in_(ids))
        ).all()
    )
    return entry, rank_changes(before, after, names)
