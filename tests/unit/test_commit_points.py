"""One commit per request, at agreed points: the web's unit of work, CLI commands; services,
rules, models and formats only flush (STYLE.md, rule 1)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "quizapp"
# Where a commit may happen: the web request's unit of work and the CLI's commands (each a
# whole command, run by an operator or a timer).
COMMIT_POINTS = {Path("views/unit_of_work.py")} | {
    p.relative_to(PACKAGE) for p in (PACKAGE / "cli").glob("*.py")
}


def _commits(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit"
    ]


def test_commit_is_called_only_at_the_agreed_points() -> None:
    found = {
        f"{path.relative_to(PACKAGE)}:{line}"
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE) not in COMMIT_POINTS
        for line in _commits(path)
    }
    assert found == set(), "commit() outside the unit of work and the CLI"


def test_the_unit_of_work_does_commit() -> None:
    assert _commits(PACKAGE / "views" / "unit_of_work.py"), "the checker reads what it should"
