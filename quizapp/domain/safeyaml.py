"""Hostile-input-safe YAML: compose only, with size, alias and expansion caps and line numbers."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner


def _libyaml_parser() -> type | None:
    try:
        from yaml._yaml import CParser
    except ImportError:  # PyYAML built without libyaml
        return None
    return CParser


_CParser = _libyaml_parser()

MAX_BYTES = 2_000_000
MAX_ALIASES = 50
# Nodes counted as if every alias were expanded: bounds any walk over the tree.
MAX_EXPANDED_NODES = 500_000
MAX_DEPTH = 64
# One budget for all the files of an upload (or a bank folder), not per file: the shipped
# bank is about 6,000 nodes in 0.3 MB; a zip of 200 files each just under the per-file caps
# must not cost 200 times one file (issue 23).
UPLOAD_MAX_NODES = 100_000
UPLOAD_MAX_BYTES = 5_000_000

_STD = "tag:yaml.org,2002:"
_ALLOWED_TAGS = frozenset(_STD + t for t in ("str", "int", "float", "bool", "null", "seq", "map"))
_TRUE = frozenset(("true", "yes", "on"))


class YamlProblem(NamedTuple):
    """A problem found while reading YAML, with its 1-based line."""

    line: int
    message: str


@dataclass
class Budget:
    """What is left to read of an upload: every file read through `load` spends from it."""

    nodes: int = UPLOAD_MAX_NODES
    size: int = UPLOAD_MAX_BYTES


class _Refused(yaml.YAMLError):
    """Raised by the composer when a document breaks one of the caps."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _BoundedComposer(Composer):
    """PyYAML's composer, counting aliases, nesting depth and expanded size as events arrive."""

    # Provided by the parser this composer is mixed with (`_loader`); its events (libyaml's or
    # PyYAML's) always carry a start mark and, for nodes and aliases, an anchor.
    get_event: Callable[[], Any]
    peek_event: Callable[[], Any]
    check_event: Callable[..., bool]

    def __init__(self, max_aliases: int, max_nodes: int = MAX_EXPANDED_NODES) -> None:
        super().__init__()
        self._max_aliases = max_aliases
        self._max_nodes = max_nodes
        self._aliases = 0
        self._depth = 0
        self._expanded = 0
        self._weights: dict[int, int] = {}

    def _grow(self, amount: int, line: int) -> None:
        self._expanded += amount
        if self._expanded > self._max_nodes:
            if self._max_nodes < MAX_EXPANDED_NODES:
                raise _Refused(line, _TOO_MANY_NODES)
            raise _Refused(line, "tệp YAML quá phức tạp khi mở rộng các tham chiếu (alias)")

    def _compose_alias(self) -> Node:
        event = self.get_event()
        at = event.start_mark.line + 1
        self._aliases += 1
        if self._aliases > self._max_aliases:
            raise _Refused(at, f"quá nhiều tham chiếu YAML (alias), tối đa {self._max_aliases}")
        node = self.anchors.get(event.anchor)
        if node is None:
            raise _Refused(at, f"tham chiếu YAML không xác định: *{event.anchor}")
        if id(node) not in self._weights:
            raise _Refused(at, f"tham chiếu YAML vòng tròn: *{event.anchor}")
        self._grow(self._weights[id(node)], at)
        return node

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(AliasEvent):
            return self._compose_alias()
        event = self.peek_event()
        at = event.start_mark.line + 1
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(at, f"cấu trúc YAML lồng nhau quá sâu (tối đa {MAX_DEPTH} cấp)")
        start = self._expanded
        node = super().compose_node(parent, index)
        self._depth -= 1
        if node is None:
            return None
        if node.tag not in _ALLOWED_TAGS:
            raise _Refused(at, _tag_message(node.tag))
        self._grow(1, at)
        if event.anchor is not None:
            self._weights[id(node)] = self._expanded - start
        return node


class _PythonParser(Reader, Scanner, Parser):
    """The pure-Python event source of yaml.SafeLoader."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)


def _loader(parser: type) -> type:
    """A composition-only loader: events from `parser`, SafeLoader's resolver, no constructor."""

    class Loader(_BoundedComposer, parser, Resolver):  # type: ignore[misc]
        def __init__(self, stream: str, max_aliases: int, max_nodes: int) -> None:
            parser.__init__(self, stream)  # type: ignore[misc]  # the parser named, not super()
            _BoundedComposer.__init__(self, max_aliases, max_nodes)
            Resolver.__init__(self)

    return Loader


