"""Participant accounts: registration (self or assisted), sign-in, password reset."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from ..domain import people
from ..extensions import db
from ..models import PARTICIPANT_GROUPS, Organisation, Participant, StaffUser, Ward
from ..security import hash_password, upgrade_hash, verify_password
from . import audit
from .errors import Conflict, NotFound, ServiceError

MIN_PASSWORD_LENGTH = 8
MIN_AGE = 0


@dataclass(frozen=True)
class Registration:
    """What a person types in to register (raw; the service normalises and checks it)."""

    full_name: str
    phone: str
    password: str
    birth_year: int
    ward_id: int
    group: str
    organisation_id: int | None = None
    cccd: str | None = None
    consent: bool = False


def _invalid(field: str, message: str) -> ServiceError:
    return ServiceError("invalid", message, field=field)


def _check(data: Registration, now: datetime) -> dict[str, object]:
    """Normalised column values, or a ServiceError naming the field to correct."""
    checks = {
        "full_name": lambda: people.normalise_name(data.full_name),
        "phone": lambda: people.normalise_phone(data.phone),
        "cccd": lambda: people.normalise_cccd(data.cccd),
        "birth_year": lambda: people.check_birth_year(data.birth_year, now.year, MIN_AGE),
    }
    values: dict[str, object] = {}
    for field, check in checks.items():
        try:
            values[field] = check()
        except people.InvalidValue as exc:
            raise _invalid(field, str(exc)) from exc
    if not data.consent:
        raise _invalid("consent", "Bạn cần đồng ý với việc xử lý dữ liệu cá nhân để đăng ký.")
    if len(data.password) < MIN_PASSWORD_LENGTH:
        raise _invalid("password", f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    if data.group not in PARTICIPANT_GROUPS:
        raise _invalid("group", "Vui lòng chọn đối tượng tham gia.")
    if db.session.get(Ward, data.ward_id) is None:
        raise _invalid("ward_id", "Vui lòng chọn phường trong danh sách.")
    if data.organisation_id and db.session.get(Organisation, data.organisation_id) is None:
        raise _invalid("organisation_id", "Cơ quan, đơn vị không có trong danh sách.")
    return values


def _duplicate_message(phone: str, cccd: str | None) -> Conflict:
    if db.session.scalar(db.select(Participant.id).where(Participant.phone == phone)):
        return Conflict("phone_taken", "Số điện thoại này đã được đăng ký. Hãy đăng nhập.")
    if cccd and db.session.scalar(db.select(Participant.id).where(Participant.cccd == cccd)):
        return Conflict("cccd_taken", "Số CCCD này đã được đăng ký cho một tài khoản khác.")
    return Conflict("duplicate", "Thông tin đăng ký trùng với một tài khoản đã có.")


def register(data: Registration, now: datetime, staff: StaffUser | None = None) -> Participant:
    """Create a participant; a duplicate phone or CCCD is refused by the database's constraints."""
    values = _check(data, now)
    participant = Participant(
        **values,
        ward_id=data.ward_id,
        organisation_id=data.organisation_id or None,
        grp=data.group,
        password_hash=hash_password(data.password),
        consent_at=now,
        registered_by_id=staff.id if staff else None,
        created_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(participant)
    except IntegrityError as exc:
        raise _duplicate_message(str(values["phone"]), values["cccd"]) from exc  # type: ignore[arg-type]
    if staff is not None:
        audit.record(staff, "participant.register_assisted", participant)
    return participant


def authenticate(phone: str, password: str) -> Participant | None:
    """The participant with this phone and password, or None (one answer for every failure)."""
    try:
        normalised = people.normalise_phone(phone)
    except people.InvalidValue:
        return None
    participant = db.session.scalar(db.select(Participant).where(Participant.phone == normalised))
    if participant is None or participant.purged_at is not None:
        return None
    if not verify_password(participant.password_hash, password):
        return None
    upgrade_hash(participant, password)
    return participant


def reset_password(staff: StaffUser, participant_id: int, new_password: str, reason: str) -> None:
    """An organiser sets a new password for a participant (audit-logged with the reason)."""
    participant = db.session.get(Participant, participant_id)
    if participant is None:
        raise NotFound("not_found", "Không tìm thấy người dự thi.")
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise _invalid("password", f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    participant.password_hash = hash_password(new_password)
    audit.record(staff, "participant.reset_password", participant, reason=reason)
