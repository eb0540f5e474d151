"""Bearer tokens of participants' apps and mini-apps: issued on sign-in, listed, revoked.

A token is 32 random bytes shown once; only its SHA-256 is stored (a random secret of that
size needs no slow hash), so a copy of the database holds no usable token.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func

from ..extensions import db
from ..models import ApiToken, Participant
from .errors import NotFound

PREFIX = "qz_"
MAX_LABEL = 80


@dataclass(frozen=True)
class Issued:
    token: ApiToken
    secret: str


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue(participant: Participant, label: str, now: datetime, lifetime: timedelta) -> Issued:
    """A new token for `participant`, valid for `lifetime`; the secret is never stored."""
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        participant_id=participant.id,
        token_hash=digest(secret),
        label=" ".join(label.split())[:MAX_LABEL] or "Ứng dụng",
        created_at=now,
        expires_at=now + lifetime,
    )
    db.session.add(token)
    db.session.flush()
    return Issued(token, secret)


def authenticate(secret: str, now: datetime) -> ApiToken | None:
    """The live token with this secret (not revoked, not expired, its account not purged)."""
    if not secret.startswith(PREFIX) or len(secret) > 128:
        return None
    token = db.session.scalar(db.select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    if token.participant.purged_at is not None:
        return None
    # Written at most once a minute per token: a busy client does not write on every call.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
    return token


def _live(participant_id: int, now: datetime):
    return (
        db.select(ApiToken)
        .where(ApiToken.participant_id == participant_id)
        .where(ApiToken.revoked_at.is_(None))
        .where(ApiToken.expires_at > now)
    )


def page_of(participant: Participant, now: datetime, page: int, size: int) -> tuple[list, int]:
    """One page of the participant's live tokens (newest first) and how many there are."""
    query = _live(participant.id, now)
    total = db.session.scalar(db.select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.order_by(ApiToken.id.desc()).limit(size).offset((page - 1) * size)
    ).all()
    return list(rows), total


def revoke(participant: Participant, token_id: int, now: datetime) -> None:
    """Revoke one of the participant's own tokens; another's is not found (no detail)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.participant_id != participant.id or token.revoked_at is not None:
        raise NotFound("token_not_found", "Không tìm thấy mã truy cập này.")
    token.revoked_at = now


def revoke_all(participant_ids: list[int], now: datetime) -> int:
    """Revoke every live token of these accounts (logout everywhere, a new password, a purge)."""
    result = db.session.execute(
        db.update(ApiToken)
        .where(ApiToken.participant_id.in_(participant_ids))
        .where(ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount or 0
