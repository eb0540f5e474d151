"""flask bank validate / import / stats / export."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from .. import bank_sources, clock
from ..domain.bank import load_bank
from ..domain.bank_types import BankReport
from ..extensions import db
from ..services import bank as bank_service
from ..services import bank_queries
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
    db.session.commit()
    click.echo(f"Đã nhập: {plan.summary()}.")
    for external_id in plan.retired:
        click.echo(f"  ngừng sử dụng: {external_id}")


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
    from ..bank_xlsx import bank_to_xlsx  # openpyxl is loaded only when exporting

    questions, topics = bank_queries.current_specs()
    output.write_bytes(bank_to_xlsx(questions, topics))
    click.echo(f"Đã xuất {len(questions)} câu hỏi ra {output}.")
