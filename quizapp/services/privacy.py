"""Personal data retention: purge participants of finished contests, keep results and counts."""

from __future__ import annotations

import secrets
from datetime import datetime

from ..extensions import db
from ..models import Attempt, Participant, Round
from ..security import hash_password
from . import api_tokens, audit

PURGED_NAME = "(đã xóa dữ liệu cá nhân)"


def purgeable(before: datetime) -> list[int]:
    """Participants registered before `before` with no attempt in a round still running or
    unpublished, or closing on or after `before`."""
    live_rounds = db.select(Round.id).where(
        (Round.closes_at >= before) | Round.status.not_in(("published", "archived"))
    )
    busy = db.select(Attempt.participant_id).where(Attempt.round_id.in_(live_rounds))
    return list(
        db.session.scalars(
            db.select(Participant.id).where(
                Participant.created_at < before,
                Participant.purged_at.is_(None),
                Participant.id.not_in(busy),
            )
        )
    )


def purge(before: datetime, now: datetime) -> int:
    """Erase names, phones, CCCD and birth years; keep ward, organisation and attempts.

    Published results already hold only masked data, and statistics keep their counts.
    """
    ids = purgeable(before)
    unusable = hash_password(secrets.token_urlsafe(32))
    for start in range(0, len(ids), 1000):
        for person in db.session.scalars(
            db.select(Participant).where(Participant.id.in_(ids[start : start + 1000]))
        ):
            person.full_name = PURGED_NAME
            person.phone = f"xoa-{person.id}"[:16]
            person.cccd = None
            person.birth_year = 1900
            person.password_hash = unusable
            person.purged_at = now
        db.session.flush()
        api_tokens.revoke_all(ids[start : start + 1000], now)
    audit.record(None, "privacy.purge", reason=f"trước {before.isoformat()}", count=len(ids))
    return len(ids)


def purge_uploads(older_than: datetime) -> int:
    """Delete staged uploads nobody confirmed (a staff list may hold initial passwords)."""
    from ..models import PendingUpload

    stale = db.session.scalars(
        db.select(PendingUpload).where(PendingUpload.created_at < older_than)
    ).all()
    for upload in stale:
        db.session.delete(upload)
    if stale:
        audit.record(None, "privacy.purge_uploads", count=len(stale))
    return len(stale)
