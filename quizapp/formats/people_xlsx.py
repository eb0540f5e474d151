"""Participants as an Excel workbook: the import template, reading rows, checking each row."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..domain import people
from ..domain.bank_checks import fold
from ..domain.formatting import format_number
from ..domain.people import GROUP_LABELS

# The guard, the package checks and the cell-to-text rules are the bank workbook's: one copy.
from .bank_xlsx import _header, _is_blank, _text
from .sheets import Refusal, first_sheet, read_uploaded_sheet, safe_cell

if TYPE_CHECKING:  # openpyxl is loaded when a workbook is built (≈ 20 MB a process)
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

SHEET = "Người dự thi"
LIST_SHEET = "Danh mục"
YES, NO = "Có", "Không"
# (header, field, column width); text in parentheses is a hint, ignored when reading headers.
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("Họ và tên", "full_name", 28),
    ("Số điện thoại", "phone", 16),
    ("Năm sinh", "birth_year", 10),
    ("Mã phường", "ward_code", 18),
    ("Mã cơ quan, đơn vị", "org_code", 22),
    ("Đối tượng", "group", 30),
    ("CCCD", "cccd", 16),
    (f"Đã đồng ý xử lý dữ liệu ({YES}/{NO})", "consent", 16),
    ("Mật khẩu ban đầu (để trống: tạo tự động)", "password", 22),
)
HEADERS = tuple(header for header, _, _ in COLUMNS)
REQUIRED = ("full_name", "phone", "birth_year", "ward_code", "group", "consent")
# Typed as text in the template, so Excel keeps leading zeros and long digit strings.
TEXT_FIELDS = ("phone", "ward_code", "org_code", "cccd", "password")
# Each account costs one scrypt hash (~0.1 s) at confirm time: keep one import well inside
# gunicorn's 30 s timeout. Larger lists go in several files.
MAX_ROWS = 150
MAX_PASSWORD_LENGTH = 200
MAX_COLUMNS = 50
TEMPLATE_ROWS = MAX_ROWS

_HINT = re.compile(r"\([^)]*\)")
_FIELDS = {fold(_HINT.sub("", header)): field for header, field, _ in COLUMNS}


@dataclass(frozen=True)
class SheetRow:
    """One non-empty row: its number in the sheet and each field as trimmed text ("" if empty)."""

    row: int
    values: dict[str, str]


def problem(row: int, message: str) -> str:
    """A problem located the way Excel names a row: «Người dự thi!<row>: <message>»."""
    return f"{SHEET}!{row}: {message}"


# --- the template ---------------------------------------------------------------------------


def _column(field: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(next(i for i, (_, f, _) in enumerate(COLUMNS, 1) if f == field))


def _list_sheet(
    wb: Workbook, wards: Sequence[tuple[str, str]], orgs: Sequence[tuple[str, str, str]]
) -> dict[str, str]:
    """Ward codes (A:B), organisation codes (D:F) and groups (H); the ranges for drop-downs."""
    ws = wb.create_sheet(LIST_SHEET)
    headers = ("Mã phường", "Tên phường", "", "Mã cơ quan, đơn vị", "Tên cơ quan, đơn vị")
    _header(ws, (*headers, "Thuộc phường", "", "Đối tượng"), (18, 32, 3, 22, 48, 18, 3, 30))
    blocks = ((1, wards), (4, orgs), (8, [(label,) for label in GROUP_LABELS.values()]))
    for first_col, rows in blocks:
        for row, values in enumerate(rows, start=2):
            for offset, value in enumerate(values):
                safe_cell(ws.cell(row=row, column=first_col + offset), value)
    sheet = f"'{LIST_SHEET}'!"
    return {
        "ward_code": f"{sheet}$A$2:$A${max(len(wards) + 1, 2)}",
        "org_code": f"{sheet}$D$2:$D${max(len(orgs) + 1, 2)}",
        "group": f"{sheet}$H$2:$H${len(GROUP_LABELS) + 1}",
        "consent": f'"{YES},{NO}"',
    }


def _people_sheet(ws: Worksheet, lists: dict[str, str]) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    ws.title = SHEET
    _header(ws, HEADERS, [width for _, _, width in COLUMNS])
    for field in TEXT_FIELDS:
        column = _column(field)
        for row in range(2, TEMPLATE_ROWS + 2):
            ws[f"{column}{row}"].number_format = "@"
    for field, formula in lists.items():
        # Codes may be typed by hand too (the list is a help), so a mismatch only warns.
        validation = DataValidation(
            type="list", formula1=formula, allow_blank=True, errorStyle="warning"
        )
        column = _column(field)
        validation.add(f"{column}2:{column}{TEMPLATE_ROWS + 1}")
        ws.add_data_validation(validation)


def template_xlsx(
    wards: Sequence[tuple[str, str]], organisations: Sequence[tuple[str, str, str]]
) -> bytes:
    """An empty «Người dự thi» sheet with drop-downs, and the lists of codes beside it.

    wards are (code, name); organisations are (code, name, ward code).
    """
    from openpyxl.workbook.workbook import Workbook

    wb = Workbook()
    lists = _list_sheet(wb, wards, organisations)
    _people_sheet(first_sheet(wb), lists)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- reading --------------------------------------------------------------------------------


def _whole_number(value: object) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return None


def _cell_text(field: str, value: object) -> str:
    """A cell as text; numbers typed into the phone or CCCD column get their leading 0 back."""
    digits = _whole_number(value)
    if digits is not None and (field, len(digits)) in (("phone", 9), ("cccd", 11)):
        return "0" + digits
    text = _text(value)
    return "" if text is None else str(text).strip()


def _columns(header: Sequence[object]) -> tuple[dict[str, int], list[str]]:
    """Field → column index from the header row; every required column must be there."""
    columns: dict[str, int] = {}
    for index, value in enumerate(header):
        field = _FIELDS.get(fold(_HINT.sub("", str(value)))) if value is not None else None
        if field is not None:
            columns.setdefault(field, index)
    labels = {field: _HINT.sub("", header).strip() for header, field, _ in COLUMNS}
    missing = [labels[f] for f in REQUIRED if f not in columns]
    return columns, [problem(1, f"thiếu cột «{label}» ở dòng tiêu đề") for label in missing]


def _values(values: Sequence[object], columns: dict[str, int]) -> dict[str, str]:
    return {
        field: _cell_text(field, values[i] if i < len(values) else None)
        for field, i in columns.items()
    } | {field: "" for _, field, _ in COLUMNS if field not in columns}


def _read_sheet(ws: Worksheet) -> tuple[list[SheetRow], list[str]]:
    rows: Iterator[tuple[int, Sequence[object]]] = enumerate(
        ws.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1
    )
    first = next(rows, None)
    if first is None or _is_blank(first[1]):
        return [], [problem(1, f"trang «{SHEET}» không có dòng tiêu đề")]
    columns, problems = _columns(first[1])
    if problems:
        return [], problems
    found: list[SheetRow] = []
    for row, values in rows:
        if row > MAX_ROWS + 1:
            return [], [
                problem(row, f"quá nhiều dòng (tối đa {format_number(MAX_ROWS)} người mỗi tệp)")
            ]
        if not _is_blank(values):
            found.append(SheetRow(row, _values(values, columns)))
    if not found:
        return [], [problem(2, "chưa có người nào trong danh sách")]
    return found, []


def rows_from_xlsx(data: bytes) -> tuple[list[SheetRow], list[str]]:
    """The non-empty rows of the «Người dự thi» sheet, or the problems that stop reading it."""
    outcome = read_uploaded_sheet(data, SHEET, _read_sheet)
    if isinstance(outcome, Refusal):
        return [], [problem(outcome.row, outcome.message)]
    return outcome


# --- checking rows --------------------------------------------------------------------------


@dataclass(frozen=True)
class Known:
    """What rows are checked against: registry codes, and numbers already registered."""

    wards: dict[str, tuple[int, str]]  # code → (id, name)
    organisations: dict[str, tuple[int, str, str]]  # code → (id, name, ward code)
    phones: frozenset[str]
    cccds: frozenset[str]


@dataclass(frozen=True)
class NewPerson:
    """A valid row: who the import creates (password None: one is generated)."""

    row: int
    full_name: str
    phone: str
    birth_year: int
    ward_id: int
    ward_name: str
    organisation_id: int | None
    organisation_name: str | None
    group: str
    cccd: str | None
    password: str | None


def plain(text: str) -> str:
    """Lower case without diacritics ("Nguyễn Đức" → "nguyen duc"), for text typed without marks."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return fold("".join(c for c in decomposed if not unicodedata.combining(c)))


