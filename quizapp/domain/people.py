"""Rules for participants' personal data: phone, CCCD, names, birth year, masking."""

from __future__ import annotations

import re
import unicodedata

# Vietnamese mobile numbers: 10 digits, 0 then a mobile prefix digit (3, 5, 7, 8 or 9).
_MOBILE = re.compile(r"0[35789]\d{8}")
_SEPARATORS = re.compile(r"[\s.\-()]")
_CCCD = re.compile(r"\d{12}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Invisible characters that print nothing, or turn a name around on a certificate: the
# bidirectional marks, embeddings, overrides and isolates (U+200E/F, U+202A–202E, U+2066–2069,
# U+061C) and the zero-width ones (space, non-joiner, joiner, word joiner, BOM, soft hyphen…).
INVISIBLE = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u061c\u180e\ufeff\u00ad]"
)
GROUP_LABELS = {
    "civil_servant": "Cán bộ, công chức, viên chức",
    "worker": "Người lao động",
    "student": "Học sinh, sinh viên",
    "resident": "Người dân",
}
MIN_NAME_LENGTH = 2
MAX_NAME_LENGTH = 120


class InvalidValue(ValueError):
    """A value the participant must correct; the message is Vietnamese and says how."""


def normalise_phone(raw: str) -> str:
    """0912345678 from 0912 345 678, +84 912 345 678 or 84912345678; refuse anything else."""
    digits = _SEPARATORS.sub("", raw or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not _MOBILE.fullmatch(digits):
        raise InvalidValue(
            "Số điện thoại di động không hợp lệ "
            "(10 chữ số, ví dụ 0912 345 678 hoặc +84 912 345 678)."
        )
    return digits


def normalise_cccd(raw: str | None) -> str | None:
    """None when empty; otherwise exactly 12 digits (spaces allowed in between)."""
    value = _SEPARATORS.sub("", raw or "")
    if not value:
        return None
    if not _CCCD.fullmatch(value):
        raise InvalidValue("Số CCCD phải gồm đúng 12 chữ số.")
    return value


def normalise_name(raw: str) -> str:
    """A name fit to print: NFC, invisible and direction-control characters removed, trimmed,
    inner spaces collapsed; no control characters; 2–120 characters, at least two of them
    letters ("12345" or a name of invisible characters only is refused)."""
    visible = INVISIBLE.sub("", unicodedata.normalize("NFC", raw or ""))
    name = " ".join(unicodedata.normalize("NFC", visible).split())
    if _CONTROL.search(name):
        raise InvalidValue("Họ và tên có ký tự không hợp lệ.")
    if not MIN_NAME_LENGTH <= len(name) <= MAX_NAME_LENGTH:
        raise InvalidValue(f"Họ và tên phải có từ {MIN_NAME_LENGTH} đến {MAX_NAME_LENGTH} ký tự.")
    if sum(unicodedata.category(c).startswith("L") for c in name) < MIN_NAME_LENGTH:
        raise InvalidValue("Họ và tên phải có chữ cái (không chỉ gồm chữ số, dấu hay ký tự ẩn).")
    return name


def printable_name(name: str, participant_id: int) -> str:
    """A stored name as a list or certificate may print it: its invisible characters removed,
    and never blank (a name stored before the rule above is named by its participant number)."""
    visible = " ".join(INVISIBLE.sub("", name or "").split())
    if any(unicodedata.category(c).startswith("L") for c in visible):
        return visible
    return f"(Người dự thi số {participant_id}: họ tên không hợp lệ)"


def check_birth_year(year: int, current_year: int, min_age: int = 0) -> int:
    """A plausible birth year: at most 110 years ago and at least `min_age` years ago."""
    if not current_year - 110 <= year <= current_year - min_age:
        raise InvalidValue(
            f"Năm sinh không hợp lệ (từ {current_year - 110} đến {current_year - min_age})."
        )
    return year


def mask_phone(phone: str) -> str:
    """09xx xxx 123: enough to recognise oneself, not enough to call."""
    if len(phone) < 5:
        return "xxx"
    return f"{phone[:2]}xx xxx {phone[-3:]}"
