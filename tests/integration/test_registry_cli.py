"""flask registry load: an idempotent upsert of a valid file; a broken file writes nothing."""

from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner

from quizapp.extensions import db
from quizapp.models import Organisation, Ward
from tests.conftest import SHIPPED_REGISTRY

REGISTRY_2023 = SHIPPED_REGISTRY.parent / "go-vap-2023.yaml"


def _counts(app: Flask) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(db.select(db.func.count(Ward.id))),
            db.session.scalar(db.select(db.func.count(Organisation.id))),
        )


def test_shipped_registry_loads_and_reloading_changes_nothing(
    app: Flask, runner: FlaskCliRunner
) -> None:
    first = runner.invoke(args=["registry", "load", str(SHIPPED_REGISTRY)])
    assert first.exit_code == 0, first.output
    assert "Phường: 6 thêm mới" in first.output
    wards, orgs = _counts(app)
    assert wards == 6 and orgs >= 10
    again = runner.invoke(args=["registry", "load", str(SHIPPED_REGISTRY)])
    assert "Phường: 0 thêm mới, 0 cập nhật, 6 không đổi." in again.output
    assert _counts(app) == (wards, orgs)
    with app.app_context():
        names = set(db.session.scalars(db.select(Ward.name)))
        assert all(o.is_sample for o in db.session.scalars(db.select(Organisation)))
    assert {
        "Phường Hạnh Thông",
        "Phường An Nhơn",
        "Phường Gò Vấp",
        "Phường Thông Tây Hội",
        "Phường An Hội Tây",
        "Phường An Hội Đông",
    } == names


def test_sixteen_wards_of_2023(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["registry", "load", str(REGISTRY_2023)])
    assert result.exit_code == 0, result.output
    assert _counts(app)[0] == 16


def test_changed_name_is_updated_in_place(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    runner.invoke(args=["registry", "load", str(SHIPPED_REGISTRY)])
    edited = tmp_path / "edited.yaml"
    edited.write_text(
        SHIPPED_REGISTRY.read_text(encoding="utf-8").replace(
            "Phường Gò Vấp", "Phường Gò Vấp (đã sửa)", 1
        ),
        encoding="utf-8",
    )
    result = runner.invoke(args=["registry", "load", str(edited)])
    assert "1 cập nhật" in result.output
    assert _counts(app)[0] == 6


def test_broken_file_reports_every_problem_with_lines_and_writes_nothing(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "title: Hỏng\n"
        "wards:\n"
        "  - code: a\n"
        "    name: Phường A\n"
        "  - code: a\n"
        "    name: Phường A lặp\n"
        "  - code: b\n"
        "organisations:\n"
        "  - code: o1\n"
        "    name: Đơn vị\n"
        "    kind: school\n"
        "    ward: khong-co\n"
        "    colour: red\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["registry", "load", str(broken)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    for line_number in (5, 7, 12, 13):
        assert any(line.startswith(f"{broken}:{line_number}: ") for line in lines), (
            line_number,
            result.output,
        )
    assert _counts(app) == (0, 0)
