"""flask results export: the organiser's files for the award ceremony, in full."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .. import clock
from ..domain.results import DRAFT_SLUG, Stamp
from ..extensions import db
from ..models import Round
from ..services.errors import ServiceError
from ..services.exports import Options, export_round
from ..services.links import verification_url
from .common import fail, round_or_fail

results_cli = AppGroup("results", help="Kết quả đợt thi.")
COMMANDS = [results_cli]


def _verify_url(rnd: Round, base_url: str | None) -> str:
    base = base_url or current_app.config.get("PUBLIC_BASE_URL") or ""
    if not base:
        fail(
            [
                "Giấy chứng nhận cần địa chỉ công khai của trang (--base-url https://…, hoặc "
                "biến môi trường QUIZAPP_PUBLIC_BASE_URL) để mã QR mở được trang kiểm tra."
            ]
        )
    try:
        return verification_url(rnd, base)
    except ValueError:
        fail([f"«{base}» không phải địa chỉ đầy đủ (cần dạng https://ten-mien/)."])


@results_cli.command("export")
@click.option("--round", "round_id", type=int, required=True, help="Số hiệu đợt thi.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "csv", "pdf"]),
    required=True,
    help="xlsx: bảng tính đầy đủ; csv: bảng xếp hạng; pdf: danh sách trao giải.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--certificates", is_flag=True, help="Với --format pdf: in giấy chứng nhận.")
@click.option("--base-url", default=None, help="Địa chỉ công khai của trang, cho mã QR.")
def export(round_id: int, fmt: str, output: Path, certificates: bool, base_url: str | None) -> None:
    """Write a round's results (personal data in full) to a file; the export is audited."""
    if certificates and fmt != "pdf":
        fail(["--certificates chỉ dùng với --format pdf."])
    key = {"pdf": "certificates" if certificates else "ceremony"}.get(fmt, fmt)
    rnd = round_or_fail(round_id)
    options = Options(
        organiser=current_app.config["ORGANISER_NAME"],
        now=clock.now(),
        verify_url=_verify_url(rnd, base_url) if key == "certificates" else "",
    )
    partial = output.with_name(output.name + ".part")
    # Written beside the target and renamed once complete: never a half-written file. Personal
    # data: readable by the organiser's account only.
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)
    try:
        with partial.open("wb") as out:
            _, name = export_round(None, rnd, key, out, options)
        db.session.commit()
    except ServiceError as exc:
        partial.unlink(missing_ok=True)
        fail([f"Lỗi: {exc.message}"])
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if DRAFT_SLUG in name and DRAFT_SLUG not in output.name:
        output = output.with_name(Stamp().filename(output.name))  # a draft's name says so
    partial.replace(output)
    draft = " — BẢN NHÁP, CHƯA CÔNG BỐ" if DRAFT_SLUG in name else ""
    click.echo(f"Đã xuất đợt thi #{rnd.id} ({key}) ra {output}{draft}.")
