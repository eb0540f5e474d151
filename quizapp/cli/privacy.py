"""flask privacy commands: erasing personal data and abandoned uploads."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import AppGroup

from .. import clock
from ..extensions import db
from ..services import privacy
from .common import LocalTime

privacy_cli = AppGroup("privacy", help="Bảo vệ dữ liệu cá nhân.")
COMMANDS = [privacy_cli]


@privacy_cli.command("purge")
@click.option(
    "--before",
    "before",
    type=LocalTime(),
    required=True,
    help="Xóa dữ liệu của người đăng ký trước thời điểm này (dd/mm/yyyy HH:MM).",
)
@click.option("--yes", is_flag=True, help="Không hỏi lại.")
def privacy_purge(before, yes: bool) -> None:
    """Erase personal data of participants of finished, published contests."""
    count = len(privacy.purgeable(before))
    if not yes:
        click.confirm(f"Xóa dữ liệu cá nhân của {count} người dự thi?", abort=True)
    done = privacy.purge(before, clock.now())
    db.session.commit()
    click.echo(
        f"Đã xóa dữ liệu cá nhân của {done} người; kết quả đã công bố và thống kê giữ nguyên."
    )


@privacy_cli.command("purge-uploads")
@click.option("--hours", type=int, default=24, show_default=True)
def privacy_purge_uploads(hours: int) -> None:
    """Delete uploaded files left unconfirmed for more than HOURS (run daily)."""
    count = privacy.purge_uploads(clock.now() - timedelta(hours=hours))
    db.session.commit()
    click.echo(f"Đã xóa {count} tệp tải lên chưa xác nhận.")
