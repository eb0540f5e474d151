"""The ward/organisation registry file: shipped files, every error with its exact line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.domain.registry import ORG_KINDS, OrgSpec, Registry, WardSpec, parse_registry

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "registry"

VALID = """\
title: Thử
wards:
  - code: p-1
    name: Phường Một
  - code: p-2
    name: Phường Hai
organisations:
  - code: dv-1
    name: Đơn vị một
    kind: school
    ward: p-1
"""


def _parse(text: str) -> tuple[Registry | None, list[str]]:
    return parse_registry(text.encode("utf-8"), "r.yaml")


def test_current_go_vap_registry_has_the_six_new_wards() -> None:
    registry, errors = parse_registry((ROOT / "registry/go-vap-2025.yaml").read_bytes(), "f")
    assert errors == []
    assert registry is not None
    assert [w.name for w in registry.wards] == [
        "Phường Hạnh Thông",
        "Phường An Nhơn",
        "Phường Gò Vấp",
        "Phường Thông Tây Hội",
        "Phường An Hội Tây",
        "Phường An Hội Đông",
    ]
    orgs = registry.organisations
    assert 12 <= len(orgs) <= 20
    assert all(o.sample for o in orgs)
    committees = {o.ward_code for o in orgs if o.kind == "ward_committee"}
    assert committees == {w.code for w in registry.wards}
    assert {"school", "public_service", "party_mass", "enterprise"} <= {o.kind for o in orgs}
    assert all(o.headcount and o.headcount > 0 for o in orgs)


def test_2023_go_vap_registry_has_sixteen_wards_and_no_phuong_2() -> None:
    registry, errors = parse_registry((ROOT / "registry/go-vap-2023.yaml").read_bytes(), "f")
    assert errors == []
    assert registry is not None
    numbers = [1, *range(3, 18)]
    assert [w.code for w in registry.wards] == [f"phuong-{n:02d}" for n in numbers]
    assert [w.name for w in registry.wards] == [f"Phường {n}" for n in numbers]
    assert registry.organisations == []


def test_valid_fixture_parses_to_specs() -> None:
    registry, errors = parse_registry((DATA / "valid.yaml").read_bytes(), "valid.yaml")
    assert errors == []
    assert registry == Registry(
        title="Danh mục thử nghiệm",
        wards=[WardSpec("p-1", "Phường Một", 3), WardSpec("p-2", "Phường Hai", 5)],
        organisations=[
            OrgSpec("dv-1", "Đơn vị một", "school", "p-1", None, None, False, 8),
            OrgSpec("dv-2", "Đơn vị hai", "other", "p-2", "Khối thử", 12, True, 12),
        ],
    )


def test_every_problem_of_a_file_is_reported_at_once_with_its_line() -> None:
    registry, errors = parse_registry((DATA / "all-errors.yaml").read_bytes(), "all-errors.yaml")
    assert registry is None
    kinds = ", ".join(ORG_KINDS)
    assert errors == [
        "all-errors.yaml:2: khóa không hợp lệ «colour» (cho phép: title, wards, organisations)",
        "all-errors.yaml:6: mã phường «p-1» bị trùng (đã khai báo ở dòng 4)",
        "all-errors.yaml:8: mã «Phuong_2» không hợp lệ: chỉ dùng chữ thường a-z, chữ số và dấu «-»",
        "all-errors.yaml:10: thiếu khóa «name»",
        "all-errors.yaml:13: khóa không hợp lệ «district» (cho phép: code, name)",
        f"all-errors.yaml:17: loại «university» không hợp lệ (cho phép: {kinds})",
        "all-errors.yaml:22: phường «p-9» không có trong danh sách «wards»",
        "all-errors.yaml:23: «headcount» phải là một số nguyên dương",
        "all-errors.yaml:24: mã đơn vị «dv-1» bị trùng (đã khai báo ở dòng 15)",
        "all-errors.yaml:28: «headcount» phải là một số nguyên dương",
        "all-errors.yaml:29: «sample» phải là true hoặc false",
        "all-errors.yaml:30: thiếu khóa «code»",
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("title: Thử", "title:", "r.yaml:1: «title» không được để trống"),
        ("title: Thử\n", "", "r.yaml:1: thiếu khóa «title»"),
        ("    name: Phường Hai\n", "", "r.yaml:5: thiếu khóa «name»"),
        ("    name: Phường Hai", "    name: [x]", "r.yaml:6: «name» phải là một giá trị đơn"),
        ("  - code: p-2", "  - code: p-1", "r.yaml:5: mã phường «p-1» bị trùng"),
        ("  - code: p-2", "  - code: P 2", "r.yaml:5: mã «P 2» không hợp lệ"),
        ("  - code: p-2", "  - code: -p2", "r.yaml:5: mã «-p2» không hợp lệ"),
        (
            "    name: Phường Hai",
            "    name: Phường Hai\n    nam: x",
            "r.yaml:7: khóa không hợp lệ «nam»",
        ),
        ("    kind: school", "    kind: School", "r.yaml:10: loại «School» không hợp lệ"),
        ("    kind: school\n", "", "r.yaml:8: thiếu khóa «kind»"),
        ("    ward: p-1", "    ward: p-3", "r.yaml:11: phường «p-3» không có"),
        ("    ward: p-1\n", "", "r.yaml:8: thiếu khóa «ward»"),
        ("    ward: p-1", "    ward: p-1\n    headcount: -4", "r.yaml:12: «headcount» phải"),
        ("    ward: p-1", "    ward: p-1\n    headcount: 2.5", "r.yaml:12: «headcount» phải"),
        ("    ward: p-1", "    ward: p-1\n    headcount: '60'", "r.yaml:12: «headcount» phải"),
        ("    ward: p-1", "    ward: p-1\n    sample: 'true'", "r.yaml:12: «sample» phải là true"),
        (
            "    ward: p-1",
            "    ward: p-1\n    cluster: [a]",
            "r.yaml:12: «cluster» phải là một giá",
        ),
        ("    ward: p-1", "    ward: p-1\n    ward: p-2", "r.yaml:12: khóa «ward» bị lặp lại"),
        (
            "organisations:",
            "organisations: x\nextra:",
            "r.yaml:7: «organisations» phải là một danh",
        ),
        ("  - code: p-1\n    name: Phường Một\n", "  - p-1\n", "r.yaml:3: mỗi mục của «wards»"),
        ("title: Thử", "title: Thử\ntitle: Lại", "r.yaml:2: khóa «title» bị lặp lại"),
        ("name: Phường Một", 'name: "Phường\\aMột"', "r.yaml:4: «name» chứa ký tự điều khiển"),
        ("name: Phường Một", "name: " + "x" * 201, "r.yaml:4: «name» dài quá 200 ký tự"),
        ("wards:", "wards: []\nold_wards:", "r.yaml:3: khóa không hợp lệ «old_wards»"),
    ],
)
def test_each_error_is_reported_at_its_line(old: str, new: str, expected: str) -> None:
    assert old in VALID
    registry, errors = _parse(VALID.replace(old, new, 1))
    assert registry is None
    assert any(e.startswith(expected) for e in errors), errors


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "r.yaml:1: tệp rỗng: cần có «title» và «wards»"),
        ("- a\n- b\n", "r.yaml:1: tệp phải là một nhóm khóa: giá trị"),
        ("title: x\n", "r.yaml:1: thiếu khóa «wards»"),
        ("title: x\nwards: []\n", "r.yaml:2: «wards» phải có ít nhất một phường"),
        ("title: x\nwards: {a: b}\n", "r.yaml:2: «wards» phải là một danh sách"),
        ("title: x\nwards:\n  - code: a\n   name: b\n", "r.yaml:4: lỗi cú pháp YAML"),
        ("title: x\nwards: *a\n", "r.yaml:2: tham chiếu YAML không xác định"),
    ],
)
def test_file_level_problems(text: str, expected: str) -> None:
    registry, errors = _parse(text)
    assert registry is None
    assert errors[0].startswith(expected), errors


def test_bad_encoding_is_a_problem_not_a_crash() -> None:
    registry, errors = parse_registry(b"title: \xc3\x28\n", "r.yaml")
    assert registry is None
    assert errors == ["r.yaml:1: tệp không được mã hóa UTF-8 (có byte không hợp lệ)"]


def test_names_are_nfc_and_single_spaced() -> None:
    decomposed = "Phường  Hạnh Thông".replace("ờ", "ơ\u0300")
    registry, errors = _parse(VALID.replace("Phường Một", decomposed))
    assert errors == []
    assert registry is not None
    assert registry.wards[0].name == "Phường Hạnh Thông"


def test_an_organisation_list_may_be_left_empty() -> None:
    registry, errors = _parse(VALID.split("organisations:")[0] + "organisations:\n")
    assert errors == []
    assert registry is not None
    assert registry.organisations == []


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(data: bytes) -> None:
    registry, errors = parse_registry(data, "r.yaml")
    assert (registry is None) == bool(errors)
    assert all(e.startswith("r.yaml:") for e in errors)


_YAMLISH = st.text(alphabet=st.sampled_from(list("abc-:[]{}&*!#'\" \n\t01ờ,?|>%@")), max_size=200)


@settings(max_examples=300, deadline=None)
@given(_YAMLISH)
def test_random_yaml_never_raises(text: str) -> None:
    registry, errors = _parse(text)
    assert (registry is None) == bool(errors)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {"code": st.text(max_size=6), "name": st.text(max_size=6), "kind": st.text(max_size=6)}
        ),
        max_size=4,
    )
)
def test_random_structures_never_raise(items: list[dict[str, str]]) -> None:
    text = json.dumps({"title": "t", "wards": items, "organisations": items})
    registry, errors = _parse(text)
    assert (registry is None) == bool(errors)
