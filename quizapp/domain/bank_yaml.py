"""Reading the bank's YAML files (topics.yaml and question files) into raw records."""

from __future__ import annotations

from yaml.nodes import Node

from quizapp.domain import safeyaml as sy
from quizapp.domain.bank_types import (
    FILE_KEYS,
    ID_RE,
    TOPIC_KEYS,
    Problem,
    RawQuestion,
    TopicSpec,
)


def _yaml_root(
    data: bytes, filename: str, key: str, budget: sy.Budget | None = None
) -> tuple[Node | None, list[Problem]]:
    """The root mapping of a bank file, or the problems that prevent reading it."""
    root, yaml_problems = sy.load(data, budget=budget)
    problems = [Problem(f"{filename}:{p.line}", "-", p.message) for p in yaml_problems]
    if yaml_problems:
        return None, problems
    if root is None or sy.is_null(root):
        return None, [Problem(f"{filename}:1", "-", f"tệp rỗng: cần có khóa «{key}»")]
    if not sy.is_mapping(root):
        message = f"tệp phải là một nhóm khóa: giá trị có khóa «{key}»"
        return None, [Problem(f"{filename}:{sy.line(root)}", "-", message)]
    problems += [Problem(f"{filename}:{p.line}", "-", p.message) for p in sy.mapping_problems(root)]
    return root, problems


def _list_under(root: Node, key: str, filename: str, problems: list[Problem]) -> list[Node]:
    """The items of the list under `key`; a missing key or another shape is a problem."""
    value = next((v for k, _, v in sy.mapping_items(root) if k == key), None)
    if value is None:
        problems.append(Problem(f"{filename}:{sy.line(root)}", "-", f"thiếu khóa «{key}»"))
        return []
    if sy.is_null(value):
        return []
    if not sy.is_sequence(value):
        message = f"«{key}» phải là một danh sách, không phải {sy.describe(value)}"
        problems.append(Problem(f"{filename}:{sy.line(value)}", "-", message))
        return []
    return sy.sequence_items(value)


def _unknown_top_keys(root: Node, allowed: tuple[str, ...], filename: str) -> list[Problem]:
    return [
        Problem(f"{filename}:{sy.line(k)}", "-", f"khóa không hợp lệ «{key}» ở đầu tệp")
        for key, k, _ in sy.mapping_items(root)
        if key not in allowed
    ]


def _field_value(key: str, node: Node) -> object:
    """Plain value of a field: text, a list for choices, a bool for an unquoted shuffle."""
    if key in ("shuffle", "historical"):
        flag = sy.as_bool(node)
        return flag if flag is not None else sy.to_plain(node)
    return sy.to_plain(node)


def _raw_question(item: Node, filename: str, default_topic: tuple[str, str] | None) -> RawQuestion:
    fields: dict[str, object] = {}
    where: dict[str, str] = {}
    for key, key_node, value in sy.mapping_items(item):
        if key in fields:
            continue
        fields[key] = _field_value(key, value)
        where[key] = f"{filename}:{sy.line(key_node)}"
        if key in ("choices", "basis"):
            for i, choice in enumerate(sy.sequence_items(value)):
                where[f"{key}[{i}]"] = f"{filename}:{sy.line(choice)}"
        for sub, sub_node, _ in sy.mapping_items(value) if key == "checked" else ():
            where[f"checked.{sub}"] = f"{filename}:{sy.line(sub_node)}"
    if default_topic is not None and "topic" not in fields:
        fields["topic"], where["topic"] = default_topic
    return RawQuestion(fields, where, f"{filename}:{sy.line(item)}")


def _default_topic(root: Node, filename: str, problems: list[Problem]) -> tuple[str, str] | None:
    value = next((v for k, _, v in sy.mapping_items(root) if k == "topic"), None)
    if value is None or sy.is_null(value):
        return None
    if not sy.is_scalar(value):
        problems.append(
            Problem(f"{filename}:{sy.line(value)}", "-", "«topic» phải là một mã chủ đề")
        )
        return None
    return sy.scalar(value), f"{filename}:{sy.line(value)}"


def records_from_yaml(
    data: bytes, filename: str, budget: sy.Budget | None = None
) -> tuple[list[RawQuestion], list[Problem]]:
    """Raw questions of one question file, and the problems of its overall shape."""
    root, problems = _yaml_root(data, filename, "questions", budget)
    if root is None:
        return [], problems
    problems += _unknown_top_keys(root, FILE_KEYS, filename)
    default_topic = _default_topic(root, filename, problems)
    records: list[RawQuestion] = []
    for item in _list_under(root, "questions", filename, problems):
        if not sy.is_mapping(item):
            message = "mỗi câu hỏi phải là một nhóm khóa: giá trị (id, text, choices, ...)"
            problems.append(Problem(f"{filename}:{sy.line(item)}", "-", message))
            continue
        record = _raw_question(item, filename, default_topic)
        problems += [
            Problem(f"{filename}:{p.line}", record.qid, p.message)
            for p in sy.mapping_problems(item)
        ]
        records.append(record)
    return records, problems


def _topic(item: Node, filename: str, problems: list[Problem]) -> TopicSpec | None:
    """One topic entry; unknown keys, a bad id or a missing name are problems."""
    at = f"{filename}:{sy.line(item)}"
    if not sy.is_mapping(item):
        problems.append(Problem(at, "-", "mỗi chủ đề phải là một nhóm khóa: giá trị (id, name)"))
        return None
    values = {key: value for key, _, value in sy.mapping_items(item) if sy.is_scalar(value)}
    tid = sy.scalar(values["id"]) if "id" in values else ""
    qid = tid or "-"
    found = [
        Problem(f"{filename}:{sy.line(kn)}", qid, f"khóa không hợp lệ «{key}»")
        for key, kn, _ in sy.mapping_items(item)
        if key not in TOPIC_KEYS
    ]
    found += [Problem(f"{filename}:{p.line}", qid, p.message) for p in sy.mapping_problems(item)]
    if not ID_RE.fullmatch(tid):
        found.append(Problem(at, qid, "mã chủ đề thiếu hoặc không hợp lệ (chỉ dùng chữ, số, - _)"))
    name = " ".join(sy.scalar(values["name"]).split()) if "name" in values else ""
    if not name:
        found.append(Problem(at, qid, "chủ đề thiếu tên («name»)"))
    problems += found
    chapter = sy.scalar(values["chapter"]) if "chapter" in values else ""
    return None if found else TopicSpec(tid, name, chapter or None)


def parse_topics(
    data: bytes, filename: str, budget: sy.Budget | None = None
) -> tuple[list[TopicSpec], list[Problem]]:
    """The topics declared in topics.yaml; ids must be unique."""
    root, problems = _yaml_root(data, filename, "topics", budget)
    if root is None:
        return [], problems
    problems += _unknown_top_keys(root, ("topics",), filename)
    topics: list[TopicSpec] = []
    seen: dict[str, str] = {}
    for item in _list_under(root, "topics", filename, problems):
        topic = _topic(item, filename, problems)
        if topic is None:
            continue
        at = f"{filename}:{sy.line(item)}"
        if topic.id in seen:
            problems.append(Problem(at, topic.id, f"mã chủ đề bị trùng (đã có ở {seen[topic.id]})"))
            continue
        seen[topic.id] = at
        topics.append(topic)
    if not topics and not problems:
        problems.append(Problem(f"{filename}:{sy.line(root)}", "-", "chưa khai báo chủ đề nào"))
    return topics, problems
