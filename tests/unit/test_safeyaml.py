"""Safe YAML composition: line numbers, plain values, and refusal of hostile input."""

from __future__ import annotations

import functools
import tracemalloc
import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.domain import safeyaml as sy

Load = Callable[..., tuple[sy.Node | None, list[sy.YamlProblem]]]


@pytest.fixture(params=sorted(sy.BACKENDS))
def load(request: pytest.FixtureRequest) -> Load:
    """sy.load with each available event source (libyaml and pure Python): same results."""
    return functools.partial(sy.load, backend=request.param)


def _root(load: Load, text: str | bytes) -> sy.Node:
    node, problems = load(text)
    assert problems == []
    assert node is not None
    return node


def _items(load: Load, text: str) -> dict[str, sy.Node]:
    return {key: value for key, _, value in sy.mapping_items(_root(load, text))}


def test_nodes_carry_one_based_lines(load: Load) -> None:
    root = _root(load, "a: 1\nb:\n  - x\n  - y\n")
    lines = {key: (sy.line(k), sy.line(v)) for key, k, v in sy.mapping_items(root)}
    assert lines == {"a": (1, 1), "b": (2, 3)}
    assert [
        sy.line(item) for item in sy.sequence_items(_items(load, "b:\n  - x\n  - y\n")["b"])
    ] == [
        2,
        3,
    ]


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("v: 8", "8"),
        ("v: 1.0", "1.0"),
        ("v: 0x1F", "0x1F"),
        ("v: 01/7/2023", "01/7/2023"),
        ("v: true", "true"),
        ("v: Yes", "Yes"),
        ("v: ~", ""),
        ("v:", ""),
        ("v: null", ""),
        ("v: '  padded  '", "padded"),
        ("v: >\n  folded\n  text\n", "folded text"),
        ('v: "quoted: colon"', "quoted: colon"),
    ],
)
def test_scalars_come_out_as_the_text_written(load: Load, yaml_text: str, expected: str) -> None:
    assert sy.scalar(_items(load, yaml_text)["v"]) == expected


def test_scalars_are_nfc_normalised(load: Load) -> None:
    decomposed = unicodedata.normalize("NFD", "Phường Hạnh Thông")
    assert decomposed != "Phường Hạnh Thông"
    assert sy.scalar(_items(load, f"v: {decomposed}")["v"]) == "Phường Hạnh Thông"


def test_scalar_refuses_a_collection(load: Load) -> None:
    with pytest.raises(TypeError):
        sy.scalar(_items(load, "v: [1]")["v"])


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("v: true", True),
        ("v: True", True),
        ("v: yes", True),
        ("v: on", True),
        ("v: false", False),
        ("v: No", False),
        ("v: off", False),
        ("v: 'true'", None),
        ('v: "false"', None),
        ("v: 1", None),
        ("v: có", None),
        ("v: [true]", None),
    ],
)
def test_booleans_are_recognised_only_unquoted(
    load: Load, yaml_text: str, expected: bool | None
) -> None:
    assert sy.as_bool(_items(load, yaml_text)["v"]) is expected


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("v: 60", 60),
        ("v: -3", -3),
        ("v: 0x10", 16),
        ("v: 1_000", 1000),
        ("v: '60'", None),
        ("v: 1.5", None),
        ("v: sáu", None),
        ("v: " + "9" * 5000, None),
    ],
)
def test_integers(load: Load, yaml_text: str, expected: int | None) -> None:
    assert sy.as_int(_items(load, yaml_text)["v"]) == expected


def test_to_plain_gives_only_plain_types(load: Load) -> None:
    root = _root(load, "a: [1, true, ~, {b: 2.5}]\nc: x\n")
    assert sy.to_plain(root) == {"a": ["1", "true", "", {"b": "2.5"}], "c": "x"}


def test_mapping_problems_report_repeated_and_complex_keys_at_their_lines(load: Load) -> None:
    root = _root(load, "a: 1\nb: 2\na: 3\n? [x]\n: 4\n")
    assert sy.mapping_problems(root) == [
        sy.YamlProblem(3, "khóa «a» bị lặp lại (đã có ở dòng 1)"),
        sy.YamlProblem(4, "khóa phải là một giá trị đơn"),
    ]


def test_bom_is_stripped_and_str_input_accepted(load: Load) -> None:
    assert sy.scalar(_items(load, "\ufeffv: x")["v"]) == "x"
    assert sy.scalar(load(b"\xef\xbb\xbfv: x")[0].value[0][0]) == "v"  # type: ignore[union-attr]


def test_empty_document_is_no_node_and_no_problem(load: Load) -> None:
    assert load("") == (None, [])
    assert load("# only a comment\n") == (None, [])