# libyaml produces the same events about six times faster; PyYAML's parser is the fallback.
BACKENDS: dict[str, type] = {"python": _loader(_PythonParser)}
if _CParser is not None:
    BACKENDS["libyaml"] = _loader(_CParser)
DEFAULT_BACKEND = "libyaml" if "libyaml" in BACKENDS else "python"


_TOO_MANY_NODES = (
    "các tệp YAML của lần tải lên quá lớn hoặc quá phức tạp "
    f"(tối đa {UPLOAD_MAX_NODES:,} phần tử cho cả lần tải lên)".replace(",", ".")
)


def _tag_message(tag: str) -> str:
    if tag == _STD + "merge":
        return "không hỗ trợ khóa gộp «<<» của YAML"
    shown = "!!" + tag[len(_STD) :] if tag.startswith(_STD) else tag
    return f"thẻ YAML không được phép: {shown}"


def _number(n: int) -> str:
    """1.234.567: the Vietnamese thousands separator."""
    return f"{n:,}".replace(",", ".")


def _decode(data: bytes | str, max_bytes: int) -> tuple[str | None, YamlProblem | None]:
    """The text to parse, or the problem with it: too large, or not UTF-8."""
    if isinstance(data, str):
        text = data
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError as exc:  # lone surrogates
            at = text[: exc.start].count("\n") + 1
            return None, YamlProblem(at, "tệp không được mã hóa UTF-8 (có ký tự không hợp lệ)")
    size = len(data)
    if size > max_bytes:
        message = f"tệp quá lớn ({_number(size)} byte, tối đa {_number(max_bytes)} byte)"
        return None, YamlProblem(1, message)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        at = data[: exc.start].count(b"\n") + 1
        return None, YamlProblem(at, "tệp không được mã hóa UTF-8 (có byte không hợp lệ)")
    return text.removeprefix("\ufeff"), None


_TAB = "không dùng ký tự tab ở vị trí này (thụt lề bằng dấu cách)"
# PyYAML's and libyaml's messages, in the words an organiser editing a file understands.
_TRANSLATIONS = (
    ("'\\t'", _TAB),
    ("tab character", _TAB),
    (
        "mapping values are not allowed",
        "dấu «:» không được phép ở đây (văn bản có «: » cần đặt trong dấu ngoặc kép)",
    ),
    ("could not find expected ':'", "thiếu dấu «:» sau khóa"),
    (
        "that cannot start any token",
        "có ký tự không thể mở đầu một giá trị (hãy đặt văn bản trong dấu ngoặc kép)",
    ),
    ("expected a single document", "tệp chỉ được chứa một tài liệu YAML (bỏ dấu «---» thừa)"),
    ("duplicate anchor", "tên neo (anchor) bị trùng"),
    ("unknown escape character", "ký tự thoát không hợp lệ trong chuỗi đặt trong ngoặc kép"),
    ("end of stream", "tệp kết thúc đột ngột (có thể thiếu dấu ngoặc đóng)"),
    ("expected ',' or ']'", "thiếu dấu «,» hoặc «]»"),
    ("expected ',' or '}'", "thiếu dấu «,» hoặc «}»"),
    ("expected <block end>", "thụt lề không đúng"),
    ("did not find expected", "thụt lề không đúng hoặc thiếu dấu «-»"),
)


def _translate(problem: str, context: str) -> str:
    for needle, words in _TRANSLATIONS:
        if needle in problem or needle in context:
            return words
    return f"cú pháp không hợp lệ ({problem})" if problem else "cú pháp không hợp lệ"


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n", line + 1)
    return lines[line][column : column + 1] if line < len(lines) else ""


def _error_problem(exc: yaml.YAMLError, text: str) -> YamlProblem:
    if isinstance(exc, _Refused):
        return YamlProblem(exc.line, exc.message)
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        if _char_at(text, mark.line, mark.column) == "\t":
            detail = _TAB
        else:
            detail = _translate(exc.problem or "", exc.context or "")
        return YamlProblem(mark.line + 1, f"lỗi cú pháp YAML: {detail}")
    if isinstance(exc, yaml.reader.ReaderError):
        at = text[: exc.position].count("\n") + 1
        return YamlProblem(at, f"ký tự không được phép trong YAML: U+{exc.character:04X}")
    return YamlProblem(1, f"lỗi cú pháp YAML: {exc}")


