"""Console: contests and rounds — create, edit within the rules, freeze the public board
(changes of state: views/console_lifecycle.py)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from ..auth import current_staff, staff_required
from ..clock import now
from ..domain.drawing import Quota
from ..domain.formatting import DIFFICULTY_LABELS, format_datetime, parse_local
from ..domain.lifecycle import RULES, STATUS_LABELS, Action, Status, allowed
from ..domain.round_rules import PrizeTier, RoundSettings, rules_text
from ..extensions import db
from ..forms_console import ReasonForm, RoundForm
from ..models import Contest
from ..services import bank_queries, board, round_queries, rounds
from ..services.errors import NotFound
from . import console_export_jobs
from .unit_of_work import FormProblem, Refused, act, perform

# Review starts on the review page; a correction is offered there as "publish".
MANAGED_ELSEWHERE = (Action.REVIEW, Action.CORRECT)

bp = Blueprint("console_rounds", __name__, url_prefix="/console/rounds")


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _quotas(text: str | None) -> tuple[Quota, ...]:
    quotas = []
    for line in _lines(text):
        parts = [p.strip() for p in line.split(":")]
        if len(parts) != 3 or not parts[2].isdigit():
            raise FormProblem(f"Dòng cơ cấu «{line}» phải có dạng CHỦ_ĐỀ:MỨC_ĐỘ:SỐ_CÂU.")
        topic, difficulty, count = parts
        level = DIFFICULTY_BY_LABEL.get(difficulty.casefold(), difficulty)
        quotas.append(Quota(int(count), None if topic == "*" else topic, level))
    return tuple(quotas)


# "dễ", "trung bình", "khó" (the labels the console shows), or the codes; "*" is any.
DIFFICULTY_BY_LABEL = {"*": None} | {
    label.casefold(): code for code, label in DIFFICULTY_LABELS.items()
}


def _prizes(text: str | None) -> tuple[PrizeTier, ...]:
    prizes = []
    for line in _lines(text):
        name, _, count = line.rpartition(":")
        if not name.strip() or not count.strip().isdigit():
            raise FormProblem(f"Dòng giải «{line}» phải có dạng TÊN GIẢI: SỐ LƯỢNG.")
        prizes.append(PrizeTier(name.strip(), int(count)))
    return tuple(prizes)


def _settings(form: RoundForm) -> RoundSettings:
    try:
        opens, closes = parse_local(form.opens_at.data), parse_local(form.closes_at.data)
    except ValueError as exc:
        raise FormProblem(f"Thời điểm không hợp lệ: {exc}") from exc
    return RoundSettings(
        title=form.title.data,
        opens_at=opens,
        closes_at=closes,
        question_count=form.question_count.data,
        time_limit_seconds=form.time_limit_seconds.data,
        max_attempts=form.max_attempts.data or None,
        quotas=_quotas(form.quotas.data),
        shuffle_questions=form.shuffle_questions.data,
        shuffle_choices=form.shuffle_choices.data,
        prediction_kind=form.prediction_kind.data or None,
        grace_seconds=form.grace_seconds.data,
        prizes=_prizes(form.prizes.data),
        ranking_policy=form.ranking_policy.data,
        show_score_after_submit={"1": True, "0": False}.get(form.show_score.data or ""),
        allow_public_keys=form.allow_public_keys.data,
    )


def _fill(form: RoundForm, rnd) -> None:
    s = rounds.settings_of(rnd)
    form.contest_title.data = rnd.contest.title
    form.title.data = s.title
    form.opens_at.data, form.closes_at.data = (
        format_datetime(s.opens_at),
        format_datetime(s.closes_at),
    )
    form.question_count.data, form.time_limit_seconds.data = (
        s.question_count,
        (s.time_limit_seconds),
    )
    form.max_attempts.data = s.max_attempts
    form.quotas.data = "\n".join(
        f"{q.topic or '*'}:{DIFFICULTY_LABELS.get(q.difficulty or '', '*').lower()}:{q.count}"
        for q in s.quotas
    )
    form.shuffle_questions.data, form.shuffle_choices.data = (
        s.shuffle_questions,
        s.shuffle_choices,
    )
    form.prediction_kind.data = s.prediction_kind or ""
    form.grace_seconds.data = s.grace_seconds
    form.prizes.data = "\n".join(f"{p.name}: {p.count}" for p in s.prizes)
    form.ranking_policy.data = s.ranking_policy
    form.show_score.data = "1" if s.shows_score_after_submit else "0"
    form.allow_public_keys.data = s.allow_public_keys


@bp.get("/")
@staff_required()
def index():
    return render_template("console/rounds/index.html", rows=round_queries.overview(), now=now())


def _contest(title: str) -> Contest:
    contest = db.session.scalar(db.select(Contest).where(Contest.title == title.strip()))
    return contest or rounds.create_contest(current_staff(), round_queries.new_slug(title), title)


@bp.route("/new", methods=["GET", "POST"])
@staff_required()
def new():
    form = RoundForm()
    if form.validate_on_submit():
        rnd = perform(
            lambda: rounds.create_round(
                current_staff(), _contest(form.contest_title.data), _settings(form), now()
            )
        )
        if isinstance(rnd, Refused):
            flash(rnd.message, "error")
        else:
            flash("Đã tạo đợt thi (nháp).", "success")
            return redirect(url_for("console_rounds.edit", round_id=rnd.id))
    return render_template(
        "console/rounds/edit.html", form=form, round=None, rules=None, topics=bank_queries.topics()
    )


def _round(round_id: int):
    try:
        return rounds.get_round(round_id)
    except NotFound:
        abort(404)


@bp.route("/<int:round_id>", methods=["GET", "POST"])
@staff_required()
def edit(round_id: int):
    rnd = _round(round_id)
    form = RoundForm()
    if form.validate_on_submit():
        updated = perform(
            lambda: rounds.update_round(
                current_staff(), rnd, _settings(form), now(), reason=form.reason.data or ""
            )
        )
        if isinstance(updated, Refused):
            flash(updated.message, "error")
            rnd = _round(round_id)
        else:
            flash("Đã lưu thay đổi.", "success")
            return redirect(url_for("console_rounds.edit", round_id=round_id))
    elif not form.is_submitted():
        _fill(form, rnd)
    return render_template(
        "console/rounds/edit.html",
        form=form,
        round=rnd,
        rules=rules_text(rounds.settings_of(rnd)),
        topics=bank_queries.topics(),
        action_form=ReasonForm(),
        stats=round_queries.participation(rnd.id),
        status_label=STATUS_LABELS[Status(rnd.status)],
        actions=[
            a for a in allowed(Status(rnd.status)) if a not in (Action.REVIEW, Action.CORRECT)
        ],
        transition_rules=RULES,
        now=now(),
        exports=console_export_jobs.round_panel(rnd),
    )


def _transition(round_id: int, change, message: str):
    rnd = _round(round_id)
    act(lambda: change(rnd), message)
    return redirect(url_for("console_rounds.edit", round_id=round_id))


@bp.post("/<int:round_id>/freeze")
@staff_required()
def freeze(round_id: int):
    return _transition(
        round_id,
        lambda rnd: board.freeze(current_staff(), rnd, now()),
        "Đã đóng băng bảng xếp hạng công khai.",
    )


@bp.post("/<int:round_id>/unfreeze")
@staff_required()
def unfreeze(round_id: int):
    reason = ReasonForm().reason.data or ""
    return _transition(
        round_id,
        lambda rnd: board.unfreeze(current_staff(), rnd, reason),
        "Bảng xếp hạng công khai đã cập nhật trở lại.",
    )
