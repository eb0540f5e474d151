"""Staff accounts: creation and sign-in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import STAFF_ROLES, Organisation, StaffUser, Ward
from ..security import check_credentials, hash_password, upgrade_hash
from .errors import Conflict, ServiceError

MIN_PASSWORD_LENGTH = 10


def _scope(role: str, ward_code: str | None, organisation_code: str | None) -> dict[str, int]:
    """A liaison's one ward or organisation (by registry code); other roles take none."""
    if role != "liaison":
        if ward_code or organisation_code:
            raise ServiceError(
                "bad_scope", "Chỉ tài khoản phụ trách đơn vị mới gắn với phường/đơn vị."
            )
        return {}
    if bool(ward_code) == bool(organisation_code):
        raise ServiceError(
            "bad_scope", "Tài khoản phụ trách đơn vị cần đúng một phường hoặc một cơ quan, đơn vị."
        )
    model = Ward if ward_code else Organisation
    code = (ward_code or organisation_code or "").strip()
    found = db.session.scalar(db.select(model.id).where(model.code == code))
    if found is None:
        raise ServiceError("bad_scope", f"Không có mã «{code}» trong danh mục.")
    return {"ward_id": found} if ward_code else {"organisation_id": found}


def create_staff(
    username: str,
    password: str,
    role: str,
    full_name: str = "",
    ward_code: str | None = None,
    organisation_code: str | None = None,
) -> StaffUser:
    """Create an organiser, admin or liaison; the username is unique, the password long
    enough, and a liaison is scoped to exactly one ward or organisation of the registry."""
    username = username.strip().lower()
    if role not in STAFF_ROLES:
        raise ServiceError("bad_role", f"Vai trò không hợp lệ: {role}.")
    scope = _scope(role, ward_code, organisation_code)
    if not username:
        raise ServiceError("bad_username", "Tên đăng nhập không được để trống.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            "weak_password", f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự."
        )
    staff = StaffUser(
        username=username,
        full_name=full_name.strip() or username,
        role=role,
        password_hash=hash_password(password),
        **scope,
    )
    try:
        with db.session.begin_nested():
            db.session.add(staff)
    except IntegrityError as exc:
        raise Conflict("username_taken", f"Tên đăng nhập “{username}” đã tồn tại.") from exc
    return staff


def find_staff(username: str) -> StaffUser | None:
    return db.session.scalar(
        db.select(StaffUser).where(StaffUser.username == username.strip().lower())
    )


def authenticate_staff(username: str, password: str, now: datetime) -> StaffUser | None:
    """The active staff user with these credentials, or None (same answer for every failure)."""
    staff = find_staff(username)
    if staff is not None and not staff.active:
        staff = None
    # One hash check whatever the account: its own, else a dummy one (no timing oracle).
    if not check_credentials(staff and staff.password_hash, password) or staff is None:
        return None
    upgrade_hash(staff, password)
    staff.last_login_at = now
    return staff
