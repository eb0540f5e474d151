"""flask demo commands: the demo contest, organiser and practice set of a new machine."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta

import click
from flask.cli import AppGroup

from .. import clock
from ..domain.round_rules import RoundSettings
from ..extensions import db
from ..models import Contest, Round
from ..services import lifecycle, rounds
from ..services import staff as staff_service
from ..services.errors import ServiceError
from ..services.practice import DEMO_PER_TOPIC, mark_demo_practice
from .common import fail

demo_cli = AppGroup("demo", help="Dữ liệu mẫu cho máy mới.")
COMMANDS = [demo_cli]

DEMO_PASSWORD_ENV = "QUIZAPP_DEMO_PASSWORD"


def ensure_demo_contest() -> Round | None:
    """A demo contest with one round open now for two weeks (created once)."""
    if db.session.scalar(db.select(Contest).where(Contest.slug == "demo")) is not None:
        return None
    now = clock.now()
    contest = rounds.create_contest(
        None, "demo", "Cuộc thi tìm hiểu Luật Thi đua, khen thưởng (mẫu)"
    )
    settings = RoundSettings(
        title="Đợt 1 (mẫu)",
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=14),
        question_count=20,
        time_limit_seconds=900,
        max_attempts=2,
        prediction_kind="participants",
    )
    rnd = rounds.create_round(None, contest, settings, now=now)
    lifecycle.open_round(None, rnd, now, confirmed=True)  # the demo round, opened by make run
    return rnd


@demo_cli.command("contest")
def demo_contest() -> None:
    """Create the demo contest with a round open now (once), so a newcomer can take it."""
    try:
        rnd = ensure_demo_contest()
    except ServiceError as exc:
        fail([f"Lỗi: {exc.message} (hãy nhập ngân hàng câu hỏi trước)"])
    db.session.commit()
    if rnd is None:
        click.echo("Cuộc thi mẫu đã có sẵn.")
    else:
        click.echo(f"Đã tạo cuộc thi mẫu với đợt thi #{rnd.id} đang mở.")


@demo_cli.command("practice")
def demo_practice() -> None:
    """Mark a few questions of each topic for practice (once), so /luyen-tap has questions."""
    try:
        marked = mark_demo_practice(clock.now())
    except ServiceError as exc:
        fail([f"Lỗi: {exc.message}"])
    db.session.commit()
    if marked:
        click.echo(f"Đã chọn {len(marked)} câu luyện tập mẫu ({DEMO_PER_TOPIC} câu mỗi chủ đề).")
    else:
        click.echo("Đã có câu hỏi luyện tập (hoặc chưa có ngân hàng câu hỏi): không đổi gì.")


@demo_cli.command("staff")
def demo_staff() -> None:
    """Create the demo organiser `demo` once, printing its password the one time it is made."""
    if staff_service.find_staff("demo") is not None:
        click.echo("Tài khoản ban tổ chức mẫu “demo” đã có sẵn.")
        return
    password = os.environ.get(DEMO_PASSWORD_ENV) or secrets.token_urlsafe(12)
    staff_service.create_staff("demo", password, "organiser", "Ban tổ chức (mẫu)")
    db.session.commit()
    click.echo("Đã tạo tài khoản ban tổ chức mẫu.")
    click.echo(f"  Tên đăng nhập: demo   Mật khẩu: {password}")
    click.echo("  (Mật khẩu chỉ hiện một lần; hãy ghi lại.)")
