"""Personal data rules as tables: phone, CCCD, names, birth year, masking, sorting."""

import pytest

from quizapp.domain.people import (
    InvalidValue,
    check_birth_year,
    mask_phone,
    normalise_cccd,
    normalise_name,
    normalise_phone,
)
from quizapp.domain.vnsort import name_key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0351234567", "0351234567"),
        ("0701234567", "0701234567"),
        ("0861234567", "0861234567"),
    ],
)
def test_phone_forms_are_normalised(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "091234567",
        "09123456789",
        "0212345678",
        "0112345678",
        "abc0912345678",
        "+85912345678",
        "1912345678",
    ],
)
def test_bad_phones_are_refused(raw: str) -> None:
    with pytest.raises(InvalidValue, match="Số điện thoại"):
        normalise_phone(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", None),
        (None, None),
        ("079090001234", "079090001234"),
        ("079 090 001 234", "079090001234"),
    ],
)
def test_cccd_optional_and_normalised(raw: str | None, expected: str | None) -> None:
    assert normalise_cccd(raw) == expected


@pytest.mark.parametrize("raw", ["12345678901", "1234567890123", "07909000123a"])
def test_bad_cccd_is_refused(raw: str) -> None:
    with pytest.raises(InvalidValue, match="12 chữ số"):
        normalise_cccd(raw)


def test_names_are_trimmed_collapsed_and_nfc() -> None:
    decomposed = "Nguye\u0302\u0303n  Va\u0306n   An "
    assert normalise_name(decomposed) == "Nguyễn Văn An"


@pytest.mark.parametrize("raw", ["", " ", "A", "x" * 121, "Tên\x00lạ"])
def test_bad_names_are_refused(raw: str) -> None:
    with pytest.raises(InvalidValue):
        normalise_name(raw)


@pytest.mark.parametrize(
    ("year", "ok"), [(1916, True), (1915, False), (2012, True), (2013, False), (2026, False)]
)
def test_birth_year_range(year: int, ok: bool) -> None:
    if ok:
        assert check_birth_year(year, current_year=2026, min_age=14) == year
    else:
        with pytest.raises(InvalidValue):
            check_birth_year(year, current_year=2026, min_age=14)


def test_phone_mask_keeps_only_prefix_and_last_three() -> None:
    assert mask_phone("0912345123") == "09xx xxx 123"


def test_vietnamese_name_order() -> None:
    names = [
        "Trần Thị Ánh",
        "Lê Văn Bình",
        "Nguyễn Văn An",
        "Phạm Thị Ân",
        "Đỗ Văn Dũng",
        "Võ Thị Ăn",
        "Hồ Văn Đạt",
        "Lý Văn Á",
        "Ngô Văn Ả",
    ]
    ordered = sorted(names, key=name_key)
    assert [n.split()[-1] for n in ordered] == [
        "Ả",
        "Á",
        "An",
        "Ánh",
        "Ăn",
        "Ân",
        "Bình",
        "Dũng",
        "Đạt",
    ]


def test_same_given_name_orders_by_family_name() -> None:
    names = ["Trần Văn An", "Bùi Văn An", "Đặng Văn An", "Dương Văn An"]
    assert sorted(names, key=name_key) == [
        "Bùi Văn An",
        "Dương Văn An",
        "Đặng Văn An",
        "Trần Văn An",
    ]