def numbers(rows: Sequence[SheetRow]) -> tuple[set[str], set[str]]:
    """The well-formed phones and CCCDs of the rows (to ask the database which are taken)."""
    phones: set[str] = set()
    cccds: set[str] = set()
    for r in rows:
        for found, check, name in (
            (phones, people.normalise_phone, "phone"),
            (cccds, people.normalise_cccd, "cccd"),
        ):
            try:
                value = check(r.values[name])
            except people.InvalidValue:
                continue
            if value:
                found.add(value)
    return phones, cccds


def _group(label: str) -> str | None:
    wanted = plain(label)
    return next((key for key, text in GROUP_LABELS.items() if plain(text) == wanted), None)


def _year(text: str) -> int:
    if not re.fullmatch(r"\d{4}", text):
        raise people.InvalidValue("Năm sinh phải là số có 4 chữ số (ví dụ 1985).")
    return int(text)


def _personal(
    values: dict[str, str], current_year: int, min_age: int
) -> tuple[dict[str, object], list[str]]:
    """Name, phone, CCCD and birth year by the rules of registration; one message per field."""
    checks: dict[str, Callable[[], object]] = {
        "full_name": lambda: people.normalise_name(values["full_name"]),
        "phone": lambda: people.normalise_phone(values["phone"]),
        "cccd": lambda: people.normalise_cccd(values["cccd"]),
        "birth_year": lambda: people.check_birth_year(
            _year(values["birth_year"]), current_year, min_age
        ),
    }
    found: dict[str, object] = {}
    messages: list[str] = []
    for name, check in checks.items():
        try:
            found[name] = check()
        except people.InvalidValue as exc:
            messages.append(str(exc))
    return found, messages


