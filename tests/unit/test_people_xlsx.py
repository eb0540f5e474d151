"""The participants workbook: template, reading rows, and every row problem with its row."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from quizapp.formats import people_xlsx
from quizapp.formats.people_xlsx import (
    HEADERS,
    LIST_SHEET,
    MAX_ROWS,
    SHEET,
    Known,
    NewPerson,
    SheetRow,
    check_rows,
    numbers,
    plain,
    rows_from_xlsx,
    template_xlsx,
)
from tests.helpers import workbook

WARDS = [("hanh-thong", "Phường Hạnh Thông"), ("go-vap", "Phường Gò Vấp")]
ORGS = [("ubnd-go-vap", "Ủy ban nhân dân phường Gò Vấp", "go-vap")]
KNOWN = Known(
    wards={"hanh-thong": (1, "Phường Hạnh Thông"), "go-vap": (2, "Phường Gò Vấp")},
    organisations={"ubnd-go-vap": (7, "Ủy ban nhân dân phường Gò Vấp", "go-vap")},
    phones=frozenset({"0988000111"}),
    cccds=frozenset({"079000000111"}),
)
ROW = [
    "Trần Thị Bình",
    "0912 345 678",
    1985,
    "hanh-thong",
    "ubnd-go-vap",
    "Cán bộ, công chức, viên chức",
    "079185000001",
    "Có",
    None,
]


def _workbook(rows: list[list[object]], header: tuple[str, ...] = HEADERS) -> bytes:
    return workbook(SHEET, header, rows)


def _check(*rows: list[object]) -> tuple[list[NewPerson], list[str]]:
    found, problems = rows_from_xlsx(_workbook(list(rows)))
    assert problems == []
    return check_rows(found, KNOWN, current_year=2026, min_age=0, min_password=8)


def _with(**changes: object) -> list[object]:
    fields = ("name", "phone", "year", "ward", "org", "group", "cccd", "consent", "password")
    row = dict(zip(fields, ROW, strict=True)) | changes
    return [row[f] for f in fields]


def test_a_name_is_imported_without_its_invisible_characters() -> None:
    people, problems = _check(_with(name="\u202eTrần\u200b Thị Bình\u200f"))
    assert problems == [] and people[0].full_name == "Trần Thị Bình"


def test_a_valid_row_becomes_a_person() -> None:
    people, problems = _check(ROW)
    assert problems == []
    assert people == [
        NewPerson(
            row=2,
            full_name="Trần Thị Bình",
            phone="0912345678",
            birth_year=1985,
            ward_id=1,
            ward_name="Phường Hạnh Thông",
            organisation_id=7,
            organisation_name="Ủy ban nhân dân phường Gò Vấp",
            group="civil_servant",
            cccd="079185000001",
            password=None,
        )
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"phone": "0212 345 678"}, "Số điện thoại di động không hợp lệ"),
        ({"phone": None}, "Số điện thoại di động không hợp lệ"),
        ({"phone": "0988 000 111"}, "Số điện thoại 0988000111 đã được đăng ký"),
        ({"ward": "phuong-khong-co"}, "Mã phường «phuong-khong-co» không có trong danh mục."),
        ({"ward": None, "org": None}, "Thiếu mã phường."),
        ({"org": "don-vi-la"}, "Mã cơ quan, đơn vị «don-vi-la» không có trong danh mục."),
        ({"group": "Bộ đội"}, "Đối tượng phải là một trong: «Cán bộ, công chức, viên chức»"),
        ({"consent": "Không"}, "Chưa đồng ý xử lý dữ liệu cá nhân"),
        ({"consent": None}, "Chưa đồng ý xử lý dữ liệu cá nhân"),
        ({"cccd": "07918500"}, "Số CCCD phải gồm đúng 12 chữ số."),
        ({"cccd": "079000000111"}, "Số CCCD 079000000111 đã được đăng ký"),
        ({"year": "85"}, "Năm sinh phải là số có 4 chữ số"),
        ({"year": 1890}, "Năm sinh không hợp lệ (từ 1916 đến 2026)."),
        ({"year": None}, "Năm sinh phải là số có 4 chữ số"),
        ({"name": "A"}, "Họ và tên phải có từ 2 đến 120 ký tự."),
        ({"name": "12345"}, "Họ và tên phải có chữ cái"),
        ({"name": "\u202e\u200b\u2066\u2069\u200e"}, "Họ và tên phải có từ 2 đến 120 ký tự."),
        ({"password": "ngan"}, "Mật khẩu ban đầu phải có ít nhất 8 ký tự."),
    ],
)
def test_each_row_problem_names_its_row(changes: dict[str, object], message: str) -> None:
    other = _with(name="Lê Văn An", phone="0903 111 222", cccd=None)
    people, problems = _check(other, _with(**changes))
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{SHEET}!3: {message}")
    assert [p.row for p in people] == [2]


@pytest.mark.parametrize(
    ("second", "message"),
    [
        ({"phone": "+84 912 345 678", "cccd": None}, "Số điện thoại 0912345678 trùng với dòng 2"),
        ({"phone": "0903 111 222"}, "Số CCCD 079185000001 trùng với dòng 2"),
    ],
)
def test_a_number_used_twice_in_the_file_is_an_error_of_the_later_row(
    second: dict[str, object], message: str
) -> None:
    people, problems = _check(ROW, _with(name="Lê Văn An", **second))
    assert problems == [f"{SHEET}!3: {message} trong tệp."]
    assert [p.row for p in people] == [2]


def test_all_problems_of_a_row_are_listed() -> None:
    _, problems = _check(_with(phone="123", group="?", consent="Không"))
    assert [p.split(": ", 1)[0] for p in problems] == [f"{SHEET}!2"] * 3


def test_forgiving_forms_are_accepted() -> None:
    people, problems = _check(
        _with(
            phone=912345678,  # typed as a number: Excel dropped the leading zero
            cccd=79185000001,
            ward=None,  # the organisation's ward
            org="UBND-GO-VAP",
            group="nguoi lao dong",
            consent="co",
            password="matkhau-123",
            year=1985.0,
        )
    )
    assert problems == []
    person = people[0]
    assert (person.phone, person.cccd, person.ward_id, person.group) == (
        "0912345678",
        "079185000001",
        2,
        "worker",
    )
    assert (person.birth_year, person.password) == (1985, "matkhau-123")


def test_numbers_collects_well_formed_phones_and_cccds() -> None:
    rows = [
        SheetRow(2, {"phone": "0912 345 678", "cccd": ""}),
        SheetRow(3, {"phone": "sai", "cccd": "079185000001"}),
    ]
    assert numbers(rows) == ({"0912345678"}, {"079185000001"})


def test_plain_drops_diacritics() -> None:
    assert plain("  Nguyễn  ĐỨC Thắng ") == "nguyen duc thang"


# --- reading the workbook -------------------------------------------------------------------


def test_headers_may_carry_hints_and_come_in_any_order() -> None:
    header = (
        "Đối tượng",
        "Họ và tên",
        "SỐ ĐIỆN THOẠI",
        "Năm sinh",
        "Mã phường",
        "Đã đồng ý xử lý dữ liệu",
    )
    data = _workbook([["Người dân", "Lê Văn An", "0903111222", 1970, "go-vap", "Có"]], header)
    rows, problems = rows_from_xlsx(data)
    assert problems == []
    assert rows[0].row == 2
    assert rows[0].values["phone"] == "0903111222" and rows[0].values["org_code"] == ""


def test_a_missing_column_is_named() -> None:
    rows, problems = rows_from_xlsx(_workbook([ROW], HEADERS[:2]))
    assert rows == []
    assert f"{SHEET}!1: thiếu cột «Năm sinh» ở dòng tiêu đề" in problems
    assert f"{SHEET}!1: thiếu cột «Đã đồng ý xử lý dữ liệu» ở dòng tiêu đề" in problems


def test_blank_rows_are_skipped_and_rows_keep_their_numbers() -> None:
    rows, problems = rows_from_xlsx(_workbook([ROW, [None] * 9, ["", "  "], ROW]))
    assert problems == []
    assert [r.row for r in rows] == [2, 5]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a workbook", "không phải tệp Excel .xlsx hợp lệ"),
        (b"PK\x03\x04broken", "không phải tệp Excel .xlsx hợp lệ"),
        (_workbook([]), "chưa có người nào trong danh sách"),
    ],
)
def test_broken_or_empty_files_are_clean_errors(data: bytes, message: str) -> None:
    rows, problems = rows_from_xlsx(data)
    assert rows == [] and len(problems) == 1 and message in problems[0]


def test_a_zip_that_is_not_a_workbook_is_a_clean_error() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("hello.txt", "xin chào")
    rows, problems = rows_from_xlsx(out.getvalue())
    assert rows == [] and problems[0].startswith(f"{SHEET}!1: không đọc được tệp Excel")


def test_another_sheet_name_is_refused() -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    out = io.BytesIO()
    wb.save(out)
    assert rows_from_xlsx(out.getvalue()) == (
        [],
        [f"{SHEET}!1: không có trang «{SHEET}» trong tệp Excel"],
    )


def test_too_many_rows_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(people_xlsx, "MAX_ROWS", 3)
    rows, problems = rows_from_xlsx(_workbook([ROW] * 4))
    assert rows == []
    assert problems == [f"{SHEET}!5: quá nhiều dòng (tối đa 3 người mỗi tệp)"]
    assert MAX_ROWS == 150


# --- the template ---------------------------------------------------------------------------


def test_template_has_header_code_lists_and_drop_downs_and_no_rows() -> None:
    data = template_xlsx(WARDS, ORGS)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == [SHEET, LIST_SHEET]
    assert tuple(c.value for c in wb[SHEET][1]) == HEADERS
    assert HEADERS[0] == "Họ và tên" and HEADERS[-1].startswith("Mật khẩu ban đầu")
    lists = wb[LIST_SHEET]
    assert [(r[0].value, r[1].value) for r in lists.iter_rows(min_row=2, max_row=3)] == WARDS
    assert [c.value for c in lists[2][3:6]] == list(ORGS[0])
    assert [lists.cell(row=r, column=8).value for r in range(2, 6)][-1] == "Người dân"
    formulas = {dv.formula1 for dv in wb[SHEET].data_validations.dataValidation}
    assert f"'{LIST_SHEET}'!$A$2:$A$3" in formulas and '"Có,Không"' in formulas
    assert wb[SHEET]["B2"].number_format == "@"  # phones keep their leading zero
    assert rows_from_xlsx(data) == ([], [f"{SHEET}!2: chưa có người nào trong danh sách"])


def test_template_never_writes_a_formula_from_registry_names() -> None:
    risky = '=HYPERLINK("http://x","Bấm")'
    data = template_xlsx([("hanh-thong", risky)], [("don-vi", "@SUM(1+1)", "+hanh-thong")])
    lists = openpyxl.load_workbook(io.BytesIO(data))[LIST_SHEET]
    for cell in (lists["B2"], lists["E2"], lists["F2"]):
        assert cell.data_type == "s" and cell.quotePrefix
    assert lists["B2"].value == risky
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/"):
                xml = package.read(name)
                assert b"<f>" not in xml and b"<f " not in xml
