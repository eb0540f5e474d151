"""Gather a bank's files from what an organiser points at: a folder, YAML files or a zip."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .domain.bank import read_zip
from .domain.bank_types import TOPICS_FILE, Problem

MAX_FILES = 200


@dataclass
class BankFiles:
    """File contents by bank-relative name; `prefix` turns a name back into the path shown."""

    files: dict[str, bytes] = field(default_factory=dict)
    prefix: str = ""
    errors: list[Problem] = field(default_factory=list)

    def show(self, problem: Problem) -> str:
        return f"{self.prefix}{problem}"


def _from_folder(folder: Path) -> BankFiles:
    names = sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".yaml", ".yml")
    )
    result = BankFiles(prefix=f"{folder}/")
    if len(names) > MAX_FILES:
        result.errors.append(Problem(str(folder), "-", f"quá nhiều tệp (tối đa {MAX_FILES})"))
        return result
    result.files = {p.name: p.read_bytes() for p in names}
    return result


def _from_yaml_files(paths: list[Path]) -> BankFiles:
    folder = paths[0].parent
    result = BankFiles(prefix="" if folder == Path(".") else f"{folder}/")
    for path in paths:
        if path.parent.resolve() != folder.resolve():
            result.errors.append(
                Problem(str(path), "-", "các tệp của một ngân hàng phải nằm cùng một thư mục")
            )
        result.files[path.name] = path.read_bytes()
    topics = folder / TOPICS_FILE
    if TOPICS_FILE not in result.files and topics.is_file():
        result.files[TOPICS_FILE] = topics.read_bytes()
    return result


def from_upload(filename: str, data: bytes) -> BankFiles:
    """An uploaded .zip of a bank folder, or a single .yaml (checked against topics.yaml)."""
    if filename.lower().endswith(".zip"):
        files, errors = read_zip(data)
        return BankFiles(files=files, prefix=f"{filename}/", errors=errors)
    return BankFiles(files={Path(filename).name or "tai-len.yaml": data})


def from_paths(paths: list[Path]) -> BankFiles:
    """One folder, one zip, or YAML files of one folder (its topics.yaml is added)."""
    if len(paths) == 1 and paths[0].is_dir():
        return _from_folder(paths[0])
    if len(paths) == 1 and paths[0].suffix.lower() == ".zip":
        return from_upload(str(paths[0]), paths[0].read_bytes())
    if any(p.is_dir() or p.suffix.lower() == ".zip" for p in paths):
        problem = Problem("-", "-", "chỉ đưa một thư mục, một tệp zip, hoặc các tệp .yaml")
        return BankFiles(errors=[problem])
    return _from_yaml_files(paths)
