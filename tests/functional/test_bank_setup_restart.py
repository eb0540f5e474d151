"""Restarting the site (`make setup` again) keeps what the console uploaded and edited."""

import io
from dataclasses import replace

from flask import Flask
from flask.testing import FlaskClient

from quizapp.domain.bank import load_bank
from quizapp.extensions import db
from quizapp.formats.bank_xlsx import bank_to_xlsx
from quizapp.models import Question
from tests.conftest import SHIPPED_BANK, csrf_from


def _shipped():
    from quizapp import bank_sources

    return load_bank(bank_sources.from_paths([SHIPPED_BANK]).files)


def _upload_and_confirm(client: FlaskClient, content: bytes) -> None:
    token = csrf_from(client, "/console/bank/upload")
    response = client.post(
        "/console/bank/upload",
        data={"csrf_token": token, "file": (io.BytesIO(content), "sua.xlsx")},
        content_type="multipart/form-data",
    )
    preview = response.headers["Location"]
    page = client.get(preview).get_data(as_text=True)
    assert "Xác nhận nhập" in page, page
    done = client.post(f"{preview}/confirm", data={"csrf_token": csrf_from(client, preview)})
    assert done.status_code == 302


def _state(app: Flask) -> dict[str, tuple[str, bool, str]]:
    with app.app_context():
        rows = db.session.scalars(db.select(Question)).all()
        return {
            q.external_id: (q.current_version.text, q.retired_at is None, q.origin) for q in rows
        }


def test_restart_after_console_upload_and_edit_keeps_them(
    app: Flask, client: FlaskClient, runner, login_staff
) -> None:
    first = runner.invoke(args=["bank", "setup", str(SHIPPED_BANK)])
    assert first.exit_code == 0 and "thêm mới" in first.output
    report = _shipped()
    specs = {spec.id: spec for spec in report.questions}
    edited = replace(specs["TDKT-0002"], text=specs["TDKT-0002"].text + " (bản sửa)")
    new = [replace(specs["TDKT-0003"], id=f"TDKT-900{i}", text=f"Câu mới {i}?") for i in (1, 2)]
    login_staff("organiser")
    _upload_and_confirm(client, bank_to_xlsx([edited, *new], report.topics))
    before = _state(app)
    assert before["TDKT-0002"] == (edited.text, True, "upload")

    again = runner.invoke(args=["bank", "setup", str(SHIPPED_BANK)])

    assert again.exit_code == 0, again.output
    assert "không nhập gì" in again.output and "ngừng sử dụng: TDKT" not in again.output
    assert "Giữ nguyên 3 câu" in again.output
    assert _state(app) == before
    assert before["TDKT-9001"][1] and before["TDKT-9002"][1]


def test_a_question_changed_on_both_sides_stops_setup_until_forced(
    app: Flask, client: FlaskClient, runner, login_staff, tmp_path
) -> None:
    runner.invoke(args=["bank", "setup", str(SHIPPED_BANK)])
    report = _shipped()
    spec = next(s for s in report.questions if s.id == "TDKT-0002")
    login_staff("organiser")
    _upload_and_confirm(client, bank_to_xlsx([replace(spec, text="Bản bảng điều khiển?")], []))
    repo = tmp_path / "question_bank"
    repo.mkdir()
    for path in SHIPPED_BANK.glob("*.yaml"):
        data = path.read_text(encoding="utf-8")
        (repo / path.name).write_text(data.replace(spec.text, "Bản trong kho?", 1), "utf-8")

    stopped = runner.invoke(args=["bank", "setup", str(repo)])

    assert stopped.exit_code == 0
    assert "khác nhau ở 1 câu" in stopped.output and "TDKT-0002" in stopped.output
    assert _state(app)["TDKT-0002"][0] == "Bản bảng điều khiển?"
    forced = runner.invoke(args=["bank", "setup", "--force", str(repo)])
    assert "1 thay đổi" in forced.output
    assert _state(app)["TDKT-0002"] == ("Bản trong kho?", True, "repository")


def test_setup_imports_a_repository_change_and_nothing_when_unchanged(
    app: Flask, runner, tmp_path
) -> None:
    runner.invoke(args=["bank", "setup", str(SHIPPED_BANK)])
    unchanged = runner.invoke(args=["bank", "setup", str(SHIPPED_BANK)])
    assert "không nhập gì" in unchanged.output
    repo = tmp_path / "question_bank"
    repo.mkdir()
    for path in SHIPPED_BANK.glob("*.yaml"):
        (repo / path.name).write_bytes(path.read_bytes())
    spec = next(s for s in _shipped().questions if s.id == "TDKT-0002")
    (repo / spec.where.split(":")[0].split("/")[-1]).write_text(
        (SHIPPED_BANK / spec.where.split(":")[0].split("/")[-1])
        .read_text("utf-8")
        .replace(spec.text, "Câu đã sửa trong kho?", 1),
        "utf-8",
    )
    result = runner.invoke(args=["bank", "setup", str(repo)])
    assert "1 thay đổi" in result.output, result.output
    assert _state(app)["TDKT-0002"][0] == "Câu đã sửa trong kho?"


def test_setup_stores_the_documents_register_and_its_changes(app: Flask, runner, tmp_path) -> None:
    """The register travels with the repository bank: setup stores it (without it no question
    has a basis in force and no round can open), and a change to it alone is imported."""
    from quizapp.services import bank_register

    runner.invoke(args=["bank", "setup", str(SHIPPED_BANK)])
    with app.app_context():
        stored = bank_register.load()
        assert set(stored.documents) >= {"luat-06-2022", "nd-152-2025"}
        assert stored.changes, "the reported 2026 amendment is in the law watch"
    repo = tmp_path / "question_bank"
    repo.mkdir()
    for path in SHIPPED_BANK.glob("*.yaml"):
        (repo / path.name).write_bytes(path.read_bytes())
    register = (repo / "documents.yaml").read_text("utf-8")
    edited = register.replace('title: "Luật Thi đua, khen thưởng"', 'title: "Luật TĐKT"', 1)
    assert edited != register
    (repo / "documents.yaml").write_text(edited, "utf-8")
    result = runner.invoke(args=["bank", "setup", str(repo)])
    assert "không nhập gì" not in result.output, result.output
    with app.app_context():
        titles = {k: d.title for k, d in bank_register.load().documents.items()}
    assert titles["luat-06-2022"] == "Luật TĐKT"
