"""flask contest / round / attempts commands, and the demo contest of `make run`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from flask.cli import AppGroup

from .. import clock
from ..domain.drawing import Quota
from ..domain.formatting import format_datetime, parse_local
from ..domain.round_rules import PREDICTION_LABELS, RoundSettings
from ..extensions import db
from ..models import Contest, Round
from ..services import attempts, lifecycle, rounds
from ..services.errors import ServiceError
from .common import fail

contest_cli = AppGroup("contest", help="Cuộc thi.")
publication_cli = AppGroup("publication", help="Kết quả đã công bố.")
privacy_cli = AppGroup("privacy", help="Bảo vệ dữ liệu cá nhân.")
round_cli = AppGroup("round", help="Đợt thi.")
attempts_cli = AppGroup("attempts", help="Lượt thi.")
COMMANDS = [contest_cli, round_cli, attempts_cli, publication_cli, privacy_cli]


class LocalTime(click.ParamType):
    name = "dd/mm/yyyy HH:MM"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        try:
            return parse_local(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def _quota(text: str) -> Quota:
    """TOPIC:DIFFICULTY:COUNT, with * for any topic or difficulty."""
    parts = text.split(":")
    if len(parts) != 3 or not parts[2].isdigit():
        raise click.BadParameter(f"«{text}»: cần dạng CHỦ_ĐỀ:MỨC_ĐỘ:SỐ_CÂU (dùng * cho bất kỳ)")
    topic, difficulty, count = parts
    return Quota(
        int(count), None if topic == "*" else topic, None if difficulty == "*" else difficulty
    )


@contest_cli.command("create")
@click.argument("slug")
@click.argument("title")
def contest_create(slug: str, title: str) -> None:
    """Create a contest with a short SLUG and a TITLE."""
    contest = rounds.create_contest(None, slug, title)
    db.session.commit()
    click.echo(f"Đã tạo cuộc thi #{contest.id} «{contest.title}».")


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


def _round(round_id: int) -> Round:
    try:
        return rounds.get_round(round_id)
    except ServiceError as exc:
        fail([exc.message])


def _confirm(yes: bool, question: str) -> bool:
    """--yes, or the organiser answers the question (a change of state is never silent)."""
    return yes or click.confirm(question, default=False)


def _change(action, round_id: int, done: str) -> None:
    try:
        action(_round(round_id))
    except ServiceError as exc:
        fail([f"Lỗi: {exc.message}"])
    db.session.commit()
    click.echo(done)


@round_cli.command("open")
@click.argument("round_id", type=int)
@click.option("--yes", is_flag=True, help="Không hỏi xác nhận.")
def round_open(round_id: int, yes: bool) -> None:
    """Open a draft round (checks that the bank can satisfy its quotas)."""
    rnd = _round(round_id)
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
    rnd = _round(round_id)
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
    rnd = _round(round_id)
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


@publication_cli.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("digest")
def publication_verify(path: Path, digest: str) -> None:
    """Check a downloaded ranking data FILE against a published SHA-256 DIGEST."""
    from ..domain.publication import digest as sha256

    actual = sha256(path.read_bytes())
    if actual != digest.strip().lower():
        fail([f"{path}: KHÔNG khớp. Mã của tệp: {actual}"])
    click.echo(f"{path}: khớp với mã đã công bố ({actual}).")


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
    from ..services import privacy

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
    from ..services import privacy

    count = privacy.purge_uploads(clock.now() - timedelta(hours=hours))
    db.session.commit()
    click.echo(f"Đã xóa {count} tệp tải lên chưa xác nhận.")


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
