"""Personal data rules as tables: phone, CCCD, names, birth year, masking, sorting."""

import pytest

from quizapp.domain.people import (
    InvalidValue,
    check_birth_year,
    mask_phone,
    normalise_cccd,
    normalise_name,
    normalise_phone,
    printable_name,
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


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\u202eTrần Thị Bình", "Trần Thị Bình"),  # right-to-left override
        ("Trần\u200b Thị\u200c Bình\u200d", "Trần Thị Bình"),  # zero-width space, (non-)joiner
        ("\u2066Lê Văn\u2069 An\u200e\u200f", "Lê Văn An"),  # isolates, LRM, RLM
        ("\u202aNgô\u202b \u202c\u202dBảo\u061c", "Ngô Bảo"),  # embeddings, pop, ALM
        ("\ufeffHồ\u2060 Xuân Hương", "Hồ Xuân Hương"),  # BOM, word joiner
        ("Nguye\u200b\u0302\u0303n An", "Nguyễn An"),  # a mark split from its letter rejoins
    ],
    ids=repr,
)
def test_invisible_and_direction_characters_are_removed(raw: str, expected: str) -> None:
    assert normalise_name(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "\u202e\u202d\u200b",  # only invisible characters: a blank name on a certificate
        "\u200b \u2066 \u2069",
        "12345",
        "0912 345 678",
        "...",
        "- -",
        "1\u200b2",
        "A1",  # one letter
        "\u0302\u0303",  # combining marks only
    ],
    ids=repr,
)
def test_a_name_without_letters_is_refused(raw: str) -> None:
    with pytest.raises(InvalidValue, match=r"chữ cái|từ 2"):
        normalise_name(raw)


@pytest.mark.parametrize(
    ("stored", "printed"),
    [
        ("Trần Thị Bình", "Trần Thị Bình"),
        ("\u202eTrần Thị\u200b Bình", "Trần Thị Bình"),
        ("\u202e\u200b", "(Người dự thi số 7: họ tên không hợp lệ)"),
        ("", "(Người dự thi số 7: họ tên không hợp lệ)"),
        ("12345", "(Người dự thi số 7: họ tên không hợp lệ)"),
    ],
    ids=repr,
)
def test_a_stored_name_is_never_printed_blank(stored: str, printed: str) -> None:
    assert printable_name(stored, 7) == printed
