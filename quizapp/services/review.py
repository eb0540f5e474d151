"""Organiser review after the close: integrity flags, exclusions with reasons, status."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from ..domain.integrity import AttemptFacts, PersonFacts, default_too_fast_seconds, flags
from ..extensions import db
from ..models import Attempt, Exclusion, Participant, Round, StaffUser
from . import audit
from .errors import Conflict, NotFound, ServiceError


def integrity_flags(rnd: Round) -> dict[int, list[str]]:
    """Reasons to look twice at entries of the round (finished attempts, all accounts).

    Read row by row, and the people through a subquery rather than a list of their ids: every
    export of a large round reads the flags for its "Ghi chú"."""
    finished = (Attempt.round_id == rnd.id, Attempt.submitted_at.is_not(None))
    attempts = [
        AttemptFacts(pid, score or 0, rnd.question_count, used or 0, device, ip)
        for pid, score, used, device, ip in db.session.execute(
            db.select(
                Attempt.participant_id,
                Attempt.score,
                Attempt.time_used_ms,
                Attempt.device_hash,
                Attempt.client_ip,
            ).where(*finished)
        )
    ]
    takers = db.select(Attempt.participant_id).where(*finished)
    people = [
        PersonFacts(pid, name, year, ward)
        for pid, name, year, ward in db.session.execute(
            db.select(
                Participant.id, Participant.full_name, Participant.birth_year, Participant.ward_id
            ).where(Participant.id.in_(takers))
        )
    ]
    return flags(attempts, people, too_fast_seconds=too_fast_threshold(rnd))


def too_fast_threshold(rnd: Round) -> int:
    """The round's "too fast" threshold in seconds: the organiser's, or the default."""
    if rnd.too_fast_seconds is not None:
        return rnd.too_fast_seconds
    return default_too_fast_seconds(rnd.question_count, rnd.time_limit_seconds)


MAX_TOO_FAST_SECONDS = 24 * 3600


def set_too_fast_threshold(actor: StaffUser, rnd: Round, seconds: int | None) -> None:
    """Tune the threshold (None: back to the default); it only flags, never excludes."""
    if seconds is not None and not 0 < seconds <= min(rnd.time_limit_seconds, MAX_TOO_FAST_SECONDS):
        raise ServiceError(
            "bad_threshold",
            f"Ngưỡng phải từ 1 đến {rnd.time_limit_seconds} giây (thời gian làm bài).",
            field="seconds",
        )
    before = too_fast_threshold(rnd)
    rnd.too_fast_seconds = seconds
    audit.record(
        actor, "round.too_fast_threshold", rnd, before=before, after=too_fast_threshold(rnd)
    )


def exclusions(rnd: Round) -> dict[int, Exclusion]:
    return {
        e.participant_id: e
        for e in db.session.scalars(db.select(Exclusion).where(Exclusion.round_id == rnd.id))
    }


def _check_reviewable(rnd: Round) -> None:
    if rnd.status in ("published", "archived"):
        raise Conflict("published", "Kết quả đã công bố: hãy công bố đính chính thay vì sửa.")


def exclude(
    actor: StaffUser, rnd: Round, participant_id: int, reason: str, now: datetime
) -> Exclusion:
    """Leave a participant's entry out of the round's ranking, with a reason (audit-logged)."""
    _check_reviewable(rnd)
    if not reason.strip():
        raise ServiceError("reason_required", "Vui lòng ghi lý do loại bài thi.", field="reason")
    took_part = db.session.scalar(
        db.select(Attempt.id)
        .where(Attempt.round_id == rnd.id, Attempt.participant_id == participant_id)
        .limit(1)
    )
    if took_part is None:
        raise NotFound("not_found", "Người này không có bài thi trong đợt thi này.")
    exclusion = Exclusion(
        round_id=rnd.id,
        participant_id=participant_id,
        reason=reason.strip(),
        excluded_by_id=actor.id,
        excluded_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(exclusion)
    except IntegrityError as exc:
        raise Conflict("already_excluded", "Bài thi này đã bị loại trước đó.") from exc
    _mark_attempts(rnd, participant_id, now, reason.strip())
    audit.record(actor, "entry.exclude", rnd, reason=reason.strip(), participant=participant_id)
    return exclusion


def _mark_attempts(
    rnd: Round, participant_id: int, at: datetime | None, reason: str | None
) -> None:
    """Every attempt of the excluded participant carries the exclusion (statistics and the
    prediction's true value leave them out); an inclusion clears it."""
    db.session.execute(
        db.update(Attempt)
        .where(Attempt.round_id == rnd.id, Attempt.participant_id == participant_id)
        .values(excluded_at=at, exclusion_reason=reason)
    )


def include(actor: StaffUser, rnd: Round, participant_id: int, reason: str) -> None:
    """Undo an exclusion (audit-logged with the reason)."""
    _check_reviewable(rnd)
    exclusion = exclusions(rnd).get(participant_id)
    if exclusion is None:
        raise NotFound("not_excluded", "Bài thi này không bị loại.")
    db.session.delete(exclusion)
    _mark_attempts(rnd, participant_id, None, None)
    audit.record(actor, "entry.include", rnd, reason=reason, participant=participant_id)