def _registry(values: dict[str, str], known: Known) -> tuple[dict[str, object], list[str]]:
    """Ward and organisation by code; an empty ward code means the organisation's ward."""
    messages: list[str] = []
    org_code, ward_code = values["org_code"].lower(), values["ward_code"].lower()
    org = known.organisations.get(org_code) if org_code else None
    if org_code and org is None:
        messages.append(f"Mã cơ quan, đơn vị «{values['org_code']}» không có trong danh mục.")
    ward_code = ward_code or (org[2] if org else "")
    ward = known.wards.get(ward_code) if ward_code else None
    if ward is None:
        messages.append(
            f"Mã phường «{values['ward_code']}» không có trong danh mục."
            if ward_code
            else "Thiếu mã phường."
        )
    found = {
        "ward_id": ward[0] if ward else 0,
        "ward_name": ward[1] if ward else "",
        "organisation_id": org[0] if org else None,
        "organisation_name": org[1] if org else None,
    }
    return found, messages


def _choices(values: dict[str, str], min_password: int) -> tuple[dict[str, object], list[str]]:
    """Group, consent (must be «Có») and the optional initial password."""
    messages: list[str] = []
    group = _group(values["group"])
    if group is None:
        labels = "; ".join(f"«{label}»" for label in GROUP_LABELS.values())
        messages.append(f"Đối tượng phải là một trong: {labels}.")
    if plain(values["consent"]) != plain(YES):
        messages.append(f"Chưa đồng ý xử lý dữ liệu cá nhân (cột này phải ghi «{YES}»).")
    password = values["password"] or None
    if password is not None and not min_password <= len(password) <= MAX_PASSWORD_LENGTH:
        messages.append(f"Mật khẩu ban đầu phải có ít nhất {min_password} ký tự.")
    return {"group": group, "password": password}, messages


def _duplicates(
    found: dict[str, object], row: int, known: Known, seen: dict[str, dict[str, int]]
) -> list[str]:
    """A phone or CCCD already registered, or already used by an earlier row of the file."""
    messages: list[str] = []
    checks = (("phone", known.phones, "Số điện thoại"), ("cccd", known.cccds, "Số CCCD"))
    for name, taken, label in checks:
        value = found.get(name)
        if not isinstance(value, str):
            continue
        if value in taken:
            messages.append(f"{label} {value} đã được đăng ký cho một người dự thi khác.")
        elif value in seen[name]:
            messages.append(f"{label} {value} trùng với dòng {seen[name][value]} trong tệp.")
        else:
            seen[name][value] = row
    return messages


def check_rows(
    rows: Sequence[SheetRow], known: Known, current_year: int, min_age: int, min_password: int
) -> tuple[list[NewPerson], list[str]]:
    """The people to create, and every problem of every row as «Người dự thi!<row>: …».

    The rules are those of registration; a phone or CCCD is refused when registered already
    or when an earlier row of the file has it.
    """
    found: list[NewPerson] = []
    problems: list[str] = []
    seen: dict[str, dict[str, int]] = {"phone": {}, "cccd": {}}
    for r in rows:
        personal, messages = _personal(r.values, current_year, min_age)
        registry, more = _registry(r.values, known)
        choices, most = _choices(r.values, min_password)
        messages += more + most + _duplicates(personal, r.row, known, seen)
        if messages:
            problems += [problem(r.row, message) for message in messages]
        else:
            found.append(NewPerson(row=r.row, **personal, **registry, **choices))  # type: ignore[arg-type]
    return found, problems