def load(
    data: bytes | str,
    *,
    max_bytes: int = MAX_BYTES,
    max_aliases: int = MAX_ALIASES,
    backend: str = DEFAULT_BACKEND,
    budget: Budget | None = None,
) -> tuple[Node | None, list[YamlProblem]]:
    """Compose one YAML document into nodes; refuse oversize, non-UTF-8 and bomb-like input.

    Nothing is constructed: only plain scalars, sequences and mappings come out, with lines.
    With a `budget`, the file's bytes and nodes are spent from it (one budget per upload).
    """
    if budget is not None:
        max_bytes = min(max_bytes, budget.size)
    text, problem = _decode(data, max_bytes)
    if budget is not None:
        budget.size -= min(len(data), budget.size)
    if text is None:
        return None, [problem] if problem else []
    max_nodes = MAX_EXPANDED_NODES if budget is None else min(budget.nodes, MAX_EXPANDED_NODES)
    try:
        loader = BACKENDS[backend](text, max_aliases, max_nodes)
    except yaml.YAMLError as exc:  # the pure-Python reader checks characters up front
        return None, [_error_problem(exc, text)]
    try:
        return loader.get_single_node(), []
    except yaml.YAMLError as exc:
        return None, [_error_problem(exc, text)]
    finally:
        if budget is not None:
            budget.nodes -= min(loader._expanded, budget.nodes)
        loader.dispose()


def line(node: Node) -> int:
    """The 1-based line where the node starts."""
    return node.start_mark.line + 1


def is_scalar(node: Node | None) -> bool:
    return isinstance(node, ScalarNode)


def is_sequence(node: Node | None) -> bool:
    return isinstance(node, SequenceNode)


def is_mapping(node: Node | None) -> bool:
    return isinstance(node, MappingNode)


def is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _STD + "null"


def normalise(text: str) -> str:
    """NFC-normalise and strip surrounding white space."""
    return unicodedata.normalize("NFC", text).strip()


def scalar(node: Node) -> str:
    """The text of a scalar node as written (NFC, stripped); a null is the empty string."""
    if not isinstance(node, ScalarNode):
        raise TypeError("not a scalar node")
    return "" if is_null(node) else normalise(node.value)


def as_bool(node: Node) -> bool | None:
    """A YAML boolean (true/false, yes/no, on/off) written without quotes, else None."""
    if isinstance(node, ScalarNode) and node.tag == _STD + "bool":
        return node.value.lower() in _TRUE
    return None


def as_int(node: Node) -> int | None:
    """A YAML integer written without quotes, else None."""
    if not (isinstance(node, ScalarNode) and node.tag == _STD + "int"):
        return None
    try:
        return int(yaml.constructor.SafeConstructor().construct_yaml_int(node))
    except (ValueError, TypeError):
        return None


def mapping_items(node: Node) -> Iterator[tuple[str, Node, Node]]:
    """(key, key node, value node) for each entry whose key is a scalar."""
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode):
                yield scalar(key_node), key_node, value_node


def mapping_problems(node: Node) -> list[YamlProblem]:
    """Keys that are not plain values, and keys given twice in the same mapping."""
    problems: list[YamlProblem] = []
    seen: dict[str, int] = {}
    for key_node, _ in node.value if isinstance(node, MappingNode) else []:
        if not isinstance(key_node, ScalarNode):
            problems.append(YamlProblem(line(key_node), "khóa phải là một giá trị đơn"))
            continue
        key = scalar(key_node)
        if key in seen:
            message = f"khóa «{key}» bị lặp lại (đã có ở dòng {seen[key]})"
            problems.append(YamlProblem(line(key_node), message))
        else:
            seen[key] = line(key_node)
    return problems


def sequence_items(node: Node) -> list[Node]:
    """The items of a sequence node (empty for any other node)."""
    return list(node.value) if isinstance(node, SequenceNode) else []


def to_plain(node: Node) -> object:
    """Plain Python values: scalars as their text, sequences as lists, mappings as dicts."""
    if isinstance(node, SequenceNode):
        return [to_plain(item) for item in node.value]
    if isinstance(node, MappingNode):
        return {key: to_plain(value) for key, _, value in mapping_items(node)}
    return scalar(node)


def describe(node: Node) -> str:
    """A Vietnamese word for the node's shape, for error messages."""
    if isinstance(node, SequenceNode):
        return "một danh sách"
    if isinstance(node, MappingNode):
        return "một nhóm khóa: giá trị"
    return "trống" if is_null(node) else f"«{scalar(node)}»"
