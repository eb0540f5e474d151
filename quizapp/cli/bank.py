"""flask bank validate / check / import / impact / stats / export."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from .. import bank_sources, clock
from ..domain.bank import load_bank
from ..domain.bank_cues import cue_report
from ..domain.bank_types import BankReport, Problem
from ..domain.bank_watch import register_warnings
from ..domain.formatting import format_datetime, local_time
from ..extensions import db
from ..services import bank as bank_service
from ..services import bank_impact, bank_queries, bank_review, bank_setup
from ..services.errors import ServiceError
from .common import fail

bank_cli = AppGroup("bank", help="Ngân hàng câu hỏi.")
COMMANDS = [bank_cli]

paths_argument = click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path)
)


def _validated(paths: tuple[Path, ...]) -> tuple[bank_sources.BankFiles, BankReport]:
    """Read and validate; on any error print every problem and exit 1."""
    source = bank_sources.from_paths(list(paths))
    report = load_bank(source.files) if not source.errors else BankReport(errors=source.errors)
    for warning in report.warnings:
        click.echo(f"cảnh báo: {source.show(warning)}", err=True)
    if not report.ok:
        lines = [source.show(problem) for problem in report.errors]
        fail([*lines, f"{len(report.errors)} lỗi: ngân hàng không hợp lệ, không nhập gì."])
    return source, report


@bank_cli.command("validate")
@paths_argument
def validate(paths: tuple[Path, ...]) -> None:
    """Validate a bank (a folder, a zip, or YAML files); exit 0 only when it is valid."""
    _, report = _validated(paths)
    click.echo(f"Hợp lệ: {len(report.questions)} câu hỏi, {len(report.topics)} chủ đề.")


def _place(problem: Problem) -> tuple[str, int]:
    """ "01.yaml:12" sorts by file, then by line as a number."""
    name, _, line = problem.where.rpartition(":")
    return (name, int(line)) if line.isdigit() else (problem.where, 0)


@bank_cli.command("check")
@paths_argument
@click.option("--strict", is_flag=True, help="Thoát 1 khi có cảnh báo hoặc chỉ số vượt ngưỡng.")
def check(paths: tuple[Path, ...], strict: bool) -> None:
    """Validate a bank and report the cues that give answers away (warnings, exit 0)."""
    source, report = _validated(paths)
    cues = cue_report(report.questions)
    today = local_time(clock.now()).date()
    law_lines, law_warnings = register_warnings(report.questions, report.documents, today)
    for warning in sorted(cues.warnings + law_warnings, key=_place):
        click.echo(f"cảnh báo: {source.show(warning)}")
    click.echo(f"Hợp lệ: {len(report.questions)} câu hỏi, {len(report.topics)} chủ đề.")
    for line in cues.summary() + law_lines:
        click.echo(line)
    count = len(report.warnings) + len(cues.warnings) + len(law_warnings)
    click.echo(f"{count} cảnh báo (không chặn việc nhập).")
    over = not (cues.ranks_ok and cues.wording_ok)
    if strict and (report.warnings or cues.warnings or law_warnings or over):
        fail(["--strict: có cảnh báo hoặc chỉ số vượt ngưỡng."])


@bank_cli.command("impact")
@click.argument("citation")
@click.option("--retired", is_flag=True, help="Kể cả câu đã ngừng sử dụng.")
def impact(citation: str, retired: bool) -> None:
    """Questions whose citation touches an article («Điều 24») or a document, and their rounds."""
    try:
        found = bank_impact.impact(citation, include_retired=retired)
    except ServiceError as exc:
        fail([exc.message])
    click.echo(
        f"{len(found.questions)} câu hỏi có căn cứ liên quan tới «{found.text}» "
        f"({found.query.describe()}); "
        f"{found.in_open_rounds} câu đã được rút trong đợt thi đang mở."
    )
    for q in found.questions:
        retired_note = " (ngừng sử dụng)" if q.retired else ""
        click.echo(f"{q.external_id} v{q.version}{retired_note} [{q.topic}] {q.source}: {q.text}")
        for use in q.rounds:
            versions = ", ".join(f"v{n}" for n in use.versions)
            click.echo(
                f"    đợt #{use.round_id} «{use.title}» ({use.contest}) — {use.status_label}: "
                f"{use.attempts} lượt thi đã rút ({versions})"
            )
        if not q.rounds:
            click.echo("    chưa đợt thi nào rút câu này")
    if found.questions:
        click.echo(
            "Thay câu: sửa trong tệp YAML, giữ nguyên mã, rồi nạp lại (tạo phiên bản mới); "
            "ngừng dùng: bỏ câu khỏi ngân hàng rồi nạp cả thư mục. Lượt thi đã bắt đầu giữ "
            "nguyên phiên bản đã rút."
        )


@bank_cli.command("import")
@paths_argument
def import_(paths: tuple[Path, ...]) -> None:
    """Import a bank in one transaction: added / changed (new version) / unchanged / retired."""
    _, report = _validated(paths)
    with click.progressbar(length=len(report.questions), label="Đang nhập") as bar:
        plan = bank_service.apply_import(
            report,
            actor=None,
            now=clock.now(),
            origin=" ".join(map(str, paths)),
            progress=bar.update,
        )
    bank_setup.record_repository(report, plan.retired)
    db.session.commit()
    click.echo(f"Đã nhập: {plan.summary()}.")
    for external_id in plan.retired:
        click.echo(f"  ngừng sử dụng: {external_id}")


def _ids(external_ids: list[str], limit: int = 12) -> str:
    shown = ", ".join(external_ids[:limit])
    return shown + (f" … (+{len(external_ids) - limit})" if len(external_ids) > limit else "")


@bank_cli.command("setup")
@paths_argument
@click.option("--force", is_flag=True, help="Lấy bản trong kho cả cho câu đã sửa ở hai nơi.")
def setup(paths: tuple[Path, ...], force: bool) -> None:
    """The bank step of `make setup`: import only what the repository changed.

    Questions uploaded or corrected in the console are never retired or reverted; a question
    changed both in the repository and in the console stops the step (nothing is written)
    unless --force.
    """
    _, report = _validated(paths)
    source = "make setup: " + " ".join(map(str, paths))
    result = bank_setup.setup(report, clock.now(), source, force=force)
    decision = result.decision
    if decision.conflicts:
        db.session.rollback()
        click.echo(
            f"Ngân hàng trong kho và ngân hàng đang dùng khác nhau ở {len(decision.conflicts)} "
            f"câu đã sửa ở cả hai nơi: {_ids(decision.conflicts)}. Không đổi gì. "
            "Giữ bản trong bảng điều khiển: sửa tệp YAML cho khớp (hoặc xuất ngân hàng ra "
            f"Excel); lấy bản trong kho: flask bank setup --force {' '.join(map(str, paths))}"
            " (hoặc make setup BANK_FORCE=1).",
            err=True,
        )
        return
    db.session.commit()
    d = decision
    if result.written:
        click.echo(
            f"Đã nhập ngân hàng trong kho: {len(d.add)} thêm mới, {len(d.update)} thay đổi, "
            f"{len(d.retire)} ngừng sử dụng."
        )
    else:
        click.echo("Ngân hàng trong kho không đổi từ lần nhập trước: không nhập gì.")
    if d.kept:
        click.echo(
            f"Giữ nguyên {len(d.kept)} câu tải lên hoặc sửa trong bảng điều khiển: {_ids(d.kept)}."
        )


@bank_cli.command("stats")
def stats() -> None:
    """Counts of the questions in use, by topic, difficulty and correct letter."""
    numbers = bank_queries.stats()
    click.echo(f"Tổng số câu hỏi đang dùng: {numbers['total']}")
    for title, key in (
        ("Chủ đề", "by_topic"),
        ("Mức độ", "by_difficulty"),
        ("Đáp án đúng", "by_answer"),
    ):
        click.echo(f"{title}:")
        for name, count in numbers[key].items():
            share = 100 * count / numbers["total"] if numbers["total"] else 0
            click.echo(f"  {name:<28} {count:>5}  ({share:.0f} %)")


@bank_cli.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export(output: Path) -> None:
    """Write the questions in use to an XLSX workbook (re-importable)."""
    from ..formats.bank_xlsx import bank_to_xlsx  # openpyxl is loaded only when exporting

    questions, topics = bank_queries.current_specs()
    output.write_bytes(bank_to_xlsx(questions, topics))
    click.echo(f"Đã xuất {len(questions)} câu hỏi ra {output}.")


review_cli = AppGroup("review", help="Câu cần rà soát khi luật thay đổi.")
bank_cli.add_command(review_cli)
reason_option = click.option("--reason", required=True, help="Lý do (ghi vào nhật ký).")


@review_cli.command("list")
def review_list() -> None:
    """Questions under review («cần rà soát»): not drawn by new rounds until settled."""
    items = bank_review.under_review()
    click.echo(f"{len(items)} câu cần rà soát (đợt thi mới không rút các câu này).")
    for item in items:
        since = format_datetime(item.since)
        click.echo(f"{item.external_id} v{item.version} [{item.topic}] {item.source}: {item.text}")
        click.echo(f"    từ {since}: {item.change}")


def _settled(action: str, external_id: str, reason: str) -> None:
    try:
        if action == "confirm":
            bank_review.confirm(None, external_id, reason)
        else:
            bank_review.retire(None, external_id, reason, clock.now())
    except ServiceError as exc:
        fail([f"{external_id}: {exc.message}"])
    db.session.commit()


@review_cli.command("confirm")
@click.argument("external_id")
@reason_option
def review_confirm(external_id: str, reason: str) -> None:
    """The question still holds: new rounds may draw it again."""
    _settled("confirm", external_id, reason)
    click.echo(f"Đã xác nhận {external_id}: đợt thi mới lại được rút câu này.")


@review_cli.command("retire")
@click.argument("external_id")
@reason_option
def review_retire(external_id: str, reason: str) -> None:
    """The question no longer holds: retired (remove it from the bank files as well)."""
    _settled("retire", external_id, reason)
    click.echo(
        f"Đã ngừng sử dụng {external_id}. Hãy bỏ câu khỏi tệp ngân hàng, nếu không lần nạp "
        "cả thư mục sau sẽ dùng lại câu."
    )
