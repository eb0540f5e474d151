"""The ward and organisation registry: parse and validate a registry YAML file."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from yaml.nodes import Node

from quizapp.domain import safeyaml as sy

ORG_KINDS: dict[str, str] = {
    "district_office": "Cơ quan chuyên môn",
    "ward_committee": "Ủy ban nhân dân phường",
    "party_mass": "Đảng, Mặt trận và đoàn thể",
    "public_service": "Đơn vị sự nghiệp công lập",
    "school": "Trường học",
    "enterprise": "Doanh nghiệp",
    "other": "Khác",
}

CODE_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_CODE_LENGTH = 64
MAX_NAME_LENGTH = 200

_TOP_KEYS = ("title", "wards", "organisations")
_WARD_KEYS = ("code", "name")
_ORG_KEYS = ("code", "name", "kind", "ward", "cluster", "headcount", "sample")


@dataclass(frozen=True)
class WardSpec:
    """A ward (phường) as declared in the registry."""

    code: str
    name: str
    line: int


@dataclass(frozen=True)
class OrgSpec:
    """An organisation (cơ quan, đơn vị) as declared in the registry."""

    code: str
    name: str
    kind: str
    ward_code: str
    cluster: str | None
    headcount: int | None
    sample: bool
    line: int


@dataclass(frozen=True)
class Registry:
    """A whole registry file: its title, wards and organisations."""

    title: str
    wards: list[WardSpec]
    organisations: list[OrgSpec]


@dataclass
class _Parse:
    """Problems collected while reading one file, each with its line."""

    problems: list[sy.YamlProblem] = field(default_factory=list)

    def add(self, node: Node | int, message: str) -> None:
        at = node if isinstance(node, int) else sy.line(node)
        self.problems.append(sy.YamlProblem(at, message))

    def entries(self, node: Node, allowed: tuple[str, ...]) -> dict[str, tuple[Node, Node]]:
        """The mapping's entries by key; unknown and repeated keys are reported."""
        self.problems.extend(sy.mapping_problems(node))
        found: dict[str, tuple[Node, Node]] = {}
        for key, key_node, value_node in sy.mapping_items(node):
            if key not in allowed:
                self.add(key_node, f"khóa không hợp lệ «{key}» (cho phép: {', '.join(allowed)})")
            found.setdefault(key, (key_node, value_node))
        return found

    def text(self, entries: dict[str, tuple[Node, Node]], key: str, where: Node) -> str | None:
        """A required one-line text value; missing, empty or non-text values are reported."""
        if key not in entries:
            self.add(where, f"thiếu khóa «{key}»")
            return None
        key_node, value = entries[key]
        if not sy.is_scalar(value):
            self.add(value, f"«{key}» phải là một giá trị đơn, không phải {sy.describe(value)}")
            return None
        text = " ".join(sy.scalar(value).split())
        if not text:
            self.add(key_node, f"«{key}» không được để trống")
            return None
        if len(text) > MAX_NAME_LENGTH:
            self.add(value, f"«{key}» dài quá {MAX_NAME_LENGTH} ký tự")
            return None
        if any(unicodedata.category(ch) == "Cc" for ch in text):
            self.add(value, f"«{key}» chứa ký tự điều khiển không hợp lệ")
            return None
        return text

    def code(self, entries: dict[str, tuple[Node, Node]], where: Node) -> str | None:
        code = self.text(entries, "code", where)
        if code is not None and (not CODE_RE.fullmatch(code) or len(code) > MAX_CODE_LENGTH):
            message = f"mã «{code}» không hợp lệ: chỉ dùng chữ thường a-z, chữ số và dấu «-»"
            self.add(entries["code"][1], message)
            return None
        return code


def _unique(parse: _Parse, seen: dict[str, int], code: str | None, node: Node, what: str) -> bool:
    """Record a code; a repeat is reported at its own line, naming the first one's line."""
    if code is None:
        return False
    if code in seen:
        parse.add(node, f"mã {what} «{code}» bị trùng (đã khai báo ở dòng {seen[code]})")
        return False
    seen[code] = sy.line(node)
    return True


def _items(parse: _Parse, top: dict[str, tuple[Node, Node]], key: str) -> list[Node]:
    """The mapping items of a top-level list; other shapes are reported."""
    if key not in top:
        return []
    value = top[key][1]
    if sy.is_null(value):
        return []
    if not sy.is_sequence(value):
        parse.add(value, f"«{key}» phải là một danh sách, không phải {sy.describe(value)}")
        return []
    items = []
    for item in sy.sequence_items(value):
        if sy.is_mapping(item):
            items.append(item)
        else:
            parse.add(item, f"mỗi mục của «{key}» phải là một nhóm khóa: giá trị")
    return items