def _problem(load: Load, text: str | bytes, **caps: int) -> sy.YamlProblem:
    node, problems = load(text, **caps)
    assert node is None
    assert len(problems) == 1
    return problems[0]


@pytest.mark.parametrize(
    ("data", "line", "fragment"),
    [
        (b"a: 1\nb: 2\nc: \xff\xfe\n", 3, "UTF-8"),
        ("a: 1\nb: [1, 2\nc: 3\n", 3, "lỗi cú pháp YAML"),
        ("a: 1\n  b: 2\n", 2, "dấu «:» không được phép"),
        ("a:\n\t- 1\n", 2, "tab"),
        ("a: 1\n---\nb: 2\n", 2, "một tài liệu YAML"),
        ("a: 1\nb: \x07\n", 2, "U+0007"),
        ("a: !!python/object/apply:os.system [ls]\n", 1, "!!python/object/apply:os.system"),
        ("a: !secret x\n", 1, "thẻ YAML không được phép: !secret"),
        ("base: &b {x: 1}\nitem:\n  <<: *b\n", 3, "khóa gộp"),
        ("a: *nowhere\n", 1, "không xác định"),
        ("a: &a [1, *a]\n", 1, "vòng tròn"),
        ("a: " + "[" * 100 + "]" * 100 + "\n", 1, "quá sâu"),
    ],
)
def test_bad_input_is_one_problem_at_its_line(
    load: Load, data: str | bytes, line: int, fragment: str
) -> None:
    problem = _problem(load, data)
    assert problem.line == line
    assert fragment in problem.message


def test_oversized_input_is_refused_before_parsing(load: Load) -> None:
    problem = _problem(load, b"a: " + b"x" * 100, max_bytes=50)
    assert problem == sy.YamlProblem(1, "tệp quá lớn (103 byte, tối đa 50 byte)")
    default = _problem(load, "a: " + "x" * sy.MAX_BYTES)
    assert default.line == 1
    assert default.message.startswith("tệp quá lớn")


def test_size_of_str_input_is_counted_in_utf8_bytes(load: Load) -> None:
    text = "a: " + "ư" * 30  # 3 + 60 bytes
    assert _problem(load, text, max_bytes=50).message.startswith("tệp quá lớn (63 byte")
    assert load(text, max_bytes=63)[1] == []


def test_alias_cap_is_exact(load: Load) -> None:
    def doc(n: int) -> str:
        return "x: &x 1\nl:\n" + "".join("  - *x\n" for _ in range(n))

    assert load(doc(sy.MAX_ALIASES))[1] == []
    problem = _problem(load, doc(sy.MAX_ALIASES + 1))
    assert problem.line == sy.MAX_ALIASES + 3
    assert "tối đa 50" in problem.message


def _billion_laughs(levels: int = 9, width: int = 9) -> str:
    lines = ["l0: &l0 [" + ", ".join(['"lol"'] * width) + "]"]
    for i in range(1, levels + 1):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "bomb",
    [
        _billion_laughs(),
        # Few aliases but a deep doubling chain: 2**24 nodes once expanded.
        "l0: &l0 [a, b]\n" + "".join(f"l{i}: &l{i} [*l{i - 1}, *l{i - 1}]\n" for i in range(1, 25)),
    ],
)
def test_expansion_bombs_are_refused_fast_and_small(load: Load, bomb: str) -> None:
    tracemalloc.start()
    try:
        node, problems = load(bomb, max_aliases=1000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert node is None
    assert "alias" in problems[0].message
    assert peak < 5_000_000  # refused before expansion: memory, not wall time, is the measure


def test_billion_laughs_hits_the_alias_cap_with_defaults(load: Load) -> None:
    problem = _problem(load, _billion_laughs())
    assert "alias" in problem.message


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("v: [1]", "một danh sách"),
        ("v: {a: 1}", "một nhóm khóa: giá trị"),
        ("v: ~", "trống"),
        ("v: chữ", "«chữ»"),
    ],
)
def test_describe(load: Load, yaml_text: str, expected: str) -> None:
    assert sy.describe(_items(load, yaml_text)["v"]) == expected


_YAMLISH = st.text(alphabet=st.sampled_from(list("ab-:[]{}&*!#'\"? \n\t0,|>%@<")), max_size=120)


@settings(max_examples=400, deadline=None)
@given(_YAMLISH)
def test_both_backends_compose_the_same_tree_when_both_accept(text: str) -> None:
    results = {name: sy.load(text, backend=name) for name in sy.BACKENDS}
    for node, problems in results.values():
        assert (node is None) or problems == []
    plains = {
        name: sy.to_plain(node) if node is not None else None
        for name, (node, problems) in results.items()
        if not problems
    }
    assert len(set(map(repr, plains.values()))) <= 1
