"""flask round / attempts commands: a round's creation, its lifecycle, overdue attempts."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from .. import clock
from ..domain.drawing import Quota
from ..domain.formatting import format_datetime
from ..domain.round_rules import PREDICTION_LABELS, RoundSettings
from ..extensions import db
from ..models import Contest, Round
from ..services import attempts, lifecycle, rounds
from ..services.errors import ServiceError
from .common import LocalTime, fail, round_or_fail

round_cli = AppGroup("round", help="Đợt thi.")
attempts_cli = AppGroup("attempts", help="Lượt thi.")
COMMANDS = [round_cli, attempts_cli]


def _quota(text: str) -> Quota:
    """TOPIC:DIFFICULTY:COUNT, with * for any topic or difficulty."""
    parts = text.split(":")
    if len(parts) != 3 or not parts[2].isdigit():
        raise click.BadParameter(f"«{text}»: cần dạng CHỦ_ĐỀ:MỨC_ĐỘ:SỐ_CÂU (dùng * cho bất kỳ)")
    topic, difficulty, count = parts
    return Quota(
        int(count), None if topic == "*" else topic, None if difficulty == "*" else difficulty
    )


@round_cli.command("create")
@click.option("--contest", "slug", required=True, help="Mã (slug) của cuộc thi.")
@click.option("--title", required=True)
@click.option("--opens", type=LocalTime(), required=True)
@click.option("--closes", type=LocalTime(), required=True)
@click.option("--questions", type=int, default=20, show_default=True)
@click.option("--time-limit", type=int, default=900, show_default=True, help="Giây.")
@click.option(
    "--attempts", "max_attempts", type=int, default=2, show_default=True, help="0 = không giới hạn."
)
@click.option("--quota", "quotas", multiple=True, help="CHỦ_ĐỀ:MỨC_ĐỘ:SỐ_CÂU, lặp lại được.")
@click.option("--prediction", type=click.Choice(list(PREDICTION_LABELS)), default=None)
@click.option("--grace", type=int, default=30, show_default=True, help="Giây.")
def round_create(
    slug: str,
    title: str,
    opens,
    closes,
    questions: int,
    time_limit: int,
    max_attempts: int,
    quotas: tuple[str, ...],
    prediction: str | None,
    grace: int,
) -> None:
    """Create a round (in draft) in a contest."""
    contest = db.session.scalar(db.select(Contest).where(Contest.slug == slug))
    if contest is None:
        fail([f"Không có cuộc thi «{slug}»."])
    settings = RoundSettings(
        title=title,
        opens_at=opens,
        closes_at=closes,
        question_count=questions,
        time_limit_seconds=time_limit,
        max_attempts=max_attempts or None,
        quotas=tuple(_quota(q) for q in quotas),
        prediction_kind=prediction,
        grace_seconds=grace,
    )
    try:
        rnd = rounds.create_round(None, contest, settings, now=clock.now())
    except ServiceError as exc:
        fail([f"Lỗi: {exc.message}"])
    db.session.commit()
    click.echo(f"Đã tạo đợt thi #{rnd.id} «{rnd.title}» (nháp).")


def _confirm(yes: bool, question: str) -> bool:
    """--yes, or the organiser answers the question (a change of state is never silent)."""
    return yes or click.confirm(question, default=False)


def _change(action, round_id: int, done: str) -> None:
    try:
        action(round_or_fail(round_id))
    except ServiceError as exc:
        fail([f"Lỗi: {exc.message}"])
    db.session.commit()
    click.echo(done)


@round_cli.command("open")
@click.argument("round_id", type=int)
@click.option("--yes", is_flag=True, help="Không hỏi xác nhận.")
def round_open(round_id: int, yes: bool) -> None:
    """Open a draft round (checks that the bank can satisfy its quotas)."""
    rnd = round_or_fail(round_id)
    confirmed = _confirm(
        yes,
        f"Mở đợt thi #{rnd.id} «{rnd.title}» ({format_datetime(rnd.opens_at)} → "
        f"{format_datetime(rnd.closes_at)})?",
    )
    _change(
        lambda r: lifecycle.open_round(None, r, clock.now(), confirmed=confirmed),
        round_id,
        f"Đã mở đợt thi #{round_id}.",
    )


@round_cli.command("close")
@click.argument("round_id", type=int)
@click.option("--reason", default="", help="Lý do (ghi nhật ký); bắt buộc khi đóng sớm.")
@click.option("--yes", is_flag=True, help="Không hỏi xác nhận.")
def round_close(round_id: int, reason: str, yes: bool) -> None:
    """Close an open round now (early if before its close time): attempts in progress are
    finished with the answers saved so far."""
    rnd = round_or_fail(round_id)
    busy = lifecycle.in_progress(rnd)
    confirmed = _confirm(
        yes, f"Đóng đợt thi #{rnd.id} «{rnd.title}»? {busy} lượt đang làm sẽ kết thúc ngay."
    )
    _change(
        lambda r: lifecycle.close_round(None, r, clock.now(), reason, confirmed=confirmed),
        round_id,
        f"Đã đóng đợt thi #{round_id}; {busy} lượt đang làm đã kết thúc.",
    )


@round_cli.command("reopen")
@click.argument("round_id", type=int)
@click.option("--closes", "closes_at", type=LocalTime(), required=True, help="dd/mm/yyyy HH:MM")
@click.option("--reason", required=True, help="Lý do mở lại (ghi nhật ký).")
@click.option("--yes", is_flag=True, help="Không hỏi xác nhận.")
def round_reopen(round_id: int, closes_at, reason: str, yes: bool) -> None:
    """Reopen a closed round (not yet under review) until a new close time."""
    rnd = round_or_fail(round_id)
    confirmed = _confirm(
        yes, f"Mở lại đợt thi #{rnd.id} «{rnd.title}» đến {format_datetime(closes_at)}?"
    )
    _change(
        lambda r: lifecycle.reopen_round(
            None, r, clock.now(), closes_at, reason, confirmed=confirmed
        ),
        round_id,
        f"Đã mở lại đợt thi #{round_id} đến {format_datetime(closes_at)}.",
    )


@round_cli.command("list")
def round_list() -> None:
    """List rounds with their status and window."""
    for rnd in db.session.scalars(db.select(Round).order_by(Round.id)):
        click.echo(
            f"#{rnd.id:<4} {rnd.status:<9} {format_datetime(rnd.opens_at)} → "
            f"{format_datetime(rnd.closes_at)}  {rnd.contest.slug}  {rnd.title}"
        )


@attempts_cli.command("finish-overdue")
def finish_overdue() -> None:
    """Finish every attempt whose time ran out, grading the answers saved so far."""
    total = 0
    closed = lifecycle.close_due_rounds(clock.now())
    db.session.commit()
    if closed:
        click.echo(f"Đã đóng {closed} đợt thi đến giờ đóng.")
    while count := attempts.finish_overdue(clock.now()):
        db.session.commit()
        total += count
    db.session.commit()
    click.echo(f"Đã kết thúc {total} lượt thi quá hạn.")