def _wards(parse: _Parse, items: list[Node], declared: set[str]) -> list[WardSpec]:
    """Valid wards; `declared` receives every code written, so references do not cascade."""
    wards: list[WardSpec] = []
    seen: dict[str, int] = {}
    for item in items:
        entries = parse.entries(item, _WARD_KEYS)
        if "code" in entries and sy.is_scalar(entries["code"][1]):
            declared.add(sy.scalar(entries["code"][1]))
        code = parse.code(entries, item)
        name = parse.text(entries, "name", item)
        code_node = entries["code"][1] if "code" in entries else item
        if _unique(parse, seen, code, code_node, "phường") and code and name:
            wards.append(WardSpec(code, name, sy.line(item)))
    return wards


def _kind(parse: _Parse, entries: dict[str, tuple[Node, Node]], item: Node) -> str | None:
    kind = parse.text(entries, "kind", item)
    if kind is not None and kind not in ORG_KINDS:
        parse.add(
            entries["kind"][1], f"loại «{kind}» không hợp lệ (cho phép: {', '.join(ORG_KINDS)})"
        )
        return None
    return kind


def _ward_ref(
    parse: _Parse, entries: dict[str, tuple[Node, Node]], item: Node, declared: set[str]
) -> str | None:
    ward = parse.text(entries, "ward", item)
    if ward is not None and ward not in declared:
        parse.add(entries["ward"][1], f"phường «{ward}» không có trong danh sách «wards»")
        return None
    return ward


def _optional(
    parse: _Parse, entries: dict[str, tuple[Node, Node]]
) -> tuple[str | None, int | None, bool]:
    """cluster, headcount and sample, each checked when given."""
    cluster: str | None = None
    headcount: int | None = None
    sample = False
    if "cluster" in entries and not sy.is_null(entries["cluster"][1]):
        cluster = parse.text(entries, "cluster", entries["cluster"][1])
    if "headcount" in entries and not sy.is_null(entries["headcount"][1]):
        headcount = sy.as_int(entries["headcount"][1])
        if headcount is None or headcount <= 0 or headcount > 10_000_000:
            parse.add(entries["headcount"][1], "«headcount» phải là một số nguyên dương")
            headcount = None
    if "sample" in entries:
        flag = sy.as_bool(entries["sample"][1])
        if flag is None:
            parse.add(entries["sample"][1], "«sample» phải là true hoặc false")
        sample = bool(flag)
    return cluster, headcount, sample


def _organisations(parse: _Parse, items: list[Node], declared: set[str]) -> list[OrgSpec]:
    orgs: list[OrgSpec] = []
    seen: dict[str, int] = {}
    for item in items:
        entries = parse.entries(item, _ORG_KEYS)
        code = parse.code(entries, item)
        name = parse.text(entries, "name", item)
        kind = _kind(parse, entries, item)
        ward = _ward_ref(parse, entries, item, declared)
        cluster, headcount, sample = _optional(parse, entries)
        code_node = entries["code"][1] if "code" in entries else item
        fresh = _unique(parse, seen, code, code_node, "đơn vị")
        if fresh and code and name and kind and ward:
            spec = OrgSpec(code, name, kind, ward, cluster, headcount, sample, sy.line(item))
            orgs.append(spec)
    return orgs


def _parse(root: Node | None, parse: _Parse) -> Registry | None:
    if root is None or sy.is_null(root):
        parse.add(1, "tệp rỗng: cần có «title» và «wards»")
        return None
    if not sy.is_mapping(root):
        parse.add(root, "tệp phải là một nhóm khóa: giá trị với «title», «wards», «organisations»")
        return None
    top = parse.entries(root, _TOP_KEYS)
    title = parse.text(top, "title", root)
    if "wards" not in top:
        parse.add(root, "thiếu khóa «wards»")
    declared: set[str] = set()
    wards = _wards(parse, _items(parse, top, "wards"), declared)
    if "wards" in top and not declared and not parse.problems:
        parse.add(top["wards"][0], "«wards» phải có ít nhất một phường")
    orgs = _organisations(parse, _items(parse, top, "organisations"), declared)
    return Registry(title or "", wards, orgs)


def parse_registry(data: bytes, filename: str) -> tuple[Registry | None, list[str]]:
    """Read a registry file; every problem is reported as "file:line: message".

    The registry is returned only when the file has no problem at all.
    """
    root, yaml_problems = sy.load(data)
    parse = _Parse(list(yaml_problems))
    registry = None if yaml_problems else _parse(root, parse)
    problems = sorted(set(parse.problems), key=lambda p: p.line)
    errors = [f"{filename}:{p.line}: {p.message}" for p in problems]
    return (None if errors else registry), errors
