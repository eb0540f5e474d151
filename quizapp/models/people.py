"""Accounts: participants (public) and staff users (organisers, admins)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .registry import Organisation, Ward
from .types import UTCDateTime, utcnow


def credential_stamp(password_hash: str) -> str:
    """A short fingerprint of the password hash, kept in the session: a new password (a reset,
    a purge) changes it, which signs the account out on every device."""
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:16]


PARTICIPANT_GROUPS = ("civil_servant", "worker", "student", "resident")
STAFF_ROLES = ("organiser", "admin", "liaison")
# Roles that may use the organiser console; a liaison sees only its own ward or organisation.
CONSOLE_ROLES = ("organiser", "admin")


class Participant(UserMixin, db.Model):
    __tablename__ = "participants"
    __table_args__ = (
        CheckConstraint(
            "grp IN ('civil_servant', 'worker', 'student', 'resident')", name="grp_known"
        ),
        CheckConstraint("birth_year BETWEEN 1900 AND 2100", name="birth_year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(16), unique=True)
    cccd: Mapped[str | None] = mapped_column(String(12), unique=True)
    birth_year: Mapped[int]
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    grp: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(256))
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    # Registered by staff for someone with no phone of their own: the number is a relative's
    # or a helper's, so calls about prizes reach them, not the participant.
    phone_of_helper: Mapped[bool] = mapped_column(default=False, server_default=false())
    is_organiser_staff: Mapped[bool] = mapped_column(default=False)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Bumped by logout, a password change or "sign out everywhere": older sessions and
    # remember cookies name the old value and are refused when the user is loaded.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    ward: Mapped[Ward] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    def get_id(self) -> str:
        return f"p:{self.id}:{credential_stamp(self.password_hash)}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<Participant {self.id}>"


class StaffUser(UserMixin, db.Model):
    __tablename__ = "staff_users"
    __table_args__ = (
        CheckConstraint("role IN ('organiser', 'admin', 'liaison')", name="role_known"),
        # A liaison is scoped to exactly one ward or one organisation; other staff to none.
        CheckConstraint(
            "(role = 'liaison' AND (ward_id IS NULL) <> (organisation_id IS NULL)) OR "
            "(role <> 'liaison' AND ward_id IS NULL AND organisation_id IS NULL)",
            name="liaison_scope",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)

    ward: Mapped[Ward | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    def get_id(self) -> str:
        return f"s:{self.id}:{credential_stamp(self.password_hash)}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<StaffUser {self.username}>"


class ApiToken(db.Model):
    """A bearer token of a participant's app or mini-app; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    participant: Mapped[Participant] = relationship()

    def __repr__(self) -> str:
        return f"<ApiToken {self.id}>"
