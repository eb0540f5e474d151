"""Participant accounts: registration (self or assisted), sign-in, password reset."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from ..domain import people
from ..extensions import db
from ..models import PARTICIPANT_GROUPS, Organisation, Participant, StaffUser, Ward
from ..security import check_credentials, hash_password, upgrade_hash
from . import api_tokens, audit
from .errors import Conflict, NotFound, ServiceError
from .sessions import end_sessions

MIN_PASSWORD_LENGTH = 8
MIN_AGE = 10  # the youngest a contest on a law takes part: a pupil of about ten (lớp 5)
# The order of the registration form, for listing its problems.
FIELD_ORDER = (
    "full_name",
    "phone",
    "password",
    "birth_year",
    "ward_id",
    "group",
    "organisation_id",
    "cccd",
    "consent",
)


@dataclass(frozen=True)
class Registration:
    """What a person types in to register (raw; the service normalises and checks it)."""

    full_name: str
    phone: str
    password: str
    birth_year: int | None
    ward_id: int | None
    group: str
    organisation_id: int | None = None
    cccd: str | None = None
    consent: bool = False


def _invalid(field: str, message: str) -> ServiceError:
    return ServiceError("invalid", message, field=field)


class InvalidRegistration(ServiceError):
    """Every problem of a registration at once: field → Vietnamese message, in form order.

    `field` and `message` are the first problem's, for callers that show only one; `fields`
    lists them all as the API's error body does."""

    def __init__(self, problems: dict[str, str]) -> None:
        field, message = next(iter(problems.items()))
        super().__init__("invalid", message, field=field)
        self.problems = problems
        self.fields = [{"field": f, "code": "invalid", "message": m} for f, m in problems.items()]


def _values(data: Registration, now: datetime) -> tuple[dict[str, object], dict[str, str]]:
    """The normalised column values, and a message for each field to correct (all of them).

    A value left out (None, empty) is a problem of its own; a caller whose form already said
    so keeps its own message for that field."""
    checks = {
        "full_name": lambda: people.normalise_name(data.full_name),
        "phone": lambda: people.normalise_phone(data.phone),
        "password": lambda: _check_password(data.password),
        "birth_year": lambda: _check_birth_year(data.birth_year, now),
        "cccd": lambda: people.normalise_cccd(data.cccd),
    }
    values: dict[str, object] = {}
    problems: dict[str, str] = {}
    for field, check in checks.items():
        try:
            values[field] = check()
        except people.InvalidValue as exc:
            problems[field] = str(exc)
    if db.session.get(Ward, data.ward_id or 0) is None:
        problems["ward_id"] = "Vui lòng chọn phường trong danh sách."
    if data.group not in PARTICIPANT_GROUPS:
        problems["group"] = "Vui lòng chọn đối tượng tham gia."
    if data.organisation_id and db.session.get(Organisation, data.organisation_id) is None:
        problems["organisation_id"] = "Cơ quan, đơn vị không có trong danh sách."
    if not data.consent:
        problems["consent"] = "Bạn cần đồng ý với việc xử lý dữ liệu cá nhân để đăng ký."
    return values, problems


def _in_form_order(problems: dict[str, str]) -> dict[str, str]:
    return {f: problems[f] for f in FIELD_ORDER if f in problems}


def _check_password(password: str | None) -> str:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise people.InvalidValue(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    return password or ""


def _check_birth_year(year: int | None, now: datetime) -> int:
    if year is None:
        raise people.InvalidValue("Vui lòng nhập năm sinh (4 chữ số).")
    return people.check_birth_year(year, now.year, MIN_AGE)


def _taken(phone: object, cccd: object) -> dict[str, str]:
    """Phone and CCCD already registered, told in the same pass as the other problems (the
    database's unique constraints still decide when two registrations race)."""
    problems = {}
    if phone and db.session.scalar(db.select(Participant.id).where(Participant.phone == phone)):
        problems["phone"] = "Số điện thoại này đã được đăng ký. Hãy đăng nhập."
    if cccd and db.session.scalar(db.select(Participant.id).where(Participant.cccd == cccd)):
        problems["cccd"] = "Số CCCD này đã được đăng ký cho một tài khoản khác."
    return problems


def registration_problems(data: Registration, now: datetime) -> dict[str, str]:
    """Every field of a registration to correct (field → message); empty when it can go in."""
    values, problems = _values(data, now)
    return _in_form_order(problems | _taken(values.get("phone"), values.get("cccd")))


def _duplicate_message(phone: str, cccd: str | None) -> Conflict:
    taken = _taken(phone, cccd)
    for field, code in (("phone", "phone_taken"), ("cccd", "cccd_taken")):
        if field in taken:
            return Conflict(code, taken[field], field=field)
    return Conflict("duplicate", "Thông tin đăng ký trùng với một tài khoản đã có.")


def register(data: Registration, now: datetime, staff: StaffUser | None = None) -> Participant:
    """Create a participant, or refuse with every problem at once (InvalidRegistration), or a
    Conflict when the phone or CCCD alone is taken; a duplicate that slips past the check is
    refused by the database's constraints."""
    values, problems = _values(data, now)
    taken = _taken(values.get("phone"), values.get("cccd"))
    if problems:
        raise InvalidRegistration(_in_form_order(problems | taken))
    if taken:
        raise _duplicate_message(str(values["phone"]), values["cccd"])  # type: ignore[arg-type]
    values.pop("password")
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
        normalised = None
    participant = None
    if normalised is not None:
        participant = db.session.scalar(
            db.select(Participant).where(Participant.phone == normalised)
        )
    if participant is not None and participant.purged_at is not None:
        participant = None
    # One hash check whatever the account: its own, else a dummy one (no timing oracle).
    if not check_credentials(participant and participant.password_hash, password) or (
        participant is None
    ):
        return None
    upgrade_hash(participant, password)
    return participant


def sign_out_everywhere_by_staff(
    staff: StaffUser, participant_id: int, reason: str, now: datetime
) -> int:
    """An organiser ends every session and token of a participant (a lost phone, a shared
    account), audit-logged with the reason."""
    participant = db.session.get(Participant, participant_id)
    if participant is None:
        raise NotFound("not_found", "Không tìm thấy người dự thi.")
    if not reason.strip():
        raise ServiceError("reason_required", "Vui lòng ghi lý do.", field="reason")
    revoked = sign_out_everywhere(participant, now)
    audit.record(staff, "participant.sign_out_everywhere", participant, reason=reason.strip())
    return revoked


def sign_out_everywhere(participant: Participant, now: datetime) -> int:
    """End every session of the account (their stored version no longer matches) and revoke
    every API token; how many tokens were revoked."""
    end_sessions(participant)
    return api_tokens.revoke_all([participant.id], now)


def reset_password(
    staff: StaffUser, participant_id: int, new_password: str, reason: str, now: datetime
) -> None:
    """An organiser sets a new password for a participant (audit-logged with the reason); the
    old password's sessions end (their stamp no longer matches) and every API token is revoked.
    """
    participant = db.session.get(Participant, participant_id)
    if participant is None:
        raise NotFound("not_found", "Không tìm thấy người dự thi.")
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise _invalid("password", f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    participant.password_hash = hash_password(new_password)
    sign_out_everywhere(participant, now)
    audit.record(staff, "participant.reset_password", participant, reason=reason)
